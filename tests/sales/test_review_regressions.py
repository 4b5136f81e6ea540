"""Defects found in review of the accounts foundation, each pinned by a test."""

from django.urls import reverse

from sales import services
from sales.models import Account, BillingProfile, Contact
from sales.services import accounts_import_csv
from tests.factories import AccountFactory, ChildAccountFactory, ContactFactory, LocationFactory

HEADER = "ref,parent_ref,name,owner,team,contact_first_name,contact_last_name,contact_email\n"


def test_typed_billing_number_never_clashes_with_a_generated_one(login, users, rep_account):
    client = login(users["rep"])
    url = reverse("sales:billingprofile_create", args=[rep_account.pk])
    data = {
        "currency": "EUR",
        "payment_method": "direct_debit",
        "bill_cycle_day": "1",
        "invoice_delivery": "post",
    }
    assert client.post(url, {**data, "billing_account_number": "BA-0000001"}).status_code == 302
    assert client.post(url, data).status_code == 302
    numbers = set(BillingProfile.objects.values_list("billing_account_number", flat=True))
    assert numbers == {"BA-0000001", "BA-0000002"}
    again = client.post(url, {**data, "billing_account_number": "BA-0000001"})
    assert again.status_code == 200 and "already exists" in again.content.decode()


def test_csv_with_old_mac_line_endings_and_huge_fields_is_reported(users):
    result = accounts_import_csv(actor=users["rep"], data=b"ref,name\r1,A\r2,B\r")
    assert result.ok and Account.objects.count() == 2
    huge = b"ref,name\n1," + b"x" * 200_000 + b"\n"
    result = accounts_import_csv(actor=users["rep"], data=huge)
    assert result.errors == [(1, "unreadable CSV: field larger than field limit (131072)")]
    assert Account.objects.count() == 2


def test_csv_with_nul_bytes_is_refused(users):
    result = accounts_import_csv(actor=users["rep"], data=b"ref,name\n1,A\x00B\n")
    assert result.errors == [(0, "the file contains a NUL (zero) character; remove it")]


def test_csv_repeated_column_is_refused(users):
    result = accounts_import_csv(actor=users["rep"], data=b"ref,ref,name\n1,2,A\n")
    assert (1, "repeated column(s): ref") in result.errors


def test_csv_reports_every_bad_row_in_one_pass(users):
    data = HEADER + "a,,A,,,,,\nb,,B,,,Jan,Holm,not-an-email\n" + "c,,C,ghost,,,,\n"
    result = accounts_import_csv(actor=users["rep"], data=data.encode())
    lines = {line for line, _ in result.errors}
    assert lines == {3, 4}
    assert any("Enter a valid email" in r for _, r in result.errors)


def test_r29_rep_cannot_give_an_account_to_another_team(login, users):
    client = login(users["rep"])
    response = client.post(
        reverse("sales:account_create"),
        {
            "name": "Sneaky GmbH",
            "team": users["team_b"].pk,
            "owner": users["other_rep"].pk,
            "credit_limit": "0",
            "credit_currency": "EUR",
        },
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Account.objects.filter(name="Sneaky GmbH").exists()
    data = HEADER + "a,,A,outsider,Team B,,,\n"
    result = accounts_import_csv(actor=users["rep"], data=data.encode())
    assert not result.ok and not Account.objects.exists()


def test_r29_team_filter_offers_only_the_users_teams(login, users):
    page = login(users["rep"]).get(reverse("sales:account_list")).content.decode()
    assert "Team A" in page and "Team B" not in page


def test_r29_hidden_child_is_anonymous_on_the_parent_page(login, users, rep_account):
    secret = ChildAccountFactory(
        parent=rep_account, name="Secret Site", owner=users["other_rep"], team=users["team_b"]
    )
    secret.credit_limit = 999999
    secret.save()
    page = login(users["rep"]).get(rep_account.get_absolute_url()).content.decode()
    assert "Secret Site" not in page and "999999" not in page
    assert "an account of another team" in page


def test_r31_stale_contact_edit_is_refused(login, users, rep_account):
    contact = ContactFactory(account=rep_account, phone="111")
    url = reverse("sales:contact_update", args=[rep_account.pk, contact.pk])
    client = login(users["rep"])
    version = client.get(url).context["form"]["version"].value()
    fields = {
        "first_name": contact.first_name,
        "last_name": contact.last_name,
        "email": contact.email,
        "version": version,
    }
    assert client.post(url, {**fields, "phone": "222"}).status_code == 302
    stale = client.post(url, {**fields, "phone": "111", "job_role": "CTO"})
    assert "changed by someone else" in stale.content.decode()
    contact.refresh_from_db()
    assert (contact.phone, contact.job_role) == ("222", "")


def test_edit_keeps_a_parent_the_user_could_not_pick_today(login, users, rep_account):
    site = ChildAccountFactory(parent=rep_account, name="Site")
    services.account_transition(actor=users["manager"], account_id=rep_account.pk, name="close")
    client = login(users["rep"])
    url = reverse("sales:account_update", args=[site.pk])
    form = client.get(url).context["form"]
    assert rep_account in form.fields["parent"].queryset
    response = client.post(
        url,
        {
            "name": "Site renamed",
            "parent": rep_account.pk,
            "owner": users["rep"].pk,
            "credit_limit": "0",
            "credit_currency": "EUR",
            "version": form["version"].value(),
        },
    )
    assert response.status_code == 302
    assert Account.objects.get(pk=site.pk).name == "Site renamed"


def test_closed_account_takes_no_new_children(login, users, rep_account):
    services.account_transition(actor=users["manager"], account_id=rep_account.pk, name="close")
    response = login(users["rep"]).post(
        reverse("sales:account_child_create", args=[rep_account.pk]),
        {"name": "Late site", "credit_limit": "0", "credit_currency": "EUR"},
    )
    assert "is closed: it takes no new child accounts" in response.content.decode()
    assert not rep_account.children.exists()


def test_admin_move_reroots_the_subtree(login, users, rep_account):
    other_root = AccountFactory(owner=users["rep"], team=users["team_a"])
    site = ChildAccountFactory(parent=rep_account)
    below = ChildAccountFactory(parent=site)
    LocationFactory(account=below)
    response = login(users["admin"]).post(
        reverse("admin:sales_account_change", args=[site.pk]),
        {
            "name": site.name,
            "account_type": "child",
            "parent": other_root.pk,
            "owner": users["rep"].pk,
            "credit_limit": "0",
            "credit_currency": "EUR",
            "locations-TOTAL_FORMS": "0",
            "locations-INITIAL_FORMS": "0",
            "contacts-TOTAL_FORMS": "0",
            "contacts-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    below.refresh_from_db()
    assert below.root == other_root


def test_r27_history_version_cannot_be_posted_back_in_admin(login, users, rep_account):
    row = rep_account.history.first()
    url = reverse("admin:sales_account_simple_history", args=[rep_account.pk, row.history_id])
    client = login(users["admin"])
    assert client.get(url).status_code == 200
    before = Account.history.count()
    response = client.post(url, {"name": "Reverted!", "owner": users["rep"].pk})
    assert response.status_code == 403
    assert Account.history.count() == before
    assert Account.objects.get(pk=rep_account.pk).name == "Nordwind Logistik GmbH"


def test_contact_model_is_used(users, rep_account):
    """Contacts made by the import carry the importer in their history."""
    data = HEADER + "a,,A,,,Jan,Holm,j@h.de\n"
    assert accounts_import_csv(actor=users["rep"], data=data.encode()).ok
    assert Contact.history.get().history_user == users["rep"]
