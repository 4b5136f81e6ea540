"""CSV import of accounts with locations and contacts: all or nothing, every bad row named."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from sales.models import Account, Contact, Location
from sales.services import accounts_import_csv

HEADER = (
    "ref,parent_ref,name,industry,credit_limit,owner,team,address_line1,address_line2,"
    "city,postcode,country,site_code,contact_first_name,contact_last_name,contact_email,"
    "contact_phone,contact_job_role,contact_signing_authority\n"
)
GOOD = HEADER + (
    "root,,Hafen Kiel GmbH,logistics,50000,rep,Team A,Kaistr. 1,,Kiel,24103,DE,KIE,Jan,Holm,"
    "j.holm@hafen-kiel.de,,CFO,yes\n"
    "pier1,root,Pier 1,,,,,Kaistr. 9,,Kiel,24103,de,KIE-P1,,,,,,\n"
    "crane,pier1,Crane yard,,,,,Kaistr. 11,,Kiel,24103,DE,,,,,,,no\n"
)


def counts():
    return Account.objects.count(), Location.objects.count(), Contact.objects.count()


def test_good_file_imports_tree_with_locations_and_contacts(users):
    result = accounts_import_csv(actor=users["rep"], data=GOOD.encode())
    assert result.ok, result.errors
    root = Account.objects.get(name="Hafen Kiel GmbH")
    crane = Account.objects.get(name="Crane yard")
    assert crane.root == root and crane.parent.name == "Pier 1"
    assert crane.owner == users["rep"] and crane.team == users["team_a"]
    assert root.contacts.get().signing_authority
    assert Location.objects.get(account__name="Pier 1").country == "DE"
    assert root.history.get().history_user == users["rep"]


def test_any_bad_row_imports_nothing_and_names_each_row(users):
    bad = HEADER + (
        "root,,Hafen Kiel GmbH,logistics,50000,rep,Team A,Kaistr. 1,,Kiel,24103,DE,,,,,,,\n"
        "pier1,root,,,abc,ghost,,Kaistr. 9,,,24103,DE,,,,,,,\n"
        "pier2,nowhere,Pier 2,shipping,,,,,,,,,,Eva,,,,,maybe\n"
    )
    before = counts()
    result = accounts_import_csv(actor=users["rep"], data=bad.encode())
    assert counts() == before
    reasons = {line: [] for line, _ in result.errors}
    for line, reason in result.errors:
        reasons[line].append(reason)
    assert 2 not in reasons  # the good row is not blamed
    assert "name is empty" in reasons[3]
    assert "credit_limit 'abc' is not a number" in reasons[3]
    assert "owner 'ghost' is not a user" in reasons[3]
    assert any("location needs" in r for r in reasons[3])
    assert any("parent_ref 'nowhere'" in r for r in reasons[4])
    assert any("industry 'shipping'" in r for r in reasons[4])
    assert any("contact needs" in r for r in reasons[4])
    assert "contact_signing_authority must be yes or no" in reasons[4]


def test_parent_cycle_and_duplicate_refs_are_refused(users):
    data = (
        HEADER
        + "a,b,A,,,,,,,,,,,,,,,,\nb,a,B,,,,,,,,,,,,,,,,\n"
        + "c,,C,,,,,,,,,,,,,,,,\nc,,C2,,,,,,,,,,,,,,,,\n"
    )
    before = counts()
    result = accounts_import_csv(actor=users["rep"], data=data.encode())
    assert counts() == before
    messages = [r for _, r in result.errors]
    assert "ref 'c' is used by more than one row" in messages


def test_cycle_between_rows_is_named(users):
    data = HEADER + "a,b,A,,,,,,,,,,,,,,,,\nb,a,B,,,,,,,,,,,,,,,,\n"
    result = accounts_import_csv(actor=users["rep"], data=data.encode())
    assert [r for _, r in result.errors] == [
        "ref 'a' is part of a parent cycle",
        "ref 'b' is part of a parent cycle",
    ]
    assert not Account.objects.exists()


def test_existing_parent_must_be_visible_to_the_importer(users, rep_account, other_account):
    data = HEADER + f"s1,{other_account.number},Site,,,,,,,,,,,,,,,,\n"
    result = accounts_import_csv(actor=users["rep"], data=data.encode())
    assert result.errors == [(2, f"account {other_account.number} does not exist or is not yours")]
    ok = accounts_import_csv(
        actor=users["rep"],
        data=(HEADER + f"s1,{rep_account.number},Site,,,,,,,,,,,,,,,,\n").encode(),
    )
    assert ok.ok and ok.created[0].parent == rep_account


@pytest.mark.parametrize(
    "data, message",
    [
        (b"name,city\nX,Y\n", "missing column(s): ref"),
        (b"ref,name,colour\n1,X,red\n", "unknown column(s): colour"),
        (HEADER.encode(), "the file has no data rows"),
        ("ref,name\n1,Café\n".encode("latin-1"), "the file is not UTF-8 text"),
    ],
)
def test_malformed_files_are_refused(users, data, message):
    result = accounts_import_csv(actor=users["rep"], data=data)
    assert message in [r for _, r in result.errors]
    assert not Account.objects.exists()


def test_upload_page_reports_bad_rows_and_imports_nothing(login, users):
    client = login(users["rep"])
    bad = HEADER + "r,,,,,,,,,,,,,,,,,,\n"
    response = client.post(
        reverse("sales:account_import"),
        {"file": SimpleUploadedFile("a.csv", bad.encode(), "text/csv")},
    )
    page = response.content.decode()
    assert "Nothing was imported" in page and "Row 2: name is empty" in page
    assert not Account.objects.exists()
    response = client.post(
        reverse("sales:account_import"),
        {"file": SimpleUploadedFile("a.csv", GOOD.encode(), "text/csv")},
    )
    assert response.status_code == 302
    assert Account.objects.count() == 3


def test_management_command(users, tmp_path):
    path = tmp_path / "accounts.csv"
    path.write_text(HEADER + "r,,,,,,,,,,,,,,,,,,\n")
    with pytest.raises(CommandError, match="Nothing imported"):
        call_command("import_accounts", str(path), "--as-user", "rep")
    assert not Account.objects.exists()
    path.write_text(GOOD)
    call_command("import_accounts", str(path), "--as-user", "rep")
    assert Account.objects.count() == 3
