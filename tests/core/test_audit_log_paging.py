"""R27: the audit log is paged like every list, and a page costs the same few queries
whatever the number of history rows."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from sales import services
from tests.factories import AccountFactory


def _accounts(users, count):
    for i in range(count):
        AccountFactory(name=f"Kunde {i:03d} GmbH", owner=users["rep"], team=users["team_a"])


def test_r27_audit_log_pages_through_every_entry(login, users):
    _accounts(users, 60)
    client = login(users["admin"])
    first = client.get(reverse("audit_log"), {"kind": "sales.account"})
    assert [e.subject.split(" ", 1)[1] for e in first.context["entries"][:2]] == [
        "Kunde 059 GmbH",
        "Kunde 058 GmbH",
    ]
    assert len(first.context["entries"]) == 50
    assert "1–50 of 60" in first.content.decode()
    second = client.get(reverse("audit_log"), {"kind": "sales.account", "page": "2"})
    assert len(second.context["entries"]) == 10
    assert second.context["entries"][-1].subject.endswith("Kunde 000 GmbH")
    # A bad page number shows a page, never an error.
    for page in ("²", "0", "999", "-1"):
        assert client.get(reverse("audit_log"), {"page": page}).status_code == 200


def test_r27_audit_log_mixes_record_types_newest_first(login, users, rep_account):
    services.account_transition(actor=users["rep"], account_id=rep_account.pk, name="activate")
    users["other_rep"].is_active = False
    users["other_rep"].save()
    entries = login(users["admin"]).get(reverse("audit_log")).context["entries"]
    assert [(e.kind, e.action) for e in entries[:2]] == [
        ("User", "Changed"),
        ("Account", "Activate"),
    ]


@pytest.mark.parametrize("count", [60, 260])
def test_r27_audit_log_query_count_is_flat(login, users, django_assert_num_queries, count):
    _accounts(users, count)
    # The newest changes are of the same record types whatever the count (enough accounts
    # fill the page, so rows that an earlier test's clean-up left are never on it).
    users["team_b"].members.add(users["manager"])
    users["other_rep"].last_name = "Nilsson"
    users["other_rep"].save()
    users["other_rep"].groups.add(Group.objects.get(name="order_manager"))
    client = login(users["admin"])
    # 1 session, 2 user, 3 count of the union of every history table, 4 the page's keys,
    # 5-6 user rows and their predecessors, 7-8 team rows and theirs, 9 account rows (new
    # accounts: no predecessors), 10 roles as of each user row, 11 members as of each team
    # row, 12-14 the users, teams and roles the entries name, 15 the header's roles, 16 the
    # last verification of the history chains (never verified on the page itself)
    with django_assert_num_queries(16):
        response = client.get(reverse("audit_log"))
    total = response.context["page_obj"].paginator.count
    assert total > count and len(response.context["entries"]) == min(total, 50)
