"""The embedded SQLite default (``make run``): a web request and background workers write to
one file at once; the second writer waits for the first instead of failing with "database is
locked". Runs on a real SQLite file, whatever database the rest of the suite uses."""

import threading
import time

import pytest
from django.db import connections, transaction
from django.db.utils import ConnectionHandler

from telcrm.database import tune_sqlite

ALIAS = "sqlite_file"


@pytest.fixture
def sqlite_file(tmp_path, django_db_blocker):
    """A second database alias: a SQLite file configured as settings configure the default."""
    database = tune_sqlite(
        {"ENGINE": "django.db.backends.sqlite3", "NAME": str(tmp_path / "telcrm.sqlite3")}
    )
    connections.settings[ALIAS] = ConnectionHandler({"default": database}).settings["default"]
    with django_db_blocker.unblock():
        with connections[ALIAS].cursor() as cursor:
            cursor.execute("CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER)")
            cursor.execute("INSERT INTO counter VALUES (1, 0)")
        yield connections[ALIAS]
        connections[ALIAS].close()
    del connections[ALIAS]
    del connections.settings[ALIAS]


def test_sqlite_file_uses_write_ahead_log(sqlite_file):
    with sqlite_file.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"


def test_sqlite_two_writers_at_once_wait_instead_of_database_is_locked(sqlite_file):
    """Each writer reads, thinks for a moment, then writes (as ``run_api_task`` and a page's
    action do). With deferred transactions both read first and the second to write fails at
    once with "database is locked", whatever the timeout."""
    barrier = threading.Barrier(2)
    errors: list[str] = []

    def writer() -> None:
        try:
            barrier.wait(timeout=5)
            with transaction.atomic(using=ALIAS):
                with connections[ALIAS].cursor() as cursor:
                    cursor.execute("SELECT n FROM counter WHERE id = 1")
                    n = cursor.fetchone()[0]
                    time.sleep(0.3)
                    cursor.execute("UPDATE counter SET n = %s WHERE id = 1", [n + 1])
        except Exception as exc:  # noqa: BLE001 - the test reports what a writer was told
            errors.append(str(exc))
        finally:
            connections[ALIAS].close()
            del connections[ALIAS]

    threads = [threading.Thread(target=writer) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    with sqlite_file.cursor() as cursor:
        cursor.execute("SELECT n FROM counter WHERE id = 1")
        assert cursor.fetchone()[0] == 2  # neither write was lost


@pytest.mark.django_db
def test_postgresql_sessions_run_without_jit_compilation():
    """A list's count over 300,000 rows crossed PostgreSQL's JIT threshold and spent 30-40 ms
    compiling before it ran, on every page view."""
    connection = connections["default"]
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
        # Nor with parallel workers: starting them cost home 8-15 ms a query.
        cursor.execute("SHOW max_parallel_workers_per_gather")
        assert cursor.fetchone()[0] == "0"


def test_postgresql_options_from_the_url_are_kept():
    from telcrm.database import tune_postgresql

    database = tune_postgresql(
        {"ENGINE": "django.db.backends.postgresql", "OPTIONS": {"options": "-c work_mem=8MB"}}
    )
    assert database["OPTIONS"]["options"] == (
        "-c jit=off -c max_parallel_workers_per_gather=0 -c work_mem=8MB"
    )
    assert "OPTIONS" not in tune_postgresql({"ENGINE": "django.db.backends.sqlite3"})
