"""Business actions on orders: one function per action, atomic, locked, audited."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from cmdb.services import PendingProduct, product_inventories_create_pending
from contracts.choices import ContractState
from contracts.models import SalesContract
from sales.catalog import characteristic_specs, characteristics_text
from sales.choices import BillingProfileState, QuoteState
from sales.models import BillingProfile, Contact, Quote
from sales.services.quotes import quote_revise
from telcrm.fsm import DomainError, check_version
from telcrm.services import run_transition, save, save_new, transition_all

from .approval import approval_checks
from .choices import OrderState
from .decomposition import plan_order
from .models import ChildLine, DomainOrder, DomainOrderDependency, Order, OrderLine
from .validation import validate_order


def order_create(
    *,
    actor,
    contract_id: int,
    billing_profile: BillingProfile | None,
    requested_date: date | None,
    notes: str = "",
) -> Order:
    """R15: an order from an active sales contract (so from the signed quote). An active
    billing profile of the customer is mandatory. Header and lines mirror the contract, each
    line linked to its contract line and quote line; each site's first contact is proposed as
    the order contact."""
    with transaction.atomic():
        contract = (
            SalesContract.objects.select_for_update().select_related("account").get(pk=contract_id)
        )
        if contract.state != ContractState.ACTIVE:
            raise DomainError(
                f"{contract.number} is {contract.get_state_display().lower()}: "
                "orders are made from an active sales contract."
            )
        held = Order.objects.filter(quote__number=contract.quote.number, state=OrderState.HELD)
        if held.exists():
            raise DomainError(
                f"{held.first().number} waits for this quote version: revise that "
                "order from it instead."
            )
        if contract.orders.exclude(state__in=[OrderState.CANCELLED, OrderState.REJECTED]).exists():
            raise DomainError(f"{contract.number} is already ordered.")
        if billing_profile is None:
            raise DomainError("Choose the customer's billing profile: it is mandatory.")
        if billing_profile.account_id != contract.account_id:
            raise DomainError(f"{billing_profile} belongs to another customer.")
        if billing_profile.state != BillingProfileState.ACTIVE:
            raise DomainError(f"{billing_profile} is not active: choose an active billing profile.")
        if requested_date is None or requested_date < timezone.localdate():
            raise DomainError("The requested delivery date must be today or later.")
        order = Order(
            sales_contract=contract,
            quote_id=contract.quote_id,
            account=contract.account,
            billing_profile=billing_profile,
            requested_date=requested_date,
            notes=notes,
            owner=contract.owner,
            team=contract.team,
        )
        save(order, actor=actor, reason=f"from {contract.number}")
        lines = list(contract.lines.select_related("site").order_by("site__name", "pk"))
        contacts = {}
        for contact in Contact.objects.filter(account__in={line.site_id for line in lines}):
            contacts.setdefault(contact.account_id, contact)
        for line in lines:
            save(
                OrderLine(
                    order=order,
                    contract_line=line,
                    quote_line_id=line.quote_line_id,
                    site_contact=contacts.get(line.site_id),
                    **{f: getattr(line, f) for f in OrderLine.MIRRORED_FIELDS},
                ),
                actor=actor,
                reason=f"mirrors {contract.number}",
            )
    return order


def _lock_editable(order_id: int) -> Order:
    order = Order.objects.select_for_update().get(pk=order_id)
    if not order.editable:
        raise DomainError(
            f"{order.number} is {order.get_state_display().lower()}: its details are fixed."
        )
    return order


def order_details_save(*, actor, order: Order, version: str = "") -> Order:
    """R16: the non-commercial details of an order (requested date, notes) change on the
    order itself."""
    with transaction.atomic():
        current = _lock_editable(order.pk)
        check_version(current, version)
        if order.requested_date < timezone.localdate():
            raise DomainError("The requested delivery date must be today or later.")
        save(order, actor=actor)
    return order


COMMERCIAL_LABELS = {
    "site_id": "site",
    "location_id": "location",
    "offering_id": "offering",
    "characteristics": "configuration",
    "quantity": "quantity",
    "net_recurring": "price",
    "net_one_time": "price",
    "surcharge": "build surcharge",
}


def order_line_details_save(*, actor, line: OrderLine) -> OrderLine:
    """R16: a line's site contact, access and technical notes change on the order; a
    commercial change (offering, quantity, price, configuration) is refused, naming it, and
    the user is sent to reopen the quote."""
    with transaction.atomic():
        order = _lock_editable(line.order_id)
        stored = OrderLine.objects.get(pk=line.pk, order=order)
        changed = sorted(
            {
                COMMERCIAL_LABELS[f]
                for f in OrderLine.MIRRORED_FIELDS
                if getattr(stored, f) != getattr(line, f)
            }
        )
        if changed:
            raise DomainError(
                f"The {' and '.join(changed)} of a line is commercial: it is not changed on "
                f"the order. Reopen the quote {order.quote.number} as a new version "
                f"(its owner {order.quote.owner.get_full_name() or order.quote.owner} can), "
                "have it accepted and signed, and the order is revised from it."
            )
        if line.site_contact_id and line.site_contact.account_id != line.site_id:
            raise DomainError(f"{line.site_contact} is not a contact of {line.site.name}.")
        save(line, actor=actor)
    return line


def _keep_validation(order: Order, checks: list) -> None:
    order.validation = [check.as_dict() for check in checks]
    order.validated_at = timezone.now()


def _record_validation(order: Order, actor, checks: list | None = None) -> list:
    checks = validate_order(order) if checks is None else checks
    _keep_validation(order, checks)
    passed = sum(check.passed for check in checks)
    save(order, actor=actor, reason=f"validated: {passed} of {len(checks)} checks passed")
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
        checks = validate_order(order)
        failed = [check for check in checks if not check.passed]
        if not failed:
            # The passing result is kept with the submission itself: one entry in the
            # history ("Submit for approval"), not a second "validated" after the user's own.
            return run_transition(
                Order,
                pk=order_id,
                name="submit",
                actor=actor,
                allowed={"submit"},
                prepare=lambda locked: _keep_validation(locked, checks),
            )
        _record_validation(order, actor, checks)  # kept, so the page shows what failed
    raise DomainError(
        "The order cannot go for approval: "
        + "; ".join(f"{c.name} ({' '.join(c.problems)})" for c in failed),
        errors=[c.name for c in failed],
    )


def order_transition(*, actor, order_id: int, name: str, reason: str = "") -> Order:
    """Cancel (by the rep, before approval) or reject (by an order manager, R18), each with
    its reason."""

    def prepare(order: Order) -> None:
        if name == "cancel":
            order.cancel_reason = reason.strip()[:200]
        elif name == "reject":
            order.reject_reason = reason.strip()[:500]

    return run_transition(
        Order, pk=order_id, name=name, actor=actor, prepare=prepare, allowed={"cancel", "reject"}
    )


def _lines_for_approval(order: Order) -> list[OrderLine]:
    return list(
        order.lines.select_for_update(of=("self",))
        .select_related("site", "location", "offering")
        .prefetch_related("offering__specifications")
        .order_by("pk")
    )


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
            raise DomainError(
                f"{order.number} is {order.get_state_display().lower()} now: "
                "someone decided it a moment ago. Reload the page."
            )
        lines = _lines_for_approval(order)
        plan = plan_order(order, lines)
        order.approval = [check.as_dict() for check in approval_checks(order, lines, plan)]

    with transaction.atomic():
        order = run_transition(
            Order, pk=order_id, name="approve", actor=actor, prepare=prepare, allowed={"approve"}
        )
        _create_inventory(order, lines, actor)
        transition_all(lines, "start", actor=actor, reason="approve", fields=("product",))
        _decompose(order, plan, actor)
    return order


def _create_inventory(order: Order, lines: list[OrderLine], actor) -> None:
    """Each line without its inventory record gets one (R18), all in one write."""
    new = [line for line in lines if not line.product_id]
    products = product_inventories_create_pending(
        actor=actor,
        products=[
            PendingProduct(
                account=order.account,
                site=line.site,
                location=line.location,
                offering=line.offering,
                sales_contract=order.sales_contract,
                characteristics=line.characteristics,
                quantity=line.quantity,
                net_recurring=line.net_recurring,
                currency=order.quote.currency,
                order_date=timezone.localdate(),
            )
            for line in new
        ],
        reason=f"approved {order.number}",
    )
    for line, product in zip(new, products, strict=True):
        line.product = product


def _decompose(order: Order, plan, actor) -> None:
    """Store the plan: domain orders per site and domain, their dependencies and the child
    lines, each kind written at once. What exists already is kept, so decomposing twice
    creates nothing twice."""
    existing = {(d.site_id, d.domain): d for d in order.domain_orders.all()}
    new = {
        key: DomainOrder(
            order=order,
            site=planned.site,
            location=planned.location,
            domain=planned.domain,
            stage=planned.stage,
        )
        for key, planned in plan.domain_orders.items()
        if key not in existing
    }
    save_new(DomainOrder, list(new.values()), actor=actor, reason=f"decomposed {order.number}")
    existing |= new
    links = set(
        DomainOrderDependency.objects.filter(domain_order__order=order).values_list(
            "domain_order_id", "depends_on_id"
        )
    )
    dependencies = []
    for key, planned in plan.domain_orders.items():
        for target, why in planned.waits_for.items():
            pair = (existing[key].pk, existing[target].pk)
            if pair not in links:
                dependencies.append(
                    DomainOrderDependency(
                        domain_order_id=pair[0], depends_on_id=pair[1], reason=why
                    )
                )
                links.add(pair)
    save_new(DomainOrderDependency, dependencies, actor=actor, reason="decomposed")
    made = set(
        ChildLine.objects.filter(order_line__order=order).values_list(
            "order_line_id", "specification_id"
        )
    )
    children = []
    for line_id, planned_children in plan.children.items():
        for child in planned_children:
            spec = child.item.specification
            if (line_id, spec.pk) not in made:
                children.append(
                    ChildLine(
                        order_line_id=line_id,
                        specification=spec,
                        domain_order=existing[child.key],
                        via=child.item.via[:100],
                    )
                )
                made.add((line_id, spec.pk))
    save_new(ChildLine, children, actor=actor, reason="decomposed")
    if order.decomposed_at is None:
        order.decomposed_at = timezone.now()
        save(order, actor=actor, reason="decomposed")


def order_decompose(*, actor, order_id: int) -> Order:
    """R19 on its own: decompose an approved order again from the catalog (e.g. after an
    interrupted approval); idempotent."""
    with transaction.atomic():
        order = Order.objects.select_for_update().select_related("quote").get(pk=order_id)
        if order.state != OrderState.IN_PROGRESS:
            raise DomainError(
                f"{order.number} is {order.get_state_display().lower()}: only "
                "approved orders are decomposed."
            )
        _decompose(order, plan_order(order), actor)
    return order


def order_reopen_quote(*, actor, order_id: int) -> Quote:
    """R16: for a commercial change, the order's quote gets its next version (a draft copy)
    and the order is held until that version is accepted, signed and contracted."""
    with transaction.atomic():
        order = Order.objects.select_for_update().select_related("quote").get(pk=order_id)
        if order.state != OrderState.ACKNOWLEDGED:
            raise DomainError(
                f"{order.number} is {order.get_state_display().lower()}: only an "
                "order not yet submitted reopens its quote."
            )
        new = quote_revise(actor=actor, quote_id=order.quote_id)
        order.hold()
        save(order, actor=actor, reason=f"held: {new} reopened")
    return new


def revision_source(order: Order) -> tuple[Quote | None, SalesContract | None, str]:
    """The quote version and active contract an held order is revised from, or what is still
    missing."""
    current = Quote.objects.filter(number=order.quote.number, is_current=True).first()
    if current is None or current.pk == order.quote_id:
        return None, None, f"{order.quote} has no newer version."
    if current.state != QuoteState.ACCEPTED:
        return (
            current,
            None,
            (
                f"{current} is {current.get_state_display().lower()}: it must be "
                "accepted and signed by the customer first."
            ),
        )
    contract = SalesContract.objects.filter(quote=current, state=ContractState.ACTIVE).first()
    if contract is None:
        return current, None, f"{current} needs its sales contract, in force, first."
    return current, contract, ""


def order_revise(*, actor, order_id: int) -> Order:
    """R16: revise a held order from the accepted, signed and contracted new quote version:
    lines matched by their quote line key are changed or kept, new ones added, missing ones
    removed; each line's links point at the new quote line and contract line. The
    difference is kept on the order; it goes back to acknowledged, to validate again."""
    with transaction.atomic():
        order = Order.objects.select_for_update().select_related("quote").get(pk=order_id)
        if order.state != OrderState.HELD:
            raise DomainError(
                f"{order.number} is {order.get_state_display().lower()}: only a "
                "held order is revised from its quote."
            )
        quote, contract, missing = revision_source(order)
        if missing:
            raise DomainError(f"{order.number} cannot be revised yet: {missing}")
        old = {
            line.quote_line.key: line
            for line in order.lines.select_related("quote_line", "site", "offering")
        }
        new = {
            line.quote_line.key: line
            for line in contract.lines.select_related("quote_line", "site", "offering").order_by(
                "site__name", "pk"
            )
        }
        diff = []
        for key, line in old.items():
            if key not in new:
                diff.append({"change": "removed", "line": str(line), "fields": []})
                line._history_user = actor
                line._change_reason = f"removed by {quote}"
                line.delete()
        for key, source in new.items():
            line = old.get(key)
            if line is None:
                line = OrderLine(
                    order=order, quote_line_id=source.quote_line_id, contract_line=source
                )
                for f in OrderLine.MIRRORED_FIELDS:
                    setattr(line, f, getattr(source, f))
                line.site_contact = Contact.objects.filter(account_id=source.site_id).first()
                diff.append({"change": "added", "line": str(source), "fields": []})
            else:
                fields = [
                    _field_change(f, getattr(line, f), getattr(source, f))
                    for f in OrderLine.MIRRORED_FIELDS
                    if getattr(line, f) != getattr(source, f)
                ]
                if fields:
                    diff.append({"change": "changed", "line": str(line), "fields": fields})
                for f in OrderLine.MIRRORED_FIELDS:
                    setattr(line, f, getattr(source, f))
                line.quote_line_id, line.contract_line = source.quote_line_id, source
            save(line, actor=actor, reason=f"revised from {quote}")
        order.quote, order.sales_contract = quote, contract
        order.validation, order.validated_at, order.revision = [], None, diff
        order.revise()
        save(order, actor=actor, reason=f"revised from {quote}")
    return order


def _field_change(field: str, before, after) -> str:
    label = OrderLine._meta.get_field(field.removesuffix("_id")).verbose_name
    if field.endswith("_id"):
        model = OrderLine._meta.get_field(field.removesuffix("_id")).related_model
        names = {obj.pk: str(obj) for obj in model.objects.filter(pk__in=[before, after])}
        before, after = names.get(before, before), names.get(after, after)
    if field == "characteristics":
        specs = characteristic_specs()
        before, after = characteristics_text(before, specs), characteristics_text(after, specs)
    return f"{label}: {before} → {after}"
