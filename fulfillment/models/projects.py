"""Special projects (R21): milestones and their steps."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from orders.models import Order
from telcrm.fsm import condition
from telcrm.models import BadgeMixin, History, NumberedModel

from ..choices import (
    ProjectState,
    ProjectTaskState,
)
from ..querysets import (
    ProjectQuerySet,
)


@condition("Every milestone must be reached first.")
def _every_milestone_reached(project: "SpecialProject") -> bool:
    return not project.milestones.filter(reached_at__isnull=True).exists()


def _runs_the_project(step: "ProjectTask | None", user) -> bool:
    """The project's manager ticks off its steps; an order manager may stand in."""
    if user.has_perm("orders.approve_order"):
        return True
    return step is not None and step.project.manager_id == user.pk


@condition("Its project is no longer in progress.")
def _project_in_progress(step: "ProjectTask") -> bool:
    return step.project.running


class SpecialProject(BadgeMixin, ConcurrentTransitionMixin, NumberedModel):
    """R21: an order that needs project discipline (an offering flagged for it, or more
    than ``SPECIAL_PROJECT_SITES`` sites) is run as a project with milestones and project
    tasks under a project manager; the order cannot close before the project completes."""

    number_prefix = "PRJ-"

    number = models.CharField(max_length=20, unique=True, editable=False, blank=True)
    order = models.OneToOneField(Order, on_delete=models.PROTECT, related_name="special_project")
    reason = models.CharField(max_length=300)
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
    )
    state = FSMField(default=ProjectState.IN_PROGRESS, choices=ProjectState.choices, protected=True)
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    history = History()
    objects = ProjectQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.number} {self.order.account.name}"

    def get_absolute_url(self) -> str:
        return reverse("fulfillment:project", args=[self.pk])

    @property
    def running(self) -> bool:
        """In progress: it may be taken and its steps ticked off."""
        return self.state == ProjectState.IN_PROGRESS

    def run_by(self, user) -> bool:
        """``user`` may tick off its steps: its manager, or an order manager."""
        return self.manager_id == user.pk or user.has_perm("orders.approve_order")

    @transition(
        field=state,
        source=ProjectState.IN_PROGRESS,
        target=ProjectState.COMPLETED,
        conditions=[_every_milestone_reached],
        custom={"internal": True},
    )
    def complete(self) -> None:
        """Every milestone reached."""

    @transition(
        field=state,
        source=ProjectState.IN_PROGRESS,
        target=ProjectState.CANCELLED,
        custom={"internal": True},
    )
    def cancel(self) -> None:
        """Every line of its order was cancelled."""


class Milestone(models.Model):
    """A checkpoint of a special project's plan (kick-off, every site ready, customer
    acceptance) with its due date; it is reached when its last step is done, and the project
    completes when every milestone is reached (R21)."""

    project = models.ForeignKey(SpecialProject, on_delete=models.CASCADE, related_name="milestones")
    name = models.CharField(max_length=150)
    position = models.PositiveSmallIntegerField(default=0)
    due_date = models.DateField()
    reached_at = models.DateTimeField(null=True, blank=True)
    history = History()

    class Meta:
        ordering = ["project", "position", "pk"]

    def __str__(self) -> str:
        return self.name


class ProjectTask(BadgeMixin, ConcurrentTransitionMixin, models.Model):
    """A manual step of a special project, under one of its milestones."""

    project = models.ForeignKey(SpecialProject, on_delete=models.CASCADE, related_name="tasks")
    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="tasks")
    name = models.CharField(max_length=200)
    state = FSMField(
        default=ProjectTaskState.OPEN, choices=ProjectTaskState.choices, protected=True
    )
    note = models.CharField(max_length=300, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    done_at = models.DateTimeField(null=True, blank=True)
    history = History()

    class Meta:
        ordering = ["milestone__position", "pk"]

    def __str__(self) -> str:
        return self.name

    @transition(
        field=state,
        source=ProjectTaskState.OPEN,
        target=ProjectTaskState.DONE,
        permission=_runs_the_project,
        conditions=[_project_in_progress],
        custom={"internal": True},
    )
    def finish(self) -> None:
        """Done, with an optional note."""
