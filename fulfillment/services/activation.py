"""R25: a delivered order's products become active in the inventory, with the services
their tasks' outputs describe."""

from __future__ import annotations

from django.utils import timezone

from cmdb.services import (
    DeliveredService,
    product_inventory_activate,
)
from orders.choices import OrderLineState
from orders.models import Order

from ..choices import (
    TaskState,
)
from ..models import (
    Task,
)


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
