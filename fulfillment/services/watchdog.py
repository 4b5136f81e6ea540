"""The scheduled watchdog (R22): stuck tasks time out into fall-out; overdue fall-outs
escalate to their group's manager."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from telcrm.services import save

from ..choices import (
    FalloutCategory,
    FalloutState,
    TaskState,
)
from ..models import (
    Fallout,
    Task,
)
from .tasks import task_fail

logger = logging.getLogger(__name__)


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
