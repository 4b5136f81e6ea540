"""Field visits (R20): the dispatcher sends a technician with a confirmed window; the
technician marks arrival and completes the visit with the task's outputs."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from telcrm.fsm import DomainError, allowed, leaving_transition, user_may
from telcrm.services import save

from ..models import (
    FieldWorkOrder,
    Task,
)
from ._base import _lock_order_of_task, in_words, refuse_unless, take
from .tasks import _complete


def _cancel_visit(task: Task, actor, reason: str) -> None:
    visit = FieldWorkOrder.objects.select_for_update().filter(task=task).first()
    if visit and leaving_transition(visit, "cancel"):
        take(visit, "cancel", actor=actor, reason=reason)


def _lock_visit(work_order_id: int) -> tuple[FieldWorkOrder, Task]:
    """The visit and its task (order first, see ``_lock_order``); the task must be ready or
    started: a failed task's visit waits for its fall-out to be resolved."""
    task_id = FieldWorkOrder.objects.values_list("task_id", flat=True).get(pk=work_order_id)
    task = _lock_order_of_task(task_id)
    visit = FieldWorkOrder.objects.select_for_update().get(pk=work_order_id)
    if not task.workable:
        raise DomainError(
            f"{task} is {in_words(task)}: {visit.number} waits until its fall-out is resolved."
        )
    return visit, task


def _refuse_unless_sent_to(visit: FieldWorkOrder, name: str, actor) -> None:
    """Arrival and completion are the technician's own (the transition's permission)."""
    if not allowed(visit, name, actor):
        raise DomainError(f"{visit.number} is not yours: it was sent to someone else.")


def work_order_dispatch(
    *, actor, work_order_id: int, technician, window_start, window_end
) -> FieldWorkOrder:
    """R20: the dispatcher confirms the window with the customer and sends a technician of
    the task's group; the task is the technician's. Again to reschedule."""
    if not user_may(FieldWorkOrder, "dispatch", actor):
        raise DomainError("Only a dispatcher (project or order manager) sends technicians.")
    if window_end <= window_start:
        raise DomainError(
            "The appointment must end after it starts.", errors=["“Until” must be after “From”."]
        )
    with transaction.atomic():
        visit, task = _lock_visit(work_order_id)
        refuse_unless(
            visit, "dispatch", f"{visit.number} is {in_words(visit)}: it cannot be dispatched."
        )
        if not task.group.members.filter(pk=technician.pk).exists():
            raise DomainError(f"{technician.get_full_name() or technician} is not in {task.group}.")
        visit.technician = technician
        visit.window_start, visit.window_end = window_start, window_end
        take(visit, "dispatch", actor=actor, reason=f"dispatched to {technician.username}")
        task.assignee = technician
        save(task, actor=actor, reason=f"visit {visit.number}")
    return visit


def work_order_arrive(*, actor, work_order_id: int) -> FieldWorkOrder:
    """The technician is on site: the visit and its task are in progress."""
    with transaction.atomic():
        visit, task = _lock_visit(work_order_id)
        _refuse_unless_sent_to(visit, "arrive", actor)
        refuse_unless(visit, "arrive", f"{visit.number} is {in_words(visit)}.")
        if leaving_transition(task, "start"):
            take(task, "start", actor=actor, reason=f"on site ({visit.number})")
        visit.arrived_at = timezone.now()
        take(visit, "arrive", actor=actor, reason="on site")
    return visit


def work_order_complete(
    *, actor, work_order_id: int, outputs: dict | None = None
) -> FieldWorkOrder:
    """R20: done on site with the task's outputs (each required); the task completes and
    what waited for it starts."""
    with transaction.atomic():
        visit, task = _lock_visit(work_order_id)
        _refuse_unless_sent_to(visit, "complete", actor)
        refuse_unless(
            visit, "complete", f"{visit.number} is {in_words(visit)}: mark your arrival first."
        )
        visit.completed_at = timezone.now()
        take(visit, "complete", actor=actor, reason="completed on site")
        _complete(task, actor, outputs, reason=f"completed on site ({visit.number})")
    return visit
