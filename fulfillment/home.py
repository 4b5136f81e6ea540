"""Fulfillment's home-page panels: my tasks (R23), and approved orders whose work has not
started (R20)."""

from django.db.models import Exists, OuterRef

from orders.models import Order

from .models import SubFlow, Task


def my_tasks_panel(request):
    user = request.user
    if not user.has_perm("fulfillment.view_task") or not user.has_perm("fulfillment.change_task"):
        return None
    tasks = Task.objects.visible_to(user).open().mine_or_unclaimed(user)
    rows = list(tasks.for_queue().order_by("due_at", "pk")[:8])
    return {"tasks": rows, "late": tasks.late().count()} if rows else None


def orders_to_start_panel(request):
    user = request.user
    if not user.has_perm("fulfillment.add_subflow"):
        return None
    started = SubFlow.objects.filter(domain_order__order=OuterRef("pk"))
    orders = list(Order.objects.visible_to(user).filter(state="in_progress",
                                                        decomposed_at__isnull=False)
                  .annotate(started=Exists(started)).filter(started=False)
                  .select_related("account").order_by("updated_at")[:8])  # fmt: skip
    return {"orders": orders} if orders else None
