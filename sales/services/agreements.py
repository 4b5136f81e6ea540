"""Business actions on sales agreements (R6)."""

from __future__ import annotations

from datetime import date

from django.db import models, transaction
from django.utils import timezone
from django.utils.formats import date_format

from telcrm.fsm import DomainError, check_version
from telcrm.services import run_system_transition, run_transition, save

from .. import catalog
from ..choices import AgreementState
from ..models import AgreementLine, Contact, SalesAgreement
from .quotes import reprice_agreement_quotes


def agreement_save(*, actor, agreement: SalesAgreement, version: str = "") -> SalesAgreement:
    """Create or edit an agreement's header; only drafts and agreements in negotiation."""
    with transaction.atomic():
        if agreement.pk:
            current = SalesAgreement.objects.select_for_update().get(pk=agreement.pk)
            check_version(current, version)
            _require_editable(current)
        save(agreement, actor=actor)
        catalog.require_currency(
            agreement.lines.select_related("offering"), agreement.currency, "agreement"
        )
    return agreement


def _require_editable(agreement: SalesAgreement) -> None:
    if not agreement.editable:
        raise DomainError(
            f"{agreement} is {agreement.get_state_display().lower()}: its terms are fixed."
        )


def agreement_part_save(*, actor, part: models.Model) -> models.Model:
    """Add or change a line, SLA or partner term of an agreement being drafted or negotiated."""
    with transaction.atomic():
        agreement = SalesAgreement.objects.select_for_update().get(pk=part.agreement_id)
        _require_editable(agreement)
        if isinstance(part, AgreementLine) and (
            problem := catalog.currency_problem(part.offering, agreement.currency, "agreement")
        ):
            raise DomainError(problem)
        save(part, actor=actor)
        _touch(agreement, actor)
        if isinstance(part, AgreementLine):
            _reprice(actor, agreement, f"{agreement} changed the terms for {part.offering.name}.")
    return part


def agreement_part_delete(*, actor, part: models.Model) -> None:
    """Remove a line, SLA or partner term of an agreement being drafted or negotiated."""
    with transaction.atomic():
        agreement = SalesAgreement.objects.select_for_update().get(pk=part.agreement_id)
        _require_editable(agreement)
        part._history_user = actor
        part.delete()
        _touch(agreement, actor)
        if isinstance(part, AgreementLine):
            _reprice(actor, agreement, f"{agreement} no longer has terms for {part.offering.name}.")


def _reprice(actor, agreement: SalesAgreement, reason: str) -> None:
    """R7: the agreement's open quotes follow its terms."""
    reprice_agreement_quotes(actor=actor, agreement_id=agreement.pk, reason=reason)


def _touch(agreement: SalesAgreement, actor) -> None:
    """A change of terms makes open edit forms of the header stale (R31). Only the version
    stamp moves, so no history row: the part's own row records the change."""
    SalesAgreement.objects.filter(pk=agreement.pk).update(updated_at=timezone.now())


def agreement_transition(
    *, actor, agreement_id: int, name: str, reason: str = ""
) -> SalesAgreement:
    """Start negotiation, expire, or terminate (with a reason) an agreement."""

    def prepare(agreement: SalesAgreement) -> None:
        if name == "terminate":
            agreement.termination_reason = reason.strip()[:200]

    return run_transition(
        SalesAgreement,
        pk=agreement_id,
        name=name,
        actor=actor,
        prepare=prepare,
        allowed={"negotiate", "expire", "terminate"},
    )


def agreements_expire_due() -> list[SalesAgreement]:
    """The daily expiry (R6): active agreements past their "valid to" date expire, each in
    its own transaction, in the system's name. Safe to run twice."""
    due = SalesAgreement.objects.filter(
        state=AgreementState.ACTIVE, valid_to__lt=timezone.localdate()
    )
    expired = []
    for pk, valid_to in due.order_by("pk").values_list("pk", "valid_to"):
        reason = f"expired: valid to {date_format(valid_to, 'j M Y')}"
        if agreement := run_system_transition(SalesAgreement, pk=pk, name="expire", reason=reason):
            expired.append(agreement)
    return expired


def agreement_activate(
    *, actor, agreement_id: int, signatory: Contact, signed_on: date, acted_by: str = ""
) -> SalesAgreement:
    """Record the customer's signature and put the agreement in force (R6). ``acted_by``
    names the signatory in the audit trail when they signed themselves (through a link);
    ``actor`` is the user on whose request the agreement was signed."""
    if signed_on > date.today():
        raise DomainError("The signing date cannot be in the future.")

    def prepare(agreement: SalesAgreement) -> None:
        if refusal := agreement.expiry_refusal():
            raise DomainError(refusal)  # with its date, even before the daily expiry ran
        agreement.signatory = signatory
        agreement.signed_on = signed_on
        if acted_by:
            agreement._history_actor = acted_by

    return run_transition(
        SalesAgreement,
        pk=agreement_id,
        name="activate",
        actor=actor,
        prepare=prepare,
        allowed={"activate"},
    )
