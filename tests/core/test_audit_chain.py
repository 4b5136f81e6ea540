"""R27: the audit trail is tamper-evident. Each history row carries the hash of its content
and of its record's previous row; ``manage.py audit_verify`` walks every chain and names the
first broken link; the audit log shows the last verification."""

import threading
import time
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections, transaction
from django.urls import reverse

from fulfillment.models import Task
from orders.models import Order
from sales import services as sales_services
from sales.models import Account
from telcrm.audit_chain import chained_models, verify_model
from telcrm.models import AuditChainCheck
from tests.contracts.conftest import accepted, signatory  # noqa: F401
from tests.fulfillment.conftest import approved, started, work_through  # noqa: F401
from tests.orders.conftest import billing, contract  # noqa: F401

pytestmark = pytest.mark.audit_tampered  # these tests break the chain on purpose


def _verify() -> str:
    out = []

    class Out:
        def write(self, text):
            out.append(text)

    call_command("audit_verify", stdout=Out())
    return "".join(out)


def _table(model) -> str:
    return model.history.model._meta.db_table


def _activate_twice(users, account):
    for name in ("activate", "suspend", "activate"):
        actor = users["manager"] if name == "suspend" else users["rep"]
        sales_services.account_transition(actor=actor, account_id=account.pk, name=name)


def test_r27_chain_verifies_after_a_whole_order_lifecycle(users, started):
    work_through(started, users["agent"])
    output = _verify()
    assert "Audit chain verified" in output
    # The lifecycle wrote rows one by one and in bulk (decomposition, tasks made ready):
    # every record type it touched is covered, none from before the chain.
    for label in ("orders.order", "orders.domainorder", "fulfillment.task", "sales.quote"):
        assert f"{label}: " in output
        check = AuditChainCheck.objects.get(kind=label)
        assert check.rows > 0 and check.unhashed == 0 and check.broken_history_id is None
        assert check.verified_up_to is not None
    tasks = Task.history.model.objects.filter(row_hash="")
    assert not tasks.exists()


def test_r27_a_history_row_edited_in_sql_fails_verification_naming_it(users, rep_account):
    _activate_twice(users, rep_account)
    _verify()
    row = Account.history.filter(id=rep_account.pk).order_by("history_id")[1]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {_table(Account)} SET history_change_reason = %s WHERE history_id = %s",
            ["approve", row.history_id],
        )
    with pytest.raises(CommandError) as failure:
        _verify()
    message = str(failure.value)
    assert f"sales.account history row {row.history_id}" in message
    assert f"record {rep_account.pk}" in message
    check = AuditChainCheck.objects.get(kind="sales.account")
    assert check.broken_history_id == row.history_id
    assert check.broken_record == str(rep_account.pk)


def test_r27_editing_a_tracked_field_or_the_user_is_caught_too(users, rep_account):
    _activate_twice(users, rep_account)
    first = Account.history.filter(id=rep_account.pk).order_by("history_id").first()
    for column, value in (("name", "Someone Else GmbH"), ("history_user_id", users["admin"].pk)):
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {_table(Account)} SET {column} = %s WHERE history_id = %s",
                [value, first.history_id],
            )
        result = verify_model(Account.history.model)
        assert result.broken is not None and result.broken.history_id == first.history_id


def test_r27_a_deleted_history_row_breaks_the_next_link(users, rep_account):
    _activate_twice(users, rep_account)
    rows = list(Account.history.filter(id=rep_account.pk).order_by("history_id"))
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {_table(Account)} WHERE history_id = %s", [rows[1].history_id])
    with pytest.raises(CommandError) as failure:
        _verify()
    assert f"history row {rows[2].history_id} (record {rep_account.pk}" in str(failure.value)


def test_r27_deleting_the_newest_rows_after_a_verification_is_caught(users, rep_account):
    """The newest row of a record has no successor whose link would break: the previous
    verification's sum of the hashes it saw finds it gone."""
    _activate_twice(users, rep_account)
    _verify()
    newest = Account.history.filter(id=rep_account.pk).order_by("history_id").last()
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {_table(Account)} WHERE history_id = %s", [newest.history_id])
    with pytest.raises(CommandError) as failure:
        _verify()
    assert "sales.account" in str(failure.value) and "missing" in str(failure.value)


def test_r27_a_removed_hash_is_a_break_not_an_old_row(users, rep_account):
    _activate_twice(users, rep_account)
    row = Account.history.filter(id=rep_account.pk).order_by("history_id")[2]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {_table(Account)} SET row_hash = '' WHERE history_id = %s", [row.history_id]
        )
    result = verify_model(Account.history.model)
    assert result.broken.history_id == row.history_id
    assert result.broken.reason == "its hash was removed"


def test_r27_rows_from_before_the_chain_are_counted_not_verified(users, rep_account):
    """History written before the chain began (no hash) is reported as such; the record's
    chain starts at its first hashed row."""
    Account.history.filter(id=rep_account.pk).update(row_hash="")
    sales_services.account_transition(
        actor=users["rep"], account_id=rep_account.pk, name="activate"
    )
    output = _verify()
    assert "from before the chain began (not verified)" in output
    check = AuditChainCheck.objects.get(kind="sales.account")
    assert check.unhashed >= 1 and check.broken_history_id is None


def test_r27_audit_log_shows_the_last_verification(login, users, rep_account):
    client = login(users["admin"])
    assert "has not been verified yet" in client.get(reverse("audit_log")).content.decode()
    _activate_twice(users, rep_account)
    _verify()
    page = client.get(reverse("audit_log")).content.decode()
    assert "Verified up to" in page and "tampered" not in page
    row = Account.history.filter(id=rep_account.pk).order_by("history_id").first()
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {_table(Account)} SET name = 'X' WHERE history_id = %s", [row.history_id]
        )
    with pytest.raises(CommandError):
        _verify()
    page = client.get(reverse("audit_log")).content.decode()
    assert "The audit trail was tampered with" in page
    assert f"history entry {row.history_id}" in page and "Account" in page


def test_r27_scheduled_verification_is_declared(db):
    from django_q.models import Schedule

    from telcrm.tasks import verify_audit_chain

    schedule = Schedule.objects.get(name="Audit chain verification")
    assert schedule.func == "telcrm.tasks.verify_audit_chain"
    assert verify_audit_chain() == 0
    assert AuditChainCheck.objects.count() == len(chained_models())


def test_r27_demo_data_verifies(db):
    call_command("demo_data", verbosity=0)
    assert "Audit chain verified" in _verify()
    assert not AuditChainCheck.objects.exclude(broken_history_id=None).exists()
    assert AuditChainCheck.objects.filter(rows__gt=0).count() >= 20


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_r27_concurrent_writers_keep_one_unforked_chain(roles, users, rep_account):
    """Writers of the same record's history at once, without the record's row lock (history
    written in bulk), each holding its transaction open after writing its row: every row
    links to the one committed before it."""
    writers = 6
    barrier = threading.Barrier(writers)
    errors = []

    def write(n: int) -> None:
        try:
            barrier.wait()
            with transaction.atomic():
                account = Account.objects.get(pk=rep_account.pk)
                Account.history.bulk_history_create(
                    [account], update=True, default_change_reason=f"writer {n}"
                )
                time.sleep(0.05)  # a fork would need the next writer to read meanwhile
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    rows = list(
        Account.history.filter(id=rep_account.pk)
        .order_by("history_id")
        .values_list("row_hash", flat=True)
    )
    assert len(rows) == writers + 1 and len(set(rows)) == len(rows)
    result = verify_model(Account.history.model)
    assert result.broken is None and result.unhashed == 0


def test_r27_hashing_covers_orders_written_in_bulk(users, started):
    order = Order.objects.get(pk=started.pk)
    history = Order.history.model.objects.filter(id=order.pk)
    assert history.exists() and not history.filter(row_hash="").exists()
    assert verify_model(Task.history.model).broken is None


def test_r27_a_decimal_with_more_places_than_its_column_verifies(users, rep_account):
    """The writer's value (three places) is hashed as the database stores it (two, rounded
    half up on PostgreSQL), so reading it back matches."""
    rep_account.credit_limit = Decimal("1000.125")
    rep_account.save()
    rep_account.refresh_from_db()
    assert rep_account.credit_limit == Decimal("1000.13") or connection.vendor != "postgresql"
    assert verify_model(Account.history.model).broken is None
