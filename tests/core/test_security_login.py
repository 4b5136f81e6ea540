"""R40: sign-ins are throttled per user and per address, on the staff and the admin sign-in
pages; a blocked user is told why in plain words; an administrator lifts the block."""

from html import unescape

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def sign_in(client, username, password, address="10.1.0.1", url="login"):
    return client.post(
        reverse(url), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def text(response) -> str:
    return unescape(response.content.decode())


def signed_in(client) -> bool:
    return client.get(reverse("home")).status_code == 200


def fail_until_locked(client, username, addresses):
    for address in addresses:
        response = sign_in(client, username, "wrong", address)
    return response


def test_r40_login_throttled_per_user(client, users):
    limit = settings.AXES_FAILURE_LIMIT
    # Every failure from another address: only the username ties them together.
    last = fail_until_locked(client, "rep", [f"10.1.0.{n}" for n in range(1, limit + 1)])
    assert last.status_code == 429
    assert "Too many failed sign-in attempts" in text(last)

    refused = sign_in(client, "rep", "pw", "10.1.9.9")
    assert refused.status_code == 429 and not signed_in(client)
    # Someone else, from one of the same addresses, still signs in.
    assert sign_in(client, "manager", "pw", "10.1.0.1").status_code == 302
    assert signed_in(client)


def test_r40_login_throttled_per_address(client, users):
    limit = settings.AXES_FAILURE_LIMIT
    for n in range(limit):  # another (made up) username each time, one address
        sign_in(client, f"guess{n}", "wrong", "10.2.0.1")

    refused = sign_in(client, "manager", "pw", "10.2.0.1")
    assert refused.status_code == 429
    assert "from this address" in text(refused)
    assert not signed_in(client)
    # The same user from another address is not blocked.
    assert sign_in(client, "manager", "pw", "10.2.0.2").status_code == 302


def test_r40_locked_out_user_sees_message_and_right_password_refused(client, users):
    limit = settings.AXES_FAILURE_LIMIT
    for n in range(limit - 1):
        page = text(sign_in(client, "rep", "wrong"))
        assert "didn't match" in page and "Too many" not in page, n

    sign_in(client, "rep", "wrong")
    response = sign_in(client, "rep", "pw")
    page = text(response)
    assert response.status_code == 429
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    assert f"blocked for {minutes} minutes, even with the right password" in page
    assert "Ask an administrator" in page and "didn't match" not in page
    assert 'name="password"' in page  # the sign-in page, with its form
    assert not signed_in(client)

    # The admin sign-in is throttled alike, and says so too.
    admin_page = sign_in(client, "admin", "pw", url="admin:login")
    assert admin_page.status_code == 429
    assert "Too many failed sign-in attempts" in text(admin_page)
    assert not signed_in(client)


def test_r40_admin_login_counts_failures(client, users):
    limit = settings.AXES_FAILURE_LIMIT
    for _ in range(limit):
        sign_in(client, "admin", "wrong", "10.3.0.1", url="admin:login")
    assert sign_in(client, "admin", "pw", "10.3.0.2", url="admin:login").status_code == 429
    assert sign_in(client, "admin", "pw", "10.3.0.2").status_code == 429


def test_r40_admin_unlock(client, users):
    limit = settings.AXES_FAILURE_LIMIT
    fail_until_locked(client, "rep", ["10.4.0.1"] * limit)
    assert sign_in(client, "rep", "pw", "10.4.0.1").status_code == 429

    admin = Client()
    admin.force_login(users["admin"])
    listing = admin.get(reverse("admin:axes_accessattempt_changelist"))
    assert listing.status_code == 200 and "rep" in text(listing)
    attempt = AccessAttempt.objects.get(username="rep")
    deleted = admin.post(
        reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"}
    )
    assert deleted.status_code == 302

    assert sign_in(client, "rep", "pw", "10.4.0.1").status_code == 302
    assert signed_in(client)


def test_r40_outsider_cannot_unlock(client, users):
    fail_until_locked(client, "rep", ["10.5.0.1"] * settings.AXES_FAILURE_LIMIT)
    staff_without_rights = Client()
    staff_without_rights.force_login(users["manager"])
    attempt = AccessAttempt.objects.get(username="rep")
    url = reverse("admin:axes_accessattempt_delete", args=[attempt.pk])
    staff_without_rights.post(url, {"post": "yes"})
    assert AccessAttempt.objects.filter(pk=attempt.pk).exists()
