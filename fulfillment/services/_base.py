"""Shared helpers of fulfillment's services: the row locks taken in one order (order, then task,
then visit or project), due times, and the hand-over of API tasks to the workers."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from orders.models import Order
from telcrm.fsm import DomainError, leaving_transition
from telcrm.services import Actor, transition

from ..choices import (
    TaskKind,
)
from ..models import (
    Task,
)


def in_words(obj) -> str:
    """The record's state as it reads in a sentence: "in progress", "completed"."""
    return obj.get_state_display().lower()


def refuse_unless(obj, name: str, refusal: str) -> None:
    """Check, before changing anything: refuse with ``refusal`` (which names the state in
    words) when transition ``name`` does not leave the record's current state."""
    if leaving_transition(obj, name) is None:
        raise DomainError(refusal)


def take(obj, name: str, *, actor: Actor, reason: str) -> None:
    """Take transition ``name`` on a locked row and save it, audited with ``reason``; its
    conditions are checked first (each unmet one named). Its role permission is the
    caller's to check, with a message of its own."""
    transition(obj, name, actor=actor, reason=reason, check_permission=False)


def _next_working_morning(now):
    day = now + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day.replace(hour=8, minute=0, second=0, microsecond=0)


def _set_due(task: Task, now=None) -> None:
    task.ready_at = now or timezone.now()
    task.due_at = task.ready_at + timedelta(hours=float(task.template.sla_hours))


def _dispatch(tasks: list[Task]) -> None:
    """API tasks go to their domain adapters in background workers once this commits."""
    api = [task.pk for task in tasks if task.kind == TaskKind.API]
    if api:
        transaction.on_commit(lambda: _automation().dispatch(api))


def _automation():
    # Imported when used: automation calls back into these services.
    from .. import automation

    return automation


def _staggering():
    # Imported when used: staggering calls back into these services.
    from .. import staggering

    return staggering


def _lock_task(task_id: int) -> Task:
    # Only the template joined (it names the outputs, and never changes under a task): after
    # waiting for another claim, PostgreSQL re-reads the locked row but not the rows it was
    # joined to, so a joined assignee would still look empty.
    return Task.objects.select_for_update(of=("self",)).select_related("template").get(pk=task_id)


def _lock_order(order_id: int) -> None:
    """Every action that moves a task, a visit, a fall-out or a project step takes its
    order's row lock first. Actions on one order then run one after the other, so each sees
    what the previous one committed (two tasks finishing at once both see the other done,
    and what waited for both starts; closure is never missed), and locks are always taken
    in one order: order, then task, then visit or project. Different orders go in parallel."""
    Order.objects.select_for_update().filter(pk=order_id).exists()


def _lock_order_of_task(task_id: int) -> Task:
    """Lock the task's order (found and locked in one statement), then the task."""
    found = (
        Order.objects.select_for_update(of=("self",))
        .filter(domain_orders__sub_flows__tasks=task_id)
        .values_list("pk", flat=True)
    )
    if not list(found):
        raise Task.DoesNotExist(f"No task {task_id}.")
    return _lock_task(task_id)


def _check_member(task: Task, actor) -> None:
    if actor.is_superuser or task.group.members.filter(pk=actor.pk).exists():
        return
    raise DomainError(f"{task} belongs to {task.group}: only its members work it.")
