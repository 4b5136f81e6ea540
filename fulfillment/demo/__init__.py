"""Demo fulfillment: assignment groups, a flow template for every demo product
specification, and the approved demo order's work under way: API tasks run through the
simulated adapters, a visit dispatched, a task in progress and one in fall-out (R20, R22)."""

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from orders import services as order_services
from orders.models import Order
from sales.models import ProductSpecification

from .. import automation, services
from ..models import (
    AssignmentGroup,
    FieldWorkOrder,
    FlowTemplate,
    SpecialProject,
    Task,
    TaskTemplate,
)
from . import live as demo_live
from . import waves as demo_waves
from .templates import FLOWS, GROUPS


def load_templates() -> None:
    users = {u.username: u for u in get_user_model().objects.all()}
    groups = {}
    for name, (manager, members) in GROUPS.items():
        group, _ = AssignmentGroup.objects.get_or_create(
            name=name, defaults={"manager": users.get(manager)}
        )
        group.members.add(*[users[m] for m in members if m in users])
        groups[name] = group
    for code, (name, tasks) in FLOWS.items():
        spec = ProductSpecification.objects.filter(code=code).first()
        if spec is None or FlowTemplate.objects.filter(specification=spec).exists():
            continue
        flow = FlowTemplate.objects.create(specification=spec, name=name)
        made = {}
        for position, (tcode, tname, kind, group, planned, sla, outputs, after) in enumerate(tasks):
            made[tcode] = TaskTemplate.objects.create(
                flow=flow,
                code=tcode,
                name=tname,
                kind=kind,
                group=groups[group],
                planned_hours=Decimal(str(planned)),
                sla_hours=Decimal(str(sla)),
                outputs=outputs,
                position=position,
            )
            made[tcode].depends_on.add(*[made[a] for a in after])


def load(log) -> None:
    if FlowTemplate.objects.exists():
        return
    load_templates()
    log(f"{FlowTemplate.objects.count()} flow templates")
    people = {u.username: u for u in get_user_model().objects.all()}
    # The Wi-Fi reorder, corrected after its rejection: submitted and approved. Managed Wi-Fi
    # runs as a special project (R21).
    for order in Order.objects.filter(state="acknowledged", lines__offering__code="WIFI"):
        order_services.order_submit(actor=people["sara"], order_id=order.pk)
        order_services.order_approve(actor=people["omar"], order_id=order.pk)
        log(f"{order} approved")
    for order in Order.objects.filter(state="in_progress", decomposed_at__isnull=False):
        flows = services.order_fulfillment_start(actor=people["omar"], order_id=order.pk)
        log(f"{order} fulfillment started: {len(flows)} sub flows")
        _work(order, people)
    for project in SpecialProject.objects.all():
        services.project_take(actor=people["paula"], project_id=project.pk)
        kick_off = project.milestones.order_by("position").first()
        for step in kick_off.tasks.all()[:1]:
            note = "Kick-off held at the Bremen warehouse with their IT."
            services.project_task_done(actor=people["paula"], task_id=step.pk, note=note)
        log(f"{project} run by Paula")
    demo_live.load(log)
    demo_waves.load(log)


def _work(order, people) -> None:
    """The order a day later: the adapters have run the API tasks (one may have fallen out);
    Paula has sent Tariq to the site; Fiona is on a manual task and has rejected another
    to the fall-out queue."""
    tasks = Task.objects.filter(sub_flow__domain_order__order=order)
    api = tasks.filter(kind="api", state__in=["ready", "in_progress"])
    for task_id in api.values_list("pk", flat=True):
        for _ in range(settings.FULFILLMENT_API_MAX_ATTEMPTS):
            if automation.run_api_task(task_id) != "in_progress":
                break
    start = services._next_working_morning(timezone.localtime())
    for visit in FieldWorkOrder.objects.filter(task__in=tasks, state="scheduled"):
        services.work_order_dispatch(
            actor=people["paula"],
            work_order_id=visit.pk,
            technician=people["tariq"],
            window_start=start,
            window_end=start + timedelta(hours=4),
        )
    manual = {
        t.template.code: t
        for t in tasks.filter(kind="manual", state="ready").select_related("template")
    }
    if "stage-cpe" in manual:
        cpe = manual.pop("stage-cpe")
        services.task_claim(actor=people["fiona"], task_id=cpe.pk)
        services.task_reject(
            actor=people["fiona"],
            task_id=cpe.pk,
            category="inventory",
            reason="The FortiGate 60F on the order is out of stock; the distributor quotes "
            "three weeks. A 70F is on the shelf: may we substitute it?",
        )
    for task in list(manual.values())[:1]:
        services.task_claim(actor=people["fiona"], task_id=task.pk)
        services.task_start(actor=people["fiona"], task_id=task.pk)
