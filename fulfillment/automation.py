"""API tasks in the background (R20, R22, R32): ready API tasks go to django-q2 workers, at
most ``concurrency`` per domain at once; a worker calls the domain's adapter through the
ledger (``AdapterCall``) and completes the task with the adapter's outputs, or tries again,
or after ``FULFILLMENT_API_MAX_ATTEMPTS`` failed calls in a row opens a fall-out.

One effect per task, whatever happens to the worker: the effect is recorded as the task's
one successful ledger row, committed on its own before the task is completed. A worker
killed after the effect is redelivered and finds the recorded result; two workers racing
on one task are kept to one effect by the ledger's unique constraint.

A job lost with its worker (the Redis broker hands a job over once and never again) leaves
its task in progress: the next dispatch of its domain, or the watchdog, sends a task with no
progress for ``FULFILLMENT_API_STUCK_SECONDS`` again; the ledger keeps it to one effect
should the first job still be alive after all."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, OperationalError, connection, transaction
from django.db.models import F, Max
from django_q.conf import Conf
from django_q.tasks import async_task

from telcrm.fsm import DomainError
from telcrm.services import save

from . import services
from .adapters import AdapterError, DomainAdapter, adapter_config, adapter_for
from .choices import FalloutCategory, TaskKind, TaskState
from .models import AdapterCall, Task
from .querysets import stuck_before

logger = logging.getLogger(__name__)

RUN_API_TASK = "fulfillment.automation.run_api_task"
# A job that met a busy database ("database is locked" on SQLite, a dropped connection) goes
# back to the queue after these pauses (seconds), not after django-q2's retry (300 s), which
# stays the last resort once they are used up.
BUSY_BACKOFF = (0.5, 1, 2, 4, 8)
# The first key of the advisory lock that one domain's dispatch holds (PostgreSQL).
DISPATCH_LOCK = 20


def dispatch(task_ids: Iterable[int]) -> list[int]:
    """R20: for each domain of these tasks, its oldest ready API tasks (by ready time, any
    order's) take the places free under the domain's ``concurrency`` and go to a worker;
    the rest stay ready until a running one finishes. Tasks a person has claimed are theirs.
    Returns the ids sent."""
    domains = set(
        Task.objects.filter(pk__in=list(task_ids), kind=TaskKind.API).values_list(
            "sub_flow__domain_order__domain", flat=True
        )
    )
    sent: list[int] = []
    for domain in sorted(domains):
        sent += _fill_places(domain)
    return sent


def _fill_places(domain: str) -> list[int]:
    limit = int(adapter_config(domain)["concurrency"])
    if limit <= 0:
        return []
    with transaction.atomic():
        # Two workers finishing at once count the domain's places one after the other and
        # never pass the limit together: the domain is locked, not each of its open tasks
        # (a backlog of thousands of ready tasks was locked on every completion).
        _lock_domain(domain)
        tasks = Task.objects.filter(
            kind=TaskKind.API, assignee__isnull=True, sub_flow__domain_order__domain=domain
        )
        running = list(tasks.filter(state=TaskState.IN_PROGRESS).values_list("pk", "updated_at"))
        free = max(0, limit - len(running))
        oldest_ready = tasks.filter(state=TaskState.READY).order_by(
            F("ready_at").asc(nulls_last=True), "pk"
        )
        chosen = list(oldest_ready.values_list("pk", flat=True)[:free]) if free else []
        stuck = stuck_before()
        lost = _send_again([pk for pk, updated_at in running if updated_at < stuck], stuck)
        started = []
        for task in (
            Task.objects.select_for_update()
            .filter(pk__in=chosen, state=TaskState.READY, assignee__isnull=True)
            .order_by("ready_at", "pk")
        ):
            # Started here, not in the worker: a task waiting in the broker holds its place.
            task.start()
            save(task, actor=None, reason=f"sent to the {domain} adapter")
            _enqueue(task.pk)
            started.append(task.pk)
    return lost + started


def _lock_domain(domain: str) -> None:
    """Hold the domain's dispatch lock until the transaction ends. On PostgreSQL an
    advisory lock on the domain's name; SQLite writes one transaction at a time already."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, hashtext(%s))", [DISPATCH_LOCK, domain]
            )


def _send_again(lost: list[int], stuck) -> list[int]:
    """Started tasks whose job went down with a worker: each keeps its place and goes to a
    worker again (call it with the domain locked). Returns the ids sent."""
    seconds = settings.FULFILLMENT_API_STUCK_SECONDS
    sent = []
    for task in (
        Task.objects.select_for_update()
        .filter(pk__in=lost, state=TaskState.IN_PROGRESS, updated_at__lt=stuck)
        .order_by("pk")
    ):
        save(task, actor=None, reason=f"sent again: no progress for {seconds} s", clean=False)
        _enqueue(task.pk)
        sent.append(task.pk)
    return sent


def reconcile() -> list[int]:
    """R32: dispatch every domain with open API tasks, so that tasks whose job was lost go
    again, and ready ones take free places, even when no worker is finishing a task (the
    watchdog's run). Returns the ids sent."""
    domains = (
        Task.objects.filter(
            kind=TaskKind.API,
            assignee__isnull=True,
            state__in=[TaskState.READY, TaskState.IN_PROGRESS],
        )
        .values_list("sub_flow__domain_order__domain", flat=True)
        .distinct()
    )
    sent: list[int] = []
    for domain in sorted(set(domains)):
        sent += _fill_places(domain)
    return sent


def _enqueue(task_id: int, busy_retries: int = 0) -> None:
    def send() -> None:
        extra = {"busy_retries": busy_retries} if busy_retries else {}
        async_task(RUN_API_TASK, task_id, group="fulfillment-api", **extra)

    if Conf.ORM == DEFAULT_DB_ALIAS and not Conf.SYNC:
        # The ORM broker writes to our database: the job commits (or not) with the task's
        # start, so no started task is left without its job and no job runs too early.
        send()
    else:
        transaction.on_commit(send)


def run_api_task(task_id: int, busy_retries: int = 0) -> str:
    """django-q2 job (R20, R32): one attempt at an API task. Safe to run twice and after a
    killed run: a task no longer in progress is left alone, and a task whose effect is
    already in the ledger is completed with the recorded result without calling again.
    A busy database sends the job back to the queue after a short pause (``BUSY_BACKOFF``).
    Returns the task's state."""
    try:
        return _attempt(task_id)
    except OperationalError as error:
        if busy_retries >= len(BUSY_BACKOFF):
            raise
        delay = BUSY_BACKOFF[busy_retries]
        logger.warning(
            "Task %s: the database was busy (%s); trying again in %s s", task_id, error, delay
        )
        time.sleep(delay)
        _enqueue(task_id, busy_retries=busy_retries + 1)
        return TaskState.IN_PROGRESS


def _attempt(task_id: int) -> str:
    with transaction.atomic():
        # The template and the domain order do not change while a task runs: read with the
        # locked row, they serve the whole attempt.
        task = (
            Task.objects.select_for_update(of=("self",))
            .select_related("template", "sub_flow__domain_order__location")
            .get(pk=task_id)
        )
        if not _runnable(task):
            # Done, failed or taken over by a person: its place may be free for the next.
            transaction.on_commit(lambda: dispatch([task_id]))
            return task.state
        recorded = _effect_of(task)
        if recorded is None:
            if task.state == TaskState.READY:
                task.start()
            task.attempts += 1
            save(task, actor=None, reason=f"adapter call, attempt {task.attempts}", clean=False)
    domain = task.sub_flow.domain_order.domain
    adapter = adapter_for(domain)
    try:
        # Looked up under the lock just now: the ledger's constraint keeps a racing run's
        # effect to one should another worker record first.
        outputs = recorded.response if recorded else _call(task, task.attempts, adapter)
    except AdapterError as error:
        if not _fail_or_retry(task, adapter, error):
            return TaskState.IN_PROGRESS
        state = None
    else:
        state = _complete(task, outputs)
    _fill_places(domain)
    return state or Task.objects.values_list("state", flat=True).get(pk=task_id)


def _runnable(task: Task) -> bool:
    return (
        task.kind == TaskKind.API
        and task.state in (TaskState.READY, TaskState.IN_PROGRESS)
        and task.assignee_id is None
    )


def _effect_of(task: Task) -> AdapterCall | None:
    return AdapterCall.objects.filter(task=task, succeeded=True).order_by("pk").first()


def ledger_call(task: Task, attempt: int, adapter: DomainAdapter) -> dict:
    """Call the adapter for this attempt, through the ledger: a task with a recorded effect
    gets that effect's response and no second call. Each call is recorded, in its own
    transaction (call it outside one): a successful call's row is the task's one effect.
    Raises AdapterError when the call fails."""
    recorded = _effect_of(task)
    if recorded is not None:
        return recorded.response
    return _call(task, attempt, adapter)


def _call(task: Task, attempt: int, adapter: DomainAdapter) -> dict:
    """:func:`ledger_call` once the ledger has been looked up and has no effect."""
    call = AdapterCall(
        task=task,
        attempt=attempt,
        adapter=adapter.name,
        operation=task.template.code,
        request={
            "task": task.number,
            "idempotency_key": task.number,
            "outputs": task.required_outputs,
        },
    )
    began = time.monotonic()
    try:
        outputs = adapter.execute(task, attempt)
    except AdapterError as error:
        call.error = error.message[:500]
        call.duration_ms = int((time.monotonic() - began) * 1000)
        _record(call, reason=f"attempt {attempt} failed")
        raise
    call.response, call.succeeded = outputs, True
    call.duration_ms = int((time.monotonic() - began) * 1000)
    if not _record(call, reason=f"attempt {attempt} succeeded"):
        # Another worker recorded its effect first: theirs is the task's one effect.
        recorded = _effect_of(task)
        if recorded is None:
            raise AdapterError(f"The result of attempt {attempt} could not be recorded.")
        return recorded.response
    return outputs


def _record(call: AdapterCall, reason: str) -> bool:
    try:
        # A short transaction of its own (its checks, the row and its history), taken after
        # the adapter has answered: no lock is held while the adapter works.
        # The system's row, no form: the ledger's constraints (one row per attempt, one
        # effect per task) are the database's, which refuses a clash without a read first.
        with transaction.atomic():
            save(call, actor=None, reason=reason, clean=False)
    except DomainError:
        logger.info("%s already recorded by another run", call)
        return False
    return True


def _attempts_in_a_row(task: Task) -> int:
    """Failed calls since the task last fell out: a retried fall-out gets fresh attempts."""
    before = task.fallouts.aggregate(last=Max("attempts"))["last"] or 0
    return task.attempts - before


def _fail_or_retry(task: Task, adapter: DomainAdapter, error: AdapterError) -> bool:
    """Try again (False) or, the attempts used up, open a fall-out (True)."""
    limit = int(getattr(settings, "FULFILLMENT_API_MAX_ATTEMPTS", 3))
    in_a_row = _attempts_in_a_row(task)
    if in_a_row < limit:
        logger.info("%s: attempt %s failed (%s); trying again", task, task.attempts, error)
        _enqueue(task.pk)
        return False
    category = error.category if error.category in FalloutCategory.values else "provisioning"
    failed = "failed once" if in_a_row == 1 else f"failed {in_a_row} times in a row"
    detail = f"{adapter.name} {failed} (attempt {task.attempts} of {limit}): {error.message}"
    services.task_fail(actor=None, task_id=task.pk, category=category, detail=detail)
    return True


def _complete(task: Task, outputs: dict) -> str | None:
    """Complete the task with the adapter's outputs; its new state, or None where it fell out."""
    try:
        return services.task_complete(actor=None, task_id=task.pk, outputs=outputs).state
    except DomainError as exc:
        # The adapter's answer lacks an output, or a person claimed the task meanwhile: the
        # fall-out says why (its retry finds the recorded effect). A task another run has
        # just completed is left as it is (task_fail returns None).
        services.task_fail(
            actor=None,
            task_id=task.pk,
            category=FalloutCategory.DATA,
            detail=f"{task.number} could not be completed with the adapter's result: {exc}",
        )
