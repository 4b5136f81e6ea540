"""The CSV import of accounts: every row checked first (columns, values, references, who
may own them), then written in batches with their history. The background job around it is
in ``imports.py``."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from simple_history.utils import bulk_create_with_history

from telcrm.cleaning import text_problem
from telcrm.fsm import DomainError
from telcrm.models import Team, next_numbers
from telcrm.people import assignable_owners, assignable_teams

from ..choices import AccountState, AccountType, Industry
from ..models import Account, Contact, Location
from .accounts import may_set_credit_limit

User = get_user_model()


CSV_COLUMNS = [
    "ref",
    "parent_ref",
    "name",
    "industry",
    "credit_limit",
    "owner",
    "team",
    "address_line1",
    "address_line2",
    "city",
    "postcode",
    "country",
    "site_code",
    "contact_first_name",
    "contact_last_name",
    "contact_email",
    "contact_phone",
    "contact_job_role",
    "contact_signing_authority",
]
REQUIRED_COLUMNS = {"ref", "name"}
MAX_IMPORT_ROWS = 5000


@dataclass
class ImportResult:
    """What an import did, or why it did nothing: ``errors`` lists (row number, reason)."""

    created: list[Account] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)
    plan: ImportPlan | None = None

    @property
    def ok(self) -> bool:
        return not self.errors


def _parse_bool(value: str) -> bool | None:
    value = value.strip().lower()
    if value in {"", "0", "no", "n", "false"}:
        return False
    if value in {"1", "yes", "y", "true", "x"}:
        return True
    return None


def _check_row(
    row: dict[str, str], refs: dict[str, int], users: dict, teams: dict, *, credit: bool
) -> list[str]:
    """What is wrong with one row; ``credit`` says whether the importer may set credit
    limits."""
    errors = []
    if not row["ref"]:
        errors.append("ref is empty")
    elif refs.get(row["ref"], 0) > 1:
        errors.append(f"ref {row['ref']!r} is used by more than one row")
    if not row["name"]:
        errors.append("name is empty")
    parent = row["parent_ref"]
    if parent and parent not in refs and not parent.startswith("ACC-"):
        errors.append(f"parent_ref {parent!r} is neither a ref in this file nor an account number")
    if parent and parent == row["ref"]:
        errors.append("an account cannot be its own parent")
    if row["industry"] and row["industry"] not in Industry.values:
        errors.append(f"industry {row['industry']!r} is not one of {', '.join(Industry.values)}")
    if row["credit_limit"] and not credit:
        errors.append("credit limit is set by finance: leave the column empty")
    elif row["credit_limit"]:
        try:
            if Decimal(row["credit_limit"]) < 0:
                errors.append("credit_limit is negative")
        except InvalidOperation:
            errors.append(f"credit_limit {row['credit_limit']!r} is not a number")
    if row["owner"] and row["owner"] not in users:
        errors.append(f"owner {row['owner']!r} is not a user")
    if row["team"] and row["team"] not in teams:
        errors.append(f"team {row['team']!r} does not exist")
    address = [row[c] for c in ("address_line1", "city", "postcode", "country")]
    if any(address) and not all(address):
        errors.append("a location needs address_line1, city, postcode and country")
    contact = [row[c] for c in ("contact_first_name", "contact_last_name", "contact_email")]
    if any(contact) and not all(contact):
        errors.append("a contact needs contact_first_name, contact_last_name and contact_email")
    if _parse_bool(row["contact_signing_authority"]) is None:
        errors.append("contact_signing_authority must be yes or no")
    if not errors:
        errors.extend(_model_errors(row))
    return errors


def _row_location(row: dict[str, str], **fields) -> Location | None:
    """The location a row's address columns give (none without an address line)."""
    if not row["address_line1"]:
        return None
    return Location(
        address_line1=row["address_line1"],
        address_line2=row["address_line2"],
        city=row["city"],
        postcode=row["postcode"],
        country=row["country"].upper(),
        site_code=row["site_code"],
        **fields,
    )


def _row_contact(row: dict[str, str], **fields) -> Contact | None:
    """The contact a row's contact columns give (none without an e-mail address)."""
    if not row["contact_email"]:
        return None
    return Contact(
        first_name=row["contact_first_name"],
        last_name=row["contact_last_name"],
        email=row["contact_email"],
        phone=row["contact_phone"],
        job_role=row["contact_job_role"],
        **fields,
    )


def _model_errors(row: dict[str, str]) -> list[str]:
    """What the models would refuse in this row (lengths, e-mail, country code ...), named
    by CSV column, so that one pass reports every bad row."""
    checks = [
        (Account(name=row["name"], industry=row["industry"]), {"name": "name"}, None),
    ]
    if location := _row_location(row):
        checks.append((location, {}, "location"))
    if contact := _row_contact(row):
        checks.append((contact, {}, "contact"))
    errors = []
    for obj, columns, prefix in checks:
        try:
            obj.clean_fields(exclude=["account", "owner", "parent", "number", "state", "root"])
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                column = columns.get(name) or (f"{prefix}_{name}" if prefix else name)
                if prefix == "location":
                    column = name
                errors.extend(f"{column}: {m}" for m in messages)
    return errors


IMPORT_BATCH = 100  # rows per write transaction: the account-number lock is held this long
PROGRESS_EVERY = 100  # rows checked between progress reports


@dataclass
class ImportPlan:
    """The checked rows of a file in write order (parents first), with what they refer to."""

    rows: list[tuple[int, dict[str, str]]]
    existing: dict[str, Account]
    users: dict
    teams: dict


def accounts_import_csv(*, actor, data: bytes | str) -> ImportResult:
    """Import accounts with their location and contact from CSV, all or nothing.

    Each row is an account: ``parent_ref`` names another row's ``ref`` (or an existing
    ACC- number) to make it a child. Every row is checked first and nothing is written
    while any row is bad; the result lists every bad row with its reason. The rows are then
    written in small transactions (see :func:`accounts_import_write`).
    """
    result = accounts_import_check(actor=actor, data=data)
    if not result.ok:
        return result
    return accounts_import_write(actor=actor, plan=result.plan)


def accounts_import_check(
    *, actor, data: bytes | str, on_progress: Callable[[int], None] | None = None
) -> ImportResult:
    """Check every row of a CSV file without writing anything: ``result.plan`` holds the
    rows in write order when all are good, ``result.errors`` each bad row otherwise.
    ``on_progress(rows_checked)`` is called every few rows."""
    result = ImportResult()
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            result.errors.append((0, "the file is not UTF-8 text"))
            return result
    problem = text_problem(data)  # R30: the one input-cleaning rule
    if problem:
        result.errors.append((0, f"the file {problem}"))
        return result
    reader = csv.DictReader(io.StringIO(data, newline=""))
    try:
        header = [h.strip() for h in (reader.fieldnames or [])]
    except csv.Error as exc:
        result.errors.append((1, f"unreadable CSV: {exc}"))
        return result
    missing = REQUIRED_COLUMNS - set(header)
    unknown = set(header) - set(CSV_COLUMNS)
    repeated = sorted({h for h in header if header.count(h) > 1})
    if missing or unknown or repeated:
        if missing:
            result.errors.append((1, f"missing column(s): {', '.join(sorted(missing))}"))
        if unknown:
            result.errors.append((1, f"unknown column(s): {', '.join(sorted(unknown))}"))
        if repeated:
            result.errors.append((1, f"repeated column(s): {', '.join(repeated)}"))
        return result
    reader.fieldnames = header
    rows = []
    try:
        for raw in reader:
            if None in raw:
                result.errors.append((reader.line_num, "more values than columns"))
                continue
            rows.append((reader.line_num, {c: (raw.get(c) or "").strip() for c in CSV_COLUMNS}))
    except csv.Error as exc:
        result.errors.append((reader.line_num, f"unreadable CSV: {exc}"))
        return result
    if not rows and not result.errors:
        result.errors.append((0, "the file has no data rows"))
    if len(rows) > MAX_IMPORT_ROWS:
        result.errors.append((0, f"at most {MAX_IMPORT_ROWS} rows per file"))
    if result.errors:
        return result

    refs: dict[str, int] = {}
    for _, row in rows:
        refs[row["ref"]] = refs.get(row["ref"], 0) + 1
    users = {u.username: u for u in User.objects.filter(username__in={r["owner"] for _, r in rows})}
    teams = {t.name: t for t in Team.objects.filter(name__in={r["team"] for _, r in rows})}
    numbers = {r["parent_ref"] for _, r in rows if r["parent_ref"].startswith("ACC-")}
    existing = {a.number: a for a in Account.objects.visible_to(actor).filter(number__in=numbers)}
    credit = may_set_credit_limit(actor)
    for checked, (line, row) in enumerate(rows, start=1):
        errors = _check_row(row, refs, users, teams, credit=credit)
        parent = row["parent_ref"]
        if parent.startswith("ACC-") and parent not in refs and parent not in existing:
            errors.append(f"account {parent} does not exist or is not yours")
        result.errors.extend((line, e) for e in errors)
        if on_progress and (checked % PROGRESS_EVERY == 0 or checked == len(rows)):
            on_progress(checked)
    if result.errors:
        return result

    # Parents before children; a ref chain that never reaches a root is a cycle.
    by_ref = {row["ref"]: (line, row) for line, row in rows}
    order, placed = [], set()
    while len(order) < len(rows):
        progress = False
        for line, row in rows:
            p = row["parent_ref"]
            if row["ref"] not in placed and (not p or p in placed or p in existing):
                order.append((line, row))
                placed.add(row["ref"])
                progress = True
        if not progress:
            for ref in sorted(set(by_ref) - placed):
                result.errors.append((by_ref[ref][0], f"ref {ref!r} is part of a parent cycle"))
            return result
    plan = ImportPlan(rows=order, existing=existing, users=users, teams=teams)
    # Who owns each account, row by row as the write will decide it: refused here, the
    # whole file is refused before anything is written.
    assignable = _assignable(actor, plan)
    decided: dict[str, Account] = {}
    for line, row in order:
        parent = decided.get(row["parent_ref"]) or existing.get(row["parent_ref"])
        try:
            owner_id, team_id = _owner_and_team(actor, row, parent, plan, assignable)
        except DomainError as exc:
            result.errors.append((line, exc.message))
            continue
        decided[row["ref"]] = Account(owner_id=owner_id, team_id=team_id)
    if not result.errors:
        result.plan = plan
    return result


def accounts_import_write(
    *,
    actor,
    plan: ImportPlan,
    written: dict[str, int] | None = None,
    on_batch: Callable[[dict[str, int]], None] | None = None,
    batch_size: int = IMPORT_BATCH,
) -> ImportResult:
    """Write checked rows in transactions of ``batch_size`` rows, so the account-number
    lock (and the row locks of existing parents) is held for one batch, never for the whole
    file. Each batch is a few bulk inserts with their history rows (see :func:`_write_batch`).

    ``written`` maps rows already written (``ref`` -> account id) by an earlier run: they
    are skipped. ``on_batch(written)`` runs inside each batch's transaction, so a record of
    progress commits together with the rows it counts. A row refused now (say, its parent
    was closed since the check) stops the import there: that batch is rolled back, earlier
    batches stay, and the result names the row."""
    result = ImportResult()
    written = dict(written or {})
    stored = Account.objects.in_bulk(written.values()) if written else {}
    created = {ref: stored[pk] for ref, pk in written.items() if pk in stored}
    todo = [(line, row) for line, row in plan.rows if row["ref"] not in written]
    assignable = _assignable(actor, plan)
    for start in range(0, len(todo), batch_size):
        batch = todo[start : start + batch_size]
        try:
            with transaction.atomic():
                fresh = _write_batch(actor, batch, created, plan, assignable)
                written.update({ref: account.pk for ref, account in fresh.items()})
                if on_batch:
                    on_batch(written)
        except _RowRefused as exc:
            result.errors.extend((exc.line, e) for e in exc.errors)
            break
        created.update(fresh)
    result.created = list(created.values())
    return result


class _RowRefused(DomainError):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line


def _assignable(actor, plan: ImportPlan) -> tuple[set[int], set[int]]:
    """Which owners and teams named in the file (or inherited) the importer may hand
    accounts to: two queries for the whole file instead of two per row."""
    owners = {u.pk for u in plan.users.values()} | {actor.pk}
    owners |= {a.owner_id for a in plan.existing.values()}
    teams = {t.pk for t in plan.teams.values()} | {a.team_id for a in plan.existing.values()}
    return (
        set(assignable_owners(actor).filter(pk__in=owners).values_list("pk", flat=True)),
        set(assignable_teams(actor).filter(pk__in=teams - {None}).values_list("pk", flat=True)),
    )


def _write_batch(actor, batch, created, plan: ImportPlan, assignable) -> dict[str, Account]:
    """Create one batch of rows: the rules of :func:`account_create`, :func:`location_save`
    and :func:`contact_save` for new accounts, applied to the whole batch, then bulk inserts
    with their history. Field values were validated by the check pass."""
    parents_used = {row["parent_ref"] for _, row in batch} & set(plan.existing)
    locked = {
        a.number: a
        for a in Account.objects.select_for_update().filter(
            number__in=[plan.existing[n].number for n in parents_used]
        )
    }
    numbers = iter(next_numbers("ACC-", len(batch)))
    fresh: dict[str, Account] = {}
    pending = list(batch)
    while pending:
        level, waiting = [], []
        for line, row in pending:
            ref = row["parent_ref"]
            parent = created.get(ref) or fresh.get(ref) or locked.get(ref)
            (waiting if ref and parent is None else level).append((line, row, parent))
        accounts = [
            _new_account(actor, line, row, parent, plan, numbers, assignable)
            for line, row, parent in level
        ]
        bulk_create_with_history(accounts, Account, default_user=actor)
        fresh.update({row["ref"]: a for (_, row, _), a in zip(level, accounts, strict=True)})
        pending = [(line, row) for line, row, _ in waiting]
    locations, contacts = [], []
    for _, row in batch:
        account = fresh[row["ref"]]
        if location := _row_location(row, account=account, is_primary=True):
            locations.append(location)
        signs = bool(_parse_bool(row["contact_signing_authority"]))
        if contact := _row_contact(row, account=account, signing_authority=signs):
            contacts.append(contact)
    bulk_create_with_history(locations, Location, default_user=actor)
    bulk_create_with_history(contacts, Contact, default_user=actor)
    return fresh


def _owner_and_team(actor, row, parent, plan: ImportPlan, assignable) -> tuple[int, int | None]:
    """The owner and team a row's account gets, as :func:`account_create` decides them (a
    child inherits its parent's unless the row names others), or the refusal."""
    owners_ok, teams_ok = assignable
    if parent is not None and parent.state == AccountState.CLOSED:
        raise DomainError(f"{parent} is closed: it takes no new child accounts.")
    owner, team = plan.users.get(row["owner"]), plan.teams.get(row["team"])
    inherited_owner = parent.owner_id if parent else None
    inherited_team = parent.team_id if parent else None
    owner_id = owner.pk if owner else (inherited_owner or actor.pk)
    team_id = team.pk if team else inherited_team
    if team_id and team_id != inherited_team and team_id not in teams_ok:
        raise DomainError(f"you cannot give accounts to team {row['team']!r}")
    if owner_id != inherited_owner and owner_id not in owners_ok:
        who = row["owner"] or actor.username
        raise DomainError(
            f"{who!r} cannot own accounts of yours (not a sales person of your teams)"
        )
    return owner_id, team_id


def _new_account(actor, line, row, parent, plan, numbers, assignable) -> Account:
    """An unsaved account for ``row``, with what :func:`account_create` would decide."""
    try:
        owner_id, team_id = _owner_and_team(actor, row, parent, plan, assignable)
    except DomainError as exc:
        raise _RowRefused(line, exc.message) from exc
    return Account(
        number=next(numbers),
        name=row["name"],
        parent=parent,
        root_id=(parent.root_id or parent.pk) if parent else None,
        account_type=AccountType.CHILD if parent else AccountType.LEGAL,
        industry=row["industry"],
        credit_limit=Decimal(row["credit_limit"] or "0"),
        owner_id=owner_id,
        team_id=team_id,
    )
