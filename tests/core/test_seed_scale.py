"""``manage.py seed_scale`` grows a database to a named size with valid records: numbered
from the same sequences, one history row each, spread over teams so visibility cuts them,
and nothing more when run again."""

import io
import json

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from cmdb.models import ResourceAllocation
from fulfillment.models import Task, TaskDependency
from orders.models import DomainOrder, Order
from sales.models import Account, Lead, Opportunity, Quote, QuoteLine
from telcrm import scale
from telcrm.models import next_number

TINY = scale.Size(
    teams=2,
    reps=4,
    customers=30,
    sites_per_customer=2,
    leads=120,
    opportunities=40,
    quotes=25,
    lines_per_quote=3,
    orders=12,
)


def seed():
    call_command("seed_scale", "--size", "small", stdout=io.StringIO())


@pytest.mark.django_db
def test_seed_scale_grows_the_database_once_with_valid_records(monkeypatch, tmp_path):
    """One test, as seeding loads the demo first (the quote lines copy its priced lines)."""
    monkeypatch.setitem(scale.SIZES, "small", TINY)
    seed()
    reaches_the_size_with_valid_records()
    numbers_come_from_the_sequences_and_each_record_has_history()
    spreads_records_over_teams_so_reps_see_only_their_own()
    copies_whole_deals_onto_customers_of_their_own()
    before = (
        Account.objects.count(),
        Lead.objects.count(),
        QuoteLine.objects.count(),
        Order.objects.count(),
        Task.objects.count(),
    )
    seed()
    assert (
        Account.objects.count(),
        Lead.objects.count(),
        QuoteLine.objects.count(),
        Order.objects.count(),
        Task.objects.count(),
    ) == before
    benchmark_pages_answer_on_the_grown_database(tmp_path)


def benchmark_pages_answer_on_the_grown_database(tmp_path):
    """``bench_pages`` times every main page next to the bare list and writes its figures."""
    out = io.StringIO()
    call_command("bench_pages", "--runs", "1", "--json", str(tmp_path / "b.json"), stdout=out)
    figures = json.loads((tmp_path / "b.json").read_text())
    pages = figures["pages"]
    assert pages[0]["page"] == "bare 50-row list" and pages[0]["ratio"] == 1.0
    assert {p["status"] for p in pages} == {200}, [p for p in pages if p["status"] != 200]
    named = {(p["page"], p["user"]) for p in pages}
    assert {("pipeline", "scale-rep-001"), ("lead list, last page", "admin")} <= named
    assert {"home", "audit log", "work queue", "quote page", "trace", "order page"} <= {
        p[0] for p in named
    }
    assert all(p["queries"] > 0 for p in pages)
    assert "lead list, last page" in out.getvalue()
    assert 0 < figures["peak_memory_mib"] < 1024


def reaches_the_size_with_valid_records():
    assert Account.objects.filter(account_type="legal").count() == TINY.customers
    assert Opportunity.objects.count() == TINY.opportunities
    assert Lead.objects.count() == TINY.leads
    # Quotes of their own, and those of the ordered deals (copied with their contract).
    deals = Quote.objects.filter(
        owner__username__startswith="scale-rep-", sales_contract__isnull=False
    )
    assert Quote.objects.count() == TINY.quotes + deals.count()
    # Every site hangs under its legal account and has its primary address.
    seeded = Account.objects.filter(owner__username__startswith="scale-rep-")
    seeded_sites = seeded.filter(account_type="child")
    assert seeded_sites.count() == seeded.filter(account_type="legal").count() * 2 > 0
    for site in seeded_sites:
        assert site.root_id == site.parent_id
        assert site.locations.filter(is_primary=True).count() == 1
    # Every seeded quote line sits on a site of its quote's customer, priced.
    seeded_quotes = Quote.objects.filter(
        owner__username__startswith="scale-rep-", sales_contract__isnull=True
    )
    lines = QuoteLine.objects.filter(quote__in=seeded_quotes).select_related("quote", "site")
    assert lines.count() == seeded_quotes.count() * TINY.lines_per_quote
    for line in lines:
        assert line.site.root_id == line.quote.account_id
        assert line.net_recurring > 0
    # Converted leads point at their opportunity.
    assert not Lead.objects.filter(state="converted", opportunity__isnull=True).exists()


def numbers_come_from_the_sequences_and_each_record_has_history():
    numbers = list(Lead.objects.values_list("number", flat=True))
    assert len(numbers) == len(set(numbers)) and all(n.startswith("LEAD-") for n in numbers)
    newest = max(numbers)
    assert next_number("LEAD-") > newest  # a lead made afterwards takes the next number
    for lead in Lead.objects.filter(owner__username__startswith="scale-rep-")[:20]:
        assert [h.history_change_reason for h in lead.history.all()] == ["seeded"]


def spreads_records_over_teams_so_reps_see_only_their_own():
    rep = get_user_model().objects.get(username="scale-rep-001")
    visible = Account.objects.visible_to(rep).filter(account_type="legal")
    assert 0 < visible.count() < TINY.customers
    assert set(visible.values_list("team__members", flat=True)) >= {rep.pk}


def copies_whole_deals_onto_customers_of_their_own():
    """Orders come as copies of the demo's deals, each on one seeded customer: its quote,
    contract, order, domain orders and tasks all on that customer's sites, numbered anew,
    in the states the demo left them, and owned by the customer's rep."""
    assert Order.objects.count() >= TINY.orders
    copied = Order.objects.filter(owner__username__startswith="scale-rep-").select_related(
        "account", "quote", "sales_contract", "billing_profile"
    )
    assert copied.count() >= TINY.orders - Order.objects.exclude(pk__in=copied).count() > 0
    customers = [order.account_id for order in copied]
    contracts = {order.sales_contract_id for order in copied}
    assert len(set(customers)) == len(contracts)  # a customer of its own per deal
    for order in copied:
        assert order.account.owner_id == order.owner_id and order.team_id == order.account.team_id
        assert order.quote.account_id == order.sales_contract.account_id == order.account_id
        assert order.billing_profile.account_id == order.account_id
        for line in order.lines.select_related("site", "contract_line", "product"):
            assert line.site.root_id == order.account_id
            assert line.contract_line.contract_id == order.sales_contract_id
            assert line.product is None or line.product.sales_contract_id == order.sales_contract_id
        for domain_order in DomainOrder.objects.filter(order=order).select_related("site"):
            assert domain_order.site.root_id == order.account_id
    assert {"in_progress", "completed"} <= set(copied.values_list("state", flat=True))
    tasks = Task.objects.filter(sub_flow__domain_order__order__in=copied)
    assert tasks.exists() and tasks.filter(state="ready").exists()
    # A copied dependency links two tasks of the same order.
    for dependency in TaskDependency.objects.filter(task__in=tasks).select_related(
        "task__sub_flow__domain_order", "depends_on__sub_flow__domain_order"
    ):
        assert (
            dependency.task.sub_flow.domain_order.order_id
            == dependency.depends_on.sub_flow.domain_order.order_id
        )
    numbers = list(Task.objects.values_list("number", flat=True))
    assert len(numbers) == len(set(numbers))
    for order in copied[:5]:
        assert [h.history_change_reason for h in order.history.all()] == ["seeded"]
    values = list(ResourceAllocation.objects.values_list("kind", "scope", "value"))
    assert len(values) == len(set(values))
    rep = copied[0].owner
    assert 0 < Order.objects.visible_to(rep).count() < Order.objects.count()
