"""The record kit in telcrm/: the audited save and transition, numbered records, state
badges and the base FilterSet."""

import pytest
from django.db import models

from sales.filters import AccountFilterSet, OpportunityFilterSet
from sales.models import Account, Lead, Opportunity
from telcrm.choices import Badge, StateChoices, badge_colour
from telcrm.fsm import DomainError
from telcrm.services import run_system_transition, save, transition
from tests.factories import AccountFactory, LeadFactory, OpportunityFactory


class Light(StateChoices):
    GREEN = "green", Badge("Go", "success")
    RED = "red", Badge("Stop", "danger")
    OFF = "off", "Off"


def test_state_choices_carry_their_badge_colour_and_read_as_plain_labels():
    assert (Light.GREEN.badge, Light.RED.badge, Light.OFF.badge) == (
        "success",
        "danger",
        "secondary",
    )
    assert Light.choices == [("green", "Go"), ("red", "Stop"), ("off", "Off")]
    field = models.CharField(choices=Light.choices)
    assert badge_colour(field, "red") == "danger"
    assert badge_colour(field, "unknown") == "secondary"


def test_save_names_the_actor_and_a_shortened_reason_in_the_history(users, rep_account):
    lead = LeadFactory(owner=users["rep"], team=users["team_a"])
    lead.company_name = "Renamed GmbH"
    save(lead, actor=users["rep"], reason="x" * 150)
    last = lead.history.first()
    assert last.history_user == users["rep"]
    assert len(last.history_change_reason) == 100 and last.history_change_reason.endswith("…")


def test_save_refuses_an_invalid_record_with_its_messages_and_stores_nothing(users):
    lead = LeadFactory(owner=users["rep"], team=users["team_a"])
    lead.company_name = ""
    with pytest.raises(DomainError) as refused:
        save(lead, actor=users["rep"])
    assert "company_name" not in refused.value.message and refused.value.errors
    assert Lead.objects.get(pk=lead.pk).company_name != ""


def test_transition_checks_the_state_the_role_and_the_conditions(users):
    lead = LeadFactory(owner=users["rep"], team=users["team_a"])
    with pytest.raises(DomainError, match="not possible while the record is New"):
        transition(lead, "qualify", actor=users["rep"])
    with pytest.raises(DomainError, match="not allowed"):
        transition(lead, "start_work", actor=users["outsider"])
    with pytest.raises(DomainError, match="needs a reason"):
        transition(lead, "disqualify", actor=users["rep"])
    transition(lead, "start_work", actor=users["rep"])
    lead.refresh_from_db()
    assert lead.state == "working"
    assert lead.history.first().history_change_reason == "start_work"


def test_system_transition_applies_once_and_then_does_nothing(users):
    lead = LeadFactory(owner=users["rep"], team=users["team_a"])
    assert run_system_transition(Lead, pk=lead.pk, name="start_work", reason="by the system")
    assert run_system_transition(Lead, pk=lead.pk, name="start_work", reason="again") is None
    entry = Lead.objects.get(pk=lead.pk).history.first()
    assert (entry.history_user, entry.history_change_reason) == (None, "by the system")


def test_numbered_records_take_the_next_number_of_their_prefix(users):
    first, second = AccountFactory(), AccountFactory()
    assert first.number.startswith("ACC-") and second.number > first.number


def test_search_fields_match_anywhere_or_exactly(rf, users):
    AccountFactory(name="Nordwind Logistik", vat_number="DE123456789")
    AccountFactory(name="Südlicht AG", vat_number="DE987654321")
    request = rf.get("/")
    request.user = users["admin"]

    def found(text):
        filterset = AccountFilterSet({"q": text}, queryset=Account.objects.all(), request=request)
        return sorted(filterset.qs.values_list("name", flat=True))

    assert found("nordwind") == ["Nordwind Logistik"]
    assert found("DE987654321") == ["Südlicht AG"]
    assert found("DE98765") == []  # a VAT number is matched whole


def test_search_across_a_relation_finds_records_by_the_related_name(rf, users):
    nordwind = AccountFactory(name="Nordwind Logistik")
    other = AccountFactory(name="Südlicht AG")
    OpportunityFactory(account=nordwind, name="Campus fibre")
    OpportunityFactory(account=other, name="Nordwind referral WAN")
    OpportunityFactory(account=other, name="Branch SD-WAN")
    request = rf.get("/")
    request.user = users["admin"]

    def found(text):
        filterset = OpportunityFilterSet(
            {"q": text}, queryset=Opportunity.objects.all(), request=request
        )
        return sorted(filterset.qs.values_list("name", flat=True))

    # by the account's name, or by the opportunity's own
    assert found("NORDWIND") == ["Campus fibre", "Nordwind referral WAN"]
    assert found("südlicht") == ["Branch SD-WAN", "Nordwind referral WAN"]
    assert found("no such name") == []
