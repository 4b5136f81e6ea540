"""Business actions on leads and opportunities (R1-R5)."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from telcrm.fsm import DomainError, check_version
from telcrm.services import run_transition, save

from .. import catalog
from ..choices import AccountState, LeadState
from ..models import (
    Account,
    Lead,
    LeadLine,
    Location,
    Opportunity,
    OpportunityLine,
)
from .accounts import (
    _check_account_people,
    _check_assignment,
    account_create,
    location_save,
)


def price_line(line: LeadLine | OpportunityLine, *, new_offering: bool) -> None:
    """Give a catalog line the catalog's preliminary price for its characteristics (R4).

    Raises :class:`DomainError` naming each bad characteristic, or an offering that can no
    longer be sold."""
    if line.offering_id is None:
        line.characteristics = {}
        line.unit_recurring = line.unit_one_time = 0
        return
    offering = line.offering
    record = line.lead if isinstance(line, LeadLine) else line.opportunity
    if problem := catalog.currency_problem(offering, record.currency, record._meta.verbose_name):
        raise DomainError(problem)
    if new_offering and not offering.is_sellable():
        raise DomainError(f"{offering.name} is not sellable ({offering.get_state_display()}).")
    _, line.characteristics, price = catalog.priced_configuration(offering, line.characteristics)
    line.unit_recurring = price.recurring
    line.unit_one_time = price.one_time
    line.manual_estimate = None


# Leads -------------------------------------------------------------------------------------


def lead_save(
    *,
    actor,
    lead: Lead,
    lines: list[LeadLine] = (),
    removed: list[LeadLine] = (),
    version: str = "",
) -> Lead:
    """Create or edit a lead with its lines. A converted lead is closed for edits."""
    with transaction.atomic():
        if lead.pk:
            current = Lead.objects.select_for_update().get(pk=lead.pk)
            check_version(current, version)
            if current.state == LeadState.CONVERTED:
                raise DomainError(f"{current} is converted: edit its opportunity instead.")
        else:
            lead.owner_id = lead.owner_id or actor.pk
            if not lead.team_id:  # the owner's team sees it too (R29)
                lead.team = lead.owner.sales_teams.order_by("name").first()
        _check_assignment(actor, lead, current if lead.pk else None)
        save(lead, actor=actor)
        for line in removed:
            line._history_user = actor
            line.delete()
        for line in lines:
            line.lead = lead
            previous = LeadLine.objects.filter(pk=line.pk).values_list("offering", flat=True)
            price_line(line, new_offering=not line.pk or line.offering_id not in previous)
            save(line, actor=actor)
        catalog.require_currency(lead.lines.select_related("offering"), lead.currency, "lead")
    return lead


def lead_transition(*, actor, lead_id: int, name: str, reason: str = "") -> Lead:
    """Start work, qualify, disqualify (with a reason) or reopen a lead (R2)."""

    def prepare(lead: Lead) -> None:
        if name == "disqualify":
            lead.disqualify_reason = reason.strip()[:200]

    return run_transition(
        Lead,
        pk=lead_id,
        name=name,
        actor=actor,
        prepare=prepare,
        allowed={"start_work", "qualify", "disqualify", "reopen"},
    )


def lead_convert(
    *,
    actor,
    lead_id: int,
    account: Account | None = None,
    new_account: dict | None = None,
    opportunity_name: str = "",
    expected_close_date: date,
) -> Opportunity:
    """Turn a qualified lead into an opportunity on an account, in one step (R3).

    ``account``: an existing legal account; or ``new_account``: ``name``, and the first
    site's ``site_name`` with its address (``address_line1``, ``postcode``, ``city``,
    ``country``), made here in the same transaction. No account, no conversion. The lead's
    lines become the opportunity's lines; the lead links to the opportunity."""
    with transaction.atomic():
        lead = Lead.objects.select_for_update().get(pk=lead_id)
        if lead.state != LeadState.QUALIFIED:
            raise DomainError(
                f"Only a qualified lead can be converted; {lead} is {lead.get_state_display()}."
            )
        if account is None and not new_account:
            raise DomainError("Choose an existing account or create a new one.")
        if account is None:
            account = _account_from_lead(actor, lead, new_account)
        elif not account.is_legal or account.state == AccountState.CLOSED:
            raise DomainError(f"{account} cannot take opportunities: pick an open legal account.")
        default_name = f"{account.name}: {lead.description[:60] or 'new business'}"
        opportunity = Opportunity(
            name=opportunity_name.strip() or default_name,
            account=account,
            owner=lead.owner,
            team=account.team,
            expected_close_date=expected_close_date,
            currency=lead.currency,
        )
        _check_account_people(opportunity)
        save(opportunity, actor=actor, reason="converted from lead")
        for line in lead.lines.select_related("offering"):
            copy = OpportunityLine(
                opportunity=opportunity,
                offering=line.offering,
                description=line.description,
                quantity=line.quantity,
                characteristics=line.characteristics,
                unit_recurring=line.unit_recurring,
                unit_one_time=line.unit_one_time,
                manual_estimate=line.manual_estimate,
                lead_line=line,
            )
            save(copy, actor=actor, reason="converted from lead")

        def link(locked: Lead) -> None:
            locked.opportunity = opportunity

        run_transition(Lead, pk=lead.pk, name="convert", actor=actor, prepare=link)
    return opportunity


def _account_from_lead(actor, lead: Lead, data: dict) -> Account:
    required = ["name", "site_name", "address_line1", "postcode", "city", "country"]
    missing = [f for f in required if not str(data.get(f, "")).strip()]
    if missing:
        raise DomainError("A new account needs " + ", ".join(m.replace("_", " ") for m in missing))
    root = account_create(
        actor=actor, account=Account(name=data["name"].strip(), owner=lead.owner, team=lead.team)
    )
    site = account_create(actor=actor, account=Account(name=data["site_name"].strip(), parent=root))
    address = {f: str(data[f]).strip() for f in ["address_line1", "postcode", "city"]}
    for account in (root, site):
        location_save(
            actor=actor,
            location=Location(
                account=account, country=str(data["country"]).strip().upper(), **address
            ),
        )
    return root


# Opportunities ---------------------------------------------------------------------------


def opportunity_save(*, actor, opportunity: Opportunity, version: str = "") -> Opportunity:
    """Create or edit an opportunity (R4: it always has an account)."""
    with transaction.atomic():
        current = None
        if opportunity.pk:
            current = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
            check_version(current, version)
            if not current.is_open:
                raise DomainError(f"{current} is {current.get_stage_display().lower()}.")
        else:
            opportunity.owner_id = opportunity.owner_id or actor.pk
            opportunity.team_id = opportunity.team_id or opportunity.account.team_id
        if not opportunity.account_id:
            raise DomainError("An opportunity needs an account.")
        _check_assignment(actor, opportunity, current)
        _check_account_people(opportunity)
        save(opportunity, actor=actor)
        catalog.require_currency(
            opportunity.lines.select_related("offering"), opportunity.currency, "opportunity"
        )
    return opportunity


def _lock_open(opportunity_id: int) -> Opportunity:
    opportunity = Opportunity.objects.select_for_update().get(pk=opportunity_id)
    if not opportunity.is_open:
        raise DomainError(
            f"{opportunity} is {opportunity.get_stage_display().lower()}: its lines are final."
        )
    return opportunity


def opportunity_line_save(*, actor, line: OpportunityLine) -> OpportunityLine:
    """Add or edit a line; a catalog line gets the catalog's preliminary price (R4)."""
    with transaction.atomic():
        opportunity = _lock_open(line.opportunity_id)
        if line.site_id:
            site = Account.objects.get(pk=line.site_id)
            if site.root_id != opportunity.account_id:
                raise DomainError(f"{site} is not a site of {opportunity.account}.")
        line.opportunity = opportunity
        previous = OpportunityLine.objects.filter(pk=line.pk).values_list("offering", flat=True)
        price_line(line, new_offering=not line.pk or line.offering_id not in previous)
        save(line, actor=actor)
    return line


def opportunity_line_delete(*, actor, line: OpportunityLine) -> None:
    with transaction.atomic():
        _lock_open(line.opportunity_id)
        line._history_user = actor
        line.delete()


def opportunity_transition(
    *, actor, opportunity_id: int, name: str, reason: str = ""
) -> Opportunity:
    """Move an opportunity through its stages (R5); closing lost needs a reason."""

    def prepare(opportunity: Opportunity) -> None:
        if name == "close_lost":
            opportunity.close_reason = reason.strip()[:200]

    return run_transition(
        Opportunity,
        pk=opportunity_id,
        name=name,
        actor=actor,
        field="stage",
        prepare=prepare,
        allowed={"to_proposal", "to_negotiation", "back_to_proposal", "close_won", "close_lost"},
    )
