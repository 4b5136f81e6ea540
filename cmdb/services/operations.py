"""Change requests and incidents raised against configuration items (R26): each action takes
the acting user, locks what it changes, checks it, and leaves an audit record."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Case, IntegerField, Value, When
from django.utils import timezone

from contracts.choices import ContractState
from contracts.models import ServiceContract, SlaCommitment
from sales.choices import SlaMetric
from telcrm.fsm import DomainError, check_version
from telcrm.services import run_transition, save

from ..choices import ChangeState
from ..models import ChangeRequest, ConfigurationItem, Incident

# A change's plan can be reworked until it is approved.
# An approved change's window may still move (a missed window is planned again); its scope
# and risk stay as they were approved.
EDITABLE_CHANGE_STATES = (ChangeState.DRAFT, ChangeState.ASSESSMENT, ChangeState.APPROVED)
CHANGE_TRANSITIONS = {"submit", "approve", "reject", "schedule", "implement", "close"}
INCIDENT_TRANSITIONS = {"start", "resolve", "close", "reopen"}


def _visible_item(actor, item_id: int | None) -> ConfigurationItem:
    item = (
        ConfigurationItem.objects.visible_to(actor).filter(pk=item_id).first() if item_id else None
    )
    if item is None:
        raise DomainError("Choose a configuration item you can see.")
    return item


def _require_perm(actor, perm: str, what: str) -> None:
    if not actor.has_perm(perm):
        raise DomainError(f"You are not allowed to {what}.")


def _check_window(start: datetime | None, end: datetime | None) -> None:
    if bool(start) != bool(end):
        raise DomainError("Give both the start and the end of the planned window, or neither.")
    if start and end and start >= end:
        raise DomainError("The planned window must end after it starts.")


def change_request_create(
    *,
    actor,
    item_id: int,
    title: str,
    description: str,
    risk: str,
    planned_start: datetime | None = None,
    planned_end: datetime | None = None,
) -> ChangeRequest:
    """Raise a change request (a draft) against an item the actor can see."""
    _require_perm(actor, "cmdb.add_changerequest", "raise change requests")
    _check_window(planned_start, planned_end)
    with transaction.atomic():
        item = _visible_item(actor, item_id)
        change = ChangeRequest(
            item=item,
            title=title.strip(),
            description=description.strip(),
            risk=risk,
            planned_start=planned_start,
            planned_end=planned_end,
            requested_by=actor,
        )
        save(change, actor=actor, reason=f"raised against {item.number}")
    return change


def change_request_update(
    *,
    actor,
    change_id: int,
    description: str,
    risk: str,
    planned_start: datetime | None = None,
    planned_end: datetime | None = None,
    version: str = "",
) -> ChangeRequest:
    """Rework the plan (window, risk, description) while drafted or in assessment; once
    approved, only move its window."""
    _require_perm(actor, "cmdb.change_changerequest", "change change requests")
    _check_window(planned_start, planned_end)
    with transaction.atomic():
        change = ChangeRequest.objects.select_for_update(of=("self",)).get(pk=change_id)
        check_version(change, version)
        if change.state not in EDITABLE_CHANGE_STATES:
            raise DomainError(
                f"{change.number} is {change.get_state_display().lower()}: its plan is fixed."
            )
        if change.state == ChangeState.APPROVED and (
            description.strip() != change.description or risk != change.risk
        ):
            raise DomainError(
                f"{change.number} is approved: only its window can move. Raise a "
                "new change for a different scope or risk."
            )
        change.description = description.strip()
        change.risk = risk
        change.planned_start = planned_start
        change.planned_end = planned_end
        save(change, actor=actor, reason="plan changed")
    return change


def change_request_transition(
    *, actor, change_id: int, name: str, reason: str = ""
) -> ChangeRequest:
    """Submit, approve (never one's own: four-eyes), reject (with the reason), schedule,
    mark implemented (with a note of what was done) or close a change request."""

    def prepare(change: ChangeRequest) -> None:
        if name == "approve":
            if change.requested_by_id == actor.pk:
                raise DomainError(
                    f"You raised {change.number}: someone else must approve it (four-eyes)."
                )
            change.approved_by = actor
        elif name == "reject":
            change.rejection_reason = reason.strip()[:300]
        elif name == "implement":
            change.implementation_note = reason.strip()[:300]

    return run_transition(
        ChangeRequest,
        pk=change_id,
        name=name,
        actor=actor,
        prepare=prepare,
        allowed=CHANGE_TRANSITIONS,
    )


def applicable_sla(item: ConfigurationItem) -> tuple[str, Decimal | None]:
    """The number of the service contract covering the item's site under its product's sales
    contract (an active one first), and that contract's time-to-restore target in hours."""
    if item.product_id is None or item.site_id is None:
        return "", None
    contracts = (
        ServiceContract.objects.filter(
            sales_contract_id=item.product.sales_contract_id, site_id=item.site_id
        )
        .annotate(
            inactive=Case(
                When(state=ContractState.ACTIVE, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("inactive", "-pk")
    )
    contract = contracts.first()
    if contract is None:
        return "", None
    commitment = SlaCommitment.objects.filter(
        service_contract=contract, metric=SlaMetric.TIME_TO_RESTORE
    ).first()
    return contract.number, commitment.target if commitment else None


def incident_create(
    *, actor, item_id: int, priority: str, title: str, description: str
) -> Incident:
    """Report an incident on an item; its due time follows the time-to-restore SLA of the
    site's service contract, when there is one (R26)."""
    _require_perm(actor, "cmdb.add_incident", "report incidents")
    with transaction.atomic():
        item = _visible_item(actor, item_id)
        contract_number, hours = applicable_sla(item)
        reported_at = timezone.now()
        incident = Incident(
            item=item,
            priority=priority,
            title=title.strip(),
            description=description.strip(),
            reported_at=reported_at,
            reported_by=actor,
            service_contract_number=contract_number,
            restore_hours=hours,
            due_at=reported_at + timedelta(hours=float(hours)) if hours is not None else None,
        )
        save(incident, actor=actor, reason=f"reported on {item.number}")
    return incident


def incident_transition(*, actor, incident_id: int, name: str, reason: str = "") -> Incident:
    """Start work (the actor becomes the assignee), resolve (saying how service was
    restored), close or reopen an incident."""

    def prepare(incident: Incident) -> None:
        if name == "start":
            incident.assignee = actor
        elif name == "resolve":
            incident.resolution = reason.strip()[:300]
        elif name == "reopen":
            incident.resolution = ""

    return run_transition(
        Incident,
        pk=incident_id,
        name=name,
        actor=actor,
        prepare=prepare,
        allowed=INCIDENT_TRANSITIONS,
    )
