"""Leads and opportunities: rules R1-R5, transitions, conversion, visibility, pages."""

import copy
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from sales import services
from sales.catalog_io import catalog_import
from sales.choices import OPEN_STAGES
from sales.demo.catalog import CATALOG
from sales.models import Account, Lead, LeadLine, Location, Opportunity, OpportunityLine
from sales.views.leads import CARDS_PER_COLUMN
from telcrm.fsm import DomainError
from tests.factories import AccountFactory, ChildAccountFactory, LeadFactory, OpportunityFactory

SOON = date.today() + timedelta(days=30)


@pytest.fixture
def catalog(users):
    catalog_import(actor=users["admin"], data=copy.deepcopy(CATALOG))


def offering(code):
    from sales.models import ProductOffering

    return ProductOffering.objects.get(code=code)


def qualified_lead(users, lines=()):
    lead = services.lead_save(
        actor=users["rep"],
        lead=Lead(
            company_name="Hafen Kiel GmbH",
            source="web",
            team=users["team_a"],
            contact_email="m.lueth@hafen-kiel.example",
        ),
        lines=list(lines),
    )
    services.lead_transition(actor=users["rep"], lead_id=lead.pk, name="start_work")
    services.lead_transition(actor=users["rep"], lead_id=lead.pk, name="qualify")
    return Lead.objects.get(pk=lead.pk)


def snapshot():
    return (
        list(Lead.objects.order_by("pk").values()),
        list(LeadLine.objects.order_by("pk").values()),
        list(Opportunity.objects.order_by("pk").values()),
        list(OpportunityLine.objects.order_by("pk").values()),
        Account.objects.count(),
    )


# R1 ----------------------------------------------------------------------------------------


def test_r1_lead_needs_no_account_and_no_catalog(users):
    lead = services.lead_save(
        actor=users["rep"],
        lead=Lead(company_name="Unknown Startup", source="event"),
        lines=[LeadLine(description="Office internet, 20 people", manual_estimate=3000)],
    )
    assert lead.number == "LEAD-000001" and lead.owner == users["rep"]
    assert lead.lines.get().estimate == Decimal("3000")


def test_r1_lead_line_is_free_text_or_catalog_reference(users, catalog):
    lead = services.lead_save(
        actor=users["rep"],
        lead=Lead(company_name="X", source="web"),
        lines=[
            LeadLine(offering=offering("DIA"), quantity=2, characteristics={"bandwidth": "100"})
        ],
    )
    line = lead.lines.get()
    assert line.unit_recurring == Decimal("478.00")  # 249 + 190 + 39 managed CPE
    assert line.estimate == (Decimal("478.00") * 12 + Decimal("450.00")) * 2
    assert line.characteristics["access_type"] == "fiber"  # defaults recorded
    with pytest.raises(DomainError, match="A line is a catalog offering or a description"):
        services.lead_save(actor=users["rep"], lead=lead, lines=[LeadLine(quantity=1)])


def new_lead_form(**line):
    """The new-lead form of Hafen Kiel GmbH with one line (its fields without the prefix)."""
    return {
        "company_name": "Hafen Kiel GmbH",
        "source": "web",
        "currency": "EUR",
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        **{f"lines-0-{name}": value for name, value in line.items()},
    }


def test_r1_bad_catalog_characteristic_is_named_and_changes_nothing(login, users, catalog):
    before = snapshot()
    response = login(users["rep"]).post(
        reverse("sales:lead_create"),
        new_lead_form(offering=offering("DIA").pk, quantity="1", c_bandwidth="7"),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Bandwidth “7” is not allowed" in page
    assert response.context["lines"].forms[0].errors["c_bandwidth"]
    assert snapshot() == before


def test_line_form_needs_an_offering_or_a_description(login, users):
    before = snapshot()
    response = login(users["rep"]).post(reverse("sales:lead_create"), new_lead_form(quantity="3"))
    page = response.content.decode()
    assert "Pick a catalog offering or describe the line." in page
    assert snapshot() == before


def test_retired_offering_cannot_be_put_on_a_new_line(users, catalog):
    with pytest.raises(DomainError, match="not sellable"):
        services.lead_save(
            actor=users["rep"],
            lead=Lead(company_name="X", source="web"),
            lines=[LeadLine(offering=offering("ISDN-PRI"))],
        )


# R2 ----------------------------------------------------------------------------------------


def test_r2_lead_states_and_reopen(users):
    lead = LeadFactory(owner=users["rep"])
    with pytest.raises(DomainError, match="Qualify is not possible while the record is New"):
        services.lead_transition(actor=users["rep"], lead_id=lead.pk, name="qualify")
    with pytest.raises(DomainError, match="needs a reason"):
        services.lead_transition(actor=users["rep"], lead_id=lead.pk, name="disqualify")
    services.lead_transition(
        actor=users["rep"], lead_id=lead.pk, name="disqualify", reason="No budget"
    )
    lead.refresh_from_db()
    assert (lead.state, lead.disqualify_reason) == ("disqualified", "No budget")
    services.lead_transition(actor=users["rep"], lead_id=lead.pk, name="reopen")
    lead.refresh_from_db()
    assert (lead.state, lead.disqualify_reason) == ("working", "")
    services.lead_transition(actor=users["rep"], lead_id=lead.pk, name="qualify")
    reasons = list(
        lead.history.order_by("history_id").values_list("history_change_reason", flat=True)
    )
    assert reasons[1:] == ["disqualify", "reopen", "qualify"]


def test_r2_converted_only_from_qualified(users):
    lead = LeadFactory(owner=users["rep"])
    with pytest.raises(DomainError, match="Only a qualified lead can be converted"):
        services.lead_convert(
            actor=users["rep"],
            lead_id=lead.pk,
            account=AccountFactory(owner=users["rep"]),
            expected_close_date=SOON,
        )
    with pytest.raises(DomainError, match="not an action"):
        services.lead_transition(actor=users["rep"], lead_id=lead.pk, name="convert")


def test_r2_disqualify_button_asks_for_a_reason(login, users):
    lead = LeadFactory(owner=users["rep"], team=users["team_a"])
    client = login(users["rep"])
    url = reverse("sales:lead_disqualify", args=[lead.pk])
    assert 'name="reason"' in client.get(lead.get_absolute_url()).content.decode()
    refused = client.post(url, {"reason": "  "}, follow=True)
    assert "A disqualified lead needs a reason." in refused.content.decode()
    client.post(url, {"reason": "Competitor contract until 2029"})
    lead.refresh_from_db()
    assert lead.state == "disqualified"


# R3 ----------------------------------------------------------------------------------------


def test_r3_conversion_requires_account(users):
    lead = qualified_lead(users)
    before = snapshot()
    with pytest.raises(DomainError, match="Choose an existing account or create a new one"):
        services.lead_convert(actor=users["rep"], lead_id=lead.pk, expected_close_date=SOON)
    assert snapshot() == before


def test_r3_conversion_onto_existing_account_carries_the_lines(users, rep_account, catalog):
    lead = qualified_lead(
        users,
        [
            LeadLine(offering=offering("SIP"), characteristics={"sip_channels": "30"}),
            LeadLine(description="Porting of 200 numbers", manual_estimate=800),
        ],
    )
    opportunity = services.lead_convert(
        actor=users["rep"], lead_id=lead.pk, account=rep_account, expected_close_date=SOON
    )
    lead.refresh_from_db()
    assert lead.state == "converted" and lead.opportunity == opportunity
    assert opportunity.account == rep_account and opportunity.owner == users["rep"]
    lines = list(opportunity.lines.order_by("pk"))
    assert [(line.title, line.estimate, line.lead_line_id) for line in lines] == [
        (lead_line.title, lead_line.estimate, lead_line.pk)
        for lead_line in lead.lines.order_by("pk")
    ]
    assert lines[0].characteristics["sip_channels"] == "30"
    assert lead.history.first().history_change_reason == "convert"


def test_r3_conversion_creates_a_new_account_in_the_same_step(users):
    lead = qualified_lead(users)
    opportunity = services.lead_convert(
        actor=users["rep"],
        lead_id=lead.pk,
        expected_close_date=SOON,
        new_account={
            "name": "Hafen Kiel GmbH",
            "site_name": "Terminal Ost",
            "address_line1": "Ostuferhafen 15",
            "postcode": "24149",
            "city": "Kiel",
            "country": "de",
        },
    )
    root = opportunity.account
    assert root.is_legal and root.team == users["team_a"]
    site = root.children.get()
    assert site.name == "Terminal Ost" and site.locations.get().country == "DE"
    assert services.hierarchy_check(root).complete


def test_r3_failed_conversion_changes_nothing(users):
    lead = qualified_lead(users)
    before = snapshot()
    with pytest.raises(DomainError, match="A new account needs site name, city"):
        services.lead_convert(
            actor=users["rep"],
            lead_id=lead.pk,
            expected_close_date=SOON,
            new_account={
                "name": "Hafen Kiel GmbH",
                "address_line1": "x",
                "postcode": "1",
                "country": "DE",
            },
        )
    assert snapshot() == before


def test_r3_conversion_page(login, users, rep_account):
    lead = qualified_lead(users)
    client = login(users["rep"])
    url = reverse("sales:lead_convert", args=[lead.pk])
    bad = client.post(url, {"mode": "existing", "expected_close_date": SOON.isoformat()})
    assert "Choose the account (no account, no conversion)." in bad.content.decode()
    ok = client.post(
        url,
        {"mode": "existing", "account": rep_account.pk, "expected_close_date": SOON.isoformat()},
    )
    opportunity = Opportunity.objects.get()
    assert ok["Location"] == opportunity.get_absolute_url()


def test_r3_cannot_convert_onto_another_teams_account(login, users, other_account):
    lead = qualified_lead(users)
    response = login(users["rep"]).post(
        reverse("sales:lead_convert", args=[lead.pk]),
        {"mode": "existing", "account": other_account.pk, "expected_close_date": "2027-01-01"},
    )
    assert "Select a valid choice" in response.content.decode()
    assert not Opportunity.objects.exists()


# R4 ----------------------------------------------------------------------------------------


def test_r4_opportunity_always_has_an_account(login, users):
    before = snapshot()
    response = login(users["rep"]).post(
        reverse("sales:opportunity_create"),
        {"name": "Deal", "expected_close_date": SOON.isoformat(), "currency": "EUR"},
    )
    assert "This field is required" in response.content.decode()
    assert snapshot() == before


def test_r4_catalog_lines_get_a_preliminary_price_free_text_a_manual_estimate(
    login, users, rep_account, catalog
):
    opportunity = OpportunityFactory(account=rep_account)
    site = ChildAccountFactory(parent=rep_account, name="Depot")
    client = login(users["rep"])
    url = reverse("sales:opportunityline_create", args=[opportunity.pk])
    client.post(
        url,
        {
            "line-offering": offering("MFW").pk,
            "line-quantity": "1",
            "line-c_high_availability": "yes",
            "line-site": site.pk,
        },
    )
    client.post(
        url,
        {"line-description": "Site survey", "line-quantity": "1", "line-manual_estimate": "1500"},
    )
    lines = list(opportunity.lines.order_by("pk"))
    assert lines[0].unit_recurring == Decimal("379.00")  # 159 + 80 (500M) + 140 HA
    assert lines[0].site == site
    assert lines[1].estimate == Decimal("1500")
    amount = Opportunity.objects.with_amount().get(pk=opportunity.pk).amount
    assert amount == lines[0].estimate + lines[1].estimate
    page = client.get(opportunity.get_absolute_url()).content.decode()
    assert "Managed Firewall" in page and "Site survey" in page


def test_r4_line_site_must_belong_to_the_account(users, rep_account, other_account):
    opportunity = OpportunityFactory(account=rep_account)
    foreign = ChildAccountFactory(parent=other_account)
    with pytest.raises(DomainError, match="is not a site of"):
        services.opportunity_line_save(
            actor=users["rep"],
            line=OpportunityLine(
                opportunity=opportunity, description="x", manual_estimate=1, site=foreign
            ),
        )


# R5 ----------------------------------------------------------------------------------------


def test_r5_stages_move_forward_and_set_probability(users, rep_account):
    opportunity = OpportunityFactory(account=rep_account)
    services.opportunity_transition(
        actor=users["rep"], opportunity_id=opportunity.pk, name="to_proposal"
    )
    services.opportunity_transition(
        actor=users["rep"], opportunity_id=opportunity.pk, name="to_negotiation"
    )
    opportunity.refresh_from_db()
    assert (opportunity.stage, opportunity.probability) == ("negotiation", 70)
    with pytest.raises(DomainError, match="To proposal is not possible"):
        services.opportunity_transition(
            actor=users["rep"], opportunity_id=opportunity.pk, name="to_proposal"
        )


def test_r5_closed_won_needs_a_confirmed_signed_quote(login, users, rep_account):
    opportunity = OpportunityFactory(account=rep_account)
    for name in ("to_proposal", "to_negotiation"):
        services.opportunity_transition(
            actor=users["rep"], opportunity_id=opportunity.pk, name=name
        )
    with pytest.raises(DomainError, match="needs a confirmed quote signed by the customer"):
        services.opportunity_transition(
            actor=users["rep"], opportunity_id=opportunity.pk, name="close_won"
        )
    page = login(users["rep"]).get(opportunity.get_absolute_url()).content.decode()
    assert "Close won" in page and "disabled" in page  # shown, explained, not clickable


def test_r5_closed_lost_needs_a_reason(users, rep_account):
    opportunity = OpportunityFactory(account=rep_account)
    with pytest.raises(DomainError, match="A lost opportunity needs a reason"):
        services.opportunity_transition(
            actor=users["rep"], opportunity_id=opportunity.pk, name="close_lost", reason=" "
        )
    services.opportunity_transition(
        actor=users["rep"], opportunity_id=opportunity.pk, name="close_lost", reason="Lost on price"
    )
    opportunity.refresh_from_db()
    assert (opportunity.stage, opportunity.close_reason, opportunity.probability) == (
        "closed_lost",
        "Lost on price",
        0,
    )
    with pytest.raises(DomainError, match="its lines are final"):
        services.opportunity_line_save(
            actor=users["rep"],
            line=OpportunityLine(opportunity=opportunity, description="late", manual_estimate=1),
        )


# Visibility, duplicates, pages -------------------------------------------------------------


def test_rep_sees_own_and_team_leads_not_another_teams(users):
    mine = LeadFactory(owner=users["rep"], team=users["team_a"])
    teammates = LeadFactory(owner=users["manager"], team=users["team_a"])
    theirs = LeadFactory(owner=users["other_rep"], team=users["team_b"])
    assert set(Lead.objects.visible_to(users["rep"])) == {mine, teammates}
    assert set(Lead.objects.visible_to(users["other_rep"])) == {theirs}
    assert set(Lead.objects.visible_to(users["manager"])) == {mine, teammates}


def test_lead_list_scopes_and_filters(login, users):
    LeadFactory(owner=users["rep"], company_name="Mine GmbH", source="web")
    LeadFactory(
        owner=users["manager"], team=users["team_a"], company_name="Team AG", source="event"
    )
    client = login(users["rep"])
    url = reverse("sales:lead_list")
    names = lambda r: sorted(x.company_name for x in r.context["object_list"])  # noqa: E731
    assert names(client.get(url)) == ["Mine GmbH", "Team AG"]
    assert names(client.get(url, {"scope": "mine"})) == ["Mine GmbH"]
    assert names(client.get(url, {"source": "event"})) == ["Team AG"]
    assert names(client.get(url, {"q": "mine"})) == ["Mine GmbH"]
    bad = client.get(url, {"created_after": "yesterday"})
    assert bad.status_code == 200 and "Enter a valid date" in bad.content.decode()


def test_duplicate_warning_on_new_lead(login, users, rep_account):
    LeadFactory(owner=users["rep"], company_name="Hafen Kiel GmbH")
    client = login(users["rep"])
    data = {
        "company_name": "hafen kiel gmbh",
        "source": "web",
        "currency": "EUR",
        "lines-TOTAL_FORMS": "0",
        "lines-INITIAL_FORMS": "0",
    }
    first = client.post(reverse("sales:lead_create"), data)
    assert "This may be a duplicate of" in first.content.decode()
    assert Lead.objects.count() == 1
    again = client.post(reverse("sales:lead_create"), {**data, "confirm_duplicate": "on"})
    assert again.status_code == 302 and Lead.objects.count() == 2
    by_account = client.post(
        reverse("sales:lead_create"), {**data, "company_name": rep_account.name}
    )
    assert "(account)" in by_account.content.decode()


def test_pipeline_board_columns_counts_amounts_and_forecast(login, users, rep_account):
    a = OpportunityFactory(account=rep_account, expected_close_date=date(2027, 1, 15))
    OpportunityLine.objects.create(opportunity=a, description="x", manual_estimate=1000)
    b = OpportunityFactory(account=rep_account, expected_close_date=date(2027, 1, 20))
    OpportunityLine.objects.create(opportunity=b, description="y", manual_estimate=3000)
    services.opportunity_transition(actor=users["rep"], opportunity_id=b.pk, name="to_proposal")
    response = login(users["rep"]).get(reverse("sales:pipeline"))
    columns = {c["stage"]: c for c in response.context["columns"]}
    assert (columns["qualification"]["count"], columns["qualification"]["amount"]) == (1, 1000)
    assert (columns["proposal"]["count"], columns["proposal"]["amount"]) == (1, 3000)
    row = response.context["forecast"][0]
    assert row["month"] == date(2027, 1, 1)
    assert row["amount"] == 4000 and row["weighted"] == Decimal("1300")  # 10 % + 40 %
    assert "To proposal" in response.content.decode()  # the card offers its next move


def test_pipeline_move_by_htmx_returns_the_board(login, users, rep_account):
    opportunity = OpportunityFactory(account=rep_account)
    client = login(users["rep"])
    response = client.post(
        reverse("sales:opportunity_to_proposal", args=[opportunity.pk]),
        {"next": reverse("sales:pipeline")},
        HTTP_HX_REQUEST="true",
        follow=True,
    )
    assert 'id="board"' in response.content.decode()
    opportunity.refresh_from_db()
    assert opportunity.stage == "proposal"


def test_pipeline_filter_by_close_month(login, users, rep_account):
    OpportunityFactory(account=rep_account, expected_close_date=date(2027, 1, 15))
    OpportunityFactory(account=rep_account, expected_close_date=date(2027, 2, 15))
    client = login(users["rep"])
    response = client.get(reverse("sales:pipeline"), {"close_month": "2027-02"})
    assert sum(c["count"] for c in response.context["columns"]) == 1
    bad = client.get(reverse("sales:pipeline"), {"close_month": "soon"})
    assert bad.status_code == 200 and "Use a month like 2026-12." in bad.content.decode()


@pytest.mark.parametrize("rows", [3, 6])
def test_lead_list_query_count(login, users, django_assert_num_queries, rows):
    for i in range(rows):
        lead = LeadFactory(owner=users["rep"], team=users["team_a"])
        LeadLine.objects.create(lead=lead, description=f"line {i}", manual_estimate=10)
    client = login(users["rep"])
    # 1 session, 2 user, 3 user permissions, 4 group permissions, 5 roles, 6 count,
    # 7 page of leads with owner, team and line counts, 8 owner choices, 9 team choices
    with django_assert_num_queries(9):
        client.get(reverse("sales:lead_list"))


@pytest.mark.parametrize("rows", [3, 6])
def test_opportunity_list_query_count(login, users, rep_account, django_assert_num_queries, rows):
    for _ in range(rows):
        opportunity = OpportunityFactory(account=rep_account)
        OpportunityLine.objects.create(opportunity=opportunity, description="x", manual_estimate=5)
    client = login(users["rep"])
    # 1 session, 2 user, 3 user permissions, 4 group permissions, 5 roles, 6 count,
    # 7 page of opportunities with account, owner, team and amount, 8 owner choices,
    # 9 team choices
    with django_assert_num_queries(9):
        client.get(reverse("sales:opportunity_list"))


@pytest.mark.parametrize("rows", [3, 240])
def test_pipeline_query_count(login, users, rep_account, django_assert_num_queries, rows):
    """Flat in the number of opportunities, in every stage: the board reads its figures in
    SQL and only the cards it shows (R5's close-won check included)."""
    made = [OpportunityFactory(account=rep_account) for _ in range(rows)]
    for n, stage in enumerate(OPEN_STAGES):
        Opportunity.objects.filter(pk__in=[o.pk for o in made[n::3]]).update(stage=stage)
    client = login(users["rep"])
    # 1 session, 2 user, 3 user permissions, 4 group permissions, 5 roles,
    # 6 counts and amounts by month and stage, 7 the cards shown with their amounts and
    # signed quotes, 8 owner choices, 9 team choices
    with django_assert_num_queries(9):
        response = client.get(reverse("sales:pipeline"))
    page = response.content.decode()
    assert sum(c["count"] for c in response.context["columns"]) == rows
    assert page.count("pipeline-card") == min(rows, 3 * CARDS_PER_COLUMN)
    assert ("see all in the list" in page) == (rows > 3 * CARDS_PER_COLUMN)


def test_pipeline_shows_the_soonest_cards_and_links_to_the_rest(login, users, rep_account):
    soon = date.today() + timedelta(days=5)
    for n in range(CARDS_PER_COLUMN + 5):
        OpportunityFactory(account=rep_account, expected_close_date=soon + timedelta(days=n))
    client = login(users["rep"])
    response = client.get(reverse("sales:pipeline"), {"scope": "mine"})
    column = response.context["columns"][0]
    assert column["count"] == CARDS_PER_COLUMN + 5
    assert [c.expected_close_date for c in column["cards"]] == [
        soon + timedelta(days=n) for n in range(CARDS_PER_COLUMN)
    ]
    page = response.content.decode()
    assert f"{CARDS_PER_COLUMN} closing soonest of {CARDS_PER_COLUMN + 5}" in page
    listed = client.get(column["list_url"])
    assert listed.context["paginator"].count == CARDS_PER_COLUMN + 5
    assert "stage=qualification" in column["list_url"] and "scope=mine" in column["list_url"]


def test_r5_pipeline_offers_close_won_only_with_a_signed_quote(login, users, rep_account):
    waiting = OpportunityFactory(account=rep_account)
    Opportunity.objects.filter(pk=waiting.pk).update(stage="negotiation")
    page = login(users["rep"]).get(reverse("sales:pipeline")).content.decode()
    card = page[page.index(f"card-{waiting.number}") :]
    card = card[: card.index("pipeline-card", 20) if "pipeline-card" in card[20:] else None]
    assert "Back to proposal" in card and "Close won" not in card


def test_demo_pipeline_has_every_lead_state_and_open_stage(db):
    from django.core.management import call_command

    call_command("demo_data", verbosity=0)
    assert set(Lead.objects.values_list("state", flat=True)) == {
        "new",
        "working",
        "qualified",
        "disqualified",
        "converted",
    }
    assert set(Opportunity.objects.values_list("stage", flat=True)) == {
        "qualification",
        "proposal",
        "negotiation",
        "closed_won",
        "closed_lost",
    }
    assert Location.objects.filter(account__name="Weserklinik Bremen gGmbH").exists()


def test_date_fields_keep_their_value_in_the_browser_date_picker(login, users, rep_account):
    """A type=date input only takes ISO dates; a localised value shows as an empty field."""
    opportunity = OpportunityFactory(account=rep_account, expected_close_date=date(2027, 3, 9))
    page = login(users["rep"]).get(reverse("sales:opportunity_update", args=[opportunity.pk]))
    assert 'type="date" name="expected_close_date" value="2027-03-09"' in page.content.decode()
