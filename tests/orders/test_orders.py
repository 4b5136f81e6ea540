"""Orders from an active sales contract (R15) and their non-commercial details (R16)."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from orders import services
from orders.models import Order, OrderLine
from telcrm.fsm import DomainError
from tests.factories import BillingProfileFactory, ContactFactory

LATER = date.today() + timedelta(days=30)


def order_refused(users, contract, billing_profile, reason: str) -> None:
    """The rep's order of ``contract`` billed to ``billing_profile`` is refused, naming
    ``reason``."""
    with pytest.raises(DomainError, match=reason):
        services.order_create(
            actor=users["rep"],
            contract_id=contract.pk,
            billing_profile=billing_profile,
            requested_date=LATER,
        )


def test_r15_order_mirrors_the_contract_and_links_each_line(users, contract, billing):
    order = services.order_create(
        actor=users["rep"], contract_id=contract.pk, billing_profile=billing, requested_date=LATER
    )
    assert order.number.startswith("ORD-") and order.state == "acknowledged"
    assert (order.account, order.quote, order.sales_contract) == (
        contract.account,
        contract.quote,
        contract,
    )
    assert order.tmf_state == "acknowledged"
    contract_lines = {line.pk: line for line in contract.lines.all()}
    lines = list(order.lines.all())
    assert len(lines) == len(contract_lines) == 2
    for line in lines:
        source = contract_lines[line.contract_line_id]
        assert line.quote_line_id == source.quote_line_id
        for field in OrderLine.MIRRORED_FIELDS:
            assert getattr(line, field) == getattr(source, field), field
        assert line.site_contact.account_id == line.site_id  # a site contact is proposed
    order_refused(users, contract, billing, "already ordered")


def test_r15_billing_profile_is_mandatory_and_active(users, contract, billing, other_account):
    for profile, message in [
        (None, "billing profile: it is mandatory"),
        (BillingProfileFactory(account=other_account), "belongs to another customer"),
    ]:
        order_refused(users, contract, profile, message)

    from sales import services as sales_services

    sales_services.billing_profile_transition(
        actor=users["finance"], profile_id=billing.pk, name="deactivate"
    )
    billing.refresh_from_db()
    order_refused(users, contract, billing, "not active")
    assert not Order.objects.exists()


def test_r15_only_an_active_contract_is_ordered(users, contract, billing):
    from contracts import services as contract_services

    contract_services.contract_transition(
        actor=users["contracts"],
        contract_id=contract.pk,
        name="terminate",
        reason="Lost to a competitor",
    )
    order_refused(users, contract, billing, "orders are made from an active sales contract")


def test_create_order_page_names_bad_input_and_changes_nothing(login, users, contract, billing):
    client = login(users["rep"])
    url = reverse("orders:order_create", args=[contract.pk])
    response = client.post(
        url,
        {
            "billing_profile": billing.pk,
            "requested_date": (date.today() - timedelta(days=1)).isoformat(),
        },
    )
    assert "must be today or later" in response.content.decode()
    response = client.post(url, {"requested_date": LATER.isoformat()})
    assert "Choose the billing profile that pays for this order." in response.content.decode()
    assert not Order.objects.exists()
    response = client.post(
        url, {"billing_profile": billing.pk, "requested_date": LATER.isoformat()}, follow=True
    )
    order = Order.objects.get()
    assert response.redirect_chain[-1][0] == order.get_absolute_url()
    assert "Create order" not in client.get(contract.get_absolute_url()).content.decode()


def test_r16_non_commercial_details_change_on_the_order(login, users, contract, billing, world):
    order = services.order_create(
        actor=users["rep"], contract_id=contract.pk, billing_profile=billing, requested_date=LATER
    )
    client = login(users["orders"])
    new_date = LATER + timedelta(days=14)
    client.post(
        reverse("orders:order_update", args=[order.pk]),
        {
            "requested_date": new_date.isoformat(),
            "notes": "Call before arrival",
            "version": order.updated_at.isoformat(),
        },
    )
    order.refresh_from_db()
    assert (order.requested_date, order.notes) == (new_date, "Call before arrival")
    line = order.lines.get(site=world["HQ"])
    keeper = ContactFactory(account=world["HQ"], first_name="Gate", last_name="Keeper")
    stranger = ContactFactory(account=world["Metro"])
    url = reverse("orders:orderline_update", args=[order.pk, line.pk])
    response = client.post(url, {"site_contact": stranger.pk, "access_notes": "x"})
    assert "Select a valid choice" in response.content.decode()
    client.post(
        url,
        {
            "site_contact": keeper.pk,
            "access_notes": "Loading dock, gate 3",
            "technical_notes": "Rack 12, patch panel B",
            "quantity": line.quantity,
            "version": order.updated_at.isoformat(),
        },
    )
    line.refresh_from_db()
    assert (line.site_contact, line.access_notes) == (keeper, "Loading dock, gate 3")
    before = (line.quantity, line.net_recurring, line.offering_id)
    # Commercial fields: prices are not on the form; a new quantity is refused (R16).
    response = client.post(url, {"site_contact": keeper.pk, "quantity": 9, "net_recurring": "1.00"})
    assert "is commercial" in response.content.decode()
    line.refresh_from_db()
    assert (line.quantity, line.net_recurring, line.offering_id) == before


def test_order_cancel_needs_a_reason(users, contract, billing):
    order = services.order_create(
        actor=users["rep"], contract_id=contract.pk, billing_profile=billing, requested_date=LATER
    )
    with pytest.raises(DomainError, match="needs a reason"):
        services.order_transition(actor=users["orders"], order_id=order.pk, name="cancel")
    with pytest.raises(DomainError, match="not allowed"):
        services.order_transition(
            actor=users["rep"],
            order_id=order.pk,
            name="cancel",
            reason="Customer changed their mind",
        )
    order = services.order_transition(
        actor=users["orders"],
        order_id=order.pk,
        name="cancel",
        reason="Customer changed their mind",
    )
    assert order.state == "cancelled"
    with pytest.raises(DomainError, match="fixed"):
        order.requested_date = LATER + timedelta(days=1)
        services.order_details_save(actor=users["orders"], order=order)


def test_orders_are_visible_to_their_team_only(login, users, contract, billing):
    order = services.order_create(
        actor=users["rep"], contract_id=contract.pk, billing_profile=billing, requested_date=LATER
    )
    assert login(users["other_rep"]).get(order.get_absolute_url()).status_code == 404
    assert login(users["orders"]).get(order.get_absolute_url()).status_code == 200
    assert list(login(users["rep"]).get(reverse("orders:order_list")).context["object_list"]) == [
        order
    ]


def add_lines(order, count):
    """Copies of the order's first line (with their own contract and quote lines)."""
    template = order.lines.first()
    for _ in range(count):
        copy = OrderLine.objects.get(pk=template.pk)
        copy.pk = None
        copy.contract_line = template.contract_line.__class__.objects.create(
            contract=order.sales_contract,
            quote_line=template.quote_line.__class__.objects.create(
                quote=order.quote,
                site=template.site,
                location=template.location,
                offering=template.offering,
                feasibility="feasible",
            ),
            site=template.site,
            location=template.location,
            offering=template.offering,
            quantity=1,
            discount_percent=0,
        )
        copy.save()


@pytest.mark.parametrize(("lines", "queries"), [(5, 24), (50, 19)])
def test_order_page_query_count(
    login, users, contract, billing, django_assert_num_queries, lines, queries
):
    order = services.order_create(
        actor=users["rep"], contract_id=contract.pk, billing_profile=billing, requested_date=LATER
    )
    add_lines(order, lines - order.lines.count())
    client = login(users["orders"])
    # 1 session, 2 user, 3-4 permissions, 5 roles, 6 the order with account, owner, quote,
    # contract and billing profile, 7 lines with site, location, offering, contact, product,
    # 8 their offerings' specifications, 9 the catalog's relationships (decomposition
    # preview), 10-11 history of 2 models, 12-23 the records history rows name (order,
    # contract lines, quote lines, accounts, locations, offerings, contacts, contract, quote,
    # billing profile, users, teams), then the catalog's characteristics (names and value
    # labels of the configurations shown). With 50 lines the newest history rows (the history
    # panel shows a page of them) are all line copies, which name fewer kinds of record.
    with django_assert_num_queries(queries):
        client.get(order.get_absolute_url())


def test_r17_validation_names_every_check_and_gates_submission(
    login, users, contract, billing, world
):
    order = services.order_create(
        actor=users["rep"], contract_id=contract.pk, billing_profile=billing, requested_date=LATER
    )
    checks = services.order_validate(actor=users["rep"], order_id=order.pk)
    assert [c.name for c in checks] == [
        "Billing profile active",
        "Billing in the order's currency",
        "Every site has a location and a contact",
        "Feasibility still valid",
        "Offerings still sellable",
        "Prices match the contract",
    ]
    assert all(c.passed for c in checks)
    # Break each check in turn: every failure is named, and the order stays acknowledged.
    from sales import services as sales_services
    from sales.models import FeasibilityRule

    sales_services.billing_profile_transition(
        actor=users["finance"], profile_id=billing.pk, name="deactivate"
    )
    line = order.lines.get(site=world["Metro"])
    OrderLine.objects.filter(pk=line.pk).update(site_contact=None, net_recurring=1)
    line.site.contacts.all().delete()
    FeasibilityRule.objects.all().delete()  # no coverage anywhere any more
    hq_offering = order.lines.get(site=world["HQ"]).offering
    hq_offering.sellable_to = date.today() - timedelta(days=1)
    hq_offering.save()
    with pytest.raises(DomainError) as refused:
        services.order_submit(actor=users["rep"], order_id=order.pk)
    assert refused.value.errors == [
        "Billing profile active",
        "Every site has a location and a contact",
        "Feasibility still valid",
        "Offerings still sellable",
        "Prices match the contract",
    ]
    order.refresh_from_db()
    assert order.state == "acknowledged" and not order.validation_passed
    page = login(users["rep"]).get(order.get_absolute_url()).content.decode()
    assert "Metro has no contact." in page and "differs from its contract line" in page


def test_r17_submit_after_passing_validation(login, users, contract, billing):
    order = services.order_create(
        actor=users["rep"], contract_id=contract.pk, billing_profile=billing, requested_date=LATER
    )
    client = login(users["rep"])
    page = client.get(order.get_absolute_url()).content.decode()
    assert "Not validated yet" in page
    client.post(reverse("orders:order_validate", args=[order.pk]))
    response = client.post(reverse("orders:order_submit", args=[order.pk]), follow=True)
    order.refresh_from_db()
    assert order.state == "pending" and order.tmf_state == "pending"
    assert "pending approval" in response.content.decode()


def test_r17_billing_profile_in_another_currency_is_a_named_failed_check(
    login, users, contract, rep_account
):
    dollars = BillingProfileFactory(account=rep_account, currency="USD")
    order = services.order_create(
        actor=users["rep"], contract_id=contract.pk, billing_profile=dollars, requested_date=LATER
    )
    with pytest.raises(DomainError) as refused:
        services.order_submit(actor=users["rep"], order_id=order.pk)
    assert refused.value.errors == ["Billing in the order's currency"]
    order.refresh_from_db()
    assert order.state == "acknowledged"
    page = login(users["rep"]).get(order.get_absolute_url()).content.decode()
    assert "bills in USD; the order is in EUR" in page


def test_r17_submitting_logs_the_validation_once(login, users, contract, billing):
    """Validate, then submit: the history says "validated" once (the user's own check) and
    then "Submit for approval", not a second identical "validated" entry."""
    from orders.models import Order

    order = services.order_create(
        actor=users["rep"], contract_id=contract.pk, billing_profile=billing, requested_date=LATER
    )
    client = login(users["rep"])
    client.post(reverse("orders:order_validate", args=[order.pk]))
    client.post(reverse("orders:order_submit", args=[order.pk]))
    reasons = list(
        Order.history.filter(id=order.pk)
        .order_by("history_id")
        .values_list("history_change_reason", flat=True)
    )
    assert [r for r in reasons if r and r.startswith("validated")] == [
        "validated: 6 of 6 checks passed"
    ]
    assert reasons[-1] == "submit"
    page = client.get(order.get_absolute_url()).content.decode()
    assert page.count("validated: 6 of 6 checks passed") == 1
    assert Order.objects.get(pk=order.pk).validation_passed


def test_order_page_shows_characteristic_labels(login, users, contract, billing):
    order = services.order_create(
        actor=users["rep"], contract_id=contract.pk, billing_profile=billing, requested_date=LATER
    )
    page = login(users["orders"]).get(order.get_absolute_url()).content.decode()
    assert "Bandwidth: 100 Mbit/s" in page and "Concurrent channels: 10 channels" in page
    assert "bandwidth=" not in page and "sip_channels=" not in page


def test_r15_order_form_offers_only_active_profiles_in_the_contracts_currency(
    login, users, contract, billing, rep_account
):
    from sales import services as sales_services

    dollars = BillingProfileFactory(account=rep_account, currency="USD")
    inactive = BillingProfileFactory(account=rep_account)
    sales_services.billing_profile_transition(
        actor=users["finance"], profile_id=inactive.pk, name="deactivate"
    )
    client = login(users["rep"])
    url = reverse("orders:order_create", args=[contract.pk])
    form = client.get(url).context["form"]
    assert list(form.fields["billing_profile"].queryset) == [billing]
    page = client.get(url).content.decode()
    assert reverse("sales:billingprofile_create", args=[rep_account.pk]) in page
    response = client.post(
        url, {"billing_profile": dollars.pk, "requested_date": LATER.isoformat()}
    )
    assert "Select a valid choice" in response.content.decode()
    assert not Order.objects.exists()


def test_r15_without_an_active_profile_the_form_says_so_with_a_link(
    login, users, contract, rep_account
):
    client = login(users["rep"])
    url = reverse("orders:order_create", args=[contract.pk])
    page = client.get(url).content.decode()
    assert "has no active billing profile in EUR" in page
    assert reverse("sales:billingprofile_create", args=[rep_account.pk]) in page
    response = client.post(url, {"requested_date": LATER.isoformat()})
    assert "An order needs an active billing profile in EUR" in response.content.decode()
    assert not Order.objects.exists()


def test_r16_the_sales_rep_changes_the_requested_date_of_her_order(
    login, users, contract, billing, world
):
    order = services.order_create(
        actor=users["rep"], contract_id=contract.pk, billing_profile=billing, requested_date=LATER
    )
    client = login(users["rep"])
    assert (
        reverse("orders:order_update", args=[order.pk])
        in client.get(order.get_absolute_url()).content.decode()
    )
    new_date = LATER + timedelta(days=7)
    client.post(
        reverse("orders:order_update", args=[order.pk]),
        {
            "requested_date": new_date.isoformat(),
            "notes": "",
            "version": order.updated_at.isoformat(),
        },
    )
    order.refresh_from_db()
    assert order.requested_date == new_date
    # A rep of another team does not even find the order.
    response = login(users["other_rep"]).get(reverse("orders:order_update", args=[order.pk]))
    assert response.status_code == 404
