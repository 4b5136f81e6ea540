"""The fall-out queue (R22)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from orders.models import Order
from telcrm.fsm import condition
from telcrm.models import BadgeMixin, History, NumberedModel

from ..choices import (
    FalloutCategory,
    FalloutState,
    Resolution,
    TaskState,
)
from ..querysets import (
    FalloutQuerySet,
)
from .tasks import Task

RESOLVER = "fulfillment.change_fallout"


@condition("Its task is no longer failed: there is nothing left to resolve.")
def _task_failed(fallout: "Fallout") -> bool:
    return fallout.task.state == TaskState.FAILED


class Fallout(BadgeMixin, ConcurrentTransitionMixin, NumberedModel):
    """A failed task waiting for a person (R22): only the task's dependants wait meanwhile.
    Resolved by retry, manual completion, skip or cancelling the line; escalated to the
    group's manager once past its due time."""

    number_prefix = "FO-"

    number = models.CharField(max_length=20, unique=True, editable=False, blank=True)
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="fallouts")
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="fallouts")
    category = models.CharField(max_length=20, choices=FalloutCategory.choices)
    detail = models.TextField()
    attempts = models.PositiveSmallIntegerField(default=0)
    state = FSMField(default=FalloutState.OPEN, choices=FalloutState.choices, protected=True)
    resolution = models.CharField(max_length=20, choices=Resolution.choices, blank=True)
    resolution_note = models.CharField(max_length=500, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    opened_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    escalated_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="escalations",
    )
    history = History()
    objects = FalloutQuerySet.as_manager()

    class Meta:
        ordering = ["due_at", "pk"]
        verbose_name = "fall-out"
        permissions = [("cancel_line", "Can cancel an order line to resolve a fall-out")]
        constraints = [
            models.UniqueConstraint(
                fields=["task"],
                condition=Q(state="open"),
                name="%(app_label)s_%(class)s_one_open_per_task",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.get_category_display()}"

    def get_absolute_url(self) -> str:
        return reverse("fulfillment:fallout_detail", args=[self.pk])

    @property
    def badge(self) -> str:
        return "warning" if self.escalated_at and self.state == FalloutState.OPEN else super().badge

    @property
    def overdue(self) -> bool:
        return self.state == FalloutState.OPEN and self.due_at < timezone.now()

    # R22: four ways to resolve it, each its own transition; cancelling the line is an
    # order manager's decision.
    @transition(
        field=state,
        source=FalloutState.OPEN,
        target=FalloutState.RESOLVED,
        permission=RESOLVER,
        conditions=[_task_failed],
        custom={"internal": True},
    )
    def retry(self) -> None:
        """The task goes back to its queue or its adapter."""

    @transition(
        field=state,
        source=FalloutState.OPEN,
        target=FalloutState.RESOLVED,
        permission=RESOLVER,
        conditions=[_task_failed],
        custom={"internal": True},
    )
    def complete(self) -> None:
        """Someone did the work by hand."""

    @transition(
        field=state,
        source=FalloutState.OPEN,
        target=FalloutState.RESOLVED,
        permission=RESOLVER,
        conditions=[_task_failed],
        custom={"internal": True},
    )
    def skip(self) -> None:
        """The task is not needed."""

    @transition(
        field=state,
        source=FalloutState.OPEN,
        target=FalloutState.RESOLVED,
        permission="fulfillment.cancel_line",
        custom={"internal": True},
    )
    def cancel_line(self) -> None:
        """Its task's order line was cancelled (this one, or another fall-out of the line)."""
