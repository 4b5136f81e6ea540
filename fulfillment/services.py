"""Business actions of fulfillment: start an approved, decomposed order's work (R20); claim,
start, complete or reject tasks (R23), which readies what waited for them; fall-outs and
their resolutions (R22); and closure bottom-up, task -> sub flow -> domain order -> line ->
order (R24). ``actor`` None is the system (a background worker, the watchdog)."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from cmdb.services import (
    DeliveredService,
    product_inventory_activate,
    product_inventory_cancel,
    product_inventory_start_activation,
    resources_allocate,
)
from orders.choices import DomainOrderState, OrderLineState, OrderState
from orders.models import DomainOrder, Order, OrderLine
from telcrm.fsm import DomainError
from telcrm.services import save

from .choices import (
    DONE_STATES,
    FalloutCategory,
    FalloutState,
    ProjectState,
    ProjectTaskState,
    Resolution,
    SubFlowState,
    TaskKind,
    TaskState,
    WorkOrderState,
)
from .models import (
    Fallout,
    FieldWorkOrder,
    FlowTemplate,
    Milestone,
    ProjectTask,
    SpecialProject,
    SubFlow,
    Task,
    TaskDependency,
)

logger = logging.getLogger(__name__)


def order_fulfillment_start(*, actor, order_id: int) -> list[SubFlow]:
    """R20: every child line of the order's domain orders gets a sub flow from its
    specification's flow template, with its tasks and their dependencies: inside the flow
    from the template, across domain orders from the domain orders' dependencies (a waiting
    domain order's first tasks wait for the last tasks of what it depends on). Tasks with
    nothing to wait for are ready at once. Running it again creates nothing twice."""
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order_id)
        if order.state != OrderState.IN_PROGRESS or order.decomposed_at is None:
            raise DomainError(
                f"{order.number} is {order.get_state_display().lower()}: only an "
                "approved, decomposed order is fulfilled."
            )
        domain_orders = list(
            order.domain_orders.prefetch_related("child_lines__specification", "dependencies")
        )
        specs = {
            c.specification_id: c.specification for d in domain_orders for c in d.child_lines.all()
        }
        templates = {
            t.specification_id: t
            for t in FlowTemplate.objects.filter(specification__in=specs).prefetch_related(
                "tasks__depends_on", "tasks__group"
            )
        }
        missing = sorted(spec.code for pk, spec in specs.items() if pk not in templates)
        if missing:
            raise DomainError(
                "No flow template for " + ", ".join(missing) + ": an administrator "
                "adds one in the admin first."
            )
        done = set(
            SubFlow.objects.filter(domain_order__order=order).values_list(
                "child_line_id", flat=True
            )
        )
        made: list[SubFlow] = []
        for domain_order in domain_orders:
            for child in domain_order.child_lines.all():
                if child.pk not in done:
                    made.append(_sub_flow(domain_order, child, templates, actor))
        _link_across_domain_orders(domain_orders, actor)
        _open_project(order, actor)
        products = order.lines.filter(product__isnull=False).values_list("product_id", flat=True)
        for product_id in products:
            product_inventory_start_activation(actor=actor, product_id=product_id)
        _ready_what_can_start(Task.objects.filter(sub_flow__domain_order__order=order), actor)
    return made


def project_reason(order: Order) -> str:
    """Why the order needs project discipline (R21), or "" when it does not."""
    lines = list(order.lines.select_related("offering").exclude(state=OrderLineState.CANCELLED))
    flagged = sorted({line.offering.name for line in lines if line.offering.requires_project})
    if flagged:
        return ", ".join(flagged) + " runs as a special project."
    sites = len({line.site_id for line in lines})
    if sites > settings.SPECIAL_PROJECT_SITES:
        return (
            f"{sites} sites: more than {settings.SPECIAL_PROJECT_SITES} run as a special project."
        )
    return ""


def _open_project(order: Order, actor) -> SpecialProject | None:
    """R21: the project with its standard plan: kick-off, every site ready, acceptance. Its
    milestones fall due between now and the requested delivery date."""
    reason = project_reason(order)
    if not reason or SpecialProject.objects.filter(order=order).exists():
        return None
    project = SpecialProject(order=order, reason=reason)
    save(project, actor=actor, reason="opened")
    today = timezone.localdate()
    span = max((order.requested_date - today).days, 3)
    sites = sorted(
        {
            line.site.name
            for line in order.lines.select_related("site").exclude(state=OrderLineState.CANCELLED)
        }
    )
    plan = [
        (
            "Kick-off",
            today + timedelta(days=min(7, span // 3)),
            ["Hold the kick-off with the customer", "Agree the rollout plan and the site order"],
        ),
        (
            "Every site ready",
            today + timedelta(days=2 * span // 3),
            [f"Confirm site readiness at {site}" for site in sites],
        ),
        (
            "Customer acceptance",
            order.requested_date,
            ["Walk the customer through the delivered service", "Collect the signed acceptance"],
        ),
    ]
    for position, (name, due, steps) in enumerate(plan):
        milestone = Milestone(project=project, name=name, position=position, due_date=due)
        save(milestone, actor=actor, reason="project plan")
        for step in steps:
            save(
                ProjectTask(project=project, milestone=milestone, name=step),
                actor=actor,
                reason="project plan",
            )
    return project


def project_take(*, actor, project_id: int) -> SpecialProject:
    """A project manager takes charge of a special project."""
    with transaction.atomic():
        project = SpecialProject.objects.select_for_update().get(pk=project_id)
        if project.manager_id and project.manager_id != actor.pk:
            raise DomainError(f"{project.number} is run by {project.manager.get_full_name()}.")
        if project.state != ProjectState.IN_PROGRESS:
            raise DomainError(f"{project.number} is {project.get_state_display().lower()}.")
        project.manager = actor
        save(project, actor=actor, reason="manager")
    return project


def project_task_done(*, actor, task_id: int, note: str = "") -> ProjectTask:
    """R21: the project's manager (or an order manager) ticks off a step; a milestone is
    reached with its last step, the project completes with its last milestone, and the
    order may then close (R24)."""
    with transaction.atomic():
        _lock_order(ProjectTask.objects.values_list("project__order_id", flat=True).get(pk=task_id))
        step = ProjectTask.objects.select_for_update().get(pk=task_id)
        project = SpecialProject.objects.select_for_update().get(pk=step.project_id)
        if project.manager_id != actor.pk and not actor.has_perm("orders.approve_order"):
            raise DomainError(
                f"Only the manager of {project.number} ticks off its steps"
                + ("; take the project first." if not project.manager_id else ".")
            )
        if project.state != ProjectState.IN_PROGRESS:
            raise DomainError(f"{project.number} is {project.get_state_display().lower()}.")
        if step.state != ProjectTaskState.OPEN:
            raise DomainError(f"“{step}” was done a moment ago.")
        step.finish()
        step.note, step.done_by, step.done_at = note.strip()[:300], actor, timezone.now()
        save(step, actor=actor, reason="done")
        milestone = Milestone.objects.select_for_update().get(pk=step.milestone_id)
        if (
            not milestone.reached_at
            and not milestone.tasks.filter(state=ProjectTaskState.OPEN).exists()
        ):
            milestone.reached_at = timezone.now()
            save(milestone, actor=actor, reason="reached")
        if not project.milestones.filter(reached_at__isnull=True).exists():
            project.complete()
            project.completed_at = timezone.now()
            save(project, actor=actor, reason="every milestone reached")
            _close_order(project.order_id, actor)
    return step


def _sub_flow(domain_order, child, templates, actor) -> SubFlow:
    template = templates[child.specification_id]
    sub_flow = SubFlow(domain_order=domain_order, child_line=child, template=template)
    save(sub_flow, actor=actor, reason=f"started {domain_order.number}")
    by_template = {}
    for task_template in template.tasks.all():
        task = Task(
            sub_flow=sub_flow,
            template=task_template,
            name=task_template.name,
            kind=task_template.kind,
            group=task_template.group,
        )
        save(task, actor=actor, reason=f"from {template}")
        by_template[task_template.pk] = task
    for task_template in template.tasks.all():
        for before in task_template.depends_on.all():
            save(
                TaskDependency(
                    task=by_template[task_template.pk], depends_on=by_template[before.pk]
                ),
                actor=actor,
                reason="flow template",
            )
    return sub_flow


def _link_across_domain_orders(domain_orders, actor) -> None:
    """A domain order's entry tasks (nothing to wait for in their own flow) wait for the exit
    tasks (nothing waits for them in their flow) of each domain order it depends on."""
    tasks = list(
        Task.objects.filter(sub_flow__domain_order__in=domain_orders).select_related("sub_flow")
    )
    links = set(
        TaskDependency.objects.filter(task__in=tasks).values_list("task_id", "depends_on_id")
    )
    inside = {(a, b) for a, b in links}
    same_flow = {t.pk: t.sub_flow_id for t in tasks}
    waits_inside = {a for a, b in inside if same_flow.get(b) == same_flow.get(a)}
    awaited_inside = {b for a, b in inside if same_flow.get(b) == same_flow.get(a)}
    by_domain: dict[int, list[Task]] = {}
    for task in tasks:
        by_domain.setdefault(task.sub_flow.domain_order_id, []).append(task)
    for domain_order in domain_orders:
        entries = [t for t in by_domain.get(domain_order.pk, []) if t.pk not in waits_inside]
        for dependency in domain_order.dependencies.all():
            exits = [
                t for t in by_domain.get(dependency.depends_on_id, []) if t.pk not in awaited_inside
            ]
            for entry in entries:
                for exit_task in exits:
                    if (entry.pk, exit_task.pk) not in links:
                        save(
                            TaskDependency(task=entry, depends_on=exit_task),
                            actor=actor,
                            reason=f"domain order dependency: {dependency.reason}",
                        )
                        links.add((entry.pk, exit_task.pk))


def _ready_what_can_start(tasks, actor) -> list[Task]:
    """Waiting tasks whose dependencies are all completed become ready, with their SLA due
    time from now."""
    ready = []
    waiting = tasks.filter(state=TaskState.WAITING).exclude(
        dependency_links__depends_on__state__in=[
            s for s in TaskState.values if s not in DONE_STATES
        ]
    )
    waiting = waiting.exclude(_staggering().held_by_a_wave())  # its site's wave is not released
    for task in waiting.select_for_update(of=("self",)).select_related("template"):
        task.make_ready()
        _set_due(task)
        save(task, actor=actor, reason="ready")
        ready.append(task)
    if ready:
        started = DomainOrder.objects.filter(
            pk__in=SubFlow.objects.filter(tasks__in=[t.pk for t in ready]).values(
                "domain_order_id"
            ),
            state=DomainOrderState.ACKNOWLEDGED,
        )
        for domain_order in started.select_for_update(of=("self",)):
            domain_order.start()
            save(domain_order, actor=actor, reason="first task ready")
        _schedule_visits([t for t in ready if t.kind == TaskKind.FIELD_SERVICE], actor)
        _dispatch(ready)
    return ready


def _schedule_visits(tasks: list[Task], actor) -> None:
    """R20: a ready field-service task gets its field work order: the site, its address,
    the line's site contact and access notes, and a first window (the next working morning
    on which the task's group has room for another visit) that the dispatcher confirms with
    a technician."""
    if not tasks:
        return
    have = set(FieldWorkOrder.objects.filter(task__in=tasks).values_list("task_id", flat=True))
    lines = {
        t.pk: t
        for t in Task.objects.filter(pk__in=[t.pk for t in tasks]).select_related(
            "sub_flow__child_line__order_line", "sub_flow__domain_order", "group"
        )
    }
    now = timezone.localtime()
    for task in tasks:
        if task.pk in have:
            continue
        line = lines[task.pk].sub_flow.child_line.order_line
        start = _staggering().first_free_morning(lines[task.pk].group, now)
        save(
            FieldWorkOrder(
                task=task,
                site_id=line.site_id,
                location_id=line.location_id,
                contact_id=line.site_contact_id,
                access_notes=line.access_notes,
                window_start=start,
                window_end=start + timedelta(hours=4),
            ),
            actor=actor,
            reason=f"visit for {task.number}",
        )


def _next_working_morning(now):
    day = now + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day.replace(hour=8, minute=0, second=0, microsecond=0)


def _cancel_visit(task: Task, actor, reason: str) -> None:
    visit = FieldWorkOrder.objects.select_for_update().filter(task=task).first()
    if visit and visit.state not in (WorkOrderState.COMPLETED, WorkOrderState.CANCELLED):
        visit.cancel()
        save(visit, actor=actor, reason=reason)


def _lock_visit(work_order_id: int) -> tuple[FieldWorkOrder, Task]:
    """The visit and its task (order first, see ``_lock_order``); the task must be ready or
    started: a failed task's visit waits for its fall-out to be resolved."""
    task_id = FieldWorkOrder.objects.values_list("task_id", flat=True).get(pk=work_order_id)
    task = _lock_order_of_task(task_id)
    visit = FieldWorkOrder.objects.select_for_update().get(pk=work_order_id)
    if task.state not in (TaskState.READY, TaskState.IN_PROGRESS):
        raise DomainError(
            f"{task} is {task.get_state_display().lower()}: {visit.number} waits "
            "until its fall-out is resolved."
        )
    return visit, task


def work_order_dispatch(
    *, actor, work_order_id: int, technician, window_start, window_end
) -> FieldWorkOrder:
    """R20: the dispatcher confirms the window with the customer and sends a technician of
    the task's group; the task is the technician's. Again to reschedule."""
    if not actor.has_perm("fulfillment.change_fieldworkorder"):
        raise DomainError("Only a dispatcher (project or order manager) sends technicians.")
    if window_end <= window_start:
        raise DomainError(
            "The appointment must end after it starts.", errors=["“Until” must be after “From”."]
        )
    with transaction.atomic():
        visit, task = _lock_visit(work_order_id)
        if visit.state not in (WorkOrderState.SCHEDULED, WorkOrderState.DISPATCHED):
            raise DomainError(
                f"{visit.number} is {visit.get_state_display().lower()}: it cannot be dispatched."
            )
        if not task.group.members.filter(pk=technician.pk).exists():
            raise DomainError(f"{technician.get_full_name() or technician} is not in {task.group}.")
        visit.dispatch()
        visit.technician = technician
        visit.window_start, visit.window_end = window_start, window_end
        save(visit, actor=actor, reason=f"dispatched to {technician.username}")
        task.assignee = technician
        save(task, actor=actor, reason=f"visit {visit.number}")
    return visit


def work_order_arrive(*, actor, work_order_id: int) -> FieldWorkOrder:
    """The technician is on site: the visit and its task are in progress."""
    with transaction.atomic():
        visit, task = _lock_visit(work_order_id)
        if visit.technician_id != actor.pk:
            raise DomainError(f"{visit.number} is not yours: it was sent to someone else.")
        if visit.state != WorkOrderState.DISPATCHED:
            raise DomainError(f"{visit.number} is {visit.get_state_display().lower()}.")
        if task.state == TaskState.READY:
            task.start()
            save(task, actor=actor, reason=f"on site ({visit.number})")
        visit.arrive()
        visit.arrived_at = timezone.now()
        save(visit, actor=actor, reason="on site")
    return visit


def work_order_complete(
    *, actor, work_order_id: int, outputs: dict | None = None
) -> FieldWorkOrder:
    """R20: done on site with the task's outputs (each required); the task completes and
    what waited for it starts."""
    with transaction.atomic():
        visit, task = _lock_visit(work_order_id)
        if visit.technician_id != actor.pk:
            raise DomainError(f"{visit.number} is not yours: it was sent to someone else.")
        if visit.state != WorkOrderState.ON_SITE:
            raise DomainError(
                f"{visit.number} is {visit.get_state_display().lower()}: mark your arrival first."
            )
        visit.complete()
        visit.completed_at = timezone.now()
        save(visit, actor=actor, reason="completed on site")
        _complete(task, actor, outputs, reason=f"completed on site ({visit.number})")
    return visit


def _set_due(task: Task) -> None:
    task.ready_at = timezone.now()
    task.due_at = task.ready_at + timedelta(hours=float(task.template.sla_hours))


def _dispatch(tasks: list[Task]) -> None:
    """API tasks go to their domain adapters in background workers once this commits."""
    api = [task.pk for task in tasks if task.kind == TaskKind.API]
    if api:
        transaction.on_commit(lambda: _automation().dispatch(api))


def _automation():
    # Imported when used: automation calls back into these services.
    from . import automation

    return automation


def _staggering():
    # Imported when used: staggering calls back into these services.
    from . import staggering

    return staggering


def task_complete(*, actor, task_id: int, outputs: dict | None = None) -> Task:
    """R20: complete a ready or started task with every output its template asks for (each
    missing one named); what waited only for it becomes ready, in any domain order."""
    with transaction.atomic():
        task = _lock_order_of_task(task_id)
        if task.assignee_id and (actor is None or task.assignee_id != actor.pk):
            raise DomainError(f"{task} is claimed by someone else: they complete it.")
        if task.state not in (TaskState.READY, TaskState.IN_PROGRESS):
            raise DomainError(
                f"{task} is {task.get_state_display().lower()}: only a ready or "
                "started task is completed."
            )
        if task.kind == TaskKind.FIELD_SERVICE:
            raise DomainError(f"{task} is completed on site, on its field work order.")
        _complete(task, actor, outputs, reason="complete")
    return task


def _complete(task: Task, actor, outputs: dict | None, reason: str) -> None:
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
    task.complete()
    task.completed_at = timezone.now()
    save(task, actor=actor, reason=reason)
    _after_done([task], actor)


def _after_done(tasks: list[Task], actor) -> None:
    """What waited for these tasks may start; their sub flows may close, and upwards (R24)."""
    waiting = TaskDependency.objects.filter(depends_on__in=tasks).values("task_id")
    _ready_what_can_start(Task.objects.filter(pk__in=waiting), actor)
    _close_upwards({task.sub_flow_id for task in tasks}, actor)
    _staggering().waves_advance(tasks, actor)


def _lock_task(task_id: int) -> Task:
    # No select_related: after waiting for another claim, PostgreSQL re-reads the locked row
    # but not the rows it was joined to, so a joined assignee would still look empty.
    return Task.objects.select_for_update().get(pk=task_id)


def _lock_order(order_id: int) -> None:
    """Every action that moves a task, a visit, a fall-out or a project step takes its
    order's row lock first. Actions on one order then run one after the other, so each sees
    what the previous one committed (two tasks finishing at once both see the other done,
    and what waited for both starts; closure is never missed), and locks are always taken
    in one order: order, then task, then visit or project. Different orders go in parallel."""
    Order.objects.select_for_update().filter(pk=order_id).exists()


def _lock_order_of_task(task_id: int) -> Task:
    order_id = Task.objects.values_list("sub_flow__domain_order__order_id", flat=True).get(
        pk=task_id
    )
    _lock_order(order_id)
    return _lock_task(task_id)


def _check_member(task: Task, actor) -> None:
    if actor.is_superuser or task.group.members.filter(pk=actor.pk).exists():
        return
    raise DomainError(f"{task} belongs to {task.group}: only its members work it.")


def task_claim(*, actor, task_id: int) -> Task:
    """R23: take a ready task of one's group. Two agents claiming at once: the row lock lets
    one through; the other is told who has it."""
    with transaction.atomic():
        task = _lock_task(task_id)
        if task.assignee_id and task.assignee_id != actor.pk:
            raise DomainError(
                f"{task} is already claimed by {task.assignee.get_full_name() or task.assignee}."
            )
        if task.state not in (TaskState.READY, TaskState.IN_PROGRESS):
            raise DomainError(
                f"{task} is {task.get_state_display().lower()}: it cannot be claimed."
            )
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
        if task.state != TaskState.READY:
            raise DomainError(f"{task} is {task.get_state_display().lower()}.")
        task.start()
        save(task, actor=actor, reason="start")
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
        if task.state not in (TaskState.READY, TaskState.IN_PROGRESS):
            return None
        return _fail(task, actor, category, detail)


def _fail(task: Task, actor, category: str, detail: str) -> Fallout:
    if task.state not in (TaskState.READY, TaskState.IN_PROGRESS):
        raise DomainError(f"{task} is {task.get_state_display().lower()}: it cannot fail.")
    task.fail()
    save(task, actor=actor, reason=f"failed: {FalloutCategory(category).label}")
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


def _lock_fallout(actor, fallout_id: int) -> tuple[Fallout, Task]:
    """The open fall-out and its failed task, for someone who may resolve it (R22)."""
    _lock_order(Fallout.objects.values_list("order_id", flat=True).get(pk=fallout_id))
    fallout = Fallout.objects.select_for_update().get(pk=fallout_id)
    if fallout.state != FalloutState.OPEN:
        raise DomainError(
            f"{fallout} was resolved a moment ago ({fallout.get_resolution_display().lower()})."
        )
    task = _lock_task(fallout.task_id)
    if task.state != TaskState.FAILED:
        raise DomainError(
            f"{task} is {task.get_state_display().lower()} now: {fallout} no "
            "longer needs resolving."
        )
    if not actor.has_perm("fulfillment.change_fallout") or not (
        Task.objects.visible_to(actor).filter(pk=task.pk).exists()
    ):
        raise DomainError(
            f"{fallout} is resolved by {task.group}'s agents and managers or an order manager."
        )
    return fallout, task


def _resolve(fallout: Fallout, actor, resolution: str, note: str = "") -> None:
    fallout.resolve()
    fallout.resolution = resolution
    fallout.resolution_note = note[:500]
    fallout.resolved_by = actor
    fallout.resolved_at = timezone.now()
    save(fallout, actor=actor, reason=Resolution(resolution).label)


def fallout_retry(*, actor, fallout_id: int, note: str = "") -> Fallout:
    """R22: the task goes back to its queue (an API task to its adapter) with a fresh SLA;
    its attempt count goes on."""
    with transaction.atomic():
        fallout, task = _lock_fallout(actor, fallout_id)
        task.retry()
        task.assignee = None if task.kind == TaskKind.API else task.assignee
        _set_due(task)
        save(task, actor=actor, reason=f"retry after {fallout.number}")
        _resolve(fallout, actor, Resolution.RETRIED, note)
        _dispatch([task])
    return fallout


def fallout_complete(
    *, actor, fallout_id: int, outputs: dict | None = None, note: str = ""
) -> Fallout:
    """R22: someone did the work by hand: the task completes with its required outputs."""
    with transaction.atomic():
        fallout, task = _lock_fallout(actor, fallout_id)
        _complete(task, actor, outputs, reason=f"completed by hand ({fallout.number})")
        _cancel_visit(task, actor, reason=f"completed by hand ({fallout.number})")
        _resolve(fallout, actor, Resolution.COMPLETED, note)
    return fallout


def fallout_skip(*, actor, fallout_id: int, note: str) -> Fallout:
    """R22: the task is not needed: it is skipped and what waits for it goes on."""
    note = (note or "").strip()
    if not note:
        raise DomainError("Say why the task can be skipped.", errors=["A reason is required."])
    with transaction.atomic():
        fallout, task = _lock_fallout(actor, fallout_id)
        task.skip()
        task.completed_at = timezone.now()
        save(task, actor=actor, reason=f"skipped ({fallout.number})")
        _cancel_visit(task, actor, reason=f"task skipped ({fallout.number})")
        _resolve(fallout, actor, Resolution.SKIPPED, note)
        _after_done([task], actor)
    return fallout


def fallout_cancel_line(*, actor, fallout_id: int, note: str) -> Fallout:
    """R22: the failed task's order line is cancelled: its sub flows and open tasks are
    cancelled, its inventory too, and its other open fall-outs resolved; the rest of the
    order goes on and ends partial (R24)."""
    note = (note or "").strip()
    if not note:
        raise DomainError("Say why the line is cancelled.", errors=["A reason is required."])
    if not actor.has_perm("fulfillment.cancel_line"):
        raise DomainError("Only an order manager cancels an order line.")
    with transaction.atomic():
        fallout, task = _lock_fallout(actor, fallout_id)
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
            _resolve(other, actor, Resolution.LINE_CANCELLED, note)
        for each in open_tasks:
            each.cancel()
            save(each, actor=actor, reason=f"line cancelled ({fallout.number})")
            _cancel_visit(each, actor, reason="line cancelled")
        for sub_flow in sub_flows:
            sub_flow.cancel()
            save(sub_flow, actor=actor, reason="line cancelled")
        line.cancel()
        save(line, actor=actor, reason=f"cancelled in fulfillment: {note}")
        if line.product_id:
            product_inventory_cancel(actor=actor, product_id=line.product_id)
        _after_done(open_tasks, actor)
        _close_upwards({s.pk for s in sub_flows}, actor)
    return fallout


def _close_upwards(sub_flow_ids: set[int], actor) -> None:
    """R24, bottom-up: a sub flow closes when all its tasks are done, a domain order when
    its sub flows are, a line when the domain orders of its child lines are, the order when
    every line is: completed, partial (some lines cancelled) or cancelled (all)."""
    if not sub_flow_ids:
        return
    flows = (
        SubFlow.objects.select_for_update()
        .filter(pk__in=sub_flow_ids, state=SubFlowState.IN_PROGRESS)
        .exclude(tasks__state__in=[s for s in TaskState.values if s not in DONE_STATES])
    )
    closed = []
    for sub_flow in flows:
        sub_flow.close()
        save(sub_flow, actor=actor, reason="every task done")
        closed.append(sub_flow)
    domain_ids = set(
        SubFlow.objects.filter(pk__in=sub_flow_ids).values_list("domain_order_id", flat=True)
    )
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
    if project and project.state == ProjectState.IN_PROGRESS:
        if states != {OrderLineState.CANCELLED}:
            return  # R21: the order closes with its project
        project.cancel()
        save(project, actor=actor, reason="every line cancelled")
    if states == {OrderLineState.CANCELLED}:
        order.cancel_reason = "Every line was cancelled in fulfillment."
        order.cancel_in_fulfillment()
    elif OrderLineState.CANCELLED in states:
        order.close_partially()
    else:
        order.close()
    save(order, actor=actor, reason="closed: every line closed")
    _activate(order, actor)


def _activate(order: Order, actor) -> None:
    """R25: each delivered line's product becomes active, with a service per child line
    carrying the outputs its tasks captured (the CMDB's service, called with plain data)."""
    today = timezone.localdate()
    outputs: dict[int, dict] = {}
    for child_id, values in (
        Task.objects.filter(sub_flow__domain_order__order=order, state=TaskState.COMPLETED)
        .order_by("sub_flow__child_line_id", "pk")
        .values_list("sub_flow__child_line_id", "outputs")
    ):
        outputs.setdefault(child_id, {}).update(values or {})
    lines = order.lines.filter(state=OrderLineState.COMPLETED, product__isnull=False)
    for line in lines.prefetch_related("child_lines__specification"):
        delivered = [
            DeliveredService(
                child.specification, child.specification.domain, outputs.get(child.pk, {})
            )
            for child in line.child_lines.all()
        ]
        product_inventory_activate(
            actor=actor, product_id=line.product_id, start_date=today, services=delivered
        )


def watchdog_run(*, now=None) -> dict[str, int]:
    """The scheduled watchdog (R22): a task stuck in ready or in progress beyond its SLA plus
    its kind's grace (``WATCHDOG_GRACE_HOURS``) fails with a timeout fall-out; an open
    fall-out past its due time escalates to its group's manager."""
    now = now or timezone.now()
    timed_out = 0
    for kind, hours in settings.WATCHDOG_GRACE_HOURS.items():
        stuck = Task.objects.open().filter(kind=kind, due_at__lt=now - timedelta(hours=hours))
        for task_id, state, due_at in stuck.values_list("pk", "state", "due_at"):
            ended = timezone.localtime(due_at).strftime("%d %b %Y %H:%M")
            detail = (
                f"Stuck {TaskState(state).label.lower()}: its SLA ended {ended}. Found "
                "by the watchdog."
            )
            if task_fail(
                actor=None, task_id=task_id, category=FalloutCategory.TIMEOUT, detail=detail
            ):
                timed_out += 1
    return {"timed_out": timed_out, "escalated": fallouts_escalate(now=now)}


def fallouts_escalate(*, now=None) -> int:
    """R22: open fall-outs past their due time go to their group's manager, once."""
    now = now or timezone.now()
    escalated = 0
    with transaction.atomic():
        overdue = (
            Fallout.objects.select_for_update(of=("self",))
            .filter(state=FalloutState.OPEN, escalated_at__isnull=True, due_at__lt=now)
            .select_related("task__group__manager", "order")
        )
        for fallout in overdue:
            manager = fallout.task.group.manager
            fallout.escalated_at = now
            fallout.escalated_to = manager
            save(fallout, actor=None, reason="escalated: past due")
            escalated += 1
            if manager and manager.email:
                transaction.on_commit(lambda f=fallout, m=manager: _mail_escalation(f, m))
    return escalated


def _mail_escalation(fallout: Fallout, manager) -> None:
    try:
        send_mail(
            f"Escalated: {fallout.number} on {fallout.order.number}",
            f"{fallout.number} ({fallout.get_category_display()}) of {fallout.task} is past its "
            f"due time and unresolved.\n\n{fallout.detail}",
            None,
            [manager.email],
        )
    except OSError:
        logger.warning("Could not e-mail the escalation of %s", fallout.number, exc_info=True)
