"""Demo fulfillment: assignment groups, a flow template for every demo product
specification, and the approved demo order's work started (R20)."""

from decimal import Decimal

from django.contrib.auth import get_user_model

from orders.models import Order
from sales.models import ProductSpecification

from . import services
from .demo_templates import FLOWS, GROUPS
from .models import AssignmentGroup, FlowTemplate, Task, TaskTemplate


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
                flow=flow, code=tcode, name=tname, kind=kind, group=groups[group],
                planned_hours=Decimal(str(planned)), sla_hours=Decimal(str(sla)),
                outputs=outputs, position=position,
            )  # fmt: skip
            made[tcode].depends_on.add(*[made[a] for a in after])


def load(log) -> None:
    if FlowTemplate.objects.exists():
        return
    load_templates()
    log(f"{FlowTemplate.objects.count()} flow templates")
    omar = get_user_model().objects.get(username="omar")
    fiona = get_user_model().objects.get(username="fiona")
    for order in Order.objects.filter(state="in_progress", decomposed_at__isnull=False):
        flows = services.order_fulfillment_start(actor=omar, order_id=order.pk)
        log(f"{order} fulfillment started: {len(flows)} sub flows")
        # Fiona has ordered the access circuit and is reserving the phone numbers.
        ready = Task.objects.filter(sub_flow__domain_order__order=order, state="ready")
        tasks = {t.template.code: t for t in ready.select_related("template")}
        if "order-circuit" in tasks:
            services.task_claim(actor=fiona, task_id=tasks["order-circuit"].pk)
            services.task_complete(actor=fiona, task_id=tasks["order-circuit"].pk,
                                   outputs={"circuit_id": "DE-HAN-ETH-004711"})  # fmt: skip
        if "reserve-numbers" in tasks:
            services.task_claim(actor=fiona, task_id=tasks["reserve-numbers"].pk)
            services.task_start(actor=fiona, task_id=tasks["reserve-numbers"].pk)
