"""Life after activation (R26): change requests and incidents raised against configuration
items."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from telcrm.fsm import condition
from telcrm.models import BadgeMixin, History, NumberedModel

from ..choices import (
    OPEN_CHANGE_STATES,
    OPEN_INCIDENT_STATES,
    ChangeRisk,
    ChangeState,
    IncidentPriority,
    IncidentState,
)
from ..querysets import ChangeRequestQuerySet, IncidentQuerySet
from .items import ConfigurationItem


@condition("Set a planned window that starts in the future and ends after it starts.")
def _window_planned(change: ChangeRequest) -> bool:
    return bool(
        change.planned_start
        and change.planned_end
        and change.planned_start < change.planned_end
        and change.planned_start > timezone.now()
    )


@condition("Give the reason for rejecting it.", user_input=True)
def _has_rejection_reason(change: ChangeRequest) -> bool:
    return bool(change.rejection_reason.strip())


@condition("Say what was done.", user_input=True)
def _has_implementation_note(change: ChangeRequest) -> bool:
    return bool(change.implementation_note.strip())


class ChangeRequest(BadgeMixin, ConcurrentTransitionMixin, NumberedModel):
    """A planned change to a configuration item: assessed, approved by someone other than
    its requester, scheduled in a window, implemented, closed (or rejected)."""

    number = models.CharField(max_length=20, unique=True, editable=False, blank=True)
    number_prefix = "CHG-"
    item = models.ForeignKey(ConfigurationItem, on_delete=models.PROTECT, related_name="changes")
    title = models.CharField(max_length=200)
    description = models.TextField()
    risk = models.CharField(max_length=10, choices=ChangeRisk.choices, default=ChangeRisk.LOW)
    planned_start = models.DateTimeField(null=True, blank=True)
    planned_end = models.DateTimeField(null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    rejection_reason = models.CharField(max_length=300, blank=True, editable=False)
    implementation_note = models.CharField(max_length=300, blank=True, editable=False)
    state = FSMField(default=ChangeState.DRAFT, choices=ChangeState.choices, protected=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = History()
    objects = ChangeRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        permissions = [("approve_changerequest", "Can approve or reject change requests")]
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_start__isnull=True)
                | Q(planned_end__isnull=True)
                | Q(planned_start__lt=models.F("planned_end")),
                name="%(app_label)s_%(class)s_window_ordered",
                violation_error_message="The planned window must end after it starts.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("cmdb:change_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_CHANGE_STATES

    @transition(
        field=state,
        source=ChangeState.DRAFT,
        target=ChangeState.ASSESSMENT,
        permission="cmdb.add_changerequest",
        custom={"label": "Submit for assessment"},
    )
    def submit(self) -> None:
        """Ready: risk and impact are assessed by a change approver."""

    @transition(
        field=state,
        source=ChangeState.ASSESSMENT,
        target=ChangeState.APPROVED,
        permission="cmdb.approve_changerequest",
        custom={"label": "Approve", "style": "success"},
    )
    def approve(self) -> None:
        """Assessed and accepted (never by its own requester)."""

    @transition(
        field=state,
        source=ChangeState.ASSESSMENT,
        target=ChangeState.REJECTED,
        permission="cmdb.approve_changerequest",
        conditions=[_has_rejection_reason],
        custom={"label": "Reject", "style": "outline-danger", "reason": True},
    )
    def reject(self) -> None:
        """Not to be done, with the reason."""

    @transition(
        field=state,
        source=ChangeState.APPROVED,
        target=ChangeState.SCHEDULED,
        permission="cmdb.change_changerequest",
        conditions=[_window_planned],
        custom={"label": "Schedule"},
    )
    def schedule(self) -> None:
        """Booked in its planned window."""

    @transition(
        field=state,
        source=ChangeState.SCHEDULED,
        target=ChangeState.IMPLEMENTED,
        permission="cmdb.change_changerequest",
        conditions=[_has_implementation_note],
        custom={"label": "Mark implemented", "style": "success", "reason": True},
    )
    def implement(self) -> None:
        """Carried out in the window, with a note of what was done."""

    @transition(
        field=state,
        source=ChangeState.IMPLEMENTED,
        target=ChangeState.CLOSED,
        permission="cmdb.change_changerequest",
        custom={"label": "Close", "style": "outline-secondary"},
    )
    def close(self) -> None:
        """Reviewed after implementation."""


@condition("Say how service was restored.", user_input=True)
def _has_resolution(incident: Incident) -> bool:
    return bool(incident.resolution.strip())


class Incident(BadgeMixin, ConcurrentTransitionMixin, NumberedModel):
    """Something wrong with a configuration item's service. Its due time comes from the
    time-to-restore SLA of the site's service contract, when there is one (R26)."""

    number = models.CharField(max_length=20, unique=True, editable=False, blank=True)
    number_prefix = "INC-"
    item = models.ForeignKey(ConfigurationItem, on_delete=models.PROTECT, related_name="incidents")
    priority = models.CharField(
        max_length=2, choices=IncidentPriority.choices, default=IncidentPriority.P3
    )
    title = models.CharField(max_length=200)
    description = models.TextField()
    reported_at = models.DateTimeField(default=timezone.now)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    # The SLA that applied when it was raised: the service contract and its target.
    service_contract_number = models.CharField(max_length=20, blank=True, editable=False)
    restore_hours = models.DecimalField(
        max_digits=7, decimal_places=3, null=True, blank=True, editable=False
    )
    due_at = models.DateTimeField(null=True, blank=True, editable=False)
    resolution = models.CharField(max_length=300, blank=True, editable=False)
    resolved_at = models.DateTimeField(null=True, blank=True, editable=False)
    state = FSMField(default=IncidentState.NEW, choices=IncidentState.choices, protected=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = History()
    objects = IncidentQuerySet.as_manager()

    class Meta:
        ordering = ["-reported_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("cmdb:incident_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_INCIDENT_STATES

    @property
    def breached(self) -> bool:
        """Service restored after its due time, or still not restored past it."""
        if self.due_at is None:
            return False
        if self.resolved_at is not None:
            return self.resolved_at > self.due_at
        return timezone.now() > self.due_at

    @transition(
        field=state,
        source=IncidentState.NEW,
        target=IncidentState.IN_PROGRESS,
        permission="cmdb.change_incident",
        custom={"label": "Start work"},
    )
    def start(self) -> None:
        """Someone works on it (the user who starts it is its assignee)."""

    @transition(
        field=state,
        source=IncidentState.IN_PROGRESS,
        target=IncidentState.RESOLVED,
        permission="cmdb.change_incident",
        conditions=[_has_resolution],
        custom={"label": "Resolve", "style": "success", "reason": True},
    )
    def resolve(self) -> None:
        """Service restored; the SLA clock stops."""
        self.resolved_at = timezone.now()

    @transition(
        field=state,
        source=IncidentState.RESOLVED,
        target=IncidentState.CLOSED,
        permission="cmdb.change_incident",
        custom={"label": "Close", "style": "outline-secondary"},
    )
    def close(self) -> None:
        """Confirmed with the customer."""

    @transition(
        field=state,
        source=IncidentState.RESOLVED,
        target=IncidentState.IN_PROGRESS,
        permission="cmdb.change_incident",
        custom={"label": "Reopen", "style": "outline-danger"},
    )
    def reopen(self) -> None:
        """Not fixed after all: the clock runs on from the original due time."""
        self.resolved_at = None
