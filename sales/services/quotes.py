"""Business actions on quotes: create under the R9 preconditions, configure and price lines
per site (R10, R11), and move quotes through approval (TMF648 states)."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import timezone

from telcrm.fsm import DomainError, run_transition

from .. import catalog
from ..choices import AgreementState, Stage
from ..models import (
    Account,
    AgreementLine,
    DiscountThreshold,
    Opportunity,
    ProductOffering,
    Quote,
    QuoteLine,
    SalesAgreement,
)
from ..models.catalog import as_text
from .accounts import _save, hierarchy_check
from .leads import opportunity_transition

CENT = Decimal("0.01")
HUNDRED = Decimal("100")


def _cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def agreement_for(account: Account) -> SalesAgreement | None:
    """The agreement that prices new quotes: the active one, else one in negotiation."""
    in_force = SalesAgreement.objects.filter(account=account).in_force()
    return (
        in_force.filter(state=AgreementState.ACTIVE).order_by("-valid_from").first()
        or in_force.order_by("-valid_from").first()
    )


def discount_threshold(kind: str) -> Decimal:
    """The highest discount % a rep may give on this kind of offering without approval."""
    rows = {t.offering_kind: t.max_discount_percent for t in DiscountThreshold.objects.all()}
    return rows.get(kind, rows.get("", Decimal("0")))


def quote_create(
    *, actor, account: Account, valid_until: date, term_months: int = 36,
    opportunity: Opportunity | None = None, currency: str = "EUR",
) -> Quote:  # fmt: skip
    """Open a quote for a legal account. R9: its hierarchy must be complete (a child site,
    a location on every account); each missing piece is named. The account's agreement in
    force prices it; an opportunity in qualification moves to proposal."""
    with transaction.atomic():
        account = Account.objects.select_for_update().get(pk=account.pk)
        if not account.is_legal:
            raise DomainError(f"Quotes are made for a legal (root) account, not {account}.")
        check = hierarchy_check(account)
        if not check.complete:
            raise DomainError(
                "The account hierarchy is not ready for a quote (R9): " + " ".join(check.problems),
                errors=[f"R9: {p}" for p in check.problems],
            )
        if opportunity is not None and opportunity.account_id != account.pk:
            raise DomainError(f"{opportunity} belongs to another account.")
        if valid_until < timezone.localdate():
            raise DomainError("“Valid until” is in the past.")
        quote = Quote(
            account=account, opportunity=opportunity, agreement=agreement_for(account),
            owner=opportunity.owner if opportunity else actor,
            team=opportunity.team if opportunity else account.team,
            currency=currency, term_months=term_months, valid_until=valid_until,
        )  # fmt: skip
        _save(quote, actor)
        if opportunity is not None and opportunity.stage == Stage.QUALIFICATION:
            opportunity_transition(actor=actor, opportunity_id=opportunity.pk, name="to_proposal")
    return quote


def price_quote_line(line: QuoteLine, agreement_line: AgreementLine | None, threshold: Decimal):
    """List (catalog) -> agreement price -> discount -> net, and feasibility at the site's
    location (R10, R11). Raises :class:`DomainError` naming bad characteristics."""
    offering = line.offering
    values = {k: v for k, v in (line.characteristics or {}).items() if v not in ("", None)}
    config, errors = catalog.validate_configuration(offering, values)
    if errors:
        raise DomainError(
            f"{offering.name}: " + "; ".join(e.message for e in errors),
            errors=[f"{offering.name}: {e.message}" for e in errors],
        )
    price = catalog.price_configuration(offering, config)
    line.characteristics = {k: as_text(v) for k, v in config.items()}
    line.list_recurring, line.list_one_time = price.recurring, price.one_time
    recurring, one_time = price.recurring, price.one_time
    if agreement_line is not None:
        # A negotiated price replaces the list base price; characteristic adders stay.
        if agreement_line.recurring_price is not None:
            recurring += agreement_line.recurring_price - offering.recurring_price
        if agreement_line.one_time_price is not None:
            one_time += agreement_line.one_time_price - offering.one_time_price
        if agreement_line.discount_percent is not None:
            factor = 1 - agreement_line.discount_percent / HUNDRED
            recurring, one_time = recurring * factor, one_time * factor
    line.agreement_recurring, line.agreement_one_time = _cents(recurring), _cents(one_time)
    factor = 1 - (line.discount_percent or Decimal("0")) / HUNDRED
    line.net_recurring = _cents(line.agreement_recurring * factor)
    line.net_one_time = _cents(line.agreement_one_time * factor)
    feasibility = catalog.check_feasibility(offering, config, line.location)
    line.feasibility = feasibility.status
    line.feasibility_reasons = feasibility.reasons
    line.surcharge = _cents(feasibility.surcharge)
    line.needs_approval = (line.discount_percent or 0) > threshold


def _lock_editable(quote_id: int) -> Quote:
    quote = Quote.objects.select_for_update().get(pk=quote_id)
    if not quote.editable:
        raise DomainError(
            f"{quote} is {quote.get_state_display().lower()}"
            + ("" if quote.is_current else " and superseded")
            + ": reopen it (or revise it) to change lines."
        )
    return quote


def agreement_line(quote: Quote, offering: ProductOffering) -> AgreementLine | None:
    if quote.agreement_id is None:
        return None
    return AgreementLine.objects.filter(agreement_id=quote.agreement_id, offering=offering).first()


def _refresh_approval_flag(quote: Quote, actor) -> None:
    needs = quote.lines.filter(needs_approval=True).exists()
    if needs != quote.needs_approval:
        quote.needs_approval = needs
        quote._history_user = actor
        quote.save(update_fields=["needs_approval", "updated_at"])


def quote_lines_save(*, actor, quote: Quote, lines: list[QuoteLine]) -> list[QuoteLine]:
    """Add or change lines of a draft quote: each at a site (child account) of the quote's
    account with that site's location (R9), priced and checked for feasibility (R10, R11).
    Several lines at once place the same configuration at many sites."""
    with transaction.atomic():
        quote = _lock_editable(quote.pk)
        tree = set(Account.objects.in_tree(quote.account_id).values_list("pk", flat=True))
        for line in lines:
            line.quote = quote
            if line.site_id not in tree or line.site_id == quote.account_id:
                raise DomainError(f"{line.site} is not a site (child account) of {quote.account}.")
            location = line.site.locations.order_by("-is_primary", "pk").first()
            if location is None:
                raise DomainError(f"{line.site} has no location (R9).")
            line.location = location
            if not line.pk and not line.offering.is_sellable():
                raise DomainError(f"{line.offering.name} is not sellable.")
            price_quote_line(line, agreement_line(quote, line.offering),
                             discount_threshold(line.offering.kind))  # fmt: skip
            _save(line, actor)
        _refresh_approval_flag(quote, actor)
    return lines


def quote_line_delete(*, actor, line: QuoteLine) -> None:
    with transaction.atomic():
        quote = _lock_editable(line.quote_id)
        line._history_user = actor
        line.delete()
        _refresh_approval_flag(quote, actor)


def quote_transition(*, actor, quote_id: int, name: str, comment: str = "") -> Quote:
    """Submit, finalise, approve, send back (with a comment), reopen, accept, reject, cancel
    or expire a quote (R11, TMF648)."""

    def prepare(quote: Quote) -> None:
        if not quote.is_current:
            raise DomainError(f"{quote} is superseded by a newer version.")
        if name in ("approve", "send_back"):
            quote.approval_comment = comment.strip()[:300]
        if name == "approve":
            quote.approved_by = actor

    return run_transition(
        Quote, pk=quote_id, name=name, actor=actor, prepare=prepare,
        allowed={"submit", "finalise", "approve", "send_back", "reopen", "accept", "reject",
                 "cancel", "expire"},
    )  # fmt: skip
