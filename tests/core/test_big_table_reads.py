"""The reads that keep lists flat on big tables (``telcrm.querysets``): a deep page read
backwards holds the same rows as one read forwards, and the per-row figures computed as
subqueries match what the rows hold."""

import factory
import pytest
from django.core.paginator import EmptyPage, Paginator
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


@pytest.fixture
def capped(monkeypatch):
    """Lists count up to 20 rows (2,000 in the product)."""
    monkeypatch.setattr(FlatPaginator, "count_cap", 20)


def test_a_list_longer_than_it_counts_pages_forwards_and_reads_its_last_page_backwards(
    capped, django_assert_num_queries
):
    AccountFactory.create_batch(47, owner=UserFactory())
    accounts = Account.objects.order_by("name", "pk")
    everything = list(accounts)
    paginator = FlatPaginator(accounts, 10)
    with django_assert_num_queries(1) as captured:
        assert paginator.is_open
    # Counted no further than one row past the cap.
    assert "LIMIT 21" in captured.captured_queries[0]["sql"]
    pages = [paginator.page(n) for n in range(1, 6)]
    assert [list(p) for p in pages] == [everything[i : i + 10] for i in range(0, 47, 10)]
    assert [p.has_next() for p in pages] == [True, True, True, True, False]
    assert (pages[2].start_index(), pages[2].end_index()) == (21, 30)
    last = paginator.page("-1")
    assert list(last) == everything[-10:]
    assert last.is_last and last.has_previous() and not last.has_next()
    with pytest.raises(EmptyPage):
        paginator.page(6)


def test_a_long_list_says_more_than_it_counts_and_links_its_last_page(capped, client):
    owner = UserFactory(role="sales_rep")
    AccountFactory.create_batch(47, owner=owner)
    client.force_login(owner)
    url = reverse("sales:account_list")
    first = client.get(url).content.decode()
    assert "1–25 of more than 20" in first
    assert "Page 1<" in first and "Page 1 of" not in first
    assert 'href="?page=last"' in first and 'href="?page=2"' in first
    last = client.get(url + "?page=last").content.decode()
    assert "The last 25 of more than 20" in last
    assert "Last page" in last and 'href="?page=1"' in last and "Previous" not in last
    second = client.get(url + "?page=2").content.decode()
    assert "26–47 of more than 20" in second and "Next" not in second
    assert client.get(url + "?page=3").status_code == 404
