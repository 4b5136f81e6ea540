"""The configuration item list and the product inventory list: every record the user may
see across customers, with filters, paged, at a flat query count (R29)."""

from datetime import date

import pytest
from django.urls import reverse

from cmdb.models import ConfigurationItem, ProductInventory, ResourceAllocation
from tests.cmdb.conftest import make_product


def numbers(response, model_key="object_list"):
    return {obj.number for obj in response.context[model_key]}


def test_item_list_shows_what_the_user_may_see_with_each_filter(login, users, items):
    url = reverse("cmdb:item_list")
    rep = login(users["rep"])
    page = rep.get(url)
    assert numbers(page) == {items["hq"].number, items["metro"].number}
    cases = {
        "kind=voice_trunk": {items["metro"].number},
        "operational_status=down": set(),
        "operational_status=operational": {items["hq"].number, items["metro"].number},
        "customer=Nordwind": {items["hq"].number, items["metro"].number},
        "site=metro": {items["metro"].number},
        "circuit_id=hh-0001": {items["hq"].number},
        "serial=hh-0001": set(),  # a circuit id is not a device serial
    }
    for query, expected in cases.items():
        assert numbers(rep.get(f"{url}?{query}")) == expected, query
    ops = login(users["ops"])
    assert items["pop"].number in numbers(ops.get(url))
    assert numbers(ops.get(f"{url}?customer=Südlicht")) == {items["other"].number}
    assert numbers(login(users["other_rep"]).get(url)) == {items["other"].number}


def test_item_list_finds_a_device_by_serial(login, users, items, rep_account, world):
    from tests.cmdb.conftest import make_item

    cpe = make_item(
        rep_account, site=world["HQ"], kind="cpe", name="Router HQ", identifier="FGT60F-SN123"
    )
    response = login(users["rep"]).get(reverse("cmdb:item_list") + "?serial=sn123")
    assert numbers(response) == {cpe.number}
    assert "Router HQ" in response.content.decode() and "CPE device" in response.content.decode()


def test_product_list_filters_by_status_offering_customer_site_and_circuit(
    login, users, items, contract
):
    url = reverse("cmdb:product_list")
    hq, metro = items["hq"].product, items["metro"].product
    ResourceAllocation.objects.create(
        kind="circuit_id", value="DE-HAM-77", product=metro, holder="test"
    )
    rep = login(users["rep"])
    assert numbers(rep.get(url)) == {hq.number, metro.number}
    cases = {
        "status=created": {hq.number, metro.number},
        "status=active": set(),
        f"offering={hq.offering.name[:6]}": {
            p.number for p in (hq, metro) if hq.offering.name[:6] in p.offering.name
        },
        "customer=nordwind": {hq.number, metro.number},
        "site=HQ": {hq.number},
        "circuit_id=ham-77": {metro.number},  # a held circuit id
        "circuit_id=CIR-HH": {hq.number},  # the identifier of its circuit item
    }
    for query, expected in cases.items():
        assert numbers(rep.get(f"{url}?{query}")) == expected, query
    page = rep.get(url).content.decode()
    assert "DE-HAM-77" in page and "Created (pending)" in page
    assert numbers(login(users["other_rep"]).get(url)) == set()


def test_lists_are_in_the_nav_of_the_roles_that_see_the_cmdb(login, users):
    for who in ("rep", "ops", "agent"):
        page = login(users[who]).get(reverse("home")).content.decode()
        assert reverse("cmdb:item_list") in page and reverse("cmdb:product_list") in page, who
    page = login(users["outsider"]).get(reverse("home")).content.decode()
    assert reverse("cmdb:item_list") not in page


# session, user, user and group permissions (2), role names, the pager's count, the page of
# rows (customer, site and location joined; a product's circuit id is a subquery).
QUERIES_ITEM_LIST = 7
QUERIES_PRODUCT_LIST = 7


def second_visit(client, url_name: str, queries: int, django_assert_num_queries):
    """The list page opened twice (the first visit fills the caches); the second makes
    ``queries`` queries."""
    url = reverse(url_name)
    client.get(url)
    with django_assert_num_queries(queries):
        return client.get(url)


@pytest.mark.parametrize("extra", [3, 250])
def test_item_list_query_count_is_flat(
    login, users, items, rep_account, world, extra, django_assert_num_queries
):
    ConfigurationItem.objects.bulk_create(
        ConfigurationItem(
            number=f"CI-9{n:05d}",
            kind="cpe",
            name=f"Router {n}",
            identifier=f"SN{n}",
            account=rep_account,
            site=world["Kiel"],
            location=world["Kiel"].locations.first(),
        )
        for n in range(extra)
    )
    response = second_visit(
        login(users["rep"]), "cmdb:item_list", QUERIES_ITEM_LIST, django_assert_num_queries
    )
    assert len(response.context["object_list"]) == min(50, extra + 2)


@pytest.mark.parametrize("extra", [3, 250])
def test_product_list_query_count_is_flat(
    login, users, items, contract, world, extra, django_assert_num_queries
):
    template = make_product(contract, world["HQ"])
    ProductInventory.objects.bulk_create(
        ProductInventory(
            number=f"PRD-9{n:05d}",
            account=template.account,
            site=template.site,
            location=template.location,
            offering=template.offering,
            sales_contract=contract,
            order_date=date.today(),
        )
        for n in range(extra)
    )
    response = second_visit(
        login(users["rep"]), "cmdb:product_list", QUERIES_PRODUCT_LIST, django_assert_num_queries
    )
    assert len(response.context["object_list"]) == min(50, extra + 3)
