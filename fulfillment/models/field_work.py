"""Field visits (R20)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from sales.models import Account, Contact, Location
from telcrm.fsm import condition
from telcrm.models import BadgeMixin, History, NumberedModel

from ..choices import (
    WorkOrderState,
)
from ..querysets import (
    WorkOrderQuerySet,
)
from .tasks import Task

DISPATCHER = "fulfillment.change_fieldworkorder"


def _sent_to(visit: "FieldWorkOrder", user) -> bool:
    """Arrival and completion are the technician's own, on their phone."""
    return visit is not None and visit.technician_id == user.pk


@condition("A technician of the task's group is required.", user_input=True)
def _has_technician(visit: "FieldWorkOrder") -> bool:
    return visit.technician_id is not None


@condition("The appointment must end after it starts.", user_input=True)
def _window_in_order(visit: "FieldWorkOrder") -> bool:
    return visit.window_end > visit.window_start


class FieldWorkOrder(BadgeMixin, ConcurrentTransitionMixin, NumberedModel):
    """A technician's visit for a field-service task (R20): where, whom to call, when, and
    who goes. Scheduled when its task becomes ready; dispatched to a technician of the
    task's group with a confirmed window; completed on site with the task's outputs."""

    number_prefix = "FWO-"

    number = models.CharField(max_length=20, unique=True, editable=False, blank=True)
    task = models.OneToOneField(Task, on_delete=models.CASCADE, related_name="work_order")
    site = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    contact = models.ForeignKey(
        Contact, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    access_notes = models.CharField(max_length=300, blank=True)
    window_start = models.DateTimeField("appointment from")
    window_end = models.DateTimeField("appointment until")
    technician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="work_orders",
    )
    state = FSMField(
        default=WorkOrderState.SCHEDULED, choices=WorkOrderState.choices, protected=True
    )
    arrived_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    history = History()
    objects = WorkOrderQuerySet.as_manager()

    class Meta:
        ordering = ["window_start", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(window_end__gt=models.F("window_start")),
                name="%(app_label)s_%(class)s_window_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.task.name}"

    def get_absolute_url(self) -> str:
        return reverse("fulfillment:work_order", args=[self.pk])

    @transition(
        field=state,
        source=[WorkOrderState.SCHEDULED, WorkOrderState.DISPATCHED],
        target=WorkOrderState.DISPATCHED,
        permission=DISPATCHER,
        conditions=[_has_technician, _window_in_order],
        custom={"internal": True},
    )
    def dispatch(self) -> None:
        """A technician and a confirmed window (again, to reschedule)."""

    @transition(
        field=state,
        source=WorkOrderState.DISPATCHED,
        target=WorkOrderState.ON_SITE,
        permission=_sent_to,
        custom={"internal": True},
    )
    def arrive(self) -> None:
        """The technician is on site: the task is in progress."""

    @transition(
        field=state,
        source=WorkOrderState.ON_SITE,
        target=WorkOrderState.COMPLETED,
        permission=_sent_to,
        custom={"internal": True},
    )
    def complete(self) -> None:
        """Done on site, with the task's outputs."""

    @transition(
        field=state,
        source=[WorkOrderState.SCHEDULED, WorkOrderState.DISPATCHED, WorkOrderState.ON_SITE],
        target=WorkOrderState.CANCELLED,
        custom={"internal": True},
    )
    def cancel(self) -> None:
        """Its task failed, was skipped or its line cancelled."""
