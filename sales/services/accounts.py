"""Business actions on customer accounts. One function per action: atomic, locked, audited.

Views pass in what a form validated; every rule that protects stored data is checked here
again, so the admin, the CSV import and later the API cannot get around it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from telcrm.fsm import DomainError, check_version
from telcrm.models import next_number
from telcrm.people import assignable_owners, assignable_teams
from telcrm.services import run_transition, save

from ..choices import AccountState, AccountType
from ..models import Account, BillingProfile, Contact, Location
from ..querysets import (
    account_people_problems,
    owner_in_team_problem,
)

User = get_user_model()


def _check_assignment(actor, account: Account, current: Account | None = None) -> None:
    """The owner and team must be ones the acting user may hand accounts to (R29)."""
    if account.team_id and account.team_id != getattr(current, "team_id", None):
        if not assignable_teams(actor).filter(pk=account.team_id).exists():
            raise DomainError("You cannot give accounts to that team.")
    if account.owner_id and account.owner_id != getattr(current, "owner_id", None):
        if not assignable_owners(actor).filter(pk=account.owner_id).exists():
            raise DomainError(
                "That user cannot own accounts of yours (not a sales person of your teams)."
            )


def _check_owner_in_team(account: Account, current: Account | None = None) -> None:
    """An account's owner belongs to its team, so that the people who see the account are
    the owner's team (R29). Checked when either changes, so older data stays editable."""
    if current is not None and (account.owner_id, account.team_id) == (
        current.owner_id,
        current.team_id,
    ):
        return
    problem = owner_in_team_problem(account.owner, account.team)
    if problem:
        raise DomainError(problem, errors=[problem])


def _check_account_people(record) -> None:
    """A record on an account (opportunity, quote) is owned by someone who sees the account
    and carries the account's team (R29: the account decides who sees it)."""
    problems = account_people_problems(record.account, record.owner, record.team)
    if problems:
        raise DomainError(" ".join(problems.values()), errors=list(problems.values()))


def may_set_credit_limit(actor) -> bool:
    """Finance (and administrators) own credit limits: order approval trusts them."""
    return actor is not None and actor.has_perm("sales.set_credit_limit")


CREDIT_LIMIT_REFUSED = (
    "The credit limit is set by finance: it was not changed. Ask finance to set it."
)


def _check_credit_limit(actor, account: Account, current: Account | None = None) -> None:
    """Without the permission the credit limit and its currency stay as they are (a new
    account keeps the defaults: no limit, in euros)."""
    if may_set_credit_limit(actor):
        return
    if current is None:
        before = (Decimal("0"), Account._meta.get_field("credit_currency").default)
    else:
        before = (current.credit_limit, current.credit_currency)
    if (account.credit_limit, account.credit_currency) != before:
        raise DomainError(CREDIT_LIMIT_REFUSED)


# Accounts ----------------------------------------------------------------------------


def account_create(*, actor, account: Account) -> Account:
    """Create a legal account, or a child below ``account.parent`` (inherits owner and team)."""
    with transaction.atomic():
        inherited = None
        if account.parent_id:
            parent = Account.objects.select_for_update().get(pk=account.parent_id)
            if parent.state == AccountState.CLOSED:
                raise DomainError(f"{parent} is closed: it takes no new child accounts.")
            account.account_type = AccountType.CHILD
            account.parent = parent
            if not account.owner_id:
                account.owner = parent.owner
            if not account.team_id:
                account.team = parent.team
            inherited = parent
        else:
            account.account_type = AccountType.LEGAL
        if not account.owner_id:
            account.owner = actor
        _check_credit_limit(actor, account)
        _check_assignment(actor, account, inherited)
        _check_owner_in_team(account, inherited)
        save(account, actor=actor)
    return account


def account_update(*, actor, account: Account, version: str = "") -> Account:
    """Save the edited fields of ``account``; refused when someone saved it since ``version``.

    A new parent is checked for cycles and moves the whole subtree to the new root.
    """
    with transaction.atomic():
        current = Account.objects.select_for_update().get(pk=account.pk)
        check_version(current, version)
        _check_credit_limit(actor, account, current)
        _check_assignment(actor, account, current)
        _check_owner_in_team(account, current)
        if account.parent_id and account.parent_id != current.parent_id:
            parent = Account.objects.get(pk=account.parent_id)
            if parent.state == AccountState.CLOSED:
                raise DomainError(f"{parent} is closed: it takes no new child accounts.")
        if account.parent_id and account.account_type == AccountType.LEGAL:
            account.account_type = AccountType.CHILD
        save(account, actor=actor)
        if current.tree_root_id != account.tree_root_id:
            _move_subtree(account, actor)
    return account


def account_set_credit_limit(
    *, actor, account_id: int, credit_limit: Decimal, credit_currency: str, version: str = ""
) -> Account:
    """Finance sets the credit limit that order approval's financial check uses (R18);
    refused when someone saved the account since ``version``."""
    if not may_set_credit_limit(actor):
        raise DomainError(CREDIT_LIMIT_REFUSED)
    if credit_limit < 0:
        raise DomainError("A credit limit cannot be negative.")
    with transaction.atomic():
        account = Account.objects.select_for_update().get(pk=account_id)
        check_version(account, version)
        account.credit_limit = credit_limit
        account.credit_currency = credit_currency
        save(account, actor=actor, reason="credit limit set")
    return account


def _move_subtree(account: Account, actor) -> None:
    """Re-point ``root`` of every descendant after ``account`` moved (history kept per row)."""
    frontier = [account]
    while frontier:
        children = list(Account.objects.filter(parent__in=frontier).select_for_update())
        for child in children:
            child._history_user = actor
            child._change_reason = "moved with parent"
            child.save()
        frontier = children


def account_transition(*, actor, account_id: int, name: str) -> Account:
    """Run a lifecycle transition (activate, suspend, close) on an account."""
    return run_transition(
        Account, pk=account_id, name=name, actor=actor, allowed={"activate", "suspend", "close"}
    )


# Locations, contacts, billing profiles -------------------------------------------------


def _lock_part(model, obj, version: str) -> None:
    """Lock the account (serialises edits of its parts) and refuse stale edits."""
    Account.objects.select_for_update().get(pk=obj.account_id)
    if obj.pk:
        check_version(model.objects.select_for_update().get(pk=obj.pk), version)


def location_save(*, actor, location: Location, version: str = "") -> Location:
    """Add or edit a location. The first location of an account becomes its primary one;
    making another one primary demotes the old primary."""
    with transaction.atomic():
        _lock_part(Location, location, version)
        others = Location.objects.filter(account_id=location.account_id).exclude(pk=location.pk)
        if not others.exists():
            location.is_primary = True
        elif location.is_primary:
            for old in others.filter(is_primary=True):
                old.is_primary = False
                save(old, actor=actor, reason="primary moved")
        save(location, actor=actor)
    return location


def contact_save(*, actor, contact: Contact, version: str = "") -> Contact:
    """Add or edit a contact of an account."""
    with transaction.atomic():
        _lock_part(Contact, contact, version)
        save(contact, actor=actor)
    return contact


def billing_profile_save(*, actor, profile: BillingProfile, version: str = "") -> BillingProfile:
    """Add or edit a billing profile (the billing account number is generated when empty,
    skipping numbers that were typed in by hand)."""
    with transaction.atomic():
        _lock_part(BillingProfile, profile, version)
        while not profile.billing_account_number:
            number = next_number("BA-", width=7)
            if not BillingProfile.objects.filter(billing_account_number=number).exists():
                profile.billing_account_number = number
        save(profile, actor=actor)
    return profile


def billing_profile_transition(*, actor, profile_id: int, name: str) -> BillingProfile:
    """Deactivate or re-activate a billing profile."""
    return run_transition(
        BillingProfile, pk=profile_id, name=name, actor=actor, allowed={"activate", "deactivate"}
    )


# Hierarchy -------------------------------------------------------------------------------


@dataclass
class HierarchyCheck:
    """Whether an account tree is ready for quoting (R9): a legal root with at least one
    child, and a location on every account."""

    root: Account
    accounts: list[Account]
    problems: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.problems


def hierarchy_check(root: Account) -> HierarchyCheck:
    """Check the tree of ``root`` (one query). ``root`` may be any account of the tree."""
    root_id = root.tree_root_id
    accounts = list(Account.objects.in_tree(root_id).with_location_flag().order_by("pk"))
    top = next(a for a in accounts if a.pk == root_id)
    problems = []
    if len(accounts) < 2:
        problems.append(f"{top.number} has no child account (site) yet.")
    missing = [a for a in accounts if not a.has_location]
    if missing:
        names = ", ".join(a.number for a in missing[:5])
        more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
        problems.append(f"No location on {names}{more}.")
    return HierarchyCheck(root=top, accounts=accounts, problems=problems)


# CSV import ------------------------------------------------------------------------------
