"""Accounts: hierarchy rules, lifecycle, forms, visibility (R9 hierarchy, R27, R29, R30, R31)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from sales import services
from sales.models import Account, BillingProfile, Contact, Location
from telcrm.fsm import DomainError
from tests.factories import (
    AccountFactory,
    BillingProfileFactory,
    ChildAccountFactory,
    ContactFactory,
    LocationFactory,
)


def snapshot():
    """Everything stored about accounts, to show a refused action changed nothing."""
    return (
        list(Account.objects.order_by("pk").values()),
        list(Location.objects.order_by("pk").values()),
        list(Contact.objects.order_by("pk").values()),
        list(BillingProfile.objects.order_by("pk").values()),
        Account.history.count(),
    )


# Numbers ---------------------------------------------------------------------------------


def test_account_numbers_are_unique_and_never_reused(users):
    first = AccountFactory(owner=users["rep"])
    second = AccountFactory(owner=users["rep"])
    assert (first.number, second.number) == ("ACC-000001", "ACC-000002")
    Account.objects.filter(pk=second.pk).delete()  # even if a row disappeared
    assert AccountFactory(owner=users["rep"]).number == "ACC-000003"


# Hierarchy -------------------------------------------------------------------------------


def test_child_account_gets_root_parent_owner_and_team(users, rep_account):
    site = services.account_create(
        actor=users["rep"], account=Account(name="Warehouse Bremen", parent=rep_account)
    )
    deeper = services.account_create(
        actor=users["rep"], account=Account(name="Loading dock", parent=site)
    )
    assert site.account_type == "child" and deeper.account_type == "child"
    assert deeper.root == rep_account and site.root == rep_account
    assert deeper.owner == users["rep"] and deeper.team == users["team_a"]


def test_cycle_in_hierarchy_is_refused(users, rep_account):
    site = ChildAccountFactory(parent=rep_account)
    below = ChildAccountFactory(parent=site)
    before = snapshot()
    site.parent = below
    with pytest.raises(DomainError, match="cycle"):
        services.account_update(actor=users["rep"], account=site)
    assert snapshot() == before


def test_cycle_refused_on_the_edit_form(login, users, rep_account):
    site = ChildAccountFactory(parent=rep_account, name="Site A")
    below = ChildAccountFactory(parent=site, name="Site B")
    before = snapshot()
    response = login(users["rep"]).post(
        reverse("sales:account_update", args=[site.pk]),
        {
            "name": "Site A",
            "parent": below.pk,
            "owner": users["rep"].pk,
            "credit_limit": "0",
            "credit_currency": "EUR",
            "version": site.updated_at.isoformat(),
        },
    )
    assert response.status_code == 200
    assert "cycle" in response.content.decode()
    assert snapshot() == before


def test_moving_a_child_moves_its_subtree_to_the_new_root(users, rep_account):
    other_root = AccountFactory(owner=users["rep"], team=users["team_a"])
    site = ChildAccountFactory(parent=rep_account)
    below = ChildAccountFactory(parent=site)
    site.parent = other_root
    services.account_update(actor=users["rep"], account=site)
    below.refresh_from_db()
    assert below.root == other_root
    assert below.history.first().history_change_reason == "moved with parent"


def test_legal_account_cannot_have_a_parent_in_the_database(users, rep_account):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Account.objects.filter(pk=rep_account.pk).update(parent=AccountFactory(owner=users["rep"]))


def test_r9_hierarchy_complete_needs_a_child_and_a_location_everywhere(users, rep_account):
    check = services.hierarchy_check(rep_account)
    assert not check.complete
    assert any("no child account" in p for p in check.problems)

    site = ChildAccountFactory(parent=rep_account)
    LocationFactory(account=rep_account)
    check = services.hierarchy_check(site)  # any account of the tree answers for the tree
    assert not check.complete
    assert check.problems == [f"No location on {site.number}."]

    LocationFactory(account=site)
    assert services.hierarchy_check(rep_account).complete


def test_hierarchy_indicator_on_the_detail_page(login, users, rep_account):
    client = login(users["rep"])
    page = client.get(rep_account.get_absolute_url()).content.decode()
    assert "Hierarchy incomplete" in page
    site = ChildAccountFactory(parent=rep_account, name="Plant Krefeld")
    LocationFactory(account=rep_account)
    LocationFactory(account=site)
    page = client.get(rep_account.get_absolute_url()).content.decode()
    assert "Hierarchy complete" in page and "Plant Krefeld" in page


# Locations -------------------------------------------------------------------------------


def test_first_location_becomes_primary_and_a_new_primary_demotes_the_old(users, rep_account):
    first = services.location_save(
        actor=users["rep"],
        location=Location(
            account=rep_account,
            address_line1="A-Str. 1",
            city="Hamburg",
            postcode="20457",
            country="DE",
        ),
    )
    assert first.is_primary
    second = services.location_save(
        actor=users["rep"],
        location=Location(
            account=rep_account,
            address_line1="B-Str. 2",
            city="Kiel",
            postcode="24103",
            country="DE",
            is_primary=True,
        ),
    )
    first.refresh_from_db()
    assert second.is_primary and not first.is_primary


def test_location_form_bad_input_shows_messages_and_changes_nothing(login, users, rep_account):
    before = snapshot()
    response = login(users["rep"]).post(
        reverse("sales:location_create", args=[rep_account.pk]),
        {
            "address_line1": "",
            "city": "Hamburg",
            "postcode": "20457",
            "country": "D1",
            "latitude": "53.5",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "This field is required" in page
    assert "two-letter ISO 3166" in page
    assert "both latitude and longitude" in page
    assert snapshot() == before


# Contacts and billing profiles ----------------------------------------------------------


def test_contact_form_rejects_a_bad_email(login, users, rep_account):
    before = snapshot()
    response = login(users["rep"]).post(
        reverse("sales:contact_create", args=[rep_account.pk]),
        {"first_name": "Jana", "last_name": "Kühn", "email": "not-an-email"},
    )
    assert "Enter a valid email address" in response.content.decode()
    assert snapshot() == before


def test_contact_is_added_with_signing_authority(login, users, rep_account):
    response = login(users["rep"]).post(
        reverse("sales:contact_create", args=[rep_account.pk]),
        {
            "first_name": "Jana",
            "last_name": "Kühn",
            "email": "j.kuehn@nordwind.de",
            "signing_authority": "on",
        },
    )
    assert response.status_code == 302
    contact = rep_account.contacts.get()
    assert contact.signing_authority and contact.history.get().history_user == users["rep"]


def test_billing_profile_gets_a_number_and_validates_cycle_day(login, users, rep_account):
    client = login(users["rep"])
    url = reverse("sales:billingprofile_create", args=[rep_account.pk])
    before = snapshot()
    bad = client.post(
        url,
        {
            "currency": "EUR",
            "payment_method": "direct_debit",
            "bill_cycle_day": "31",
            "invoice_delivery": "email",
        },
    )
    page = bad.content.decode()
    assert "less than or equal to 28" in page
    assert "E-mail delivery needs an invoice e-mail" in page
    assert snapshot() == before
    ok = client.post(
        url,
        {
            "currency": "EUR",
            "payment_method": "direct_debit",
            "bill_cycle_day": "15",
            "invoice_delivery": "email",
            "invoice_email": "ap@nordwind.de",
        },
    )
    assert ok.status_code == 302
    profile = rep_account.billing_profiles.get()
    assert profile.billing_account_number.startswith("BA-") and profile.state == "active"


def test_billing_profile_deactivate_and_activate(login, users, rep_account):
    profile = BillingProfileFactory(account=rep_account)
    client = login(users["finance"])
    client.post(reverse("sales:billingprofile_deactivate", args=[profile.pk]))
    profile.refresh_from_db()
    assert profile.state == "inactive"
    response = client.post(
        reverse("sales:billingprofile_deactivate", args=[profile.pk]), follow=True
    )
    assert "not possible while the record is Inactive" in response.content.decode()
    client.post(reverse("sales:billingprofile_activate", args=[profile.pk]))
    profile.refresh_from_db()
    assert profile.state == "active"


# Lifecycle -------------------------------------------------------------------------------


def test_account_lifecycle_legal_transitions_are_audited(users, rep_account):
    services.account_transition(actor=users["rep"], account_id=rep_account.pk, name="activate")
    services.account_transition(actor=users["manager"], account_id=rep_account.pk, name="suspend")
    services.account_transition(actor=users["manager"], account_id=rep_account.pk, name="close")
    rep_account.refresh_from_db()
    assert rep_account.state == "closed"
    reasons = list(
        rep_account.history.order_by("history_id").values_list(
            "history_change_reason", "history_user__username"
        )
    )
    assert reasons[1:] == [("activate", "rep"), ("suspend", "manager"), ("close", "manager")]


def test_illegal_transition_is_refused_with_a_reason(login, users, rep_account):
    before = snapshot()
    response = login(users["manager"]).post(
        reverse("sales:account_suspend", args=[rep_account.pk]), follow=True
    )
    assert "Suspend is not possible while the record is Prospect" in response.content.decode()
    assert snapshot() == before


def test_rep_may_not_close_an_account(users, rep_account):
    with pytest.raises(DomainError, match="not allowed to close"):
        services.account_transition(actor=users["rep"], account_id=rep_account.pk, name="close")


def test_record_header_offers_only_the_users_transitions(login, users, rep_account):
    services.account_transition(actor=users["rep"], account_id=rep_account.pk, name="activate")
    rep_page = login(users["rep"]).get(rep_account.get_absolute_url()).content.decode()
    assert "/suspend/" not in rep_page and "/close/" not in rep_page
    manager_page = login(users["manager"]).get(rep_account.get_absolute_url()).content.decode()
    assert "/suspend/" in manager_page and "/close/" in manager_page
    assert '/activate/"' not in manager_page  # already active


def test_r31_concurrent_edit_is_refused_and_loses_nothing(login, users, rep_account):
    client = login(users["rep"])
    url = reverse("sales:account_update", args=[rep_account.pk])
    form = client.get(url).context["form"]
    version = form["version"].value()
    # Somebody else saves first.
    services.account_set_credit_limit(
        actor=users["finance"],
        account_id=rep_account.pk,
        credit_limit=Decimal("5.00"),
        credit_currency="EUR",
    )
    response = client.post(
        url,
        {
            "name": "Renamed",
            "owner": users["rep"].pk,
            "credit_limit": "1",
            "credit_currency": "EUR",
            "version": version,
        },
    )
    assert "changed by someone else" in response.content.decode()
    rep_account.refresh_from_db()
    assert rep_account.name == "Nordwind Logistik GmbH"
    assert rep_account.credit_limit == Decimal("5.00")


def test_r31_concurrent_transition_one_wins(users, rep_account):
    """Two users activate from the same page: the second is told the state moved on."""
    services.account_transition(actor=users["rep"], account_id=rep_account.pk, name="activate")
    with pytest.raises(DomainError, match="not possible while the record is Active"):
        services.account_transition(
            actor=users["manager"], account_id=rep_account.pk, name="activate"
        )


# Create and edit pages ------------------------------------------------------------------


def test_create_legal_account_records_history_with_the_user(login, users):
    response = login(users["rep"]).post(
        reverse("sales:account_create"),
        {
            "name": "Hafen Kiel GmbH",
            "industry": "logistics",
            "credit_limit": "25000",
            "credit_currency": "EUR",
            "team": users["team_a"].pk,
        },
    )
    account = Account.objects.get(name="Hafen Kiel GmbH")
    assert response["Location"] == account.get_absolute_url()
    assert account.owner == users["rep"] and account.is_legal
    created = account.history.get()
    assert created.history_type == "+" and created.history_user == users["rep"]


def test_edit_records_before_and_after_in_history(login, users, rep_account):
    client = login(users["rep"])
    client.post(
        reverse("sales:account_update", args=[rep_account.pk]),
        {
            "name": "Nordwind Logistik SE",
            "owner": users["rep"].pk,
            "credit_limit": "100000.00",
            "credit_currency": "EUR",
            "industry": "logistics",
            "team": users["team_a"].pk,
            "version": rep_account.updated_at.isoformat(),
        },
    )
    page = client.get(rep_account.get_absolute_url()).content.decode()
    assert "Nordwind Logistik GmbH" in page and "Nordwind Logistik SE" in page
    latest = rep_account.history.first()
    assert latest.history_user == users["rep"] and latest.history_type == "~"


def test_bad_account_form_shows_messages_and_changes_nothing(login, users):
    before = snapshot()
    # An administrator may set a credit limit (a rep's form shows it read-only).
    response = login(users["admin"]).post(
        reverse("sales:account_create"),
        {
            "name": "",
            "credit_limit": "-5",
            "credit_currency": "EUR",
            "website": "nope",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "This field is required" in page
    assert "greater than or equal to 0" in page
    assert "Enter a valid URL" in page
    assert snapshot() == before


# Visibility (R29) ------------------------------------------------------------------------


def test_rep_sees_own_and_team_accounts_only(users, rep_account, other_account):
    teammate_account = AccountFactory(owner=users["manager"], team=users["team_a"])
    visible = set(Account.objects.visible_to(users["rep"]))
    assert visible == {rep_account, teammate_account}
    assert set(Account.objects.visible_to(users["other_rep"])) == {other_account}


def test_manager_sees_managed_teams_and_back_office_sees_all(users, rep_account, other_account):
    assert set(Account.objects.visible_to(users["manager"])) == {rep_account}
    for who in ("contracts", "orders", "agent", "technician", "pm", "admin"):
        assert set(Account.objects.visible_to(users[who])) == {rep_account, other_account}
    assert not Account.objects.visible_to(users["outsider"]).exists()


def test_account_list_filters(login, users, rep_account):
    site = ChildAccountFactory(parent=rep_account, name="Depot Hannover")
    client = login(users["rep"])
    url = reverse("sales:account_list")
    names = lambda r: [a.name for a in r.context["object_list"]]  # noqa: E731
    assert names(client.get(url, {"q": "hannover"})) == ["Depot Hannover"]
    assert names(client.get(url, {"q": rep_account.number})) == ["Nordwind Logistik GmbH"]
    assert names(client.get(url, {"account_type": "child"})) == ["Depot Hannover"]
    assert names(client.get(url, {"state": "active"})) == []
    assert site.pk in [
        a.pk for a in client.get(url, {"team": users["team_a"].pk}).context["object_list"]
    ]
    bad = client.get(url, {"state": "bogus"})
    assert bad.status_code == 200 and "Select a valid choice" in bad.content.decode()


def test_detail_lists_locations_contacts_and_billing(login, users, rep_account):
    LocationFactory(account=rep_account, city="Hamburg")
    ContactFactory(
        account=rep_account, first_name="Henrik", last_name="Jansen", signing_authority=True
    )
    BillingProfileFactory(account=rep_account)
    page = login(users["contracts"]).get(rep_account.get_absolute_url()).content.decode()
    assert "Hamburg" in page and "Henrik Jansen" in page and "signing authority" in page
    assert "BA-0000001" in page
