"""Staggered fulfillment (R20: "a per-queue concurrency limit staggers work"): a multi-site
order is released in waves, and field visits respect each group's daily visit capacity.

Waves. The order manager starts an order's work with all sites at once (no waves), a number
of sites at a time, or each site on its own start date. The tasks of a waiting wave's sites
stay waiting (``services._ready_what_can_start`` leaves them alone) until the wave is
released:

- a wave with a planned date on that date, by the scheduled job (``waves_release_due``);
- a wave without one when the wave before it has nothing left to work on: none of its tasks
  is ready or in progress, so every one is done, in the fall-out queue, or waits behind one
  that is. A site stuck in fall-out resolution then does not hold up the rest of the
  rollout, while a wave that is still being worked keeps the next one back;
- any wave early, by hand ("Release next wave now").

A wave is done when every task of its sites is done (completed, skipped or cancelled)."""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from orders.choices import OrderLineState, OrderState
from orders.models import Order, OrderLine
from sales.models import Account
from telcrm.fsm import DomainError
from telcrm.services import save

from . import services
from .choices import DONE_STATES, StartMode, TaskState, WaveState, WorkOrderState
from .models import AssignmentGroup, FieldWorkOrder, SubFlow, Task, Wave

WORKING = (TaskState.READY, TaskState.IN_PROGRESS)


def order_sites(order_id: int) -> list[Account]:
    """The sites of the order's lines that are not cancelled, by name (one query)."""
    lines = OrderLine.objects.filter(order_id=order_id).exclude(state=OrderLineState.CANCELLED)
    return list(Account.objects.filter(pk__in=lines.values("site_id")).order_by("name", "pk"))


def held_by_a_wave():
    """The condition for tasks whose site is in a waiting wave of their order."""
    return Exists(
        Wave.objects.filter(
            order_id=OuterRef("sub_flow__domain_order__order_id"),
            state=WaveState.WAITING,
            sites=OuterRef("sub_flow__domain_order__site_id"),
        )
    )


def order_fulfillment_start_staggered(
    *,
    actor,
    order_id: int,
    mode: str = StartMode.ALL,
    per_wave: int | None = None,
    dates: dict[int, datetime.date] | None = None,
) -> list[SubFlow]:
    """R20: start the order's work (``services.order_fulfillment_start``) all at once, or in
    waves of ``per_wave`` sites (the first released now), or per site from its start date in
    ``dates`` (site id -> date; sites with the same date form one wave). Starting again
    makes no second set of waves."""
    if mode not in StartMode.values:
        raise DomainError("Choose how the sites are released.")
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order_id)
        if (
            mode != StartMode.ALL
            and order.state == OrderState.IN_PROGRESS
            and not Wave.objects.filter(order=order).exists()
            and not SubFlow.objects.filter(domain_order__order=order).exists()
        ):
            _plan_waves(order, actor, mode, per_wave, dates or {})
        flows = services.order_fulfillment_start(actor=actor, order_id=order_id)
        _advance(order.pk, actor)
    return flows


def _plan_waves(
    order: Order, actor, mode: str, per_wave: int | None, dates: dict[int, datetime.date]
) -> None:
    sites = order_sites(order.pk)
    today = timezone.localdate()
    if mode == StartMode.WAVES:
        if not per_wave or per_wave < 1:
            raise DomainError("Say how many sites start at a time (1 or more).")
        groups = [(None, sites[i : i + per_wave]) for i in range(0, len(sites), per_wave)]
    else:
        missing = [site.name for site in sites if site.pk not in dates]
        if missing:
            raise DomainError("Give every site a start date: " + ", ".join(missing) + ".")
        if any(dates[site.pk] < today for site in sites):
            raise DomainError("A start date cannot be in the past.")
        by_date: dict[datetime.date, list[Account]] = {}
        for site in sites:
            by_date.setdefault(dates[site.pk], []).append(site)
        groups = sorted(by_date.items(), key=lambda item: item[0])
    if len(groups) < 2:
        return  # one wave is all sites at once
    for position, (planned, members) in enumerate(groups, start=1):
        wave = Wave(order=order, position=position, planned_date=planned)
        if (planned is None and position == 1) or (planned is not None and planned <= today):
            wave.release()
            wave.released_at, wave.released_by = timezone.now(), actor
        save(wave, actor=actor, reason="planned")
        wave.sites.set(members)


def wave_release_next(*, actor, order_id: int) -> Wave:
    """The order manager releases the order's next waiting wave now, before its date or
    before the wave ahead of it has run out of work."""
    if not actor.has_perm("fulfillment.add_subflow"):
        raise DomainError("Only an order manager releases a wave early.")
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order_id)
        if order.state != OrderState.IN_PROGRESS:
            raise DomainError(f"{order.number} is {order.get_state_display().lower()}.")
        wave = (
            Wave.objects.select_for_update()
            .filter(order=order, state=WaveState.WAITING)
            .order_by("position")
            .first()
        )
        if wave is None:
            raise DomainError(f"Every wave of {order.number} is released already.")
        _release(wave, actor, reason="released early by hand", by_hand=True)
        _advance(order.pk, actor)
    return wave


def _release(wave: Wave, actor, reason: str, by_hand: bool = False) -> None:
    wave.release()
    wave.released_at, wave.released_by = timezone.now(), actor if by_hand else None
    save(wave, actor=actor, reason=reason)
    tasks = Task.objects.filter(
        sub_flow__domain_order__order_id=wave.order_id,
        sub_flow__domain_order__site__in=wave.sites.all(),
    )
    services._ready_what_can_start(tasks, actor)


def waves_advance(tasks: Iterable[Task], actor) -> None:
    """After tasks were done or failed (their order locked): their orders' waves that are
    done are marked so, and a next wave without a date is released when the wave before it
    has nothing left to work on."""
    order_ids = set(
        Wave.objects.filter(
            order__domain_orders__sub_flows__tasks__in=[t.pk for t in tasks],
            state__in=[WaveState.WAITING, WaveState.RELEASED],
        ).values_list("order_id", flat=True)
    )
    for order_id in sorted(order_ids):
        _advance(order_id, actor)


def _advance(order_id: int, actor) -> None:
    while _advance_once(order_id, actor):
        pass  # a released wave may have nothing to work on either: look again


def _advance_once(order_id: int, actor) -> bool:
    """Mark the waves that are done; release the first wave due to follow the one before.
    True when a wave was released."""
    waves = list(Wave.objects.select_for_update().filter(order_id=order_id).order_by("position"))
    if not waves:
        return False
    sites: dict[int, set[int]] = {}
    for wave_id, site_id in Wave.sites.through.objects.filter(wave__order_id=order_id).values_list(
        "wave_id", "account_id"
    ):
        sites.setdefault(wave_id, set()).add(site_id)
    open_states: dict[int, set[str]] = {}
    for site_id, state in (
        Task.objects.filter(sub_flow__domain_order__order_id=order_id)
        .exclude(state__in=DONE_STATES)
        .values_list("sub_flow__domain_order__site_id", "state")
    ):
        open_states.setdefault(site_id, set()).add(state)
    states = {
        w.pk: set().union(*(open_states.get(s, set()) for s in sites.get(w.pk, ()))) for w in waves
    }
    for before, wave in zip([None, *waves], waves, strict=False):
        if wave.state == WaveState.RELEASED and not states[wave.pk]:
            wave.finish()
            wave.done_at = timezone.now()
            save(wave, actor=actor, reason="every task done")
        elif (
            wave.state == WaveState.WAITING
            and wave.planned_date is None
            and before is not None
            and before.state != WaveState.WAITING
            and not states[before.pk] & set(WORKING)
        ):
            _release(wave, actor, reason=f"wave {before.position} has nothing left to work on")
            return True
    return False


def waves_release_due(*, today: datetime.date | None = None) -> int:
    """Scheduled (with the watchdog): waves whose planned date has come are released.
    Safe to run twice. Returns how many were released."""
    today = today or timezone.localdate()
    due = Wave.objects.filter(
        state=WaveState.WAITING, planned_date__lte=today, order__state=OrderState.IN_PROGRESS
    )
    released = 0
    for order_id in sorted(set(due.values_list("order_id", flat=True))):
        with transaction.atomic():
            services._lock_order(order_id)
            for wave in due.filter(order_id=order_id).select_for_update().order_by("position"):
                _release(wave, None, reason=f"planned for {wave.planned_date:%d %b %Y}")
                released += 1
            _advance(order_id, None)
    return released


def first_free_mornings(
    groups: list[AssignmentGroup], now: datetime.datetime
) -> list[datetime.datetime]:
    """:func:`first_free_morning` for several new visits at once, one per group in
    ``groups`` (a group may come again): each visit counts against the capacity of the ones
    after it, as if they were booked one by one. One query."""
    day = services._next_working_morning(now)
    limited = {group.pk for group in groups if group.daily_visit_capacity}
    booked = (
        Counter(
            (group_id, timezone.localtime(start).date())
            for group_id, start in FieldWorkOrder.objects.filter(
                task__group__in=limited, window_start__gte=day
            )
            .exclude(state=WorkOrderState.CANCELLED)
            .values_list("task__group_id", "window_start")
        )
        if limited
        else Counter()
    )
    starts = []
    for group in groups:
        start = day
        if group.pk in limited:
            while booked[group.pk, start.date()] >= group.daily_visit_capacity:
                start = services._next_working_morning(start)
            booked[group.pk, start.date()] += 1
        starts.append(start)
    return starts


def first_free_morning(group: AssignmentGroup, now: datetime.datetime) -> datetime.datetime:
    """The first proposed window of a new visit of ``group``'s task: the next working
    morning on which the group has fewer visits than its daily capacity (any morning when
    it has no capacity set)."""
    day = services._next_working_morning(now)
    capacity = group.daily_visit_capacity
    if not capacity:
        return day
    booked = Counter(
        timezone.localtime(start).date()
        for start in FieldWorkOrder.objects.filter(task__group=group, window_start__gte=day)
        .exclude(state=WorkOrderState.CANCELLED)
        .values_list("window_start", flat=True)
    )
    while booked[day.date()] >= capacity:
        day = services._next_working_morning(day)
    return day
