"""Business actions of fulfillment (R20): start an approved, decomposed order's work, and
complete tasks, which readies what waited for them."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from orders.choices import OrderState
from orders.models import Order
from sales.services.accounts import _save
from telcrm.fsm import DomainError

from .choices import TaskState
from .models import FlowTemplate, SubFlow, Task, TaskDependency


def order_fulfillment_start(*, actor, order_id: int) -> list[SubFlow]:
    """R20: every child line of the order's domain orders gets a sub flow from its
    specification's flow template, with its tasks and their dependencies: inside the flow
    from the template, across domain orders from the domain orders' dependencies (a waiting
    domain order's first tasks wait for the last tasks of what it depends on). Tasks with
    nothing to wait for are ready at once. Running it again creates nothing twice."""
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order_id)
        if order.state != OrderState.IN_PROGRESS or order.decomposed_at is None:
            raise DomainError(f"{order.number} is {order.get_state_display().lower()}: only an "
                              "approved, decomposed order is fulfilled.")  # fmt: skip
        domain_orders = list(order.domain_orders.prefetch_related(
            "child_lines__specification", "dependencies"))  # fmt: skip
        specs = {c.specification_id: c.specification
                 for d in domain_orders for c in d.child_lines.all()}  # fmt: skip
        templates = {
            t.specification_id: t
            for t in FlowTemplate.objects.filter(specification__in=specs).prefetch_related(
                "tasks__depends_on", "tasks__group")
        }  # fmt: skip
        missing = sorted(spec.code for pk, spec in specs.items() if pk not in templates)
        if missing:
            raise DomainError("No flow template for " + ", ".join(missing) + ": an administrator "
                              "adds one in the admin first.")  # fmt: skip
        done = set(SubFlow.objects.filter(domain_order__order=order)
                   .values_list("child_line_id", flat=True))  # fmt: skip
        made: list[SubFlow] = []
        for domain_order in domain_orders:
            for child in domain_order.child_lines.all():
                if child.pk not in done:
                    made.append(_sub_flow(domain_order, child, templates, actor))
        _link_across_domain_orders(domain_orders, actor)
        _ready_what_can_start(Task.objects.filter(sub_flow__domain_order__order=order), actor)
    return made


def _sub_flow(domain_order, child, templates, actor) -> SubFlow:
    template = templates[child.specification_id]
    sub_flow = SubFlow(domain_order=domain_order, child_line=child, template=template)
    _save(sub_flow, actor, reason=f"started {domain_order.number}")
    by_template = {}
    for task_template in template.tasks.all():
        task = Task(sub_flow=sub_flow, template=task_template, name=task_template.name,
                    kind=task_template.kind, group=task_template.group)  # fmt: skip
        _save(task, actor, reason=f"from {template}")
        by_template[task_template.pk] = task
    for task_template in template.tasks.all():
        for before in task_template.depends_on.all():
            _save(TaskDependency(task=by_template[task_template.pk],
                                 depends_on=by_template[before.pk]), actor,
                  reason="flow template")  # fmt: skip
    return sub_flow


def _link_across_domain_orders(domain_orders, actor) -> None:
    """A domain order's entry tasks (nothing to wait for in their own flow) wait for the exit
    tasks (nothing waits for them in their flow) of each domain order it depends on."""
    tasks = list(Task.objects.filter(sub_flow__domain_order__in=domain_orders)
                 .select_related("sub_flow"))  # fmt: skip
    links = set(TaskDependency.objects.filter(task__in=tasks)
                .values_list("task_id", "depends_on_id"))  # fmt: skip
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
            exits = [t for t in by_domain.get(dependency.depends_on_id, [])
                     if t.pk not in awaited_inside]  # fmt: skip
            for entry in entries:
                for exit_task in exits:
                    if (entry.pk, exit_task.pk) not in links:
                        _save(
                            TaskDependency(task=entry, depends_on=exit_task),
                            actor,
                            reason=f"domain order dependency: {dependency.reason}",
                        )
                        links.add((entry.pk, exit_task.pk))


def _ready_what_can_start(tasks, actor) -> list[Task]:
    """Waiting tasks whose dependencies are all completed become ready, with their SLA due
    time from now."""
    now = timezone.now()
    ready = []
    waiting = tasks.filter(state=TaskState.WAITING).exclude(
        dependency_links__depends_on__state__in=[s for s in TaskState.values
                                                 if s != TaskState.COMPLETED])  # fmt: skip
    for task in waiting.select_for_update(of=("self",)).select_related("template"):
        task.make_ready()
        task.ready_at = now
        task.due_at = now + timedelta(hours=float(task.template.sla_hours))
        _save(task, actor, reason="ready")
        ready.append(task)
    return ready


def task_complete(*, actor, task_id: int, outputs: dict | None = None) -> Task:
    """R20: complete a ready or started task with every output its template asks for (each
    missing one named); what waited only for it becomes ready, in any domain order."""
    with transaction.atomic():
        task = Task.objects.select_for_update().get(pk=task_id)
        if task.assignee_id and task.assignee_id != actor.pk:
            raise DomainError(f"{task} is claimed by someone else: they complete it.")
        if task.state not in (TaskState.READY, TaskState.IN_PROGRESS):
            raise DomainError(f"{task} is {task.get_state_display().lower()}: only a ready or "
                              "started task is completed.")  # fmt: skip
        values = {k: str(v).strip() for k, v in (outputs or {}).items()}
        missing = [name for name in task.required_outputs if not values.get(name)]
        if missing:
            raise DomainError(f"{task} needs " + ", ".join(missing) + " to be completed.",
                              errors=[f"{name} is required." for name in missing])  # fmt: skip
        task.outputs = {name: values[name] for name in task.required_outputs}
        task.assignee_id = task.assignee_id or actor.pk
        task.complete()
        task.completed_at = timezone.now()
        _save(task, actor, reason="complete")
        _ready_what_can_start(Task.objects.filter(dependency_links__depends_on=task), actor)
    return task


def _lock_task(task_id: int) -> Task:
    # No select_related: after waiting for another claim, PostgreSQL re-reads the locked row
    # but not the rows it was joined to, so a joined assignee would still look empty.
    return Task.objects.select_for_update().get(pk=task_id)


def _check_member(task: Task, actor) -> None:
    if actor.is_superuser or task.group.members.filter(pk=actor.pk).exists():
        return
    raise DomainError(f"{task} belongs to {task.group}: only its members work it (R23).")


def task_claim(*, actor, task_id: int) -> Task:
    """R23: take a ready task of one's group. Two agents claiming at once: the row lock lets
    one through; the other is told who has it."""
    with transaction.atomic():
        task = _lock_task(task_id)
        if task.assignee_id and task.assignee_id != actor.pk:
            raise DomainError(f"{task} is already claimed by "
                              f"{task.assignee.get_full_name() or task.assignee}.")  # fmt: skip
        if task.state not in (TaskState.READY, TaskState.IN_PROGRESS):
            raise DomainError(f"{task} is {task.get_state_display().lower()}: it cannot be "
                              "claimed.")  # fmt: skip
        _check_member(task, actor)
        task.assignee = actor
        _save(task, actor, reason="claim")
    return task


def task_start(*, actor, task_id: int) -> Task:
    with transaction.atomic():
        task = _lock_task(task_id)
        if task.assignee_id != actor.pk:
            raise DomainError(f"Claim {task} before starting it.")
        if task.state != TaskState.READY:
            raise DomainError(f"{task} is {task.get_state_display().lower()}.")
        task.start()
        _save(task, actor, reason="start")
    return task
