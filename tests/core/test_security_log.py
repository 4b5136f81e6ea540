"""R40: every request has an id, and every security event is one structured record of the
``telcrm.security`` logger (one JSON line on standard error) naming the event, the user,
the client's address, the request id, the time in UTC and the path."""

import json
import logging
from datetime import UTC, datetime

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from cmdb.models import MonitoringIntegration
from telcrm.logs import JsonLineFormatter

pytestmark = pytest.mark.django_db

REQUEST_ID = "3f0c9a1e-5b7d-4c2a-9e61-0d8b7a6c5e4f"


@pytest.fixture
def security_log(caplog):
    """The security records written during the test, as their structured fields. The
    logger writes to its own handler only (no duplicate plain line): listen to it directly."""
    logger = logging.getLogger("telcrm.security")
    logger.addHandler(caplog.handler)
    records = []

    def events(name=None):
        records[:] = [r for r in caplog.records if r.name == "telcrm.security"]
        fields = [r.security for r in records]
        return [f for f in fields if name is None or f["event"] == name]

    yield events
    logger.removeHandler(caplog.handler)


def assert_utc_now(stamp: str) -> None:
    assert stamp.endswith("Z")
    when = datetime.fromisoformat(stamp)
    assert when.utcoffset().total_seconds() == 0
    assert abs((datetime.now(UTC) - when).total_seconds()) < 60


def test_r40_request_id_on_every_response(client, login, users):
    fresh = client.get(reverse("login"))["X-Request-ID"]
    assert len(fresh) == 32 and int(fresh, 16) >= 0
    assert client.get(reverse("login"))["X-Request-ID"] != fresh  # one per request
    # A proxy's id is kept; text that is not an id is replaced, never echoed.
    assert client.get(reverse("login"), HTTP_X_REQUEST_ID=REQUEST_ID)["X-Request-ID"] == (
        REQUEST_ID
    )
    forged = client.get(reverse("login"), HTTP_X_REQUEST_ID="x<script>alert(1)</script>")
    assert "<" not in forged["X-Request-ID"] and len(forged["X-Request-ID"]) == 32
    signed_in = login(users["rep"]).get(reverse("home"))
    assert len(signed_in["X-Request-ID"]) == 32


def test_r40_security_log_failed_login(client, users, security_log):
    response = client.post(
        reverse("login"),
        {"username": "rep", "password": "wrong"},
        REMOTE_ADDR="10.9.0.1",
        HTTP_X_REQUEST_ID=REQUEST_ID,
    )
    assert response["X-Request-ID"] == REQUEST_ID
    [record] = security_log("login_failed")
    assert {k: record[k] for k in ("event", "user", "address", "request_id", "path")} == {
        "event": "login_failed",
        "user": "rep",
        "address": "10.9.0.1",
        "request_id": REQUEST_ID,
        "path": "/login/",
    }
    assert_utc_now(record["time"])
    assert "wrong" not in json.dumps(record)  # never the password
    assert security_log("login_locked_out") == []


def test_r40_security_log_locked_out_login(client, users, security_log):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            reverse("admin:login"), {"username": "admin", "password": "x"}, REMOTE_ADDR="10.9.0.2"
        )
    client.post(
        reverse("admin:login"), {"username": "admin", "password": "pw"}, REMOTE_ADDR="10.9.0.2"
    )
    assert len(security_log("login_failed")) == settings.AXES_FAILURE_LIMIT + 1
    # The sign-in that reached the limit, then the one refused with the right password.
    locked = security_log("login_locked_out")
    assert len(locked) == 2
    assert {(r["user"], r["address"], r["path"]) for r in locked} == {
        ("admin", "10.9.0.2", "/admin/login/")
    }


def test_r40_security_log_access_denied(login, users, security_log):
    client = login(users["rep"])
    response = client.get(reverse("audit_log"), HTTP_X_REQUEST_ID=REQUEST_ID)
    assert response.status_code == 403
    [record] = security_log("access_denied")
    assert (record["user"], record["path"], record["request_id"], record["address"]) == (
        "rep",
        reverse("audit_log"),
        REQUEST_ID,
        "127.0.0.1",
    )
    assert record["method"] == "GET"
    assert_utc_now(record["time"])


def test_r40_security_log_csrf_failure(users, security_log):
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["manager"])
    response = client.post(reverse("logout"))
    assert response.status_code == 403
    [record] = security_log("csrf_failed")
    assert (record["user"], record["path"], record["method"]) == ("manager", "/logout/", "POST")
    assert "CSRF" in record["reason"]
    assert client.get(reverse("home")).status_code == 200  # the forged sign-out did nothing


def test_r40_security_log_bad_signing_token(client, security_log):
    token = "made-up-signing-token-0123456789"
    response = client.get(reverse("contracts:sign", args=[token]))
    assert response.status_code == 410
    assert "not valid" in response.content.decode()
    [record] = security_log("bad_token")
    assert (record["token_kind"], record["user"]) == ("signing link", None)
    assert record["path"] == reverse("contracts:sign", args=[token])
    assert client.get(reverse("contracts:sign_pdf", args=[token])).status_code == 404
    assert len(security_log("bad_token")) == 2


def test_r40_security_log_bad_monitoring_token(client, security_log):
    integration = MonitoringIntegration(name="Zabbix NOC")
    secret = integration.issue_token()
    integration.save()
    response = client.post(
        "/cmdb/api/monitoring/status/",
        data=json.dumps({"item": "CI-000001", "status": "down"}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}x",
        REMOTE_ADDR="10.9.0.3",
    )
    assert response.status_code == 401
    [record] = security_log("bad_token")
    assert (record["token_kind"], record["address"]) == ("monitoring integration", "10.9.0.3")
    assert secret not in json.dumps(record)


def test_r40_security_log_refused_upload(login, users, security_log):
    client = login(users["rep"])
    data = b"x" * (settings.TELCRM_MAX_UPLOAD_BYTES + 512 * 1024)
    response = client.post(
        reverse("sales:account_import"), {"file": SimpleUploadedFile("big.csv", data)}
    )
    assert response.status_code == 413
    [record] = security_log("upload_refused")
    assert record["path"] == reverse("sales:account_import")
    assert record["size"] > record["limit"] == settings.TELCRM_MAX_UPLOAD_BYTES
    # Refused before the session is read: the address and request id still say who and which.
    assert record["address"] == "127.0.0.1" and len(record["request_id"]) == 32


def test_r40_security_log_is_one_json_line_per_event(client, users, security_log):
    client.post(reverse("login"), {"username": "rep", "password": "wrong"})
    fields = security_log("login_failed")[0]
    configured = logging.getLogger("telcrm.security").handlers
    stderr = [h for h in configured if isinstance(h.formatter, JsonLineFormatter)]
    assert stderr and isinstance(stderr[0], logging.StreamHandler)
    assert "stream" not in settings.LOGGING["handlers"]["security"]  # standard error

    written = logging.makeLogRecord({"msg": "login_failed", "security": fields})
    line = stderr[0].format(written)
    assert "\n" not in line and json.loads(line) == fields
