"""R29: a record on an account is seen exactly by those who may see the account; its owner
and team are people who see it."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from sales import services
from sales.models import Account, Opportunity, Quote, SalesAgreement
from telcrm.fsm import DomainError
from tests.factories import OpportunityFactory

SOON = date.today() + timedelta(days=30)


@pytest.fixture
def stray(users, other_account):
    """What older data may hold: a quote and an opportunity on team B's account, owned by
    the rep of team A (who cannot open the account)."""
    opportunity = OpportunityFactory(
        account=other_account, owner=users["rep"], team=users["team_a"], name="Stray deal"
    )
    quote = Quote.objects.create(
        account=other_account, owner=users["rep"], team=users["team_a"], valid_until=SOON
    )
    return {"opportunity": opportunity, "quote": quote}


def test_r29_owner_of_a_quote_on_another_teams_account_cannot_list_open_or_edit_it(
    login, users, other_account, stray
):
    quote = stray["quote"]
    client = login(users["rep"])
    assert client.get(other_account.get_absolute_url()).status_code == 404
    page = client.get(reverse("sales:quote_list")).content.decode()
    assert quote.number not in page
    assert client.get(quote.get_absolute_url()).status_code == 404
    assert client.get(reverse("sales:quoteline_add", args=[quote.pk])).status_code == 404
    assert client.post(reverse("sales:quote_revise", args=[quote.pk])).status_code == 404
    assert not Quote.objects.visible_to(users["rep"]).exists()
    # The account's team sees it, whoever owns it.
    other = login(users["other_rep"])
    assert other.get(quote.get_absolute_url()).status_code == 200
    assert quote.number in other.get(reverse("sales:quote_list")).content.decode()


def test_r29_owner_of_an_opportunity_on_another_teams_account_cannot_list_open_or_edit_it(
    login, users, other_account, stray
):
    opportunity = stray["opportunity"]
    client = login(users["rep"])
    assert "Stray deal" not in client.get(reverse("sales:opportunity_list")).content.decode()
    assert client.get(opportunity.get_absolute_url()).status_code == 404
    edit = reverse("sales:opportunity_update", args=[opportunity.pk])
    assert client.get(edit).status_code == 404
    assert client.post(edit, {"name": "Mine now"}).status_code == 404
    assert not Opportunity.objects.visible_to(users["rep"]).exists()
    assert login(users["other_rep"]).get(opportunity.get_absolute_url()).status_code == 200


def test_r29_agreements_and_documents_follow_the_account(users, other_account):
    agreement = SalesAgreement.objects.create(
        name="Frame", account=other_account, valid_from=date.today()
    )
    assert not SalesAgreement.objects.visible_to(users["rep"]).filter(pk=agreement.pk).exists()
    assert SalesAgreement.objects.visible_to(users["other_rep"]).filter(pk=agreement.pk).exists()


@pytest.fixture
def two_team_manager(users):
    """The manager of team A also manages team B (North and South)."""
    users["team_b"].manager = users["manager"]
    users["team_b"].save()
    return users["manager"]


def test_r29_opportunity_form_refuses_an_owner_who_cannot_see_the_account(
    login, users, other_account, two_team_manager
):
    client = login(two_team_manager)
    data = {
        "name": "Cross-team deal",
        "account": other_account.pk,
        "owner": users["rep"].pk,
        "expected_close_date": SOON.isoformat(),
        "currency": "EUR",
    }
    response = client.post(reverse("sales:opportunity_create"), data)
    assert response.status_code == 200
    assert f"cannot see {other_account}" in response.content.decode()
    response = client.post(
        reverse("sales:opportunity_create"),
        {**data, "owner": users["other_rep"].pk, "team": users["team_a"].pk},
    )
    assert f"Only Team B works on {other_account}" in response.content.decode()
    assert not Opportunity.objects.exists()
    # Someone of the account's team may own it; the team defaults to the account's.
    response = client.post(
        reverse("sales:opportunity_create"), {**data, "owner": users["other_rep"].pk}
    )
    assert response.status_code == 302
    opportunity = Opportunity.objects.get()
    assert (opportunity.owner, opportunity.team) == (users["other_rep"], users["team_b"])


def test_r29_opportunity_edit_offers_only_people_who_see_the_account(
    login, users, other_account, two_team_manager
):
    opportunity = OpportunityFactory(account=other_account)
    form = (
        login(two_team_manager)
        .get(reverse("sales:opportunity_update", args=[opportunity.pk]))
        .context["form"]
    )
    owners = set(form.fields["owner"].queryset)
    assert users["other_rep"] in owners and users["manager"] in owners
    assert users["rep"] not in owners
    assert list(form.fields["team"].queryset) == [users["team_b"]]


def test_r29_services_refuse_owners_who_cannot_see_the_account(
    users, rep_account, other_account, two_team_manager
):
    with pytest.raises(DomainError, match=f"cannot see {other_account}"):
        services.opportunity_save(
            actor=two_team_manager,
            opportunity=Opportunity(
                name="Deal", account=other_account, owner=users["rep"], expected_close_date=SOON
            ),
        )
    assert not Opportunity.objects.exists()


def test_r29_account_owner_must_belong_to_the_chosen_team(login, users, two_team_manager):
    client = login(two_team_manager)
    data = {
        "name": "Nordlicht GmbH",
        "owner": users["rep"].pk,
        "team": users["team_b"].pk,
        "credit_limit": "0",
        "credit_currency": "EUR",
    }
    response = client.post(reverse("sales:account_create"), data)
    assert response.status_code == 200
    assert "is not in Team B" in response.content.decode()
    assert not Account.objects.filter(name="Nordlicht GmbH").exists()
    with pytest.raises(DomainError, match="is not in Team B"):
        services.account_create(
            actor=two_team_manager,
            account=Account(name="Nordlicht GmbH", owner=users["rep"], team=users["team_b"]),
        )
    # The team's manager may own it.
    response = client.post(reverse("sales:account_create"), {**data, "owner": two_team_manager.pk})
    assert response.status_code == 302
