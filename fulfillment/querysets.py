"""Reads of fulfillment: a task is worked by its assignment group (R23); order managers and
administrators see every task."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from telcrm.roles import ORDER_MANAGER, has_role


def stuck_before(now: datetime | None = None) -> datetime:
    """A started API task last changed before this is stuck."""
    return (now or timezone.now()) - timedelta(seconds=settings.FULFILLMENT_API_STUCK_SECONDS)


def task_rule(user, path: str = "") -> Q | bool:
    """Which tasks ``user`` sees (R22, R29), for a queryset of tasks or, through ``path``
    (``"task__"``), of records that hang on one: True for all, False for none, or a Q.

    Members work their groups' tasks; a group's manager oversees them (and dispatches). The
    groups are one small subquery, so the database reads the tasks by their group column
    instead of joining every task to its group to test an OR."""
    from .models import AssignmentGroup

    if not user.is_authenticated or not user.has_perm("fulfillment.view_task"):
        return False
    if user.is_superuser or has_role(user, ORDER_MANAGER):
        return True
    groups = AssignmentGroup.objects.filter(Q(members=user) | Q(manager=user)).values("pk")
    return Q(**{f"{path}group_id__in": groups})


def _by_rule(queryset: models.QuerySet, rule: Q | bool) -> models.QuerySet:
    if rule is True:
        return queryset
    return queryset.filter(rule) if rule else queryset.none()


class TaskQuerySet(models.QuerySet):
    def visible_to(self, user) -> TaskQuerySet:
        return _by_rule(self, task_rule(user))

    def open(self) -> TaskQuerySet:
        return self.filter(state__in=["ready", "in_progress"])

    def late(self) -> TaskQuerySet:
        return self.open().filter(due_at__lt=timezone.now())

    def stuck(self) -> TaskQuerySet:
        """Started API tasks with no progress for longer than an attempt takes."""
        return self.filter(kind="api", state="in_progress", updated_at__lt=stuck_before())

    def for_queue(self) -> TaskQuerySet:
        """What the queue page shows per row, in a fixed number of queries."""
        return self.select_related(
            "group",
            "assignee",
            "template",
            "sub_flow__domain_order__order__account",
            "sub_flow__domain_order__site",
            "work_order",
        )

    def per_group(self) -> list[dict]:
        """R23: each group's open work in one query: ready, started, late, and the age of
        the oldest ready or started task (when it became ready)."""
        now = timezone.now()
        rows = (
            self.open()
            .values("group_id", "group__name")
            .annotate(
                ready=models.Count("pk", filter=Q(state="ready")),
                started=models.Count("pk", filter=Q(state="in_progress")),
                late=models.Count("pk", filter=Q(due_at__lt=now)),
                oldest=models.Min("ready_at"),
            )
            .order_by("group__name")
        )
        return list(rows)

    def mine_or_unclaimed(self, user) -> TaskQuerySet:
        return self.filter(Q(assignee=user) | Q(assignee__isnull=True))


class FalloutQuerySet(models.QuerySet):
    """A fall-out is seen by whoever sees its task (R22)."""

    def visible_to(self, user) -> FalloutQuerySet:
        return _by_rule(self, task_rule(user, "task__"))

    def open(self) -> FalloutQuerySet:
        return self.filter(state="open")

    def overdue(self) -> FalloutQuerySet:
        return self.open().filter(due_at__lt=timezone.now())

    def for_queue(self) -> FalloutQuerySet:
        return self.select_related(
            "task__group",
            "task__template",
            "order__account",
            "escalated_to",
            "task__sub_flow__domain_order__site",
        )


class WorkOrderQuerySet(models.QuerySet):
    """A field work order is seen by whoever sees its task; technicians by their group."""

    def visible_to(self, user) -> WorkOrderQuerySet:
        if not user.has_perm("fulfillment.view_fieldworkorder"):
            return self.none()
        return _by_rule(self, task_rule(user, "task__"))

    def open(self) -> WorkOrderQuerySet:
        return self.filter(state__in=["scheduled", "dispatched", "on_site"])

    def for_list(self) -> WorkOrderQuerySet:
        return self.select_related(
            "task__template",
            "task__group",
            "site",
            "location",
            "contact",
            "technician",
            "task__sub_flow__domain_order__order__account",
        )


class ProjectQuerySet(models.QuerySet):
    """Special projects are run by project and order managers, who see them all (R21)."""

    def visible_to(self, user) -> ProjectQuerySet:
        return self if user.has_perm("fulfillment.view_specialproject") else self.none()

    def for_list(self) -> ProjectQuerySet:
        return self.select_related("order__account", "manager").annotate(
            steps=models.Count("tasks", distinct=True),
            done=models.Count("tasks", filter=Q(tasks__state="done"), distinct=True),
            next_due=models.Min(
                "milestones__due_date", filter=Q(milestones__reached_at__isnull=True)
            ),
        )
