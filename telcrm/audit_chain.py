"""The tamper-evident audit trail (R27: nobody can edit or delete it): every history row
carries ``row_hash`` = sha256(hash of the record's previous history row + the row's content),
computed when the row is inserted, in the same transaction.

One chain per record (a record type's history rows of one record id, in ``history_id``
order), not per record type: appending to a chain locks it until the transaction ends, and
a lock per record type would be taken in whatever order a service writes its record types
(a task closing its order vs. an order approved into tasks) and deadlock two such
transactions. A record's chain lock follows the record's own row lock, which the writer
already holds (R31), so it adds no new waiting. On PostgreSQL it is an advisory lock on
the record; SQLite runs one writing transaction at a time. A creation begins its record's
chain: there is no row before it to read, and no lock is needed (nobody else can see the
record before the transaction commits).

An edited row no longer matches its hash; a deleted row breaks the link of the record's
next row. Deleting a record's newest rows leaves no link to break: that is caught by
:func:`verify` comparing with the previous verification (``AuditChainCheck``), which keeps
the XOR of every hash it verified. Rows written before the chain began have no hash and
are counted as such, not verified.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from uuid import UUID

from django.db import connections, models, router, transaction
from django.db.models import Max
from django.utils import timezone

# Fields of a history row that are not its content.
NOT_CONTENT = {"history_id", "row_hash"}


def _canonical(field: models.Field, value, rounding: str = ROUND_HALF_UP) -> object:
    """``value`` of ``field`` as the same JSON value whether it comes from the writer (a
    Decimal as computed, a naive time) or back from the database. ``rounding``: how the
    database rounds a decimal with more places than its column (PostgreSQL: half up)."""
    if value is None:
        return None
    if isinstance(field, models.ForeignKey):
        field = field.target_field
    if isinstance(field, models.JSONField):
        return json.loads(json.dumps(value, cls=field.encoder))
    if isinstance(field, models.FileField):
        return getattr(value, "name", value) or ""
    value = field.to_python(value)
    if value is None:
        return None
    if isinstance(value, bool | int | str):
        return value
    if isinstance(value, Decimal):
        if isinstance(field, models.DecimalField) and field.decimal_places is not None:
            value = value.quantize(Decimal(1).scaleb(-field.decimal_places), rounding=rounding)
        return format(value, "f")
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, datetime):
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return value // timedelta(microseconds=1)
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    return str(value)


@functools.cache
def content_fields(history_model: type[models.Model]) -> list[models.Field]:
    """The fields a row's hash covers: the record's tracked fields (its id among them), who
    acted (user or outside actor), when, the kind of change and its reason."""
    return sorted(
        (f for f in history_model._meta.concrete_fields if f.name not in NOT_CONTENT),
        key=lambda f: f.attname,
    )


def record_field(history_model: type[models.Model]) -> str:
    """The attname of the record's id in its history rows: the chain's key."""
    return history_model.instance_type._meta.pk.attname


def row_hash(
    previous: str, fields: list[models.Field], values: Iterable, rounding: str = ROUND_HALF_UP
) -> str:
    content = {f.attname: _canonical(f, v, rounding) for f, v in zip(fields, values, strict=True)}
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(f"{previous}\n{text}".encode()).hexdigest()


def _lock_records(history_model: type[models.Model], using: str, ids: list) -> None:
    connection = connections[using]
    if connection.vendor != "postgresql" or not ids:
        return
    with connection.cursor() as cursor:
        # Sorted, so that two writers of the same records take their locks in one order.
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtextextended(%s || ':' || r::text, 0)) "
            "FROM unnest(%s::text[]) AS r ORDER BY r",
            [history_model._meta.db_table, sorted({str(pk) for pk in ids})],
        )


def _last_hashes(history_model: type[models.Model], using: str, ids: list) -> dict:
    """The newest hash of each record: read from the index on the record's id (the rows of
    those records only, never a scan of the history table)."""
    key = record_field(history_model)
    manager = history_model._base_manager.using(using)
    if len(ids) == 1:
        newest = manager.filter(**{key: ids[0]}).order_by("-history_id")
        return dict(newest.values_list(key, "row_hash")[:1])
    rows = manager.filter(**{f"{key}__in": ids})
    if connections[using].vendor == "postgresql":
        newest = rows.order_by(key, "-history_id").distinct(key)
        return dict(newest.values_list(key, "row_hash"))
    last = rows.values(key).annotate(newest=Max("history_id")).values("newest")
    return dict(manager.filter(history_id__in=last).values_list(key, "row_hash"))


def chain(rows: list[models.Model], using: str | None = None) -> None:
    """Set ``row_hash`` on new history ``rows`` of one model (in the order they will be
    inserted), each linked to its record's previous row. Call inside the transaction that
    inserts them: the records' chains stay locked until it ends."""
    if not rows:
        return
    history_model = type(rows[0])
    using = using or router.db_for_write(history_model)
    key = record_field(history_model)
    fields = content_fields(history_model)
    ids = [getattr(row, key) for row in rows]
    changed = [pk for pk, row in zip(ids, rows, strict=True) if row.history_type != "+"]
    _lock_records(history_model, using, changed)
    # A creation begins its record's chain: only changes and deletions have a row before.
    last = _last_hashes(history_model, using, changed) if changed else {}
    # SQLite's decimals are rounded half even when Django reads them back.
    rounding = ROUND_HALF_UP if connections[using].vendor == "postgresql" else ROUND_HALF_EVEN
    for pk, row in zip(ids, rows, strict=True):
        values = (getattr(row, f.attname) for f in fields)
        previous = "" if row.history_type == "+" else last.get(pk) or ""
        row.row_hash = row_hash(previous, fields, values, rounding)
        last[pk] = row.row_hash


class ChainedHistoryManager(models.Manager):
    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        if objs and not all(getattr(obj, "row_hash", "") for obj in objs):
            with transaction.atomic(using=self.db, savepoint=False):
                chain(objs, using=self.db)
                return super().bulk_create(objs, *args, **kwargs)
        return super().bulk_create(objs, *args, **kwargs)


class ChainedHistory(models.Model):
    """The base of every history model (see ``telcrm.models.History``): its rows carry their
    chain hash, set when each row is inserted (one by one or in bulk)."""

    row_hash = models.CharField(max_length=64, blank=True, default="", editable=False)

    objects = ChainedHistoryManager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if self._state.adding and not self.row_hash:
            using = kwargs.get("using") or router.db_for_write(type(self))
            with transaction.atomic(using=using, savepoint=False):
                chain([self], using=using)
                super().save(*args, **kwargs)
            return
        super().save(*args, **kwargs)


@dataclass
class Break:
    """The first broken link of a record type's chains."""

    history_id: int
    record_id: object
    when: datetime | None
    reason: str


@dataclass
class ChainResult:
    label: str
    rows: int = 0
    unhashed: int = 0
    verified_up_to: datetime | None = None
    last_history_id: int = 0
    xor: int = 0
    xor_before: int = 0  # of the rows up to the previous verification's last row
    broken: Break | None = None


def verify_model(
    history_model: type[models.Model], before: int = 0, chunk: int = 5000
) -> ChainResult:
    """Walk every chain of one history model, record by record, each in ``history_id``
    order; the break with the smallest ``history_id`` is the one named. ``before``: the last
    row of the previous verification, up to which ``xor_before`` is summed."""
    key = record_field(history_model)
    fields = content_fields(history_model)
    result = ChainResult(label=history_model.instance_type._meta.label_lower)
    names = [
        key,
        "history_id",
        "history_date",
        "row_hash",
        "history_type",
        *(f.attname for f in fields),
    ]
    rows = (
        history_model._base_manager.order_by(key, "history_id")
        .values_list(*names)
        .iterator(chunk_size=chunk)
    )
    current, previous = object(), ""
    breaks = []
    for pk, history_id, when, stored, kind, *values in rows:
        if pk != current or kind == "+":  # a creation begins the record's chain
            current, previous = pk, ""
        result.rows += 1
        result.last_history_id = max(result.last_history_id, history_id)
        if not stored:
            if previous:  # the record's chain had begun: a hash was removed
                breaks.append(Break(history_id, pk, when, "its hash was removed"))
            result.unhashed += 1
            continue
        result.xor ^= int(stored, 16)
        if history_id <= before:
            result.xor_before ^= int(stored, 16)
        if row_hash(previous, fields, values) != stored:
            reason = "its content or its place in the record's history changed"
            breaks.append(Break(history_id, pk, when, reason))
        elif result.verified_up_to is None or when > result.verified_up_to:
            result.verified_up_to = when
        previous = stored
    if breaks:
        result.broken = min(breaks, key=lambda b: b.history_id)
    return result


def chained_models() -> list[type[models.Model]]:
    """Every history model whose rows are chained, by record type."""
    from django.apps import apps

    found = [m for m in apps.get_models() if issubclass(m, ChainedHistory)]
    return sorted(found, key=lambda m: m.instance_type._meta.label_lower)


def verify() -> list[ChainResult]:
    """Verify every record type's chains and store the outcome (``AuditChainCheck``), which
    the audit log shows. A row that the previous verification saw and that is gone (the
    XOR of the hashes up to its last row differs) is named as a break too."""
    from .models import AuditChainCheck

    previous = {check.kind: check for check in AuditChainCheck.objects.all()}
    results = []
    now = timezone.now()
    for history_model in chained_models():
        label = history_model.instance_type._meta.label_lower
        before = previous.get(label)
        result = verify_model(history_model, before=before.last_history_id if before else 0)
        if (
            result.broken is None
            and before is not None
            and before.hashes_xor
            and f"{result.xor_before:064x}" != before.hashes_xor
        ):
            result.broken = Break(
                before.last_history_id,
                None,
                before.verified_up_to,
                "rows verified before are missing (deleted) up to this row",
            )
        results.append(result)
        broken = result.broken
        AuditChainCheck.objects.update_or_create(
            kind=label,
            defaults={
                "checked_at": now,
                "rows": result.rows,
                "unhashed": result.unhashed,
                "verified_up_to": result.verified_up_to,
                # After a break the next run compares with what was seen before it.
                "last_history_id": before.last_history_id
                if broken and before
                else result.last_history_id,
                "hashes_xor": before.hashes_xor if broken and before else f"{result.xor:064x}",
                "broken_history_id": broken.history_id if broken else None,
                "broken_record": "" if broken is None else str(broken.record_id or ""),
                "broken_at": broken.when if broken else None,
                "broken_reason": broken.reason if broken else "",
            },
        )
    return results
