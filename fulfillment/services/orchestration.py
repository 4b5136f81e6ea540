"""R20: start an approved, decomposed order's work: a sub flow per child line with its
tasks and their dependencies, inside a flow and across domain orders."""

from __future__ import annotations

from django.db import transaction

from cmdb.services import product_inventories_start_activation
from orders.choices import OrderState
from orders.models import Order
from telcrm.fsm import DomainError
from telcrm.services import save_new

from ..models import (
    FlowTemplate,
    SubFlow,
    Task,
    TaskDependency,
)
from .flow import _ready_what_can_start
from .projects import _open_project


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
        made = _sub_flows(domain_orders, done, templates, actor)
        _link_across_domain_orders(domain_orders, actor)
        _open_project(order, actor)
        products = order.lines.filter(product__isnull=False).values_list("product_id", flat=True)
        product_inventories_start_activation(actor=actor, product_ids=list(products))
        _ready_what_can_start(Task.objects.filter(sub_flow__domain_order__order=order), actor)
    return made


def _sub_flows(domain_orders, done: set[int], templates, actor) -> list[SubFlow]:
    """A sub flow per child line not yet started, its tasks and their dependencies from the
    flow template: each kind written at once, with its history rows."""
    flows = [
        SubFlow(
            domain_order=domain_order,
            child_line=child,
            template=templates[child.specification_id],
        )
        for domain_order in domain_orders
        for child in domain_order.child_lines.all()
        if child.pk not in done
    ]
    save_new(SubFlow, flows, actor=actor, reason=lambda f: f"started {f.domain_order.number}")
    tasks, by_template = [], {}
    for sub_flow in flows:
        for task_template in sub_flow.template.tasks.all():
            task = Task(
                sub_flow=sub_flow,
                template=task_template,
                name=task_template.name,
                kind=task_template.kind,
                group=task_template.group,
            )
            tasks.append(task)
            by_template[sub_flow.pk, task_template.pk] = task
    save_new(Task, tasks, actor=actor, reason=lambda t: f"from {t.sub_flow.template}")
    links = [
        TaskDependency(
            task=by_template[sub_flow.pk, task_template.pk],
            depends_on=by_template[sub_flow.pk, before.pk],
        )
        for sub_flow in flows
        for task_template in sub_flow.template.tasks.all()
        for before in task_template.depends_on.all()
    ]
    save_new(TaskDependency, links, actor=actor, reason="flow template")
    return flows


def _link_across_domain_orders(domain_orders, actor) -> None:
    """A domain order's entry tasks (nothing to wait for in their own flow) wait for the exit
    tasks (nothing waits for them in their flow) of each domain order it depends on (at the
    same site): those of the same order line where it has some (an Internet line's IP
    service waits for that line's access and router, not for every other line's at the
    site), else all of them. The links grow with the lines, not with their square. Worked
    out from two reads; the missing links are written at once."""
    tasks = list(
        Task.objects.filter(sub_flow__domain_order__in=domain_orders).values_list(
            "pk",
            "sub_flow_id",
            "sub_flow__domain_order_id",
            "sub_flow__child_line__order_line_id",
        )
    )
    links = set(
        TaskDependency.objects.filter(task__sub_flow__domain_order__in=domain_orders).values_list(
            "task_id", "depends_on_id"
        )
    )
    same_flow = {pk: sub_flow_id for pk, sub_flow_id, *_ in tasks}
    inside = {(a, b) for a, b in links if same_flow.get(b) == same_flow.get(a)}
    waits_inside = {a for a, _ in inside}
    awaited_inside = {b for _, b in inside}
    entries: dict[int, list[tuple[int, int]]] = {}  # domain order -> (task, its line)
    exits: dict[int, dict[int | None, list[int]]] = {}  # domain order -> line (None: all)
    for pk, _, domain_order_id, line_id in tasks:
        if pk not in waits_inside:
            entries.setdefault(domain_order_id, []).append((pk, line_id))
        if pk not in awaited_inside:
            by_line = exits.setdefault(domain_order_id, {})
            by_line.setdefault(line_id, []).append(pk)
            by_line.setdefault(None, []).append(pk)
    new = []
    for domain_order in domain_orders:
        for dependency in domain_order.dependencies.all():
            by_line = exits.get(dependency.depends_on_id, {})
            for entry, line_id in entries.get(domain_order.pk, []):
                for exit_task in by_line.get(line_id) or by_line.get(None, []):
                    if (entry, exit_task) not in links:
                        link = TaskDependency(task_id=entry, depends_on_id=exit_task)
                        link._change_reason = f"domain order dependency: {dependency.reason}"
                        new.append(link)
                        links.add((entry, exit_task))
    save_new(TaskDependency, new, actor=actor, reason=lambda link: link._change_reason)
