"""R30 for sales: forms, hand-read query parameters, transition reasons, the CSV account
import and the catalog import command answer bad input with a message, never a 5xx, and
store nothing."""

import copy
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from sales.catalog_io import catalog_export, catalog_import
from sales.models import Account, Lead, ProductOffering
from sales.services import accounts_import_csv
from telcrm.fsm import DomainError
from tests.factories import LeadFactory
from tests.r30 import get_query, nul_texts, post_form, r30_settings, texts

from .test_import import GOOD, HEADER
from .test_quote_versions import finalise
from .test_quotes import new_quote, place


@given(name=nul_texts, industry=texts)
@r30_settings
def test_r30_account_form_names_bad_text_and_stores_nothing(login, users, name, industry):
    before = Account.objects.count()
    response = post_form(
        login(users["rep"]),
        reverse("sales:account_create"),
        {
            "name": name,
            "industry": industry,
            "credit_limit": "0",
            "credit_currency": "EUR",
            "team": users["team_a"].pk,
        },
    )
    assert response.status_code == 200  # the form again, with the reason
    assert Account.objects.count() == before


def test_r30_account_form_message(login, users):
    response = post_form(
        login(users["rep"]),
        reverse("sales:account_create"),
        {"name": "Hafen\x00 Kiel", "credit_limit": "0", "credit_currency": "EUR"},
    )
    assert "This text contains a NUL (zero) character; remove it." in response.content.decode()
    assert not Account.objects.exists()


@given(q=texts)
@r30_settings
def test_r30_list_search_takes_any_text(login, users, q):
    for name in ("sales:account_list", "sales:lead_list", "sales:quote_list"):
        assert get_query(login(users["rep"]), reverse(name), {"q": q}).status_code == 200


@given(reason=nul_texts)
@r30_settings
def test_r30_transition_reason_is_refused_with_a_message(login, users, reason):
    lead = Lead.objects.first() or LeadFactory(owner=users["rep"], state="working")
    response = post_form(
        login(users["rep"]),
        reverse("sales:lead_disqualify", args=[lead.pk]),
        {"reason": reason},
        follow=True,
    )
    assert response.status_code == 200
    assert "The reason contains a NUL" in response.content.decode()
    lead.refresh_from_db()
    assert lead.state == "working" and not lead.disqualify_reason


@pytest.fixture
def versions(users, rep_account, world):
    quote = new_quote(users, rep_account)
    place(users, quote, world["HQ"], bandwidth="100")
    finalise(users, quote)
    from sales import services

    return quote, services.quote_revise(actor=users["rep"], quote_id=quote.pk)


def test_r30_quote_compare_and_create_take_any_id(login, users, rep_account, versions):
    quote, v2 = versions
    client = login(users["rep"])
    url = reverse("sales:quote_compare", args=[v2.pk])
    for bad in ("²", "٣", "1\x00", "9" * 40, "-1", "\ud800"):
        response = get_query(client, url, {"with": bad})
        assert response.status_code == 200 and response.context["other"] == quote, bad
        assert (
            get_query(
                client, reverse("sales:quote_create"), {"account": bad, "opportunity": bad}
            ).status_code
            == 200
        )


@given(other=texts)
@r30_settings
def test_r30_quote_compare_any_with_is_below_500(login, users, versions, other):
    url = reverse("sales:quote_compare", args=[versions[1].pk])
    assert get_query(login(users["rep"]), url, {"with": other}).status_code == 200


# CSV account import ----------------------------------------------------------------------


@given(cells=st.lists(texts, min_size=19, max_size=19))
@r30_settings
def test_r30_csv_import_parses_any_text_into_a_report(users, cells):
    before = Account.objects.count()
    row = ",".join(json.dumps(c) for c in cells)  # quoted, so commas stay in their cell
    data = (HEADER + row + "\n").encode("utf-8", "surrogatepass")
    result = accounts_import_csv(actor=users["rep"], data=data)
    if not result.ok:
        assert result.errors and Account.objects.count() == before


@pytest.mark.parametrize(
    "data, message",
    [
        (GOOD.replace("Pier 1", "Pier\x00 1").encode(), "the file contains a NUL (zero) character"),
        (GOOD.replace("Pier 1", "Pier\ud800").encode("utf-8", "surrogatepass"), "not UTF-8"),
        (GOOD.replace("Pier 1", "Pier\ud800"), "the file contains broken Unicode"),
    ],
)
def test_r30_csv_import_names_bad_text(users, data, message):
    result = accounts_import_csv(actor=users["rep"], data=data)
    assert any(message in reason for _, reason in result.errors)
    assert not Account.objects.exists()


def test_r30_csv_import_page_reports_bad_text(login, users, django_capture_on_commit_callbacks):
    bad = GOOD.replace("Pier 1", "Pier\x00 1").encode()
    client = login(users["rep"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("sales:account_import"), {"file": SimpleUploadedFile("a.csv", bad, "text/csv")}
        )
    assert response.status_code == 302  # to the import's page, where the job reports
    assert "NUL (zero) character" in client.get(response["Location"]).content.decode()
    assert not Account.objects.exists()


# Catalog import --------------------------------------------------------------------------


def _deep(depth: int):
    value: list = []
    for _ in range(depth):
        value = [value]
    return value


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda d: d["offerings"][0].update(name="DIA\x00"), "offerings[0].name contains a NUL"),
        (
            lambda d: d["offerings"][1].update(description="\ud800"),
            "offerings[1].description contains broken Unicode",
        ),
        (
            lambda d: d["offerings"][0].update(sellable_from="2024-02-30"),
            "sellable_from '2024-02-30' is not a date",
        ),
        (lambda d: d["offerings"][0].update(code=["DIA"]), "every code must be text"),
        (
            lambda d: d["offerings"][0].update(specifications=[{"code": "X"}]),
            "specifications must be a list of codes",
        ),
        (
            lambda d: d["offerings"][0]["price_rules"].append({"characteristic": {"a": 1}}),
            "characteristic must be a code (text)",
        ),
        (
            lambda d: d["specifications"][0].update(characteristics=[1, 2]),
            "characteristics must be a list of codes",
        ),
        (
            lambda d: d["specifications"][0]["relationships"].append({"target": ["x"]}),
            "target must be a code (text)",
        ),
        (lambda d: d["offerings"][0].update(partner_terms=_deep(50)), "nested more than 32"),
    ],
)
def test_r30_catalog_import_lists_the_problems(users, demo_catalog, change, message):
    before = catalog_export()
    history = ProductOffering.history.count()
    data = copy.deepcopy(before)
    change(data)
    with pytest.raises(DomainError) as exc:
        catalog_import(actor=users["admin"], data=data)
    assert any(message in e for e in exc.value.errors), exc.value.errors
    assert catalog_export() == before and ProductOffering.history.count() == history


@pytest.mark.parametrize(
    "text, message",
    [
        (
            '{"format": "telcrm-catalog", "version": 1, "offerings": [{"code": "A\\u0000"}]}',
            "offerings[0].code contains a NUL",
        ),
        (
            '{"format": "telcrm-catalog", "version": 1, "offerings": [{"code": "\\ud800"}]}',
            "offerings[0].code contains broken Unicode",
        ),
        (
            '{"format": "telcrm-catalog", "x": ' + "[" * 100_000 + "]" * 100_000 + "}",
            "nested more than 32 levels deep",
        ),
    ],
)
def test_r30_catalog_import_command_names_bad_files(
    users, demo_catalog, tmp_path, capsys, text, message
):
    before = catalog_export()
    path = tmp_path / "catalog.json"
    path.write_text(text)
    with pytest.raises(CommandError, match="Nothing was changed") as exc:
        call_command("import_catalog", str(path), "--as-user", "admin")
    assert message in str(exc.value) + capsys.readouterr().err
    assert catalog_export() == before


@pytest.fixture
def demo_catalog(users):
    from sales.demo.catalog import CATALOG

    catalog_import(actor=users["admin"], data=copy.deepcopy(CATALOG))
