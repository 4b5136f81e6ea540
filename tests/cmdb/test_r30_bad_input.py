"""R30 for the CMDB: the monitoring endpoint answers bad input with a TMF Error body (never a
5xx) and the item status and incident forms name bad text; nothing is stored."""

import json

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from cmdb.models import ConfigurationItem, Incident, MonitoringIntegration, StatusChange
from tests.r30 import nul_texts, post_form, r30_settings, texts

from .conftest import make_item

ENDPOINT = "/cmdb/api/monitoring/status/"


@pytest.fixture
def token(db):
    integration = MonitoringIntegration(name="Zabbix NOC")
    secret = integration.issue_token()
    integration.save()
    return secret


@pytest.fixture
def item(rep_account):
    return make_item(rep_account, name="Access circuit HQ", identifier="CIR-HH-0001")


def _send(client, raw: bytes, token: str):
    return client.post(
        ENDPOINT, data=raw, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
    )


def _unchanged(item):
    item.refresh_from_db()
    return item.operational_status == "operational" and not StatusChange.objects.exists()


@pytest.mark.parametrize(
    "raw, message",
    [
        ('{"item": "CI-1", "status": "down", "note": "a\\u0000b"}', "note contains a NUL"),
        ('{"item": "CI-1", "status": "down", "note": "\\ud800"}', "note contains broken Unicode"),
        ('{"item": "\\udfff", "status": "down"}', "item contains broken Unicode"),
        ('{"a": ' * 100_000 + "1" + "}" * 100_000, "nested more than 32 levels deep"),
        ("[" * 100_000 + "]" * 100_000, "nested more than 32 levels deep"),
    ],
)
def test_r30_monitoring_refuses_bad_text_and_deep_json_with_a_tmf_error(
    client, item, token, raw, message
):
    response = _send(client, raw.replace("CI-1", item.number).encode(), token)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "400" and body["reason"] == "Bad Request"
    assert message in body["message"]
    assert _unchanged(item)


@given(note=texts, number=texts, status=st.sampled_from(["down", "degraded", "x\x00"]))
@r30_settings
def test_r30_monitoring_any_text_is_answered_below_500(client, item, token, note, number, status):
    body = json.dumps({"item": number, "status": status, "note": note}, ensure_ascii=True)
    response = _send(client, body.encode(), token)
    assert response.status_code < 500
    assert _unchanged(item)
    assert response.json()["code"] in ("400", "404")


@given(raw=st.binary(max_size=300))
@r30_settings
def test_r30_monitoring_any_bytes_are_answered_below_500(client, item, token, raw):
    response = _send(client, raw, token)
    assert response.status_code < 500 and _unchanged(item)


@given(note=nul_texts)
@r30_settings
def test_r30_item_status_form_names_bad_text(login, users, item, note):
    client = login(users["ops"])
    response = post_form(
        client, reverse("cmdb:item_status", args=[item.pk]), {"status": "down", "note": note}
    )
    assert response.status_code < 500
    assert _unchanged(item)


@given(title=nul_texts, description=texts)
@r30_settings
def test_r30_incident_form_names_bad_text(login, users, title, description):
    pop = ConfigurationItem.objects.filter(kind="pop").first() or make_item(
        None, kind="pop", name="POP Hamburg 1"
    )
    client = login(users["ops"])
    response = post_form(
        client,
        reverse("cmdb:incident_create"),
        {"item": pop.pk, "priority": "p3", "title": title, "description": description},
    )
    assert response.status_code == 200  # the form again, with the reason
    assert not Incident.objects.exists()


def test_r30_incident_form_message_and_a_superscript_item_id(login, users):
    pop = make_item(None, kind="pop", name="POP Hamburg 1")
    client = login(users["ops"])
    response = post_form(
        client,
        reverse("cmdb:incident_create"),
        {"item": pop.pk, "priority": "p3", "title": "Fibre cut\x00"},
    )
    assert "This text contains a NUL (zero) character" in response.content.decode()
    assert client.get(reverse("cmdb:incident_create") + "?item=²").status_code == 200
    assert not Incident.objects.exists()
