"""Special projects (R21): an order that needs project discipline runs with milestones and
steps under a project manager."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from orders.choices import OrderLineState
from orders.models import Order
from telcrm.fsm import DomainError, allowed, leaving_transition, unmet_conditions
from telcrm.services import save

from ..choices import (
    ProjectTaskState,
)
from ..models import (
    Milestone,
    ProjectTask,
    SpecialProject,
)
from ._base import _lock_order, in_words, refuse_unless, take
from .flow import _close_order


def project_reason(order: Order) -> str:
    """Why the order needs project discipline (R21), or "" when it does not."""
    lines = list(order.lines.select_related("offering").exclude(state=OrderLineState.CANCELLED))
    flagged = sorted({line.offering.name for line in lines if line.offering.requires_project})
    if flagged:
        return ", ".join(flagged) + " runs as a special project."
    sites = len({line.site_id for line in lines})
    if sites > settings.SPECIAL_PROJECT_SITES:
        return (
            f"{sites} sites: more than {settings.SPECIAL_PROJECT_SITES} run as a special project."
        )
    return ""


def _open_project(order: Order, actor) -> SpecialProject | None:
    """R21: the project with its standard plan: kick-off, every site ready, acceptance. Its
    milestones fall due between now and the requested delivery date."""
    reason = project_reason(order)
    if not reason or SpecialProject.objects.filter(order=order).exists():
        return None
    project = SpecialProject(order=order, reason=reason)
    save(project, actor=actor, reason="opened")
    today = timezone.localdate()
    span = max((order.requested_date - today).days, 3)
    sites = sorted(
        {
            line.site.name
            for line in order.lines.select_related("site").exclude(state=OrderLineState.CANCELLED)
        }
    )
    plan = [
        (
            "Kick-off",
            today + timedelta(days=min(7, span // 3)),
            ["Hold the kick-off with the customer", "Agree the rollout plan and the site order"],
        ),
        (
            "Every site ready",
            today + timedelta(days=2 * span // 3),
            [f"Confirm site readiness at {site}" for site in sites],
        ),
        (
            "Customer acceptance",
            order.requested_date,
            ["Walk the customer through the delivered service", "Collect the signed acceptance"],
        ),
    ]
    for position, (name, due, steps) in enumerate(plan):
        milestone = Milestone(project=project, name=name, position=position, due_date=due)
        save(milestone, actor=actor, reason="project plan")
        for step in steps:
            save(
                ProjectTask(project=project, milestone=milestone, name=step),
                actor=actor,
                reason="project plan",
            )
    return project


def project_take(*, actor, project_id: int) -> SpecialProject:
    """A project manager takes charge of a special project."""
    with transaction.atomic():
        project = SpecialProject.objects.select_for_update().get(pk=project_id)
        if project.manager_id and project.manager_id != actor.pk:
            raise DomainError(f"{project.number} is run by {project.manager.get_full_name()}.")
        if not project.running:
            raise DomainError(f"{project.number} is {in_words(project)}.")
        project.manager = actor
        save(project, actor=actor, reason="manager")
    return project


def project_task_done(*, actor, task_id: int, note: str = "") -> ProjectTask:
    """R21: the project's manager (or an order manager) ticks off a step; a milestone is
    reached with its last step, the project completes with its last milestone, and the
    order may then close (R24)."""
    with transaction.atomic():
        _lock_order(ProjectTask.objects.values_list("project__order_id", flat=True).get(pk=task_id))
        step = ProjectTask.objects.select_for_update().get(pk=task_id)
        project = SpecialProject.objects.select_for_update().get(pk=step.project_id)
        step.project = project
        if not allowed(step, "finish", actor):
            raise DomainError(
                f"Only the manager of {project.number} ticks off its steps"
                + ("; take the project first." if not project.manager_id else ".")
            )
        if not project.running:
            raise DomainError(f"{project.number} is {in_words(project)}.")
        refuse_unless(step, "finish", f"“{step}” was done a moment ago.")
        step.note, step.done_by, step.done_at = note.strip()[:300], actor, timezone.now()
        take(step, "finish", actor=actor, reason="done")
        milestone = Milestone.objects.select_for_update().get(pk=step.milestone_id)
        if (
            not milestone.reached_at
            and not milestone.tasks.filter(state=ProjectTaskState.OPEN).exists()
        ):
            milestone.reached_at = timezone.now()
            save(milestone, actor=actor, reason="reached")
        if not unmet_conditions(project, leaving_transition(project, "complete")):
            project.completed_at = timezone.now()
            take(project, "complete", actor=actor, reason="every milestone reached")
            _close_order(project.order_id, actor)
    return step
