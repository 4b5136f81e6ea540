"""R28: from any record of a deal one page walks the whole chain, lead -> opportunity ->
agreement / quote versions -> contracts -> order -> domain orders -> tasks -> inventory ->
configuration items, both ways, in a fixed number of queries, showing only what the user may
see (R29)."""

from django.urls import reverse

from cmdb.models import ConfigurationItem, ProductInventory, ServiceInventory
from contracts import services as contract_services
from contracts.models import ServiceContract
from fulfillment.models import Task
from orders.models import DomainOrder, Order
from tests.factories import LeadFactory

from .conftest import finish, task_of, work_through


def _deliver(order, agent):
    """Work the order to closure: its products, services and items are live (R25)."""
    finish(task_of(order, "order-circuit"), agent, {"circuit_id": "DE-HH-0042"})
    work_through(order, agent)
    assert Order.objects.get(pk=order.pk).state == "completed"


def _lead_of(order, users):
    """A converted lead of the order's opportunity (the fixtures start at the opportunity)."""
    return LeadFactory(
        owner=users["rep"],
        team=users["team_a"],
        state="converted",
        opportunity=order.quote.opportunity,
    )


def _url(kind, pk):
    return reverse("fulfillment:trace", args=[kind, pk])


def _numbers(response) -> dict[str, set[str]]:
    return {
        level.kind.key: {node.number for node in level.nodes}
        for level in response.context["trace"].levels
    }


def _start(response) -> list[str]:
    return [
        node.number
        for level in response.context["trace"].levels
        for node in level.nodes
        if node.start
    ]


def _whole_chain(order, lead) -> dict[str, set[str]]:
    """What the chain holds, read straight from the database."""
    contract = order.sales_contract
    products = ProductInventory.objects.filter(order_line__order=order)
    services = ServiceInventory.objects.filter(product__in=products)
    return {
        "lead": {lead.number},
        "opportunity": {order.quote.opportunity.number},
        "agreement": set(),
        "quote": {str(order.quote)},
        "salescontract": {contract.number},
        "servicecontract": set(contract.service_contracts.values_list("number", flat=True)),
        "order": {order.number},
        "domainorder": set(order.domain_orders.values_list("number", flat=True)),
        "task": set(
            Task.objects.filter(sub_flow__domain_order__order=order).values_list(
                "number", flat=True
            )
        ),
        "product": set(products.values_list("number", flat=True)),
        "service": set(services.values_list("number", flat=True)),
        "item": set(
            ConfigurationItem.objects.filter(product__in=products).values_list("number", flat=True)
        ),
    }


def test_r28_trace_from_a_ci_reaches_the_lead(login, users, started):
    _deliver(started, users["agent"])
    lead = _lead_of(started, users)
    circuit = ConfigurationItem.objects.get(kind="circuit", identifier="DE-HH-0042")
    response = login(users["rep"]).get(_url("item", circuit.pk))
    assert response.status_code == 200
    found = _numbers(response)
    whole = _whole_chain(started, lead)
    # The rep sees the whole chain up to the lead, except the fulfillment tasks (not their
    # part of the work: the level says so instead).
    assert {k: v for k, v in found.items() if k != "task"} == {
        k: v for k, v in whole.items() if k != "task"
    }
    assert found["task"] == set()
    assert _start(response) == [circuit.number]
    page = response.content.decode()
    assert page.count('data-start="1"') == 1
    assert f'href="{lead.get_absolute_url()}"' in page
    assert f'href="{started.get_absolute_url()}"' in page
    assert "Not shown to your role." in page
    assert "No sales agreement prices this deal." in page


def test_r28_trace_from_the_lead_reaches_the_cis(login, users, started):
    contract_services.service_contracts_create(
        actor=users["contracts"], contract_id=started.sales_contract_id
    )
    _deliver(started, users["agent"])
    lead = _lead_of(started, users)
    whole = _whole_chain(started, lead)
    assert all(whole[k] for k in whole if k != "agreement")  # a chain with every level
    response = login(users["admin"]).get(_url("lead", lead.pk))
    assert _numbers(response) == whole
    assert _start(response) == [lead.number]
    # Each node carries its state and a link; a task links to its order's work.
    levels = {level.kind.key: level for level in response.context["trace"].levels}
    item = levels["item"].nodes[0]
    assert item.state == "Operational" and item.badge
    task = levels["task"].nodes[0]
    assert task.state == "Completed"
    assert task.url == started.get_absolute_url() + "#fulfillment"
    assert levels["product"].nodes[0].state == "Active"


def test_r28_trace_from_the_middle_walks_both_ways(login, users, started):
    contract_services.service_contracts_create(
        actor=users["contracts"], contract_id=started.sales_contract_id
    )
    work_through(started, users["agent"])
    whole = _whole_chain(started, _lead_of(started, users))
    client = login(users["admin"])
    for kind, record in [
        ("opportunity", started.quote.opportunity),
        ("quote", started.quote),
        ("salescontract", started.sales_contract),
        (
            "servicecontract",
            ServiceContract.objects.filter(sales_contract=started.sales_contract).last(),
        ),
        ("order", started),
        ("domainorder", DomainOrder.objects.filter(order=started).last()),
        ("task", Task.objects.filter(sub_flow__domain_order__order=started).last()),
        ("product", ProductInventory.objects.filter(order_line__order=started).last()),
        ("service", ServiceInventory.objects.filter(product__order_line__order=started).last()),
    ]:
        response = client.get(_url(kind, record.pk))
        assert _numbers(response) == whole, kind
        assert _start(response) == [record.number if kind != "quote" else str(record)], kind


def test_r28_trace_query_count_is_pinned(login, users, started, django_assert_num_queries):
    lead = _lead_of(started, users)
    client = login(users["admin"])
    url = _url("lead", lead.pk)
    # Work started: tasks waiting, no services or items yet.
    assert not ServiceInventory.objects.exists()
    # 1 session, 2 user, 3 the lead, 4 the chain's quote numbers and opportunities (up),
    # then one per level down: 5 leads, 6 opportunities, 7 agreements, 8 quote versions,
    # 9 sales contracts, 10 service contracts, 11 orders, 12 domain orders, 13 tasks,
    # 14 products, 15 services, 16 items, 17 the roles the page header names. (An
    # administrator has every permission without a query.)
    with django_assert_num_queries(17):
        client.get(url)
    # Service contracts made, the order closed and activated: every task done, services and
    # items built. More rows on every level below the quote, the same queries.
    contract_services.service_contracts_create(
        actor=users["contracts"], contract_id=started.sales_contract_id
    )
    _deliver(started, users["agent"])
    assert ConfigurationItem.objects.count() > 4
    with django_assert_num_queries(17):
        response = client.get(url)
    found = _numbers(response)
    assert len(found["servicecontract"]) == 2 and len(found["service"]) == 4
    assert len(found["item"]) == ConfigurationItem.objects.filter(account__isnull=False).count()


def test_r28_trace_query_count_for_a_sales_rep(login, users, started, django_assert_num_queries):
    _deliver(started, users["agent"])
    lead = _lead_of(started, users)
    client = login(users["rep"])
    # 1 session, 2 user, 3-4 permissions, 5 roles, 6 the lead, 7 the chain's roots, 8-18 the
    # levels the rep sees (visibility is a subquery of each), tasks are not read at all.
    with django_assert_num_queries(18):
        client.get(_url("lead", lead.pk))


def test_r28_trace_outside_the_users_view(login, users, started):
    lead = _lead_of(started, users)
    product = ProductInventory.objects.filter(order_line__order=started).first()
    for kind, pk in [
        ("lead", lead.pk),
        ("order", started.pk),
        ("product", product.pk),
        ("quote", started.quote_id),
    ]:
        # Another team's rep may read these kinds of record, but not this customer's: 404.
        assert login(users["other_rep"]).get(_url(kind, pk)).status_code == 404, kind
        # Somebody without a role may not read them at all: 403, before any record is read
        # (login, then role, then the record: the order every view answers in, R29).
        assert login(users["outsider"]).get(_url(kind, pk)).status_code == 403, kind
    # A role that does not work leads may still trace from the order.
    assert login(users["orders"]).get(_url("lead", lead.pk)).status_code == 403
    assert login(users["orders"]).get(_url("order", started.pk)).status_code == 200


def test_r28_trace_of_an_unknown_kind_or_record_is_404(login, users):
    client = login(users["admin"])
    assert client.get(_url("invoice", 1)).status_code == 404
    assert client.get(_url("order", 999999)).status_code == 404
    assert login(users["outsider"]).get(_url("invoice", 1)).status_code == 404


def test_r28_trace_of_a_new_lead_shows_the_empty_levels(login, users):
    lead = LeadFactory(owner=users["rep"], team=users["team_a"])
    response = login(users["rep"]).get(_url("lead", lead.pk))
    assert _start(response) == [lead.number]
    page = response.content.decode()
    assert "No opportunity." in page and "No contract yet." in page
    assert "No configuration items yet" in page
