"""``manage.py bench_fulfillment``: how fast API tasks go through the workers' code path
(lock, start, ledger call, completion, dispatch of the next), without a broker or latency,
and how much memory that takes. Changes nothing: it works on copies of an API task in a
transaction that is rolled back at the end."""

from __future__ import annotations

import resource
import time
from collections import Counter

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test import override_settings
from django.utils import timezone

from fulfillment import automation
from fulfillment.choices import TaskKind, TaskState
from fulfillment.models import Task


class Command(BaseCommand):
    help = "Throughput (tasks/s) and peak memory of API tasks run through the sync path."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--tasks", type=int, default=200, help="how many API tasks")
        parser.add_argument(
            "--failure-rate",
            type=float,
            default=0.0,
            help="share of adapter calls that fail (retried inline)",
        )

    def handle(self, *args, tasks: int, failure_rate: float, **options) -> None:
        source = Task.objects.filter(kind=TaskKind.API).select_related("sub_flow").first()
        if source is None:
            raise CommandError("No API task to copy: run `manage.py demo_data` first.")
        adapters = {
            "default": {"latency_ms": 0, "failure_rate": failure_rate, "concurrency": tasks}
        }
        queries = 0

        def count(execute, sql, params, many, context):
            # Savepoints are the rolled-back wrapper's: a worker's own transactions begin
            # and commit without a statement of their own.
            nonlocal queries
            if not sql.startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")):
                queries += 1
            return execute(sql, params, many, context)

        with override_settings(FULFILLMENT_ADAPTERS=adapters), transaction.atomic():
            ids = [self._copy(source).pk for _ in range(tasks)]
            rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            began = time.perf_counter()
            with connection.execute_wrapper(count):
                # Each run is one attempt; a failed one is run again here, as a worker would.
                pending = list(ids)
                while pending:
                    for task_id in pending:
                        automation.run_api_task(task_id)
                    pending = list(
                        Task.objects.filter(pk__in=ids, state=TaskState.IN_PROGRESS).values_list(
                            "pk", flat=True
                        )
                    )
            elapsed = time.perf_counter() - began
            rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            outcome = Counter(Task.objects.filter(pk__in=ids).values_list("state", flat=True))
            transaction.set_rollback(True)
        self.stdout.write(
            f"{tasks} API tasks in {elapsed:.2f} s: {tasks / elapsed:.1f} tasks/s, "
            f"{queries / tasks:.1f} queries per task ({connection.vendor})\n"
            f"outcome: {dict(outcome)}\n"
            f"peak memory (RSS): {rss_after / 1024:.1f} MiB "
            f"(+{(rss_after - rss_before) / 1024:.1f} MiB during the run)"
        )

    def _copy(self, source: Task) -> Task:
        now = timezone.now()
        task = Task(
            sub_flow=source.sub_flow,
            template_id=source.template_id,
            name=source.name,
            kind=TaskKind.API,
            group_id=source.group_id,
            state=TaskState.READY,
            ready_at=now,
            due_at=now,
        )
        task.save()
        return task
