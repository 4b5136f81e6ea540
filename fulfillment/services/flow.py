"""The flow engine: waiting tasks become ready when what they wait for is done (a field
visit is scheduled for each ready field-service task), and closure goes bottom-up, task ->
sub flow -> domain order -> line -> order (R24)."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Exists, OuterRef
from django.utils import timezone

from orders.choices import DomainOrderState, OrderLineState, OrderState
from orders.models import DomainOrder, Order, OrderLine
from telcrm.services import save, save_new, transition_all

from ..choices import (
    DONE_STATES,
    SubFlowState,
    TaskKind,
    TaskState,
)
from ..models import (
    FieldWorkOrder,
    SpecialProject,
    SubFlow,
    Task,
    TaskDependency,
)
from ._base import _dispatch, _set_due, _staggering, take
from .activation import _activate


def _ready_what_can_start(tasks, actor) -> list[Task]:
    """Waiting tasks whose dependencies are all completed become ready, with their SLA due
    time from now: all of them in one update (an order's start readies many at once)."""
    waiting = tasks.filter(state=TaskState.WAITING).exclude(
        dependency_links__depends_on__state__in=[
            s for s in TaskState.values if s not in DONE_STATES
        ]
    )
    waiting = waiting.exclude(_staggering().held_by_a_wave())  # its site's wave is not released
    ready = list(waiting.select_for_update(of=("self",)).select_related("template"))
    now = timezone.now()
    for task in ready:
        _set_due(task, now)
    transition_all(ready, "make_ready", actor=actor, reason="ready", fields=("ready_at", "due_at"))
    if ready:
        started = DomainOrder.objects.filter(
            pk__in=SubFlow.objects.filter(tasks__in=[t.pk for t in ready]).values(
                "domain_order_id"
            ),
            state=DomainOrderState.ACKNOWLEDGED,
        )
        transition_all(
            list(started.select_for_update(of=("self",))),
            "start",
            actor=actor,
            reason="first task ready",
        )
        _schedule_visits([t for t in ready if t.kind == TaskKind.FIELD_SERVICE], actor)
        _dispatch(ready)
    return ready


def _schedule_visits(tasks: list[Task], actor) -> None:
    """R20: a ready field-service task gets its field work order: the site, its address,
    the line's site contact and access notes, and a first window (the next working morning
    on which the task's group has room for another visit) that the dispatcher confirms with
    a technician. All of them written at once."""
    if not tasks:
        return
    have = set(FieldWorkOrder.objects.filter(task__in=tasks).values_list("task_id", flat=True))
    lines = {
        t.pk: t
        for t in Task.objects.filter(pk__in=[t.pk for t in tasks]).select_related(
            "sub_flow__child_line__order_line", "sub_flow__domain_order", "group"
        )
    }
    tasks = [task for task in tasks if task.pk not in have]
    starts = _staggering().first_free_mornings(
        [lines[task.pk].group for task in tasks], timezone.localtime()
    )
    visits = []
    for task, start in zip(tasks, starts, strict=True):
        line = lines[task.pk].sub_flow.child_line.order_line
        visit = FieldWorkOrder(
            task=task,
            site_id=line.site_id,
            location_id=line.location_id,
            contact_id=line.site_contact_id,
            access_notes=line.access_notes,
            window_start=start,
            window_end=start + timedelta(hours=4),
        )
        visits.append(visit)
    save_new(FieldWorkOrder, visits, actor=actor, reason=lambda v: f"visit for {v.task.number}")


def _after_done(tasks: list[Task], actor) -> None:
    """What waited for these tasks may start; their sub flows may close, and upwards (R24)."""
    waiting = TaskDependency.objects.filter(depends_on__in=tasks).values("task_id")
    _ready_what_can_start(Task.objects.filter(pk__in=waiting), actor)
    _close_upwards({task.sub_flow_id for task in tasks}, actor)
    _staggering().waves_advance(tasks, actor)


def _close_upwards(sub_flow_ids: set[int], actor) -> None:
    """R24, bottom-up: a sub flow closes when all its tasks are done, a domain order when
    its sub flows are, a line when the domain orders of its child lines are, the order when
    every line is: completed, partial (some lines cancelled) or cancelled (all)."""
    if not sub_flow_ids:
        return
    open_tasks = Task.objects.filter(sub_flow=OuterRef("pk")).exclude(state__in=DONE_STATES)
    before = list(
        SubFlow.objects.filter(pk__in=sub_flow_ids)
        .annotate(busy=Exists(open_tasks))
        .values_list("pk", "state", "domain_order_id", "busy")
    )
    if all(state == SubFlowState.IN_PROGRESS and busy for _, state, _, busy in before):
        # Every sub flow still has work: nothing above them can close now (most tasks, in
        # one read; the order's lock keeps it so until the caller commits).
        return
    closable = [pk for pk, state, _, busy in before if state == SubFlowState.IN_PROGRESS]
    flows = (
        SubFlow.objects.select_for_update()
        .filter(pk__in=closable, state=SubFlowState.IN_PROGRESS)
        .exclude(tasks__state__in=[s for s in TaskState.values if s not in DONE_STATES])
    )
    for sub_flow in flows:
        take(sub_flow, "close", actor=actor, reason="every task done")
    domain_ids = {domain_order_id for _, _, domain_order_id, _ in before}
    open_domains = (
        DomainOrder.objects.select_for_update()
        .filter(
            pk__in=domain_ids,
            state__in=[DomainOrderState.ACKNOWLEDGED, DomainOrderState.IN_PROGRESS],
        )
        .exclude(sub_flows__state=SubFlowState.IN_PROGRESS)
    )
    order_ids = set()
    for domain_order in open_domains:
        if domain_order.sub_flows.filter(state=SubFlowState.COMPLETED).exists():
            domain_order.close()
        else:
            domain_order.cancel()
        save(domain_order, actor=actor, reason="every sub flow closed")
        order_ids.add(domain_order.order_id)
    order_ids |= set(
        DomainOrder.objects.filter(pk__in=domain_ids).values_list("order_id", flat=True)
    )
    for order_id in order_ids:
        _close_order(order_id, actor)


def _close_order(order_id: int, actor) -> None:
    order = Order.objects.select_for_update().get(pk=order_id)
    if order.state != OrderState.IN_PROGRESS:
        return
    open_domain = [
        DomainOrderState.ACKNOWLEDGED,
        DomainOrderState.IN_PROGRESS,
        DomainOrderState.HELD,
    ]
    lines = (
        OrderLine.objects.select_for_update()
        .filter(order=order, state=OrderLineState.IN_PROGRESS)
        .exclude(child_lines__domain_order__state__in=open_domain)
    )
    for line in lines:
        line.close()
        save(line, actor=actor, reason="every domain order closed")
    states = set(order.lines.values_list("state", flat=True))
    if states - {OrderLineState.COMPLETED, OrderLineState.CANCELLED}:
        return
    project = SpecialProject.objects.select_for_update().filter(order=order).first()
    if project and project.running:
        if states != {OrderLineState.CANCELLED}:
            return  # R21: the order closes with its project
        take(project, "cancel", actor=actor, reason="every line cancelled")
    if states == {OrderLineState.CANCELLED}:
        order.cancel_reason = "Every line was cancelled in fulfillment."
        order.cancel_in_fulfillment()
    elif OrderLineState.CANCELLED in states:
        order.close_partially()
    else:
        order.close()
    save(order, actor=actor, reason="closed: every line closed")
    _activate(order, actor)
