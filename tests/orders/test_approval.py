"""Approval (R18): financial and operational checks, reject with reasons, inactive inventory
one record per line; decomposition (R19): preview, tree from the catalog, idempotent."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse

from cmdb.models import ProductInventory
from orders import services
from orders.approval import first_year_charges
from orders.models import ChildLine, DomainOrder, DomainOrderDependency, Order
from telcrm.fsm import DomainError
from tests.concurrency import at_once
from tests.orders.test_orders import add_lines

LATER = date.today() + timedelta(days=30)


@pytest.fixture
def pending(users, contract, billing, rep_account):
    """An order of the two-site contract (HQ: Internet access with managed CPE, Metro: SIP),
    validated and submitted; the customer has credit for it."""
    rep_account.credit_limit = Decimal("100000")
    rep_account.save()
    order = services.order_create(
        actor=users["rep"], contract_id=contract.pk, billing_profile=billing, requested_date=LATER
    )
    return services.order_submit(actor=users["rep"], order_id=order.pk)


def test_r18_approval_creates_one_inactive_inventory_record_per_line(login, users, pending):
    order = services.order_approve(actor=users["orders"], order_id=pending.pk)
    assert order.state == "in_progress" and order.tmf_state == "inProgress"
    lines = list(order.lines.select_related("product"))
    assert len(lines) == 2 and ProductInventory.objects.count() == 2
    for line in lines:
        product = line.product
        assert (product.status, product.tmf_status) == ("created", "created")
        assert (product.site, product.offering, product.quantity) == (
            line.site,
            line.offering,
            line.quantity,
        )
        assert product.sales_contract == order.sales_contract and line.state == "in_progress"
    # Nothing counts as active for anybody until closure.
    assert not ProductInventory.objects.active().exists()
    assert ProductInventory.objects.pending().count() == 2
    page = login(users["rep"]).get(reverse("cmdb:account_inventory", args=[order.account_id]))
    html = page.content.decode()
    assert page.status_code == 200 and "0 in service" in html and "2 pending" in html
    assert html.count('data-status="created"') == 2 and order.number in html
    assert [c["passed"] for c in order.approval] == [True, True]


def test_r18_financial_check_credit_limit_against_open_orders(users, pending, rep_account):
    # This order's first-year charges: twelve months of recurring plus one-time charges.
    first_year = sum(
        (line.net_recurring * 12 + line.net_one_time + line.surcharge) * line.quantity
        for line in pending.lines.all()
    )
    rep_account.credit_limit = first_year - Decimal("0.01")
    rep_account.save()
    with pytest.raises(DomainError) as refused:
        services.order_approve(actor=users["orders"], order_id=pending.pk)
    assert "financial and operational checks must pass" in str(refused.value)
    pending.refresh_from_db()
    assert pending.state == "pending" and not ProductInventory.objects.exists()
    rep_account.credit_limit = first_year
    rep_account.save()
    assert services.order_approve(actor=users["orders"], order_id=pending.pk).state == (
        "in_progress"
    )


def test_r18_open_orders_use_up_the_credit_limit(login, users, pending, rep_account):
    lines = list(pending.lines.all())
    first_year = first_year_charges(lines)
    services.order_approve(actor=users["orders"], order_id=pending.pk)
    # A second order of the same customer (just created): the first one is open (in
    # progress) and counts against the limit.
    second = Order.objects.get(pk=pending.pk)
    second.pk, second.number = None, ""
    second.save()
    rep_account.credit_limit = first_year + Decimal("10")
    rep_account.save()
    from orders.approval import approval_checks, open_exposure

    second = Order.objects.get(pk=second.pk)
    assert open_exposure(second) == first_year
    financial = approval_checks(second, lines)[0]
    assert not financial.passed and "exceed the credit limit" in financial.problems[0]


def test_r18_billing_profile_inactive_fails_the_financial_check(users, pending, billing):
    from sales import services as sales_services

    sales_services.billing_profile_transition(
        actor=users["finance"], profile_id=billing.pk, name="deactivate"
    )
    with pytest.raises(DomainError):
        services.order_approve(actor=users["orders"], order_id=pending.pk)
    assert Order.objects.get(pk=pending.pk).state == "pending"


def test_r18_finance_home_panel_lists_the_orders_waiting_for_finance(
    login, users, pending, billing, rep_account
):
    """The order manager cannot approve these: the customer has no credit limit, or its
    billing profile is inactive. Finance sees them on the home page, with the reason."""
    client = login(users["finance"])
    page = client.get(reverse("home")).content.decode()
    assert 'data-testid="home-finance"' in page and pending.number not in page
    Account = type(rep_account)
    Account.objects.filter(pk=rep_account.pk).update(credit_limit=0)
    from sales import services as sales_services

    sales_services.billing_profile_transition(
        actor=users["finance"], profile_id=billing.pk, name="deactivate"
    )
    page = client.get(reverse("home")).content.decode()
    assert pending.number in page and "no credit limit" in page
    assert f"billing profile {billing.billing_account_number} inactive" in page
    assert (
        'data-testid="home-finance"'
        not in login(users["rep"]).get(reverse("home")).content.decode()
    )


def test_r18_operational_check_needs_the_delivery_lead_time(login, users, pending, settings):
    settings.ORDER_LEAD_DAYS = 45  # the order asks for delivery in 30 days
    page = login(users["orders"]).get(pending.get_absolute_url()).content.decode()
    assert "Operational check" in page and "45-day delivery lead time" in page
    with pytest.raises(DomainError):
        services.order_approve(actor=users["orders"], order_id=pending.pk)
    assert not ProductInventory.objects.exists()


def test_r18_reject_needs_reasons_and_returns_the_order_to_the_rep(
    login, users, pending, contract, billing
):
    client = login(users["orders"])
    url = reverse("orders:order_reject", args=[pending.pk])
    response = client.post(url, {"reason": "  "}, follow=True)
    assert "needs the reasons" in response.content.decode()
    assert Order.objects.get(pk=pending.pk).state == "pending"
    client.post(url, {"reason": "Site contact at Metro is the customer's reception desk."})
    order = Order.objects.get(pk=pending.pk)
    assert order.state == "rejected" and "reception desk" in order.reject_reason
    home = login(users["rep"]).get(reverse("home")).content.decode()
    assert order.number in home and "reception desk" in home
    # The rep orders the contract again.
    again = services.order_create(
        actor=users["rep"], contract_id=contract.pk, billing_profile=billing, requested_date=LATER
    )
    assert again.pk != order.pk and not ProductInventory.objects.exists()


def test_r18_only_order_managers_approve(login, users, pending):
    response = login(users["rep"]).post(reverse("orders:order_approve", args=[pending.pk]))
    assert response.status_code == 403
    assert Order.objects.get(pk=pending.pk).state == "pending"
    page = login(users["orders"]).get(pending.get_absolute_url()).content.decode()
    assert reverse("orders:order_approve", args=[pending.pk]) in page


def _tree(order):
    return sorted(
        (c.order_line.site.name, c.specification.code, c.domain_order.domain)
        for c in ChildLine.objects.filter(order_line__order=order).select_related(
            "order_line__site", "specification", "domain_order"
        )
    )


def test_r19_decomposition_tree_follows_the_catalog(users, pending, world):
    order = services.order_approve(actor=users["orders"], order_id=pending.pk)
    # HQ: Dedicated Internet Access with a managed CPE -> access line, IP service, CPE
    # router; Metro: SIP trunking -> SIP trunk.
    assert _tree(order) == [
        ("HQ", "ACCESS-LINE", "access"),
        ("HQ", "CPE-ROUTER", "cpe"),
        ("HQ", "IP-INTERNET", "ip_core"),
        ("Metro", "SIP-TRUNK", "voice"),
    ]
    stages = {(d.site.name, d.domain): d.stage for d in order.domain_orders.all()}
    assert stages == {
        ("HQ", "access"): 1,
        ("HQ", "cpe"): 1,
        ("HQ", "ip_core"): 2,
        ("Metro", "voice"): 1,
    }
    waits = sorted(
        (d.domain_order.domain, d.depends_on.domain, d.reason)
        for d in DomainOrderDependency.objects.filter(domain_order__order=order)
    )
    assert waits == [
        ("ip_core", "access", "IP-INTERNET requires ACCESS-LINE"),
        ("ip_core", "cpe", "IP-INTERNET requires CPE-ROUTER"),
    ]
    assert all(d.state == "acknowledged" for d in order.domain_orders.all())


def test_r19_decomposing_twice_creates_nothing_twice(users, pending):
    order = services.order_approve(actor=users["orders"], order_id=pending.pk)
    counts = (
        DomainOrder.objects.count(),
        ChildLine.objects.count(),
        DomainOrderDependency.objects.count(),
        ProductInventory.objects.count(),
    )
    services.order_decompose(actor=users["orders"], order_id=order.pk)
    assert (
        DomainOrder.objects.count(),
        ChildLine.objects.count(),
        DomainOrderDependency.objects.count(),
        ProductInventory.objects.count(),
    ) == counts
    with pytest.raises(DomainError):
        services.order_approve(actor=users["orders"], order_id=order.pk)


def test_r19_preview_before_submission_matches_what_approval_makes(login, users, pending):
    preview = login(users["rep"]).get(pending.get_absolute_url())
    nodes = preview.context["domain_orders"]
    assert "Decomposition preview" in preview.content.decode()
    planned = sorted((n["label"], n["stage"]) for n in nodes)
    assert not DomainOrder.objects.exists()  # a preview stores nothing
    services.order_approve(actor=users["orders"], order_id=pending.pk)
    stored = login(users["rep"]).get(pending.get_absolute_url())
    assert sorted((n["label"], n["stage"]) for n in stored.context["domain_orders"]) == planned
    html = stored.content.decode()
    assert "Decomposition preview" not in html and "DOM-" in html
    assert 'data-testid="tree-child"' in html


# Pending, seen by an approver: the order page's 24 (test_orders) plus the approval checks
# (open orders' exposure, the account's credit limit). In progress: the stored tree (domain
# orders, their dependencies, child lines, specifications) instead of the catalog preview,
# and one more kind of record named in the history, and fulfillment's section looks for the
# order's tasks (none yet) and lists its sites (for releasing them in waves).
@pytest.mark.parametrize(("state", "queries"), [("pending", 26), ("in_progress", 31)])
@pytest.mark.parametrize("lines", [5, 50])
def test_order_page_query_count_while_approving(
    login, users, pending, state, lines, queries, django_assert_num_queries
):
    add_lines(pending, lines - pending.lines.count())
    pending.account.credit_limit = Decimal("10000000")
    pending.account.save()
    if state == "in_progress":
        services.order_approve(actor=users["orders"], order_id=pending.pk)
    client = login(users["orders"])
    with django_assert_num_queries(queries):
        client.get(pending.get_absolute_url())


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_r18_two_managers_approving_at_once_one_approval(
    roles, users, contract, billing, rep_account
):
    from tests.factories import UserFactory

    rep_account.credit_limit = Decimal("100000")
    rep_account.save()
    order = services.order_create(
        actor=users["rep"], contract_id=contract.pk, billing_profile=billing, requested_date=LATER
    )
    services.order_submit(actor=users["rep"], order_id=order.pk)
    managers = [users["orders"], UserFactory(username="orders2", role="order_manager")]
    outcomes = at_once(
        lambda manager: services.order_approve(actor=manager, order_id=order.pk), managers
    )
    assert len(outcomes) == 2 and outcomes.count("ok") == 1
    told = next(outcome for outcome in outcomes if outcome != "ok")
    assert "in progress now: someone decided it a moment ago" in told
    assert ProductInventory.objects.count() == order.lines.count()
    assert Order.history.filter(id=order.pk, history_change_reason="approve").count() == 1
