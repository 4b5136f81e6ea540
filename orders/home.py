"""The orders app's home-page panels: approvals waiting for order managers (R18), and the
rep's orders that need them (to validate and submit, held, or returned with reasons)."""

from django.db.models import Count, Exists, OuterRef, Q

from .choices import OrderState
from .models import Order


def orders_to_approve_panel(request):
    """Pending orders, oldest first, for whoever approves them."""
    user = request.user
    if not user.has_perm("orders.approve_order"):
        return None
    pending = Order.objects.visible_to(user).filter(state=OrderState.PENDING)
    held = Order.objects.visible_to(user).filter(state=OrderState.HELD)
    approvals = list(
        pending.select_related("account", "owner")
        .annotate(line_count=Count("lines"))
        .order_by("updated_at")[:8]
    )
    return {"approvals": approvals, "pending": pending.count(), "held": held.count()}


def my_orders_panel(request):
    """My orders that wait for me: not yet submitted, held, or rejected and not ordered
    again since."""
    user = request.user
    if not user.has_perm("orders.add_order"):
        return None
    reordered = Order.objects.filter(
        sales_contract_id=OuterRef("sales_contract_id"), created_at__gt=OuterRef("created_at")
    ).exclude(state__in=[OrderState.CANCELLED, OrderState.REJECTED])
    mine = list(
        Order.objects.visible_to(user)
        .filter(owner=user)
        .annotate(reordered=Exists(reordered))
        .filter(
            Q(state__in=[OrderState.ACKNOWLEDGED, OrderState.HELD])
            | Q(state=OrderState.REJECTED, reordered=False)
        )
        .select_related("account")
        .order_by("-updated_at")[:8]
    )
    return {"orders": mine} if mine else None
