"""Work queues (R23): claim, start, complete or reject a task; a failing task opens its
fall-out (R22)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from cmdb.services import (
    resources_allocate,
)
from orders.models import OrderLine
from telcrm.fsm import DomainError, leaving_transition
from telcrm.services import save

from ..choices import (
    FalloutCategory,
    TaskKind,
)
from ..models import (
    Fallout,
    Task,
)
from ._base import (
    _check_member,
    _lock_order_of_task,
    _lock_task,
    _staggering,
    in_words,
    refuse_unless,
    take,
)
from .flow import _after_done


def task_complete(*, actor, task_id: int, outputs: dict | None = None) -> Task:
    """R20: complete a ready or started task with every output its template asks for (each
    missing one named); what waited only for it becomes ready, in any domain order."""
    with transaction.atomic():
        task = _lock_order_of_task(task_id)
        if task.assignee_id and (actor is None or task.assignee_id != actor.pk):
            raise DomainError(f"{task} is claimed by someone else: they complete it.")
        refuse_unless(
            task,
            "complete",
            f"{task} is {in_words(task)}: only a ready or started task is completed.",
        )
        if task.kind == TaskKind.FIELD_SERVICE:
            raise DomainError(f"{task} is completed on site, on its field work order.")
        _complete(task, actor, outputs, reason="complete")
    return task


def _complete(task: Task, actor, outputs: dict | None, reason: str, name: str = "complete") -> None:
    """Take ``name`` (``complete``, or ``complete_by_hand`` from a fall-out) with the
    outputs, after the caller checked it leaves the task's state."""
    values = {k: str(v).strip() for k, v in (outputs or {}).items()}
    missing = [name for name in task.required_outputs if not values.get(name)]
    if missing:
        raise DomainError(
            f"{task} needs " + ", ".join(missing) + " to be completed.",
            errors=[f"{name} is required." for name in missing],
        )
    task.outputs = {name: values[name] for name in task.required_outputs}
    product_id = (
        OrderLine.objects.filter(child_lines__sub_flow__tasks=task)
        .values_list("product_id", flat=True)
        .first()
    )
    if product_id:
        # R25: captured IP blocks, circuit ids, numbers and VLANs are held for its product.
        resources_allocate(
            actor=actor, product_id=product_id, outputs=task.outputs, holder=task.number
        )
    if actor is not None and task.kind != TaskKind.API:
        task.assignee_id = task.assignee_id or actor.pk
    task.completed_at = timezone.now()
    take(task, name, actor=actor, reason=reason)
    _after_done([task], actor)


def task_claim(*, actor, task_id: int) -> Task:
    """R23: take a ready task of one's group. Two agents claiming at once: the row lock lets
    one through; the other is told who has it."""
    with transaction.atomic():
        task = _lock_task(task_id)
        if task.assignee_id and task.assignee_id != actor.pk:
            raise DomainError(
                f"{task} is already claimed by {task.assignee.get_full_name() or task.assignee}."
            )
        if not task.workable:
            raise DomainError(f"{task} is {in_words(task)}: it cannot be claimed.")
        if task.run_by_system:
            domain = task.sub_flow.domain_order.get_domain_display()
            raise DomainError(
                f"{task} is done by the {domain} system, not by a person: if it "
                "fails, it goes to the fall-out queue, where it can be completed "
                "by hand."
            )
        _check_member(task, actor)
        task.assignee = actor
        save(task, actor=actor, reason="claim")
    return task


def task_start(*, actor, task_id: int) -> Task:
    with transaction.atomic():
        task = _lock_task(task_id)
        if task.assignee_id != actor.pk:
            raise DomainError(f"Claim {task} before starting it.")
        refuse_unless(task, "start", f"{task} is {in_words(task)}.")
        take(task, "start", actor=actor, reason="start")
    return task


def task_reject(*, actor, task_id: int, category: str, reason: str) -> Fallout:
    """R22/R23: the agent working a task cannot do it (e.g. wrong data, nothing in stock):
    with a reason it fails into the fall-out queue; only what waits for it stops."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Say why the task cannot be done.", errors=["A reason is required."])
    if category not in FalloutCategory.values:
        raise DomainError("Choose what kind of problem it is.")
    with transaction.atomic():
        task = _lock_order_of_task(task_id)
        if task.assignee_id != actor.pk:
            raise DomainError(f"Claim {task} before rejecting it.")
        return _fail(task, actor, category, reason)


def task_fail(*, actor, task_id: int, category: str, detail: str) -> Fallout | None:
    """R22: an adapter error, exhausted attempts or the watchdog fails a task and opens its
    fall-out. A task already failed or done is left as it is (None)."""
    with transaction.atomic():
        task = _lock_order_of_task(task_id)
        if leaving_transition(task, "fail") is None:
            return None  # already failed or done
        return _fail(task, actor, category, detail)


def _fail(task: Task, actor, category: str, detail: str) -> Fallout:
    refuse_unless(task, "fail", f"{task} is {in_words(task)}: it cannot fail.")
    take(task, "fail", actor=actor, reason=f"failed: {FalloutCategory(category).label}")
    now = timezone.now()
    fallout = Fallout(
        task=task,
        order_id=task.sub_flow.domain_order.order_id,
        category=category,
        detail=detail[:2000],
        attempts=task.attempts,
        opened_by=actor,
        opened_at=now,
        due_at=now + timedelta(hours=settings.FALLOUT_SLA_HOURS),
    )
    save(fallout, actor=actor, reason=f"{task.number} failed")
    _staggering().waves_advance([task], actor)  # a wave stuck in fall-out lets the next go
    return fallout
