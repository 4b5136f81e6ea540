"""Quote versions and comparison (R11), promotion into the agreement and repricing (R7),
quotes from an agreement in one step (R8)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from sales import services
from sales.models import AgreementLine, Quote
from sales.quote_diff import line_diffs
from telcrm.fsm import DomainError
from tests.sales.test_quotes import agreement, new_quote, offering, place, sip_lines_quote


def finalise(users, quote):
    return services.quote_transition(actor=users["rep"], quote_id=quote.pk, name="finalise")


# Versions (R11) ------------------------------------------------------------------------------


def test_r11_revise_makes_the_next_version_and_supersedes_the_old(users, rep_account, world):
    quote = new_quote(users, rep_account)
    hq = place(users, quote, world["HQ"], discount="5", bandwidth="100")
    place(users, quote, world["Metro"], code="SIP")
    finalise(users, quote)

    v2 = services.quote_revise(actor=users["rep"], quote_id=quote.pk)

    quote.refresh_from_db()
    assert (v2.number, v2.version, v2.state, v2.is_current) == (quote.number, 2, "draft", True)
    assert (quote.version, quote.state, quote.is_current) == (1, "approved", False)
    assert Quote.objects.filter(number=quote.number, is_current=True).get() == v2
    copy = v2.lines.get(key=hq.key)
    assert (
        copy.pk != hq.pk
        and copy.site_id == hq.site_id
        and copy.characteristics == hq.characteristics
        and copy.net_recurring == hq.net_recurring
        and copy.discount_percent == Decimal("5")
    )
    assert v2.lines.count() == 2
    # The superseded version is read-only: no line changes, no transitions, no new revision.
    with pytest.raises(DomainError, match="superseded"):
        services.quote_lines_save(actor=users["rep"], quote=quote, lines=[hq])
    with pytest.raises(DomainError, match="superseded by a newer version"):
        services.quote_transition(actor=users["rep"], quote_id=quote.pk, name="accept")
    with pytest.raises(DomainError, match="already superseded"):
        services.quote_revise(actor=users["rep"], quote_id=quote.pk)
    assert quote.history.first().history_change_reason == "superseded by v2"


def test_r11_draft_and_cancelled_quotes_are_not_revised(users, rep_account, world):
    quote = new_quote(users, rep_account)
    place(users, quote, world["HQ"])
    with pytest.raises(DomainError, match="change it directly"):
        services.quote_revise(actor=users["rep"], quote_id=quote.pk)
    services.quote_transition(actor=users["rep"], quote_id=quote.pk, name="cancel")
    with pytest.raises(DomainError, match="cannot be revised"):
        services.quote_revise(actor=users["rep"], quote_id=quote.pk)
    assert Quote.objects.filter(number=quote.number).count() == 1


def test_r11_superseded_pending_version_leaves_the_approval_queue(login, users, rep_account, world):
    quote = new_quote(users, rep_account)
    place(users, quote, world["HQ"], discount="30")
    services.quote_transition(actor=users["rep"], quote_id=quote.pk, name="submit")
    v2 = services.quote_revise(actor=users["rep"], quote_id=quote.pk)
    queue = login(users["manager"]).get(reverse("sales:quote_approvals"))
    assert queue.context["rows"] == []
    page = login(users["manager"]).get(quote.get_absolute_url()).content.decode()
    assert 'data-testid="superseded"' in page and str(v2) in page
    assert reverse("sales:quote_approve", args=[quote.pk]) not in page  # no actions offered


def test_r11_comparison_shows_what_changed_line_by_line(login, users, rep_account, world):
    quote = new_quote(users, rep_account)
    place(users, quote, world["HQ"], discount="5", bandwidth="100")
    place(users, quote, world["Metro"], code="SIP")
    place(users, quote, world["HQ"], code="MFW")
    finalise(users, quote)
    v2 = services.quote_revise(actor=users["rep"], quote_id=quote.pk)
    hq, sip, mfw = (v2.lines.get(offering__code=code) for code in ("DIA", "SIP", "MFW"))
    hq.discount_percent, hq.characteristics = Decimal("8"), {"bandwidth": "200"}
    services.quote_lines_save(actor=users["rep"], quote=v2, lines=[hq])
    services.quote_line_delete(actor=users["rep"], line=sip)
    place(users, v2, world["Metro"], code="DIA", bandwidth="100")

    diffs = line_diffs(list(quote.lines.all()), list(v2.lines.all()))
    by_status = {(d.status, d.line.offering.code, d.line.site.name) for d in diffs}
    assert by_status == {
        ("changed", "DIA", "HQ"),
        ("unchanged", "MFW", "HQ"),
        ("removed", "SIP", "Metro"),
        ("added", "DIA", "Metro"),
    }
    changed = next(d for d in diffs if d.status == "changed")
    labels = {c.label: (c.old, c.new) for c in changed.changes}
    assert labels["Discount %"] == (Decimal("5.00"), Decimal("8.00"))
    assert "Bandwidth: 200 Mbit/s" in labels["Configuration"][1]
    assert "Net / month" in labels and "Quantity" not in labels
    assert mfw.key in {d.line.key for d in diffs if d.status == "unchanged"}

    page = login(users["rep"]).get(reverse("sales:quote_compare", args=[v2.pk]))
    assert page.context["old"] == quote and page.context["new"] == v2
    html = page.content.decode()
    assert html.count('data-testid="diff-added"') == 1
    assert html.count('data-testid="diff-removed"') == 1
    assert "<strong>Discount %</strong>: <del>5.00</del> → 8.00" in html
    # Either version compares with any other; a foreign or bad "with" falls back.
    assert (
        login(users["rep"])
        .get(reverse("sales:quote_compare", args=[quote.pk]), {"with": "nope"})
        .context["other"]
        == v2
    )


@pytest.mark.parametrize("count", [5, 50])
def test_compare_page_query_count(
    login, users, rep_account, world, django_assert_num_queries, count
):
    quote = sip_lines_quote(users, rep_account, world, count)
    finalise(users, quote)
    v2 = services.quote_revise(actor=users["rep"], quote_id=quote.pk)
    client = login(users["rep"])
    # 1 session, 2 user, 3-4 permissions, 5 roles, 6 the quote, 7 its versions,
    # 8-9 lines of both versions with offering and site, 10 the catalog's characteristics
    # (names and value labels of the configurations shown)
    with django_assert_num_queries(10):
        client.get(reverse("sales:quote_compare", args=[v2.pk]))


def test_revise_and_compare_from_the_pages(login, users, rep_account, world):
    quote = new_quote(users, rep_account)
    place(users, quote, world["HQ"])
    finalise(users, quote)
    client = login(users["rep"])
    assert "Revise" in client.get(quote.get_absolute_url()).content.decode()
    response = client.post(reverse("sales:quote_revise", args=[quote.pk]), follow=True)
    v2 = Quote.objects.get(number=quote.number, version=2)
    assert response.redirect_chain[-1][0] == v2.get_absolute_url()
    assert f"Created {v2} from v1" in response.content.decode()
    response = client.post(reverse("sales:quote_revise", args=[quote.pk]), follow=True)
    assert "already superseded" in response.content.decode()
    assert Quote.objects.filter(number=quote.number).count() == 2


# Promotion and repricing (R7) ------------------------------------------------------------------


def test_r7_promote_a_negotiated_line_price_into_the_agreement(users, rep_account, world):
    agr = agreement(users, rep_account, state="negotiation", recurring_price=Decimal("229"))
    quote = new_quote(users, rep_account)
    line = place(users, quote, world["HQ"], discount="10", bandwidth="100")
    assert line.net_recurring == Decimal("412.20")  # (229 + 190 + 39) × 0.9
    assert line.net_one_time == Decimal("405.00")  # 450 × 0.9

    terms = services.quote_line_promote(actor=users["rep"], line_id=line.pk)

    # The agreement's base prices make this configuration cost exactly the negotiated net.
    assert terms.recurring_price == Decimal("183.20")  # 249 + 412.20 - 478
    assert terms.one_time_price == Decimal("405.00")
    assert terms.discount_percent is None
    line.refresh_from_db()
    assert (line.discount_percent, line.agreement_recurring, line.net_recurring) == (
        Decimal("0"),
        Decimal("412.20"),
        Decimal("412.20"),
    )
    record = AgreementLine.history.filter(id=terms.pk).first()
    assert record.history_user == users["rep"]
    assert record.history_change_reason == f"promoted from {quote} into {agr.number}"
    # A new quote for the same configuration now gets the price without a discount.
    fresh = place(users, new_quote(users, rep_account), world["Metro"], bandwidth="100")
    assert fresh.agreement_recurring == Decimal("412.20")


def test_r7_promotion_reprices_the_agreements_other_open_quotes(login, users, rep_account, world):
    agr = agreement(users, rep_account, state="negotiation", recurring_price=Decimal("229"))
    draft = new_quote(users, rep_account)
    place(users, draft, world["Metro"], bandwidth="100")
    approved = new_quote(users, rep_account)
    place(users, approved, world["Kiel"], access_type="fixed_wireless", bandwidth="100")
    finalise(users, approved)
    accepted = new_quote(users, rep_account)
    kept = place(users, accepted, world["HQ"], bandwidth="100")
    finalise(users, accepted)
    services.quote_transition(actor=users["rep"], quote_id=accepted.pk, name="accept")
    source = new_quote(users, rep_account)
    line = place(users, source, world["HQ"], discount="10", bandwidth="100")

    services.quote_line_promote(actor=users["manager"], line_id=line.pk)

    draft_line = draft.lines.get()
    assert draft_line.agreement_recurring == Decimal("412.20")
    draft.refresh_from_db()
    assert draft.state == "draft" and f"promoted into {agr.number}" in draft.price_notice
    approved.refresh_from_db()
    assert approved.state == "draft" and "needs approval again" in approved.price_notice
    assert approved.approved_by is None
    accepted.refresh_from_db()
    kept.refresh_from_db()
    assert accepted.price_notice == "" and kept.agreement_recurring == Decimal("458.00")
    source.refresh_from_db()
    assert source.price_notice == ""  # its own line was the source, its price did not move
    # The owner sees it on the quote and on the home page, until they dismiss it.
    client = login(users["rep"])
    assert 'data-testid="price-notice"' in client.get(draft.get_absolute_url()).content.decode()
    home = client.get(reverse("home")).content.decode()
    assert "repriced" in home
    client.post(reverse("sales:quote_notice_dismiss", args=[draft.pk]))
    draft.refresh_from_db()
    assert draft.price_notice == ""


def test_r7_agreement_price_change_reprices_open_quotes(users, rep_account, world):
    agr = agreement(users, rep_account, state="negotiation", recurring_price=Decimal("229"))
    quote = new_quote(users, rep_account)
    line = place(users, quote, world["HQ"], bandwidth="100")
    terms = AgreementLine.objects.get(agreement=agr)
    terms.recurring_price = Decimal("209")
    services.agreement_part_save(actor=users["manager"], part=terms)
    line.refresh_from_db()
    assert line.net_recurring == Decimal("438.00")  # 209 + 190 + 39
    quote.refresh_from_db()
    assert "changed the terms for" in quote.price_notice
    assert line.history.first().history_change_reason.startswith(str(agr))
    services.agreement_part_delete(actor=users["manager"], part=terms)
    line.refresh_from_db()
    assert line.net_recurring == Decimal("478.00")  # list price again


def test_r7_promotion_into_a_signed_agreement_is_refused(login, users, rep_account, world):
    agr = agreement(users, rep_account, recurring_price=Decimal("229"))  # active: fixed
    quote = new_quote(users, rep_account)
    line = place(users, quote, world["HQ"], discount="10", bandwidth="100")
    response = login(users["rep"]).post(
        reverse("sales:quoteline_promote", args=[quote.pk, line.pk]), follow=True
    )
    assert "its terms are fixed" in response.content.decode()
    assert AgreementLine.objects.get(agreement=agr).recurring_price == Decimal("229")
    line.refresh_from_db()
    assert line.discount_percent == Decimal("10")


def test_r7_nothing_to_promote_without_a_discount(users, rep_account, world):
    agreement(users, rep_account, state="negotiation", recurring_price=Decimal("229"))
    line = place(users, new_quote(users, rep_account), world["HQ"])
    with pytest.raises(DomainError, match="no negotiated discount"):
        services.quote_line_promote(actor=users["rep"], line_id=line.pk)


# New quote from an agreement (R8) ---------------------------------------------------------------


def test_r8_new_quote_from_agreement_in_one_step(login, users, rep_account, world):
    agr = agreement(users, rep_account, recurring_price=Decimal("199"))
    client = login(users["rep"])
    assert "New quote from agreement" in client.get(agr.get_absolute_url()).content.decode()
    response = client.post(reverse("sales:agreement_new_quote", args=[agr.pk]), follow=True)
    quote = Quote.objects.get()
    assert response.redirect_chain[-1][0] == quote.get_absolute_url()
    assert (quote.account, quote.agreement, quote.owner) == (rep_account, agr, users["rep"])
    html = response.content.decode()
    assert "Availability (%): 99.95" in html and f"Created {quote} from {agr}" in html
    line = place(users, quote, world["HQ"], bandwidth="100")
    assert line.agreement_recurring == Decimal("428.00")
    assert str(quote) in client.get(agr.get_absolute_url()).content.decode()


def test_r8_no_quote_from_a_draft_agreement_or_incomplete_hierarchy(
    login, users, rep_account, other_account
):
    from sales.models import SalesAgreement

    draft = SalesAgreement.objects.create(
        name="Draft", account=rep_account, valid_from=rep_account.created_at.date()
    )
    response = login(users["rep"]).post(
        reverse("sales:agreement_new_quote", args=[draft.pk]), follow=True
    )
    assert "only an active agreement or one in negotiation" in response.content.decode()
    assert not Quote.objects.exists()


def test_r9_quote_from_an_opportunity_offers_its_lines_for_placing(
    login, users, rep_account, world
):
    from sales.models import OpportunityLine
    from tests.factories import OpportunityFactory

    opportunity = OpportunityFactory(account=rep_account, owner=users["rep"])
    line = OpportunityLine.objects.create(
        opportunity=opportunity,
        offering=offering("DIA"),
        quantity=2,
        characteristics={"bandwidth": "200"},
        site=world["Metro"],
    )
    OpportunityLine.objects.create(
        opportunity=opportunity, description="Dark fiber study", manual_estimate=5000
    )
    quote = new_quote(users, rep_account, opportunity=opportunity)
    client = login(users["rep"])
    page = client.get(quote.get_absolute_url())
    assert [ol.pk for ol in page.context["opportunity_lines"]] == [line.pk]  # catalog lines
    form = client.get(quote.get_absolute_url(), {"from_line": line.pk}).context["line_form"]
    assert form.initial == {
        "offering": offering("DIA").pk,
        "characteristics": {"bandwidth": "200"},
        "quantity": 2,
        "sites": [world["Metro"].pk],
    }


def test_demo_has_quotes_in_every_state_with_versions_and_a_repricing(db):
    from django.core.management import call_command

    call_command("demo_data", verbosity=0)
    assert set(Quote.objects.values_list("state", flat=True)) == {
        "draft",
        "pending",
        "approved",
        "accepted",
        "rejected",
        "cancelled",
        "expired",
    }
    assert Quote.objects.filter(is_current=False).exists()
    assert Quote.objects.exclude(price_notice="").exists()
