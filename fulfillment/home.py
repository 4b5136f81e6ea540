"""Fulfillment's home-page panels: my tasks (R23), fall-outs to resolve (R22), approved orders
whose work has not started (R20); and the work of an order on its page."""

from django.db.models import Case, Exists, IntegerField, OuterRef, Q, Value, When

from orders.choices import OrderState
from orders.models import Order
from telcrm.querysets import first_rows

from . import staggering
from .choices import DONE_STATES, WaveState
from .forms import StartFulfillmentForm
from .models import Fallout, SpecialProject, SubFlow, Task, Wave


def my_tasks_panel(request):
    user = request.user
    if not user.has_perm("fulfillment.view_task") or not user.has_perm("fulfillment.change_task"):
        return None
    tasks = Task.objects.visible_to(user).open().mine_or_unclaimed(user)
    rows = first_rows(tasks.for_queue().order_by("due_at", "pk"), 8)
    return {"tasks": rows, "late": tasks.late().count()} if rows else None


def orders_to_start_panel(request):
    user = request.user
    if not user.has_perm("fulfillment.add_subflow"):
        return None
    started = SubFlow.objects.filter(domain_order__order=OuterRef("pk"))
    orders = first_rows(
        Order.objects.visible_to(user)
        .filter(state="in_progress", decomposed_at__isnull=False)
        .annotate(started=Exists(started))
        .filter(started=False)
        .select_related("account")
        .order_by("updated_at"),
        8,
    )
    return {"orders": orders} if orders else None


def fallouts_panel(request):
    """Open fall-outs I may resolve: escalated to me first, then by due time."""
    user = request.user
    if not user.has_perm("fulfillment.change_fallout"):
        return None
    fallouts = Fallout.objects.visible_to(user).open()
    rows = first_rows(
        fallouts.for_queue()
        .annotate(
            mine=Case(
                When(escalated_to=user, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("mine", "due_at", "pk"),
        8,
    )
    if not rows:
        return None
    return {
        "fallouts": rows,
        "overdue": fallouts.overdue().count(),
        "escalated_to_me": sum(1 for f in rows if f.escalated_to_id == user.pk),
    }


def order_work_panel(request, order):
    """The order page's fulfillment section: per domain order its tasks, who has them,
    what is late, and open fall-outs; progress of the whole order."""
    user = request.user
    if not user.has_perm("fulfillment.view_task") or order.decomposed_at is None:
        return None  # no work before decomposition
    tasks = list(
        Task.objects.filter(sub_flow__domain_order__order=order)
        .select_related(
            "group",
            "assignee",
            "sub_flow__domain_order__site",
            "sub_flow__child_line__specification",
        )
        .annotate(has_waves=Exists(Wave.objects.filter(order=order)))
        .order_by(
            "sub_flow__domain_order__stage",
            "sub_flow__domain_order__pk",
            "sub_flow__pk",
            "template__position",
            "pk",
        )
    )
    if not tasks:
        if (
            order.state == OrderState.IN_PROGRESS
            and order.decomposed_at
            and user.has_perm("fulfillment.add_subflow")
        ):
            sites = staggering.order_sites(order.pk)
            return {
                "tasks": [],
                "may_start": True,
                "sites": sites,
                "start_form": StartFulfillmentForm(sites=sites) if len(sites) > 1 else None,
            }
        return None
    open_fallouts = {f.task_id: f for f in Fallout.objects.filter(order=order).open()}
    domain_orders: dict[int, dict] = {}
    for task in tasks:
        domain_order = task.sub_flow.domain_order
        entry = domain_orders.setdefault(
            domain_order.pk, {"domain_order": domain_order, "tasks": []}
        )
        task.open_fallout = open_fallouts.get(task.pk)
        entry["tasks"].append(task)
    done = sum(1 for t in tasks if t.state in DONE_STATES)
    project = SpecialProject.objects.for_list().filter(order=order).first()
    waves = _waves(order, tasks) if tasks[0].has_waves else []
    return {
        "project": project,
        "waves": waves,
        "may_release": order.state == OrderState.IN_PROGRESS
        and user.has_perm("fulfillment.add_subflow")
        and any(w["wave"].state == WaveState.WAITING for w in waves),
        "tasks": tasks,
        "domain_orders": list(domain_orders.values()),
        "done": done,
        "percent": round(100 * done / len(tasks)),
        "open_fallouts": len(open_fallouts),
        "late": sum(1 for t in tasks if t.late),
        "stuck": sum(1 for t in tasks if t.stuck),
    }


def my_projects_panel(request):
    """R21: the special projects I run, and those still without a manager."""
    user = request.user
    if not user.has_perm("fulfillment.change_specialproject"):
        return None
    projects = list(
        SpecialProject.objects.for_list()
        .filter(state="in_progress")
        .filter(Q(manager=user) | Q(manager__isnull=True))
        .order_by("next_due", "pk")[:8]
    )
    return {"projects": projects} if projects else None


def _waves(order, tasks) -> list[dict]:
    """The order's waves (one query, with their sites and who released them), each with
    its sites, its tasks done, and what it waits for."""
    waves: dict[int, dict] = {}
    for link in (
        Wave.sites.through.objects.filter(wave__order=order)
        .select_related("wave__released_by", "account")
        .order_by("wave__position", "account__name")
    ):
        entry = waves.setdefault(link.wave_id, {"wave": link.wave, "sites": [], "site_ids": set()})
        entry["sites"].append(link.account)
        entry["site_ids"].add(link.account_id)
    ordered = sorted(waves.values(), key=lambda e: e["wave"].position)
    for before, entry in zip([None, *ordered], ordered, strict=False):
        wave = entry["wave"]
        mine = [t for t in tasks if t.sub_flow.domain_order.site_id in entry["site_ids"]]
        entry["tasks"] = len(mine)
        entry["done"] = sum(1 for t in mine if t.state in DONE_STATES)
        if wave.state != WaveState.WAITING:
            entry["waits_for"] = ""
        elif wave.planned_date:
            entry["waits_for"] = f"Starts on {wave.planned_date.day} {wave.planned_date:%b %Y}"
        elif before:
            entry["waits_for"] = (
                f"Starts when wave {before['wave'].position} has nothing left to work on"
            )
        else:
            entry["waits_for"] = "Starts when released by hand"
    return ordered
