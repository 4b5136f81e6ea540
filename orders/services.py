"""Business actions on orders: one function per action, atomic, locked, audited."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from contracts.choices import ContractState
from contracts.models import SalesContract
from sales.choices import BillingProfileState
from sales.models import BillingProfile, Contact
from sales.services.accounts import _save
from telcrm.fsm import DomainError, check_version, run_transition

from .choices import OrderState
from .models import Order, OrderLine
from .validation import validate_order


def order_create(*, actor, contract_id: int, billing_profile: BillingProfile | None,
                 requested_date: date | None, notes: str = "") -> Order:  # fmt: skip
    """R15: an order from an active sales contract (so from the signed quote). An active
    billing profile of the customer is mandatory. Header and lines mirror the contract, each
    line linked to its contract line and quote line; each site's first contact is proposed as
    the order contact."""
    with transaction.atomic():
        contract = (
            SalesContract.objects.select_for_update().select_related("account").get(pk=contract_id)
        )
        if contract.state != ContractState.ACTIVE:
            raise DomainError(f"{contract.number} is {contract.get_state_display().lower()}: "
                              "orders are made from an active sales contract (R15).")  # fmt: skip
        if contract.orders.exclude(state=OrderState.CANCELLED).exists():
            raise DomainError(f"{contract.number} is already ordered.")
        if billing_profile is None:
            raise DomainError("Choose the customer's billing profile: it is mandatory (R15).")
        if billing_profile.account_id != contract.account_id:
            raise DomainError(f"{billing_profile} belongs to another customer.")
        if billing_profile.state != BillingProfileState.ACTIVE:
            raise DomainError(f"{billing_profile} is not active: choose an active billing "
                              "profile (R15).")  # fmt: skip
        if requested_date is None or requested_date < timezone.localdate():
            raise DomainError("The requested delivery date must be today or later.")
        order = Order(
            sales_contract=contract, quote_id=contract.quote_id, account=contract.account,
            billing_profile=billing_profile, requested_date=requested_date, notes=notes,
            owner=contract.owner, team=contract.team,
        )  # fmt: skip
        _save(order, actor, reason=f"from {contract.number}")
        lines = list(contract.lines.select_related("site").order_by("site__name", "pk"))
        contacts = {}
        for contact in Contact.objects.filter(account__in={line.site_id for line in lines}):
            contacts.setdefault(contact.account_id, contact)
        for line in lines:
            _save(OrderLine(order=order, contract_line=line, quote_line_id=line.quote_line_id,
                            site_contact=contacts.get(line.site_id),
                            **{f: getattr(line, f) for f in OrderLine.MIRRORED}),
                  actor, reason=f"mirrors {contract.number}")  # fmt: skip
    return order


def _lock_editable(order_id: int) -> Order:
    order = Order.objects.select_for_update().get(pk=order_id)
    if not order.editable:
        raise DomainError(f"{order.number} is {order.get_state_display().lower()}: its details "
                          "are fixed.")  # fmt: skip
    return order


def order_details_save(*, actor, order: Order, version: str = "") -> Order:
    """R16: the non-commercial details of an order (requested date, notes) change on the
    order itself."""
    with transaction.atomic():
        current = _lock_editable(order.pk)
        check_version(current, version)
        if order.requested_date < timezone.localdate():
            raise DomainError("The requested delivery date must be today or later.")
        _save(order, actor)
    return order


def order_line_details_save(*, actor, line: OrderLine) -> OrderLine:
    """R16: a line's site contact, access and technical notes change on the order."""
    with transaction.atomic():
        _lock_editable(line.order_id)
        if line.site_contact_id and line.site_contact.account_id != line.site_id:
            raise DomainError(f"{line.site_contact} is not a contact of {line.site.name}.")
        _save(line, actor)
    return line


def _record_validation(order: Order, actor) -> list:
    checks = validate_order(order)
    order.validation = [check.as_dict() for check in checks]
    order.validated_at = timezone.now()
    passed = sum(check.passed for check in checks)
    _save(order, actor, reason=f"validated: {passed} of {len(checks)} checks passed")
    return checks


def order_validate(*, actor, order_id: int) -> list:
    """R17: run the named checks and keep each result on the order."""
    with transaction.atomic():
        order = _lock_editable(order_id)
        return _record_validation(order, actor)


def order_submit(*, actor, order_id: int) -> Order:
    """R17: validate again and, when every check passes, submit for approval; otherwise each
    failed check is named."""
    with transaction.atomic():
        order = _lock_editable(order_id)
        checks = _record_validation(order, actor)  # kept, so the page shows what failed
    failed = [check for check in checks if not check.passed]
    if failed:
        raise DomainError(
            "The order cannot go for approval: "
            + "; ".join(f"{c.name} ({' '.join(c.problems)})" for c in failed),
            errors=[c.name for c in failed],
        )
    return run_transition(Order, pk=order_id, name="submit", actor=actor, allowed={"submit"})


def order_transition(*, actor, order_id: int, name: str, reason: str = "") -> Order:
    def prepare(order: Order) -> None:
        if name == "cancel":
            order.cancel_reason = reason.strip()[:200]

    return run_transition(Order, pk=order_id, name=name, actor=actor, prepare=prepare,
                          allowed={"cancel"})  # fmt: skip
