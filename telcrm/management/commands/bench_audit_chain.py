"""``manage.py bench_audit_chain``: what chaining the history costs. Writes history rows of
accounts with the chain and, as the bare reference in the same run, with the chain switched
off, then times the verification of the rows written; everything is rolled back at the end.
"""

import time
from contextlib import contextmanager

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from sales.models import Account
from telcrm import audit_chain


class Rollback(Exception):
    pass


@contextmanager
def chain_off():
    real = audit_chain.chain
    audit_chain.chain = lambda rows, using=None: None
    try:
        yield
    finally:
        audit_chain.chain = real


class Command(BaseCommand):
    help = "Time writing history rows with and without the audit chain (rolled back)."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=1000)
        parser.add_argument("--rounds", type=int, default=3)

    def handle(self, *args, rows: int, rounds: int, **options) -> None:
        try:
            with transaction.atomic():
                self._run(rows, rounds)
                raise Rollback
        except Rollback:
            pass

    def _run(self, rows: int, rounds: int) -> None:
        owner = get_user_model().objects.create(username="bench-audit-chain")
        accounts = [
            Account(number=f"BENCH-{n:06d}", name=f"Bench {n} GmbH", owner=owner)
            for n in range(rows)
        ]
        with chain_off():
            Account.objects.bulk_create(accounts)
        history = Account.history.model

        def one_by_one():
            for account in accounts:
                account.website = f"https://example.com/{time.perf_counter_ns()}"
                account.save(update_fields=["website", "updated_at"])

        def in_bulk():
            Account.history.bulk_history_create(accounts, update=True)

        for name, write in (("one by one (save)", one_by_one), ("in bulk", in_bulk)):
            timings = {"chained": [], "bare": []}
            for _ in range(rounds):
                for mode in ("bare", "chained"):
                    with transaction.atomic():
                        started = time.perf_counter()
                        if mode == "bare":
                            with chain_off():
                                write()
                        else:
                            write()
                        timings[mode].append(time.perf_counter() - started)
            bare, chained = min(timings["bare"]), min(timings["chained"])
            self.stdout.write(
                f"{rows} history rows {name}: bare {bare * 1000:.0f} ms, chained "
                f"{chained * 1000:.0f} ms (+{(chained - bare) / rows * 1e6:.0f} µs a row, "
                f"best of {rounds})"
            )
        hashed = history.objects.exclude(row_hash="").count()
        started = time.perf_counter()
        result = audit_chain.verify_model(history)
        took = time.perf_counter() - started
        self.stdout.write(
            f"verifying {result.rows} account history rows ({hashed} hashed): "
            f"{took * 1000:.0f} ms ({took / max(result.rows, 1) * 1e6:.0f} µs a row; the bare "
            "rounds' rows have no hash, so the chains read as tampered: only the time counts)"
        )
