"""Pinned SQL query counts of the account pages; twice the rows must cost the same."""

import pytest
from django.urls import reverse

from tests.factories import (
    AccountFactory,
    BillingProfileFactory,
    ChildAccountFactory,
    ContactFactory,
    LocationFactory,
)


def populate(users, root, n):
    for i in range(n):
        site = ChildAccountFactory(parent=root, name=f"Site {root.pk}-{i}")
        LocationFactory(account=site)
        ContactFactory(account=root)
        LocationFactory(account=root, is_primary=False, city=f"City {i}")
        BillingProfileFactory(account=root)
        ChildAccountFactory(parent=site, name=f"Desk {root.pk}-{i}")
    for _ in range(n):
        AccountFactory(owner=users["rep"], team=users["team_a"])
    # The same few changes whatever n, so that history entries have predecessors and name
    # related records (users) on every page.
    for i in range(4):
        root.name = f"Renamed {i}"
        root.owner = users["manager"] if i % 2 else users["rep"]
        root.save()
        site = root.children.order_by("pk").first()
        site.name = f"Site renamed {i}"
        site.save()
        contact = root.contacts.first()
        contact.phone = f"+49 40 {i}"
        contact.save()


@pytest.mark.parametrize("rows", [5, 10])
def test_account_list_query_count(client, users, rep_account, django_assert_num_queries, rows):
    populate(users, rep_account, rows)
    client.force_login(users["rep"])
    url = reverse("sales:account_list")
    # 1 session, 2 user, 3 user permissions, 4 group permissions (nav + buttons),
    # 5 roles (visibility), 6 count, 7 page of accounts, 8 owner filter choices,
    # 9 team filter choices
    with django_assert_num_queries(9):
        response = client.get(url)
    assert len(response.context["object_list"]) >= rows


@pytest.mark.parametrize("rows", [3, 6])
def test_account_detail_query_count(client, users, rep_account, django_assert_num_queries, rows):
    populate(users, rep_account, rows)
    client.force_login(users["rep"])
    # 1 session, 2 user, 3 user permissions, 4 group permissions, 5 roles (visibility),
    # 6 the account, 7 its tree with location flags, 8 which tree nodes the user may open,
    # 9 locations, 10 contacts, 11 billing profiles,
    # 12-17 history: rows of 4 models, predecessors of the 2 that have changes,
    # 18-20 the records those rows name: accounts, users (owner), teams
    with django_assert_num_queries(20):
        response = client.get(rep_account.get_absolute_url())
    assert len(response.context["tree"]) == 1 + 2 * rows


@pytest.mark.parametrize("rows", [3, 6])
def test_home_query_count(client, users, rep_account, django_assert_num_queries, rows):
    populate(users, rep_account, rows)
    client.force_login(users["rep"])
    # 1 session, 2 user, 3 user permissions, 4 group permissions, 5 roles, 6-7 contracts to
    # make (signed quotes, unfinished contracts), 8 my open quotes, 9 my documents waiting
    # for signature, 10-13 what of mine expired recently (quotes, agreements, sales and
    # service contracts), 14 my open leads, 15 my open opportunities with amounts, 16 my
    # accounts, 17-25 history rows of 4 models changed on my accounts and of 4 changed by
    # me + predecessors of account changes, 26-28 the records those rows name: accounts,
    # users, teams, 29 count of my accounts, 30 my orders that need me
    with django_assert_num_queries(30):
        response = client.get(reverse("home"))
    assert response.status_code == 200
