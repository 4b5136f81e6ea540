"""The reads that keep lists flat on big tables (``telcrm.querysets``): a deep page read
backwards holds the same rows as one read forwards, and the per-row figures computed as
subqueries match what the rows hold."""

import pytest
from django.core.paginator import Paginator

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
