"""Business actions on quotes: create under the R9 preconditions, configure and price lines
per site (R10, R11), and move quotes through approval (TMF648 states)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format

from telcrm.fsm import DomainError
from telcrm.services import run_system_transition, run_transition, save

from .. import catalog
from ..choices import AgreementState, QuoteState, Stage
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
from .accounts import _check_account_people, hierarchy_check
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
    *,
    actor,
    account: Account,
    valid_until: date,
    term_months: int = 36,
    opportunity: Opportunity | None = None,
    currency: str = "EUR",
    agreement: SalesAgreement | None = None,
) -> Quote:
    """Open a quote for a legal account. R9: its hierarchy must be complete (a child site,
    a location on every account); each missing piece is named. The given agreement, else the
    account's agreement in force, prices it; an opportunity in qualification moves to
    proposal."""
    with transaction.atomic():
        account = Account.objects.select_for_update().get(pk=account.pk)
        if not account.is_legal:
            raise DomainError(f"Quotes are made for a legal (root) account, not {account}.")
        check = hierarchy_check(account)
        if not check.complete:
            raise DomainError(
                "The account hierarchy is not ready for a quote: " + " ".join(check.problems),
                errors=list(check.problems),
            )
        if opportunity is not None and opportunity.account_id != account.pk:
            raise DomainError(f"{opportunity} belongs to another account.")
        if valid_until < timezone.localdate():
            raise DomainError("“Valid until” is in the past.")
        if agreement is not None and (
            agreement.account_id != account.pk
            or agreement.state not in (AgreementState.ACTIVE, AgreementState.NEGOTIATION)
        ):
            raise DomainError(f"{agreement} does not price quotes for {account} now.")
        agreement = agreement or agreement_for(account)
        if agreement is not None and agreement.currency != currency:
            raise DomainError(
                f"{agreement} prices this customer's quotes in {agreement.currency}: make the "
                f"quote in {agreement.currency}."
            )
        quote = Quote(
            account=account,
            opportunity=opportunity,
            agreement=agreement,
            owner=opportunity.owner if opportunity else actor,
            team=account.team,
            currency=currency,
            term_months=term_months,
            valid_until=valid_until,
        )
        _check_account_people(quote)
        save(quote, actor=actor)
        if opportunity is not None and opportunity.stage == Stage.QUALIFICATION:
            opportunity_transition(actor=actor, opportunity_id=opportunity.pk, name="to_proposal")
    return quote


def price_quote_line(line: QuoteLine, agreement_line: AgreementLine | None, threshold: Decimal):
    """List (catalog) -> agreement price -> discount -> net, and feasibility at the site's
    location (R10, R11). Raises :class:`DomainError` naming bad characteristics."""
    offering = line.offering
    if problem := catalog.currency_problem(offering, line.quote.currency, "quote"):
        raise DomainError(problem)
    config, line.characteristics, price = catalog.priced_configuration(
        offering, line.characteristics
    )
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
                raise DomainError(f"{line.site} has no location.")
            line.location = location
            if not line.pk and not line.offering.is_sellable():
                raise DomainError(f"{line.offering.name} is not sellable.")
            if problem := catalog.eligibility_problem(
                line.offering, customer=quote.account, site=line.site, country=location.country
            ):
                raise DomainError(problem)
            price_quote_line(
                line, agreement_line(quote, line.offering), discount_threshold(line.offering.kind)
            )
        if conflicts := _new_conflicts(quote, changed=lines):
            messages = [c.message for c in conflicts]
            raise DomainError(" ".join(messages), errors=messages)
        for line in lines:
            save(line, actor=actor)
        _refresh_approval_flag(quote, actor)
    return lines


def _new_conflicts(quote: Quote, *, changed=(), removed: QuoteLine | None = None):
    """The conflicts among the quote's lines at the touched sites that saving ``changed``
    (or deleting ``removed``) would create; conflicts already there do not block a change,
    so that they can be fixed one step at a time (approval refuses them all)."""
    touched = [*changed, *([removed] if removed else [])]
    before = list(
        quote.lines.filter(site_id__in={line.site_id for line in touched}).select_related(
            "offering", "site"
        )
    )
    replaced = {line.pk for line in touched if line.pk}
    after = [line for line in before if line.pk not in replaced] + list(changed)
    known = {conflict.message for conflict in catalog.line_conflicts(before)}
    return [c for c in catalog.line_conflicts(after) if c.message not in known]


def quote_line_delete(*, actor, line: QuoteLine) -> None:
    with transaction.atomic():
        quote = _lock_editable(line.quote_id)
        if conflicts := _new_conflicts(quote, removed=line):
            dependant = conflicts[0].lines[0]
            raise DomainError(
                f"{line.offering.name} at {line.site.name} cannot be deleted: "
                f"{conflicts[0].message} Delete {dependant.offering.name} there first."
            )
        line._history_user = actor
        line.delete()
        _refresh_approval_flag(quote, actor)


def quote_transition(*, actor, quote_id: int, name: str, comment: str = "") -> Quote:
    """Submit, finalise, approve, send back (with a comment), reopen, accept, reject, cancel
    or expire a quote (R11, TMF648)."""

    def prepare(quote: Quote) -> None:
        if not quote.is_current:
            raise DomainError(f"{quote} is superseded by a newer version.")
        if name == "accept" and (refusal := quote.expiry_refusal()):
            raise DomainError(refusal)  # with its date, even before the daily expiry ran
        if name in ("submit", "finalise") and (conflicts := quote.line_conflicts()):
            raise DomainError(
                "The quote cannot go for approval: " + " ".join(c.message for c in conflicts),
                errors=[c.message for c in conflicts],
            )
        if name in ("approve", "send_back"):
            quote.approval_comment = comment.strip()[:300]
        if name == "approve":
            quote.approved_by = actor

    return run_transition(
        Quote,
        pk=quote_id,
        name=name,
        actor=actor,
        prepare=prepare,
        allowed={
            "submit",
            "finalise",
            "approve",
            "send_back",
            "reopen",
            "accept",
            "reject",
            "cancel",
            "expire",
        },
    )


def quotes_expire_due() -> list[Quote]:
    """The daily expiry (R11): approved current quote versions past their valid-until date
    expire, each in its own transaction, in the system's name. Safe to run twice."""
    due = Quote.objects.filter(
        is_current=True, state=QuoteState.APPROVED, valid_until__lt=timezone.localdate()
    )
    expired = []
    for pk, valid_until in due.order_by("pk").values_list("pk", "valid_until"):
        reason = f"expired: valid until {date_format(valid_until, 'j M Y')}"
        if quote := run_system_transition(Quote, pk=pk, name="expire", reason=reason):
            expired.append(quote)
    return expired


def quote_from_agreement(*, actor, agreement_id: int) -> Quote:
    """R8: a new quote for the agreement's customer in one step, priced by the agreement's
    terms and carrying its SLAs, valid for 30 days (never past the agreement's end)."""
    agreement = SalesAgreement.objects.select_related("account").get(pk=agreement_id)
    if agreement.state not in (AgreementState.ACTIVE, AgreementState.NEGOTIATION):
        raise DomainError(
            f"{agreement} is {agreement.get_state_display().lower()}: only an active agreement "
            "or one in negotiation prices new quotes."
        )
    valid_until = timezone.localdate() + timedelta(days=30)
    if agreement.valid_to:
        valid_until = min(valid_until, agreement.valid_to)
    return quote_create(
        actor=actor,
        account=agreement.account,
        agreement=agreement,
        valid_until=valid_until,
        currency=agreement.currency,
    )


LINE_COPY_EXCLUDE = {"id", "quote"}


def quote_revise(*, actor, quote_id: int) -> Quote:
    """R11: version n+1 as a copy of the current version (header, lines with their prices and
    keys), in draft; version n is kept as it was, superseded and read-only."""
    with transaction.atomic():
        old = Quote.objects.select_for_update().get(pk=quote_id)
        if not old.is_current:
            raise DomainError(f"{old} is already superseded: revise the current version.")
        if not old.revisable:
            raise DomainError(
                f"{old} is {old.get_state_display().lower()}: "
                + (
                    "change it directly."
                    if old.state == QuoteState.DRAFT
                    else "a cancelled quote cannot be revised."
                )
            )
        old.is_current = False
        save(old, actor=actor, reason=f"superseded by v{old.version + 1}")
        new = Quote(
            number=old.number,
            version=old.version + 1,
            is_current=True,
            account=old.account,
            opportunity=old.opportunity,
            agreement=old.agreement,
            owner=old.owner,
            team=old.team,
            currency=old.currency,
            term_months=old.term_months,
            valid_until=max(old.valid_until, timezone.localdate() + timedelta(days=30)),
            needs_approval=old.needs_approval,
        )
        save(new, actor=actor, reason=f"revised from v{old.version}")
        copies = []
        for line in old.lines.all():
            values = {
                f.attname: getattr(line, f.attname)
                for f in QuoteLine._meta.concrete_fields
                if f.name not in LINE_COPY_EXCLUDE
            }
            copies.append(QuoteLine(quote=new, **values))
        QuoteLine.objects.bulk_create(copies)
        QuoteLine.history.bulk_history_create(
            copies, default_user=actor, default_change_reason=f"copied from v{old.version}"
        )
    return new


def _reprice_quote(quote: Quote, actor, reason: str) -> bool:
    """Reprice every line of a locked quote from its agreement's current terms; True when a
    price changed. Quotes waiting for or holding an approval go back to draft (R11)."""
    agreement_lines = AgreementLine.objects.filter(agreement_id=quote.agreement_id)
    terms = {terms.offering_id: terms for terms in agreement_lines}
    changed = False
    for line in quote.lines.select_related("offering", "location"):
        before = (
            line.agreement_recurring,
            line.agreement_one_time,
            line.net_recurring,
            line.net_one_time,
            line.needs_approval,
        )
        try:
            price_quote_line(
                line, terms.get(line.offering_id), discount_threshold(line.offering.kind)
            )
        except DomainError:
            continue  # a configuration the catalog no longer accepts keeps its old price
        after = (
            line.agreement_recurring,
            line.agreement_one_time,
            line.net_recurring,
            line.net_one_time,
            line.needs_approval,
        )
        if after != before:
            save(line, actor=actor, reason=reason)
            changed = True
    if not changed:
        return False
    quote.needs_approval = quote.lines.filter(needs_approval=True).exists()
    quote.price_notice = f"{timezone.localdate():%d %b %Y}: {reason}"[:300]
    if quote.state in (QuoteState.PENDING, QuoteState.APPROVED):
        quote.agreement_repriced()
        quote.price_notice = (quote.price_notice + " It needs approval again.")[:300]
    save(quote, actor=actor, reason=reason)
    return True


def reprice_agreement_quotes(
    *, actor, agreement_id: int, reason: str, exclude: int | None = None
) -> list[Quote]:
    """R7: the agreement's terms changed, so its open quotes (current versions not yet
    accepted) are repriced; each changed quote tells its owner why."""
    with transaction.atomic():
        quotes = list(
            Quote.objects.select_for_update()
            .filter(
                agreement_id=agreement_id,
                is_current=True,
                state__in=[QuoteState.DRAFT, QuoteState.PENDING, QuoteState.APPROVED],
            )
            .exclude(pk=exclude)
            .order_by("pk")
        )
        return [quote for quote in quotes if _reprice_quote(quote, actor, reason)]


def quote_line_promote(*, actor, line_id: int) -> AgreementLine:
    """R7: make the net price negotiated on a quote line the agreement's price for that
    offering (base prices such that this configuration costs exactly that net), audited, and
    reprice the agreement's other open quotes."""
    with transaction.atomic():
        line = QuoteLine.objects.select_related("offering", "quote").get(pk=line_id)
        quote = Quote.objects.select_for_update().get(pk=line.quote_id)
        if not quote.is_current or quote.state not in (
            QuoteState.DRAFT,
            QuoteState.PENDING,
            QuoteState.APPROVED,
        ):
            raise DomainError(f"{quote} is not open: promote prices from an open quote.")
        if quote.agreement_id is None:
            raise DomainError(f"{quote} has no agreement to promote a price into.")
        agreement = SalesAgreement.objects.select_for_update().get(pk=quote.agreement_id)
        if not agreement.editable:
            raise DomainError(
                f"{agreement} is {agreement.get_state_display().lower()}: its terms are fixed."
            )
        if not line.discount_percent:
            raise DomainError("This line has no negotiated discount to promote.")
        offering = line.offering
        recurring = _cents(offering.recurring_price + line.net_recurring - line.list_recurring)
        one_time = _cents(offering.one_time_price + line.net_one_time - line.list_one_time)
        if recurring < 0 or one_time < 0:
            raise DomainError(
                "This discount is deeper than the offering's base price: it cannot become a "
                "negotiated price. Agree a discount % on the agreement instead."
            )
        terms = AgreementLine.objects.filter(agreement=agreement, offering=offering).first()
        terms = terms or AgreementLine(agreement=agreement, offering=offering)
        terms.recurring_price, terms.one_time_price = recurring, one_time
        terms.discount_percent = None
        reason = (
            f"{offering.name} negotiated on {quote} promoted into {agreement.number}: "
            f"{recurring} {quote.currency}/month, {one_time} one-time."
        )
        save(terms, actor=actor, reason=f"promoted from {quote} into {agreement.number}")
        SalesAgreement.objects.filter(pk=agreement.pk).update(updated_at=timezone.now())
        # The promoted line now gets its price from the agreement instead of a discount.
        line.discount_percent = Decimal("0")
        price_quote_line(line, terms, discount_threshold(offering.kind))
        save(line, actor=actor, reason=f"price promoted into {agreement.number}")
        _refresh_approval_flag(quote, actor)
        reprice_agreement_quotes(
            actor=actor, agreement_id=agreement.pk, reason=reason, exclude=quote.pk
        )
    return terms


def quote_notice_dismiss(*, actor, quote_id: int) -> None:
    """The owner has seen why their quote was repriced."""
    with transaction.atomic():
        quote = Quote.objects.select_for_update().get(pk=quote_id)
        if quote.price_notice:
            quote.price_notice = ""
            save(quote, actor=actor, reason="repricing notice seen")
