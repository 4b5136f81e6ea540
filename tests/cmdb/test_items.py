"""R26: a configuration item's page, its operational status set by hand and by a monitoring
system through the token-authenticated status endpoint, with the history of changes."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cmdb.models import ConfigurationItem, MonitoringIntegration, Relationship, StatusChange
from cmdb.services import item_set_status

from .conftest import make_item

ENDPOINT = "/cmdb/api/monitoring/status/"


@pytest.fixture
def token():
    integration = MonitoringIntegration(name="Zabbix NOC")
    secret = integration.issue_token()
    integration.save()
    return secret


def _post(client, body, token=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post(ENDPOINT, data=data, content_type="application/json", **headers)


def test_r26_status_set_by_hand_is_kept_with_who_and_why(login, users, items):
    client = login(users["ops"])
    item = items["hq"]
    response = client.post(
        reverse("cmdb:item_status", args=[item.pk]),
        {"status": "degraded", "note": "CRC errors on the NTU"},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.operational_status == "degraded"
    change = StatusChange.objects.get(item=item)
    assert (change.previous, change.status, change.changed_by) == (
        "operational",
        "degraded",
        users["ops"],
    )
    page = client.get(item.get_absolute_url()).content.decode()
    assert "CRC errors on the NTU" in page and "Degraded" in page
    assert item.history.first().history_change_reason == "status degraded (by hand)"


def test_r26_a_bad_status_changes_nothing(login, users, items):
    client = login(users["ops"])
    item = items["hq"]
    client.post(reverse("cmdb:item_status", args=[item.pk]), {"status": "on fire"})
    item.refresh_from_db()
    assert item.operational_status == "operational" and not StatusChange.objects.exists()


def test_r26_only_operations_set_status_and_only_visible_items_are_shown(login, users, items):
    url = reverse("cmdb:item_status", args=[items["hq"].pk])
    assert login(users["rep"]).post(url, {"status": "down"}).status_code == 403
    assert login(users["rep"]).get(items["hq"].get_absolute_url()).status_code == 200
    assert login(users["other_rep"]).get(items["hq"].get_absolute_url()).status_code == 404
    assert login(users["rep"]).get(items["pop"].get_absolute_url()).status_code == 404
    assert login(users["outsider"]).get(items["hq"].get_absolute_url()).status_code == 403
    assert not StatusChange.objects.exists()


def test_r26_monitoring_posts_status_with_its_token(client, items, token):
    response = _post(
        client,
        {"item": items["hq"].number.lower(), "status": "down", "note": "Link down since 03:12"},
        token,
    )
    assert response.status_code == 200
    assert response.json() == {
        "item": items["hq"].number,
        "status": "down",
        "previous": "operational",
        "changed": True,
    }
    change = StatusChange.objects.get()
    assert change.integration.name == "Zabbix NOC" and change.changed_by is None
    assert MonitoringIntegration.objects.get().last_used_at is not None
    # The same status again is no change.
    assert (
        _post(client, {"item": items["hq"].number, "status": "down"}, token).json()["changed"]
        is False
    )
    assert StatusChange.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ("not json", 400, "not valid JSON"),
        ([1, 2], 400, "JSON object"),
        ({"status": "down"}, 400, "'item'"),
        ({"item": "CI-000001", "status": "broken"}, 400, "'status' must be one of"),
        ({"item": "CI-000001", "status": "down", "note": 5}, 400, "'note'"),
        ({"item": "CI-999999", "status": "down"}, 404, "No configuration item CI-999999"),
    ],
)
def test_r26_monitoring_bad_input_is_refused_without_change(
    client, items, token, body, status, message
):
    response = _post(client, body, token)
    assert response.status_code == status
    error = response.json()
    assert error["code"] == str(status) and message in error["message"]
    assert not StatusChange.objects.exists()
    assert set(ConfigurationItem.objects.values_list("operational_status", flat=True)) == {
        "operational"
    }


def test_r26_monitoring_rejects_a_bad_or_revoked_token(client, items, token):
    body = {"item": items["hq"].number, "status": "down"}
    assert _post(client, body).status_code == 401
    assert _post(client, body, "wrong-token").status_code == 401
    MonitoringIntegration.objects.update(active=False)
    response = _post(client, body, token)
    assert response.status_code == 401 and response.json()["reason"] == "Unauthorized"
    assert not StatusChange.objects.exists()
    assert client.get(ENDPOINT).status_code == 405


def test_item_page_query_count_does_not_grow_with_its_relationships(login, users, items):
    client = login(users["ops"])
    item = items["hq"]
    site = make_item(item.account, site=item.site, kind="site", name="HQ")
    Relationship.objects.create(source=item, kind="terminates_at", target=site)
    item_set_status(actor=users["ops"], item_id=item.pk, status="down")
    url = item.get_absolute_url()
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    for n in range(3):
        other = make_item(item.account, site=item.site, kind="ip_service", name=f"IP {n}")
        Relationship.objects.create(source=other, kind="depends_on", target=item)
        item_set_status(
            actor=users["ops"], item_id=item.pk, status=["degraded", "operational", "down"][n]
        )
    with CaptureQueriesContext(connection) as more:
        page = client.get(url).content.decode()
    assert page.count("depends on this") == 3
    # Session and user, roles and permissions, the item with its product, order and contract,
    # outgoing and incoming relationships, allocations, status changes, open changes,
    # incidents, history (item rows, previous rows and the users they name), nav counts.
    assert len(more) == len(queries) == 17
