"""R40: sessions get a new key at sign-in and end at sign-out, after idle time, after a
fixed maximum, on deactivation and on a password change; nothing a signed-in user sees is
kept in a browser's or a proxy's cache."""

import time
from html import unescape

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client
from django.urls import reverse

from telcrm.middleware import LAST_SEEN_AT, SIGNED_IN_AT
from tests.contracts.conftest import accepted  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


def signed_in(client) -> bool:
    return client.get(reverse("home")).status_code == 200


def age_session(client, **seconds_ago):
    session = client.session
    now = int(time.time())
    for key, ago in seconds_ago.items():
        session[key] = now - ago
    session.save()


def test_r40_session_idle_timeout(login, users):
    client = login(users["rep"])
    assert signed_in(client)
    # Used a moment within the idle time: still signed in.
    age_session(client, **{LAST_SEEN_AT: settings.SESSION_IDLE_SECONDS - 5})
    assert signed_in(client)

    age_session(client, **{LAST_SEEN_AT: settings.SESSION_IDLE_SECONDS + 1})
    response = client.get(reverse("sales:account_list"), follow=True)
    page = unescape(response.content.decode())
    assert response.redirect_chain[-1][0].startswith(reverse("login"))
    minutes = settings.SESSION_IDLE_SECONDS // 60
    assert f"You were signed out after {minutes} minutes without activity" in page
    assert not signed_in(client)


def test_r40_session_absolute_cap(login, users):
    client = login(users["rep"])
    assert signed_in(client)
    # Busy all along (used just now), but signed in longer ago than a session may last.
    age_session(client, **{SIGNED_IN_AT: settings.SESSION_MAX_SECONDS + 1, LAST_SEEN_AT: 0})
    response = client.get(reverse("home"), follow=True)
    assert "a session lasts at most 12 hours" in unescape(response.content.decode())
    assert not signed_in(client)


def test_r40_session_rotates_at_login(client, users):
    before = client.session
    before["seen_the_sign_in_page"] = True
    before.save()
    anonymous_key = client.cookies[settings.SESSION_COOKIE_NAME].value

    response = client.post(reverse("login"), {"username": "rep", "password": "pw"})
    assert response.status_code == 302
    signed_in_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert signed_in_key != anonymous_key
    assert not SessionStore().exists(anonymous_key)

    client.post(reverse("logout"))
    assert not SessionStore().exists(signed_in_key)
    assert not signed_in(client)


def test_r40_deactivated_user_signed_out(login, users):
    client = login(users["rep"])
    assert signed_in(client)
    users["rep"].is_active = False
    users["rep"].save(update_fields=["is_active"])
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_r40_password_change_ends_other_sessions(login, users):
    elsewhere = Client()
    elsewhere.force_login(users["rep"])
    client = login(users["rep"])
    menu = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("password_change")}"' in menu

    form = client.get(reverse("password_change"))
    assert form.status_code == 200 and "Change password" in form.content.decode()
    wrong = client.post(
        reverse("password_change"),
        {"old_password": "nope", "new_password1": "Ebbe-und-Flut-42", "new_password2": "x"},
    )
    assert wrong.status_code == 200 and "incorrectly" in unescape(wrong.content.decode())
    assert signed_in(elsewhere)

    changed = client.post(
        reverse("password_change"),
        {
            "old_password": "pw",
            "new_password1": "Ebbe-und-Flut-42",
            "new_password2": "Ebbe-und-Flut-42",
        },
        follow=True,
    )
    assert "Your password was changed" in changed.content.decode()
    assert signed_in(client)  # this session goes on
    assert not signed_in(elsewhere)  # every other one ended
    fresh = Client()
    ok = fresh.post(reverse("login"), {"username": "rep", "password": "Ebbe-und-Flut-42"})
    assert ok.status_code == 302


def test_r40_no_store_on_signed_in_pages(login, users, accepted):
    client = login(users["rep"])
    for url in (
        reverse("home"),
        reverse("sales:account_list"),
        reverse("contracts:document_pdf", args=[accepted.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url
        assert "private" in response["Cache-Control"], url
        assert "Server" not in response.headers, url
    assert response["Content-Type"] == "application/pdf"
