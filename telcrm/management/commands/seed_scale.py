"""Grow the database to a telco's size for benchmarks: every app's ``scale`` module adds
what is missing of its records, lowest layer first, on top of the demo data (loaded first
if it is not there). Repeatable: the same ``--seed`` on the same database makes the same
records, and running it again adds nothing."""

import random
import time
from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils.module_loading import module_has_submodule

from telcrm.scale import SIZES, crowd


class Command(BaseCommand):
    help = "Grow the database to a named size (small, telco, large) for benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--size", choices=sorted(SIZES), default="small")
        parser.add_argument("--seed", type=int, default=42)

    def handle(self, *args, size, seed, **options):
        started = time.perf_counter()
        call_command("demo_data", verbosity=0)
        plan = SIZES[size]
        rng = random.Random(seed)

        def log(message: str) -> None:
            self.stdout.write(f"  + {message} ({time.perf_counter() - started:.1f} s)")

        self.stdout.write(f"Growing the {connection.vendor} database to the {size} size:")
        ours = {"telcrm", *settings.TELCRM_APPS}
        with transaction.atomic():
            people = crowd(plan, log)
            for app_config in apps.get_app_configs():
                if app_config.name in ours and module_has_submodule(app_config.module, "scale"):
                    module = import_module(f"{app_config.name}.scale")
                    if hasattr(module, "grow"):
                        module.grow(plan, people, rng, log)
        if connection.vendor == "postgresql":
            # Statistics for the planner, and the visibility map that lets a count read the
            # index alone: what autovacuum would do some minutes after a bulk load. VACUUM
            # cannot run inside a transaction (a caller's, or a test's): ANALYZE then.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
        self.stdout.write(self.style.SUCCESS(f"Done in {time.perf_counter() - started:.1f} s."))
