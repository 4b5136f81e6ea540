"""The reads that keep lists flat on big tables (``telcrm.querysets``): a deep page read
backwards holds the same rows as one read forwards, and the per-row figures computed as
subqueries match what the rows hold."""

import factory
import pytest
from django.core.paginator import Paginator
from django.urls import reverse

from sales.models import Account
from telcrm.querysets import FlatPaginator, count_of
from tests.factories import AccountFactory, ChildAccountFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("orphans", [0, 3])
def test_every_page_read_backwards_holds_the_rows_of_the_page_read_forwards(orphans):
    owner = UserFactory()
    AccountFactory.create_batch(47, owner=owner)
    accounts = Account.objects.order_by("name", "pk")
    flat = FlatPaginator(accounts, 10, orphans=orphans)
    plain = Paginator(accounts, 10, orphans=orphans)
    assert flat.num_pages == plain.num_pages
    for number in plain.page_range:
        assert list(flat.page(number)) == list(plain.page(number)), number
        assert flat.page(number).start_index() == plain.page(number).start_index()


def test_the_last_page_asks_the_database_for_its_rows_only(django_assert_num_queries):
    AccountFactory.create_batch(30, owner=UserFactory())
    paginator = FlatPaginator(Account.objects.order_by("name", "pk"), 10)
    assert paginator.count == 30
    with django_assert_num_queries(1) as captured:
        rows = list(paginator.page(3))
    assert [a.name for a in rows] == sorted(a.name for a in rows)
    # Read from the end: no offset past the first two pages.
    assert "OFFSET 20" not in captured.captured_queries[0]["sql"]


def test_a_list_sorted_without_a_unique_last_column_is_paged_forwards(
    django_assert_num_queries,
):
    AccountFactory.create_batch(30, owner=UserFactory(), name="Same name")
    paginator = FlatPaginator(Account.objects.order_by("name"), 10)
    assert paginator.count == 30
    with django_assert_num_queries(1) as captured:
        list(paginator.page(3))
    assert "OFFSET 20" in captured.captured_queries[0]["sql"]


def test_count_of_gives_each_account_its_number_of_child_accounts():
    parent = AccountFactory()
    ChildAccountFactory.create_batch(3, parent=parent)
    lone = AccountFactory()
    counts = dict(
        Account.objects.filter(pk__in=[parent.pk, lone.pk])
        .annotate(children_n=count_of(Account.objects.all(), "parent"))
        .values_list("pk", "children_n")
    )
    assert counts == {parent.pk: 3, lone.pk: 0}


def test_a_long_list_links_its_first_and_last_page_and_the_last_holds_the_last_rows(login, users):
    AccountFactory.create_batch(
        60, owner=users["rep"], name=factory.Sequence(lambda n: f"Account Z{n % 60:02d}")
    )
    client = login(users["admin"])
    url = reverse("sales:account_list")
    first = client.get(url).content.decode()
    assert "1–25 of 60" in first and "Page 1 of 3" in first
    assert "?page=last" in first and ">First<" not in first
    last = client.get(url + "?page=last").content.decode()
    assert "51–60 of 60" in last and "Page 3 of 3" in last
    assert "Account Z59" in last and "Account Z00" not in last
    assert ">First<" in last and "?page=last" not in last
