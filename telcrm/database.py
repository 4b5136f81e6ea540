"""Database settings shared by settings.py and the tests: the embedded SQLite default tuned
for a web server and background workers writing to one file at once, and PostgreSQL tuned
for short web queries."""

from __future__ import annotations

# WAL lets readers go on while one connection writes; IMMEDIATE takes the write lock when a
# transaction begins, so a second writer waits there (up to ``timeout`` seconds) instead of
# failing with "database is locked" when it upgrades a read to a write half-way through.
SQLITE_OPTIONS = {
    "timeout": 20,
    "transaction_mode": "IMMEDIATE",
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
}


def tune_sqlite(database: dict) -> dict:
    """``database`` (one DATABASES entry) with the SQLite options, when it is SQLite."""
    if database.get("ENGINE") == "django.db.backends.sqlite3":
        database.setdefault("OPTIONS", {}).update(SQLITE_OPTIONS)
        # One connection per request or job: a long-lived one would pin an old WAL snapshot.
        database["CONN_MAX_AGE"] = 0
    return database


# PostgreSQL compiles a query to machine code (JIT) once its estimated cost is high, as a
# list's count or a board's figures over 300,000 rows are: that takes 30-40 ms, more than the
# query itself, on every request. It pays for long reports, not for pages. The server's
# ``postgresql.conf`` keeps its own setting for other clients.
# Parallel workers, likewise: for a page's query over a big table (home's recent changes in
# 700,000 history rows) the planner starts two workers and gathers their rows, and starting
# them costs 8-15 ms where the query alone takes under 1 ms from its index. Pages ask for a
# few rows; a report that scans millions can ask for workers in its own session.
POSTGRESQL_SESSION = "-c jit=off -c max_parallel_workers_per_gather=0"


def tune_postgresql(database: dict) -> dict:
    """``database`` with JIT compilation and parallel workers off for Django's sessions,
    when it is PostgreSQL
    (``options`` given in DATABASE_URL are kept and come after, so they win)."""
    if database.get("ENGINE") == "django.db.backends.postgresql":
        options = database.setdefault("OPTIONS", {})
        options["options"] = f"{POSTGRESQL_SESSION} {options.get('options', '')}".strip()
    return database
