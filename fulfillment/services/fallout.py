"""The fall-out queue's resolutions (R22): retry, complete by hand, skip, or cancel the
failed task's order line."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from cmdb.services import (
    product_inventory_cancel,
)
from orders.models import OrderLine
from telcrm.fsm import DomainError, allowed, leaving_transition, unmet_conditions, user_may
from telcrm.services import save

from ..choices import (
    DONE_STATES,
    FalloutState,
    Resolution,
    SubFlowState,
    TaskKind,
)
from ..models import (
    Fallout,
    SubFlow,
    Task,
)
from ._base import (
    _dispatch,
    _lock_order,
    _lock_task,
    _set_due,
    in_words,
    refuse_unless,
    take,
)
from .field_work import _cancel_visit
from .flow import _after_done, _close_upwards
from .tasks import _complete


def _lock_fallout(actor, fallout_id: int, name: str) -> tuple[Fallout, Task]:
    """The open fall-out and its failed task, for someone who may resolve it with ``name``
    (R22), checked before anything changes."""
    _lock_order(Fallout.objects.values_list("order_id", flat=True).get(pk=fallout_id))
    fallout = Fallout.objects.select_for_update().get(pk=fallout_id)
    refuse_unless(
        fallout,
        name,
        f"{fallout} was resolved a moment ago ({fallout.get_resolution_display().lower()}).",
    )
    fallout.task = task = _lock_task(fallout.task_id)
    if unmet_conditions(fallout, leaving_transition(fallout, name)):
        raise DomainError(f"{task} is {in_words(task)} now: {fallout} no longer needs resolving.")
    if not allowed(fallout, name, actor) or not (
        Task.objects.visible_to(actor).filter(pk=task.pk).exists()
    ):
        raise DomainError(
            f"{fallout} is resolved by {task.group}'s agents and managers or an order manager."
        )
    return fallout, task


def _resolve(fallout: Fallout, actor, name: str, resolution: str, note: str = "") -> None:
    fallout.resolution = resolution
    fallout.resolution_note = note[:500]
    fallout.resolved_by = actor
    fallout.resolved_at = timezone.now()
    take(fallout, name, actor=actor, reason=Resolution(resolution).label)


def fallout_retry(*, actor, fallout_id: int, note: str = "") -> Fallout:
    """R22: the task goes back to its queue (an API task to its adapter) with a fresh SLA;
    its attempt count goes on."""
    with transaction.atomic():
        fallout, task = _lock_fallout(actor, fallout_id, "retry")
        _resolve(fallout, actor, "retry", Resolution.RETRIED, note)
        task.assignee = None if task.kind == TaskKind.API else task.assignee
        _set_due(task)
        take(task, "retry", actor=actor, reason=f"retry after {fallout.number}")
        _dispatch([task])
    return fallout


def fallout_complete(
    *, actor, fallout_id: int, outputs: dict | None = None, note: str = ""
) -> Fallout:
    """R22: someone did the work by hand: the task completes with its required outputs."""
    with transaction.atomic():
        fallout, task = _lock_fallout(actor, fallout_id, "complete")
        _resolve(fallout, actor, "complete", Resolution.COMPLETED, note)
        reason = f"completed by hand ({fallout.number})"
        _complete(task, actor, outputs, reason=reason, name="complete_by_hand")
        _cancel_visit(task, actor, reason=reason)
    return fallout


def fallout_skip(*, actor, fallout_id: int, note: str) -> Fallout:
    """R22: the task is not needed: it is skipped and what waits for it goes on."""
    note = (note or "").strip()
    if not note:
        raise DomainError("Say why the task can be skipped.", errors=["A reason is required."])
    with transaction.atomic():
        fallout, task = _lock_fallout(actor, fallout_id, "skip")
        _resolve(fallout, actor, "skip", Resolution.SKIPPED, note)
        task.completed_at = timezone.now()
        take(task, "skip", actor=actor, reason=f"skipped ({fallout.number})")
        _cancel_visit(task, actor, reason=f"task skipped ({fallout.number})")
        _after_done([task], actor)
    return fallout


def fallout_cancel_line(*, actor, fallout_id: int, note: str) -> Fallout:
    """R22: the failed task's order line is cancelled: its sub flows and open tasks are
    cancelled, its inventory too, and its other open fall-outs resolved; the rest of the
    order goes on and ends partial (R24)."""
    note = (note or "").strip()
    if not note:
        raise DomainError("Say why the line is cancelled.", errors=["A reason is required."])
    if not user_may(Fallout, "cancel_line", actor):
        raise DomainError("Only an order manager cancels an order line.")
    with transaction.atomic():
        fallout, task = _lock_fallout(actor, fallout_id, "cancel_line")
        line = OrderLine.objects.select_for_update().get(pk=task.sub_flow.child_line.order_line_id)
        sub_flows = list(
            SubFlow.objects.select_for_update().filter(
                child_line__order_line=line, state=SubFlowState.IN_PROGRESS
            )
        )
        open_tasks = list(
            Task.objects.select_for_update()
            .filter(sub_flow__in=sub_flows)
            .exclude(state__in=DONE_STATES)
        )
        for other in Fallout.objects.select_for_update().filter(
            task__in=open_tasks, state=FalloutState.OPEN
        ):
            _resolve(other, actor, "cancel_line", Resolution.LINE_CANCELLED, note)
        for each in open_tasks:
            take(each, "cancel", actor=actor, reason=f"line cancelled ({fallout.number})")
            _cancel_visit(each, actor, reason="line cancelled")
        for sub_flow in sub_flows:
            take(sub_flow, "cancel", actor=actor, reason="line cancelled")
        line.cancel()
        save(line, actor=actor, reason=f"cancelled in fulfillment: {note}")
        if line.product_id:
            product_inventory_cancel(actor=actor, product_id=line.product_id)
        _after_done(open_tasks, actor)
        _close_upwards({s.pk for s in sub_flows}, actor)
    return fallout
