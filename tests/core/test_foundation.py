"""The project's ground floor: settings, login, demo data, admin, audit trail (R27)."""

import os
import subprocess
import sys
from html import unescape
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from sales import services
from sales.models import Account, Contact
from telcrm.models import Team

ROOT = Path(__file__).resolve().parents[2]


def test_production_settings_pass_deploy_check():
    env = {
        **{
            k: v
            for k, v in os.environ.items()
            if k not in ("DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
        },
        "DEBUG": "0",
        "SECRET_KEY": "x9!" * 20 + "production-grade-key",
        "ALLOWED_HOSTS": "crm.telco.example",
        "TELCRM_TESTING": "0",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_secret_key():
    env = {**os.environ, "DEBUG": "0", "SECRET_KEY": "", "ALLOWED_HOSTS": "x"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0 and "SECRET_KEY must be set" in result.stderr


def test_login_required_and_login_logout(client, users):
    response = client.get(reverse("sales:account_list"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={reverse('sales:account_list')}"
    assert client.get(reverse("login")).status_code == 200
    bad = client.post(reverse("login"), {"username": "rep", "password": "wrong"})
    assert "didn't match" in unescape(bad.content.decode())
    ok = client.post(
        reverse("login"),
        {"username": "rep", "password": "pw", "next": reverse("sales:account_list")},
    )
    assert ok["Location"] == reverse("sales:account_list")
    client.post(reverse("logout"))
    assert client.get(reverse("home")).status_code == 302


def test_navigation_follows_the_role(login, users):
    rep_page = login(users["rep"]).get(reverse("home")).content.decode()
    assert 'href="/sales/accounts/"' in rep_page and "Audit log" not in rep_page
    outsider_page = login(users["outsider"]).get(reverse("home")).content.decode()
    assert 'href="/sales/accounts/"' not in outsider_page
    assert "Nothing is waiting for you" in outsider_page
    admin_page = login(users["admin"]).get(reverse("home")).content.decode()
    assert "Audit log" in admin_page and 'href="/admin/"' in admin_page


def test_home_shows_my_accounts_and_recent_changes(login, users, rep_account, other_account):
    services.contact_save(
        actor=users["rep"],
        contact=Contact(
            account=rep_account, first_name="Henrik", last_name="Jansen", email="h@nw.de"
        ),
    )
    page = login(users["rep"]).get(reverse("home")).content.decode()
    assert "Nordwind Logistik GmbH" in page and "Südlicht AG" not in page
    assert "Henrik Jansen" in page  # the change shows in "recent changes"


def test_demo_data_is_idempotent(db):
    call_command("demo_data", verbosity=0)
    counts = (
        Account.objects.count(),
        Account.history.count(),
        Contact.objects.count(),
        Team.objects.count(),
    )
    assert counts[0] >= 20
    call_command("demo_data", verbosity=0)
    assert (
        Account.objects.count(),
        Account.history.count(),
        Contact.objects.count(),
        Team.objects.count(),
    ) == counts
    states = set(Account.objects.filter(parent=None).values_list("state", flat=True))
    assert states == {"prospect", "active", "suspended", "closed"}


def test_demo_logins_work(client, db):
    call_command("demo_data", verbosity=0)
    for username in ("sara", "mia", "clara", "omar", "fiona", "tariq", "paula", "admin"):
        # Through the sign-in page: sign-in throttling needs the request.
        response = client.post(reverse("login"), {"username": username, "password": "telcrm-demo"})
        assert response.status_code == 302, username
        client.logout()


def test_history_is_read_only_in_admin(login, users, rep_account):
    client = login(users["admin"])
    services.account_update(actor=users["rep"], account=rep_account)  # a second history row
    first = rep_account.history.order_by("history_id").first()
    url = reverse("admin:sales_account_simple_history", args=[rep_account.pk, first.history_id])
    before = list(Account.history.values())
    response = client.post(
        url,
        {
            "name": "Reverted?",
            "owner": users["rep"].pk,
            "credit_limit": "1",
            "credit_currency": "EUR",
        },
    )
    assert response.status_code in (200, 302, 403)  # shown read-only, never applied
    assert list(Account.history.values()) == before
    assert Account.objects.get(pk=rep_account.pk).name == "Nordwind Logistik GmbH"
    history_page = client.get(reverse("admin:sales_account_history", args=[rep_account.pk]))
    assert history_page.status_code == 200


def test_admin_cannot_delete_accounts(login, users, rep_account):
    client = login(users["admin"])
    response = client.get(reverse("admin:sales_account_delete", args=[rep_account.pk]))
    assert response.status_code == 403
    assert Account.objects.filter(pk=rep_account.pk).exists()


@pytest.mark.parametrize("model", ["account", "location", "contact", "billingprofile"])
def test_admin_lists_and_searches_every_model(login, users, rep_account, model):
    response = login(users["admin"]).get(reverse(f"admin:sales_{model}_changelist"), {"q": "x"})
    assert response.status_code == 200


def test_r27_audit_log_is_searchable(login, users, rep_account, other_account):
    services.account_transition(actor=users["rep"], account_id=rep_account.pk, name="activate")
    services.account_transition(
        actor=users["other_rep"], account_id=other_account.pk, name="activate"
    )
    client = login(users["admin"])
    page = client.get(reverse("audit_log"), {"user": "rep", "kind": "sales.account"})
    entries = page.context["entries"]
    assert [(e.action, e.subject) for e in entries] == [("Activate", str(rep_account))]
    assert entries[0].changes[0].old == "Prospect" and entries[0].changes[0].new == "Active"
    everything = client.get(reverse("audit_log")).context["entries"]
    assert len(everything) >= 4
    bad = client.get(reverse("audit_log"), {"date_from": "2026-02-01", "date_to": "2026-01-01"})
    assert bad.status_code == 200 and "must not be after" in bad.content.decode()


def test_r27_history_records_who_what_and_transition_name(login, users, rep_account):
    client = login(users["rep"])
    client.post(reverse("sales:account_activate", args=[rep_account.pk]))
    row = rep_account.history.first()
    assert (row.history_user, row.history_change_reason, row.state) == (
        users["rep"],
        "activate",
        "active",
    )
    page = client.get(rep_account.get_absolute_url()).content.decode()
    assert "Activate" in page and "Prospect" in page
