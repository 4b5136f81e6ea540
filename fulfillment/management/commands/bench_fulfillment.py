"""``manage.py bench_fulfillment``: how fast API tasks go through the workers' code path
(lock, start, ledger call, completion, dispatch of the next), without a broker or latency,
and how much memory that takes. Changes nothing: it works on copies of an API task in a
transaction that is rolled back at the end.

``--order-lines N`` instead times a large order (issue 19): the demo's order waiting for
approval grown to N lines over its customer's sites (Internet access with a managed CPE and
SIP: access, IP core, CPE and voice domains), then its approval (with the decomposition) and
the start of its work, each with its query count; the median of ``--runs`` runs, each
rolled back. Next to it, the bare reference of the same run: one round trip to the
database."""

from __future__ import annotations

import resource
import statistics
import time
import uuid
from collections import Counter

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test import override_settings
from django.utils import timezone

from fulfillment import automation
from fulfillment import services as fulfillment_services
from fulfillment.choices import TaskKind, TaskState
from fulfillment.models import Task, TaskDependency
from orders import services as order_services
from orders.choices import OrderState
from orders.models import ChildLine, DomainOrder, Order, OrderLine
from sales.models import QuoteLine


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
        parser.add_argument(
            "--order-lines",
            type=int,
            default=0,
            help="time approval and fulfillment start of an order of this many lines instead",
        )
        parser.add_argument("--runs", type=int, default=5, help="runs of --order-lines")

    def handle(
        self, *args, tasks: int, failure_rate: float, order_lines: int, runs: int, **options
    ) -> None:
        if order_lines:
            self._bench_order(order_lines, runs)
            return
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

    def _bench_order(self, lines: int, runs: int) -> None:
        pending = Order.objects.filter(state=OrderState.PENDING).order_by("pk").first()
        if pending is None:
            raise CommandError("No order waits for approval: run `manage.py demo_data` first.")
        actor = get_user_model().objects.filter(groups__name="order_manager").first()
        results = []
        for _ in range(runs):
            with transaction.atomic():
                order = _grow(pending, lines)
                approve = _timed(order_services.order_approve, actor=actor, order_id=order.pk)
                start = _timed(
                    fulfillment_services.order_fulfillment_start, actor=actor, order_id=order.pk
                )
                made = (
                    order.lines.count(),
                    DomainOrder.objects.filter(order=order).count(),
                    sorted(set(order.domain_orders.values_list("domain", flat=True))),
                    ChildLine.objects.filter(order_line__order=order).count(),
                    Task.objects.filter(sub_flow__domain_order__order=order).count(),
                    TaskDependency.objects.filter(
                        task__sub_flow__domain_order__order=order
                    ).count(),
                )
                reference = _timed(Order.objects.filter(pk=order.pk).exists)
                results.append((approve, start, reference))
                transaction.set_rollback(True)
        count, domain_orders, domains, children, made_tasks, links = made
        self.stdout.write(
            f"order of {count} lines: {domain_orders} domain orders ({', '.join(domains)}), "
            f"{children} child lines, {made_tasks} tasks, {links} task links "
            f"({connection.vendor}, median of {runs} runs)"
        )
        for name, index in (("approval + decomposition", 0), ("fulfillment start", 1)):
            ms = statistics.median(r[index][0] for r in results)
            self.stdout.write(f"{name}: {ms:.0f} ms, {results[0][index][1]} queries")
        ms = statistics.median(r[2][0] for r in results)
        self.stdout.write(f"reference, one round trip: {ms:.2f} ms")


def _timed(action, **kwargs) -> tuple[float, int]:
    """Milliseconds and statements (savepoints included: each is a round trip) of
    ``action(**kwargs)``."""
    queries = 0

    def count(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    began = time.perf_counter()
    with connection.execute_wrapper(count):
        action(**kwargs)
    return (time.perf_counter() - began) * 1000, queries


def _grow(pending: Order, lines: int) -> Order:
    """The pending order with ``lines`` lines: copies of its customer's quoted access (with
    a managed CPE) and SIP lines, going round the sites they are at, each with its own quote
    and contract line. The customer's credit covers it."""
    order = Order.objects.get(pk=pending.pk)
    patterns = {}
    for line in QuoteLine.objects.filter(
        quote__account_id=order.account_id, offering__code__in=["DIA", "MPLS", "SIP"]
    ).order_by("pk"):
        patterns.setdefault((line.site_id, line.offering_id), line)
    patterns = list(patterns.values())
    template = order.lines.select_related("contract_line").first()
    for i in range(lines - order.lines.count()):
        quote_line = QuoteLine.objects.get(pk=patterns[i % len(patterns)].pk)
        if "managed_cpe" in quote_line.characteristics:
            quote_line.characteristics["managed_cpe"] = "yes"
        quote_line.pk, quote_line.quote_id, quote_line.key = None, order.quote_id, uuid.uuid4()
        quote_line.save()
        mirrored = {f: getattr(quote_line, f) for f in OrderLine.MIRRORED_FIELDS}
        contract_line = template.contract_line
        contract_line.pk, contract_line.quote_line = None, quote_line
        for name, value in mirrored.items():
            setattr(contract_line, name, value)
        contract_line.save()
        copy = OrderLine.objects.get(pk=template.pk)
        copy.pk, copy.product, copy.site_contact = None, None, None
        copy.quote_line, copy.contract_line = quote_line, contract_line
        for name, value in mirrored.items():
            setattr(copy, name, value)
        copy.save()
    order.account.credit_limit = 10**9
    order.account.save()
    return order
