"""Business actions on orders: one function per action, atomic, locked, audited."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from cmdb.services import product_inventory_create_pending
from contracts.choices import ContractState
from contracts.models import SalesContract
from sales.choices import BillingProfileState
from sales.models import BillingProfile, Contact
from sales.services.accounts import _save
from telcrm.fsm import DomainError, check_version, run_transition

from .approval import approval_checks
from .choices import OrderState
from .decomposition import plan_order
from .models import ChildLine, DomainOrder, DomainOrderDependency, Order, OrderLine
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
        if contract.orders.exclude(state__in=[OrderState.CANCELLED, OrderState.REJECTED]).exists():
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
    """Cancel (by the rep, before approval) or reject (by an order manager, R18), each with
    its reason."""

    def prepare(order: Order) -> None:
        if name == "cancel":
            order.cancel_reason = reason.strip()[:200]
        elif name == "reject":
            order.reject_reason = reason.strip()[:500]

    return run_transition(Order, pk=order_id, name=name, actor=actor, prepare=prepare,
                          allowed={"cancel", "reject"})  # fmt: skip


def _lines_for_approval(order: Order) -> list[OrderLine]:
    return list(order.lines.select_for_update(of=("self",))
                .select_related("site", "location", "offering")
                .prefetch_related("offering__specifications").order_by("pk"))  # fmt: skip


def order_approve(*, actor, order_id: int) -> Order:
    """R18: an order manager approves a pending order when the financial and operational
    checks pass. In one transaction: the order goes in progress, each line gets its product
    inventory record in an inactive status, and the order is decomposed (R19). Two managers
    approving at once: the row lock lets one through; the other is told it already
    happened."""
    lines: list[OrderLine] = []
    plan = None

    def prepare(order: Order) -> None:
        nonlocal lines, plan
        if order.state != OrderState.PENDING:
            raise DomainError(f"{order.number} is {order.get_state_display().lower()} now: "
                              "someone decided it a moment ago. Reload the page.")  # fmt: skip
        lines = _lines_for_approval(order)
        plan = plan_order(order, lines)
        order.approval = [check.as_dict() for check in approval_checks(order, lines, plan)]

    with transaction.atomic():
        order = run_transition(Order, pk=order_id, name="approve", actor=actor,
                               prepare=prepare, allowed={"approve"})  # fmt: skip
        for line in lines:
            _create_inventory(order, line, actor)
            line.start()
            _save(line, actor, reason="approve")
        _decompose(order, plan, actor)
    return order


def _create_inventory(order: Order, line: OrderLine, actor) -> None:
    if line.product_id:
        return
    line.product = product_inventory_create_pending(
        actor=actor, account=order.account, site=line.site, location=line.location,
        offering=line.offering, sales_contract=order.sales_contract,
        characteristics=line.characteristics, quantity=line.quantity,
        net_recurring=line.net_recurring, currency=order.quote.currency,
        order_date=timezone.localdate(), reason=f"approved {order.number}",
    )  # fmt: skip


def _decompose(order: Order, plan, actor) -> None:
    """Store the plan: domain orders per site and domain, their dependencies and the child
    lines. What exists already is kept, so decomposing twice creates nothing twice."""
    existing = {(d.site_id, d.domain): d for d in order.domain_orders.all()}
    for key, planned in plan.domain_orders.items():
        if key not in existing:
            domain_order = DomainOrder(order=order, site=planned.site, location=planned.location,
                                       domain=planned.domain, stage=planned.stage)  # fmt: skip
            _save(domain_order, actor, reason=f"decomposed {order.number}")
            existing[key] = domain_order
    links = set(DomainOrderDependency.objects.filter(domain_order__order=order)
                .values_list("domain_order_id", "depends_on_id"))  # fmt: skip
    for key, planned in plan.domain_orders.items():
        for target, why in planned.waits_for.items():
            pair = (existing[key].pk, existing[target].pk)
            if pair not in links:
                _save(DomainOrderDependency(domain_order_id=pair[0], depends_on_id=pair[1],
                                            reason=why), actor, reason="decomposed")  # fmt: skip
                links.add(pair)
    made = set(ChildLine.objects.filter(order_line__order=order)
               .values_list("order_line_id", "specification_id"))  # fmt: skip
    for line_id, children in plan.children.items():
        for child in children:
            spec = child.item.specification
            if (line_id, spec.pk) not in made:
                _save(ChildLine(order_line_id=line_id, specification=spec,
                                domain_order=existing[child.key], via=child.item.via[:100]),
                      actor, reason="decomposed")  # fmt: skip
    if order.decomposed_at is None:
        order.decomposed_at = timezone.now()
        _save(order, actor, reason="decomposed")


def order_decompose(*, actor, order_id: int) -> Order:
    """R19 on its own: decompose an approved order again from the catalog (e.g. after an
    interrupted approval); idempotent."""
    with transaction.atomic():
        order = Order.objects.select_for_update().select_related("quote").get(pk=order_id)
        if order.state != OrderState.IN_PROGRESS:
            raise DomainError(f"{order.number} is {order.get_state_display().lower()}: only "
                              "approved orders are decomposed.")  # fmt: skip
        _decompose(order, plan_order(order), actor)
    return order
