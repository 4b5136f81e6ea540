"""Quotes: R9 preconditions, R10 feasibility, R11 pricing and approval, TMF648 states."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from sales import services
from sales.models import (
    AgreementLine,
    AgreementSla,
    DiscountThreshold,
    Location,
    ProductOffering,
    Quote,
    QuoteLine,
    SalesAgreement,
)
from telcrm.fsm import DomainError
from tests.factories import ChildAccountFactory, ContactFactory, OpportunityFactory, signature_for

SOON = date.today() + timedelta(days=30)


def offering(code):
    return ProductOffering.objects.get(code=code)


def new_quote(users, account, **kwargs):
    return services.quote_create(actor=users["rep"], account=account, valid_until=SOON, **kwargs)


def place(users, quote, site, code="DIA", discount="0", **characteristics):
    return services.quote_lines_save(
        actor=users["rep"],
        quote=quote,
        lines=[
            QuoteLine(
                site=site,
                offering=offering(code),
                characteristics=characteristics,
                discount_percent=Decimal(discount),
            )
        ],
    )[0]


def sip_lines_quote(users, account, sites, count):
    """A quote with ``count`` SIP trunk lines spread over the ``sites`` (a name -> site map),
    for the query counts that must not grow with the lines."""
    quote = new_quote(users, account)
    sites = list(sites.values())
    services.quote_lines_save(
        actor=users["rep"],
        quote=quote,
        lines=[
            QuoteLine(site=sites[i % len(sites)], offering=offering("SIP"), characteristics={})
            for i in range(count)
        ],
    )
    return quote


def agreement(users, account, state="active", **terms):
    agr = SalesAgreement.objects.create(name="Framework", account=account, valid_from=date.today())
    AgreementLine.objects.create(agreement=agr, offering=offering("DIA"), **terms)
    AgreementSla.objects.create(agreement=agr, metric="availability", target=Decimal("99.95"))
    services.agreement_transition(actor=users["rep"], agreement_id=agr.pk, name="negotiate")
    if state == "active":
        signer = ContactFactory(account=account, signing_authority=True)
        signature_for(agr, signer)
        services.agreement_activate(
            actor=users["manager"], agreement_id=agr.pk, signed_on=date.today(), signatory=signer
        )
    return agr


# R9 ----------------------------------------------------------------------------------------


def test_r9_quote_requires_complete_hierarchy(users, rep_account):
    with pytest.raises(DomainError) as exc:
        new_quote(users, rep_account)
    assert exc.value.errors == [
        f"{rep_account.number} has no child account (site) yet.",
        f"No location on {rep_account.number}.",
    ]
    site = ChildAccountFactory(parent=rep_account)
    Location.objects.create(
        account=rep_account, address_line1="A", postcode="1", city="B", country="DE"
    )
    with pytest.raises(DomainError, match=f"No location on {site.number}"):
        new_quote(users, rep_account)
    assert not Quote.objects.exists()


def test_r9_quote_is_for_a_legal_account(users, world):
    with pytest.raises(DomainError, match="legal \\(root\\) account"):
        new_quote(users, world["HQ"])


def test_r9_lines_are_placed_at_sites_of_the_account_with_their_location(
    users, rep_account, other_account, world
):
    quote = new_quote(users, rep_account)
    line = place(users, quote, world["HQ"], bandwidth="100")
    assert line.location.postcode == "20457"
    with pytest.raises(DomainError, match="is not a site"):
        place(users, quote, ChildAccountFactory(parent=other_account))
    with pytest.raises(DomainError, match="is not a site"):
        place(users, quote, rep_account)


def test_r9_agreement_is_picked_and_its_slas_apply(login, users, rep_account, world):
    negotiating = agreement(users, rep_account, state="negotiation", discount_percent=5)
    assert new_quote(users, rep_account).agreement == negotiating
    active = agreement(users, rep_account, recurring_price=Decimal("199"))
    quote = new_quote(users, rep_account)
    assert quote.agreement == active
    page = login(users["rep"]).get(quote.get_absolute_url()).content.decode()
    assert "Availability (%): 99.95" in page


# R10 ---------------------------------------------------------------------------------------


def test_r10_infeasible_line_blocks_approval(users, rep_account, world):
    quote = new_quote(users, rep_account)
    line = place(users, quote, world["Kiel"], discount="20")
    assert line.feasibility == "not_feasible"
    with pytest.raises(DomainError, match="Every line must be feasible"):
        services.quote_transition(actor=users["rep"], quote_id=quote.pk, name="submit")
    line.characteristics = {"access_type": "fixed_wireless", "bandwidth": "100"}
    services.quote_lines_save(actor=users["rep"], quote=quote, lines=[line])
    services.quote_transition(actor=users["rep"], quote_id=quote.pk, name="submit")


def test_r10_surcharge_enters_the_price(users, rep_account, world):
    quote = new_quote(users, rep_account)
    line = place(users, quote, world["Metro"], bandwidth="100")
    assert (line.feasibility, line.surcharge) == ("conditional", Decimal("2500.00"))
    assert line.total_one_time == Decimal("450.00") + Decimal("2500.00")


# R11 ---------------------------------------------------------------------------------------


def test_r11_pricing_list_then_agreement_then_discount(users, rep_account, world):
    agreement(users, rep_account, recurring_price=Decimal("199.00"))
    quote = new_quote(users, rep_account)
    line = place(users, quote, world["HQ"], discount="7.5", bandwidth="100")
    assert line.list_recurring == Decimal("478.00")  # 249 + 190 bandwidth + 39 managed CPE
    assert line.agreement_recurring == Decimal("428.00")  # base 249 -> 199, adders kept
    assert line.net_recurring == Decimal("395.90")  # 428 × 0.925
    assert line.net_one_time == Decimal("416.25")  # 450 × 0.925


def test_r11_agreement_discount_applies_to_the_whole_price(users, rep_account, world):
    agreement(users, rep_account, discount_percent=Decimal("12.5"))
    line = place(users, new_quote(users, rep_account), world["HQ"], bandwidth="100")
    assert line.agreement_recurring == Decimal("418.25")  # 478 × 0.875
    assert line.net_recurring == Decimal("418.25")


def test_r11_discount_above_threshold_needs_a_managers_approval(login, users, rep_account, world):
    quote = new_quote(users, rep_account)
    place(users, quote, world["HQ"], discount="10")  # the global threshold: allowed
    quote.refresh_from_db()
    assert not quote.needs_approval
    place(users, quote, world["Metro"], code="MFW", discount="15")
    quote.refresh_from_db()
    assert quote.needs_approval
    with pytest.raises(DomainError, match="need a sales manager's approval"):
        services.quote_transition(actor=users["rep"], quote_id=quote.pk, name="finalise")
    services.quote_transition(actor=users["rep"], quote_id=quote.pk, name="submit")
    with pytest.raises(DomainError, match="not allowed to approve"):
        services.quote_transition(actor=users["rep"], quote_id=quote.pk, name="approve")
    queue = login(users["manager"]).get(reverse("sales:quote_approvals"))
    assert [row["quote"] for row in queue.context["rows"]] == [quote]
    # The banner shows while the discount is being decided, not after.
    banner = "A discount is above the threshold"
    assert banner in login(users["rep"]).get(quote.get_absolute_url()).content.decode()
    services.quote_transition(
        actor=users["manager"], quote_id=quote.pk, name="approve", comment="Strategic account"
    )
    quote.refresh_from_db()
    assert (quote.state, quote.approved_by, quote.approval_comment) == (
        "approved",
        users["manager"],
        "Strategic account",
    )
    assert banner not in login(users["rep"]).get(quote.get_absolute_url()).content.decode()


def test_r11_threshold_per_offering_kind(users, rep_account, world):
    DiscountThreshold.objects.create(
        offering_kind="managed_service", max_discount_percent=Decimal("20")
    )
    quote = new_quote(users, rep_account)
    assert not place(users, quote, world["HQ"], code="MFW", discount="15").needs_approval
    assert place(users, quote, world["HQ"], code="DIA", discount="15").needs_approval


def test_r11_send_back_needs_a_comment(users, rep_account, world):
    quote = new_quote(users, rep_account)
    place(users, quote, world["HQ"], discount="30")
    services.quote_transition(actor=users["rep"], quote_id=quote.pk, name="submit")
    with pytest.raises(DomainError, match="needs a comment"):
        services.quote_transition(actor=users["manager"], quote_id=quote.pk, name="send_back")
    services.quote_transition(
        actor=users["manager"],
        quote_id=quote.pk,
        name="send_back",
        comment="30 % is too much; 15 % max",
    )
    quote.refresh_from_db()
    assert quote.state == "draft" and quote.approval_comment == "30 % is too much; 15 % max"


def test_r11_changing_a_line_after_approval_needs_approval_again(users, rep_account, world):
    quote = new_quote(users, rep_account)
    line = place(users, quote, world["HQ"], discount="5")
    services.quote_transition(actor=users["rep"], quote_id=quote.pk, name="finalise")
    with pytest.raises(DomainError, match="reopen it"):
        services.quote_lines_save(actor=users["rep"], quote=quote, lines=[line])
    services.quote_transition(actor=users["rep"], quote_id=quote.pk, name="reopen")
    line.discount_percent = Decimal("25")
    services.quote_lines_save(actor=users["rep"], quote=quote, lines=[line])
    with pytest.raises(DomainError, match="need a sales manager's approval"):
        services.quote_transition(actor=users["rep"], quote_id=quote.pk, name="finalise")


def test_r11_quote_states_follow_tmf648(users, rep_account, world):
    quote = new_quote(users, rep_account)
    assert quote.tmf_state == "inProgress"
    place(users, quote, world["HQ"])
    services.quote_transition(actor=users["rep"], quote_id=quote.pk, name="finalise")
    services.quote_transition(actor=users["rep"], quote_id=quote.pk, name="accept")
    quote.refresh_from_db()
    assert (quote.state, quote.tmf_state) == ("accepted", "accepted")
    with pytest.raises(DomainError, match="Cancel quote is not possible"):
        services.quote_transition(actor=users["rep"], quote_id=quote.pk, name="cancel")


def test_r11_approved_quote_expires_only_after_valid_until(users, rep_account, world):
    quote = new_quote(users, rep_account)
    place(users, quote, world["HQ"])
    services.quote_transition(actor=users["rep"], quote_id=quote.pk, name="finalise")
    with pytest.raises(DomainError, match="past its valid-until"):
        services.quote_transition(actor=users["rep"], quote_id=quote.pk, name="expire")
    Quote.objects.filter(pk=quote.pk).update(valid_until=date.today() - timedelta(days=1))
    with pytest.raises(DomainError, match="expired on .*: revise it for a new version"):
        services.quote_transition(actor=users["rep"], quote_id=quote.pk, name="accept")
    services.quote_transition(actor=users["rep"], quote_id=quote.pk, name="expire")


def test_r5_accepted_quote_without_signature_does_not_win(users, rep_account, world):
    opportunity = OpportunityFactory(account=rep_account)
    quote = new_quote(users, rep_account, opportunity=opportunity)
    opportunity.refresh_from_db()
    assert opportunity.stage == "proposal"  # a quote moves its opportunity to proposal
    place(users, quote, world["HQ"])
    services.quote_transition(actor=users["rep"], quote_id=quote.pk, name="finalise")
    services.quote_transition(actor=users["rep"], quote_id=quote.pk, name="accept")
    services.opportunity_transition(
        actor=users["rep"], opportunity_id=opportunity.pk, name="to_negotiation"
    )
    with pytest.raises(DomainError, match="signed by the customer"):
        services.opportunity_transition(
            actor=users["rep"], opportunity_id=opportunity.pk, name="close_won"
        )


# Pages ---------------------------------------------------------------------------------------


def test_bad_configuration_on_the_builder_is_named_and_changes_nothing(
    login, users, rep_account, world
):
    quote = new_quote(users, rep_account)
    response = login(users["rep"]).post(
        reverse("sales:quoteline_add", args=[quote.pk]),
        {
            "add-sites": [world["HQ"].pk],
            "add-offering": offering("DIA").pk,
            "add-quantity": "1",
            "add-discount_percent": "0",
            "add-c_bandwidth": "7",
        },
        follow=True,
    )
    assert "Bandwidth “7” is not allowed" in response.content.decode()
    assert not quote.lines.exists()
    response = login(users["rep"]).post(
        reverse("sales:quoteline_add", args=[quote.pk]),
        {"add-offering": offering("DIA").pk, "add-quantity": "0"},
        follow=True,
    )
    assert "The line was not added" in response.content.decode()
    assert not quote.lines.exists()


def test_builder_places_one_configuration_at_many_sites(login, users, rep_account, world):
    quote = new_quote(users, rep_account)
    client = login(users["rep"])
    data = {
        "add-sites": [world["HQ"].pk, world["Metro"].pk],
        "add-offering": offering("DIA").pk,
        "add-quantity": "1",
        "add-discount_percent": "5",
        "add-c_bandwidth": "200",
    }
    preview = client.get(
        reverse("sales:quoteline_add", args=[quote.pk]), data, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "Feasible with conditions" in preview and not quote.lines.exists()
    client.post(reverse("sales:quoteline_add", args=[quote.pk]), data)
    assert quote.lines.count() == 2
    page = client.get(quote.get_absolute_url())
    assert page.context["summary"]["recurring"] == 2 * Decimal("596.60")  # (249+340+39)×0.95


def test_quotes_are_visible_to_their_team_only(login, users, rep_account, world):
    quote = new_quote(users, rep_account)
    assert login(users["other_rep"]).get(quote.get_absolute_url()).status_code == 404
    assert login(users["manager"]).get(quote.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("count", [5, 50])
def test_quote_builder_query_count(
    login, users, rep_account, world, django_assert_num_queries, count
):
    quote = sip_lines_quote(users, rep_account, world, count)
    # The newest history holds quote changes whatever the number of lines.
    services.quote_transition(actor=users["rep"], quote_id=quote.pk, name="finalise")
    services.quote_transition(actor=users["rep"], quote_id=quote.pk, name="reopen")
    client = login(users["rep"])
    # 1 session, 2 user, 3 user permissions, 4 group permissions, 5 roles, 6 the quote,
    # 7 lines with offering, site, location, 8 sites, 9 their locations, 10-12 history rows
    # of 2 models and the quote's predecessors, 13-18 records they name (account, users,
    # teams, quote, locations, offerings), 19-24 the header buttons' checks (has lines? all
    # feasible? compatibility rules of its offerings? for submit and finalise), 25 site
    # choices, 26 offering choices, 27 versions, 28 compatibility rules (conflict warnings),
    # 29 the catalog's characteristics (names and value labels of the configurations shown)
    with django_assert_num_queries(29):
        client.get(quote.get_absolute_url())
