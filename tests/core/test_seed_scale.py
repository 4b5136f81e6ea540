"""``manage.py seed_scale`` grows a database to a named size with valid records: numbered
from the same sequences, one history row each, spread over teams so visibility cuts them,
and nothing more when run again."""

import io
import json

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

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
    before = (Account.objects.count(), Lead.objects.count(), QuoteLine.objects.count())
    seed()
    assert (Account.objects.count(), Lead.objects.count(), QuoteLine.objects.count()) == before
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
    assert {"home", "audit log", "work queue", "quote page", "trace"} <= {p[0] for p in named}
    assert all(p["queries"] > 0 for p in pages)
    assert "lead list, last page" in out.getvalue()
    assert 0 < figures["peak_memory_mib"] < 1024


def reaches_the_size_with_valid_records():
    assert Account.objects.filter(account_type="legal").count() == TINY.customers
    assert Opportunity.objects.count() == TINY.opportunities
    assert Lead.objects.count() == TINY.leads
    assert Quote.objects.count() == TINY.quotes
    # Every site hangs under its legal account and has its primary address.
    seeded = Account.objects.filter(owner__username__startswith="scale-rep-")
    seeded_sites = seeded.filter(account_type="child")
    assert seeded_sites.count() == seeded.filter(account_type="legal").count() * 2 > 0
    for site in seeded_sites:
        assert site.root_id == site.parent_id
        assert site.locations.filter(is_primary=True).count() == 1
    # Every seeded quote line sits on a site of its quote's customer, priced.
    seeded_quotes = Quote.objects.filter(owner__username__startswith="scale-rep-")
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
