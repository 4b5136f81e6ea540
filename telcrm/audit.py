"""Reading the audit trail (R27): history rows turned into "who changed what from what to what".

Rows are written by django-simple-history (request user from its middleware, or the
``_history_user`` a service sets, or for someone who is not a user the ``_history_actor``
of :class:`telcrm.models.ExternalActorHistory`; transition names as change reason).
Reading a page of entries costs a fixed number of queries: two per history model (the rows,
then their predecessors) plus one per related model whose ids appear in a change. The audit
log pages all history tables at once through one ``UNION ALL`` of their keys
(:func:`history_keys`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models
from django.db.models import OuterRef, QuerySet, Subquery, Value
from django.urls import NoReverseMatch
from django.utils import timezone
from django.utils.formats import date_format

from .roles import ROLES

HIDDEN_FIELDS = {"id", "created_at", "updated_at", "root", "date_joined"}
ACTIONS = {"+": "Created", "~": "Changed", "-": "Deleted"}


@dataclass
class Change:
    field: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    when: datetime
    who: str
    action: str
    kind: str
    subject: str
    url: str
    changes: list[Change] = field(default_factory=list)
    history_id: int = 0


def _label_for_reason(model: type[models.Model], reason: str) -> str:
    for f in model._meta.concrete_fields:
        transitions = getattr(f, "get_all_transitions", None)
        if transitions is None:
            continue
        for t in transitions(model):
            if t.name == reason:
                return t.custom.get("label", reason.replace("_", " ").capitalize())
    return reason


def _with_previous(qs: QuerySet, limit: int) -> tuple[list, dict]:
    model = qs.model
    previous = model.objects.filter(
        id=OuterRef("id"), history_id__lt=OuterRef("history_id")
    ).order_by("-history_id")
    rows = list(
        qs.select_related("history_user")
        .annotate(previous_id=Subquery(previous.values("history_id")[:1]))
        .order_by("-history_date", "-history_id")[:limit]
    )
    ids = [r.previous_id for r in rows if r.previous_id]
    return rows, model.objects.in_bulk(ids) if ids else {}


def _name_of(obj: models.Model) -> str:
    """How a referenced record reads: a person by name, a role by its label."""
    if isinstance(obj, Group):
        return ROLES.get(obj.name, obj.name)
    full_name = getattr(obj, "get_full_name", None)
    return (full_name() or str(obj)) if full_name else str(obj)


def _display(model_field: models.Field, value, related: dict) -> str:
    if value is None or value == "":
        return "—"
    if model_field.many_to_many:
        names = []
        for pk in value:
            obj = related.get(model_field.related_model, {}).get(pk)
            names.append(_name_of(obj) if obj is not None else f"#{pk}")
        return ", ".join(sorted(names)) or "—"
    if model_field.is_relation:
        obj = related.get(model_field.related_model, {}).get(value)
        return f"#{value}" if obj is None else _name_of(obj)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        return date_format(local, "DATETIME_FORMAT")
    if isinstance(value, date):
        return date_format(value, "DATE_FORMAT")
    if isinstance(value, dict):  # outputs, characteristics: name: value, as a form shows them
        return (
            ", ".join(f"{k}: {_display(model_field, v, related)}" for k, v in value.items()) or "—"
        )
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "—"
    return str(value)


def _url_of(obj: models.Model) -> str:
    try:
        return obj.get_absolute_url()
    except NoReverseMatch:  # its page is not served (yet): the entry shows without a link
        return ""


def _record_url(instance: models.Model, tracked: list[models.Field]) -> str:
    """The record's own page; for a part without one (an order line, a domain order, a
    service), the page of the record it belongs to: its first reference to one of our models
    that has a page, already loaded with the entry's references (no query)."""
    if hasattr(instance, "get_absolute_url"):
        return _url_of(instance)
    ours = {"telcrm", *settings.TELCRM_APPS}
    for f in tracked:
        if not f.many_to_one and not f.one_to_one:
            continue
        if f.related_model._meta.app_label not in ours or not f.is_cached(instance):
            continue
        parent = getattr(instance, f.name)
        if parent is not None and hasattr(parent, "get_absolute_url"):
            return _url_of(parent)
    return ""


def _instance_of(row: models.Model) -> models.Model:
    """The record as of ``row``. simple-history's ``row.instance`` reads the fields it does
    not keep (a user's password) from the live record, a query per row: left empty here."""
    if not getattr(row, "_history_excluded_fields", None):
        return row.instance
    return row.instance_type(**{f.attname: getattr(row, f.attname) for f in row.tracked_fields})


def _m2m_sets(pairs: list) -> dict[tuple, frozenset]:
    """The members of each many-to-many set (a team's members, a user's roles) as of each
    row and its predecessor: one query per such field, whatever the number of rows."""
    ids: dict[type[models.Model], set[int]] = defaultdict(set)
    for row, prev, _tracked in pairs:
        if getattr(row, "_history_m2m_fields", None) and prev is not None:
            ids[type(row)].update((row.history_id, prev.history_id))
    sets: dict[tuple, set] = defaultdict(set)
    for history_model, history_ids in ids.items():
        for f in history_model._history_m2m_fields:
            through = getattr(history_model, f.name).model
            target = f.m2m_reverse_field_name() + "_id"
            for history_id, pk in through.objects.filter(history_id__in=history_ids).values_list(
                "history_id", target
            ):
                sets[(history_model, history_id, f.name)].add(pk)
    return {key: frozenset(value) for key, value in sets.items()}


def _tracked(history_model: type[models.Model]) -> list[models.Field]:
    fields = getattr(history_model, "tracked_fields", [])
    return [f for f in fields if f.editable and f.name not in HIDDEN_FIELDS]


def history_entries(querysets: list[QuerySet], limit: int = 50) -> list[HistoryEntry]:
    """The newest ``limit`` entries across the given history querysets, newest first.

    A row that two querysets both find shows once. So "changes to my records or made by me"
    is asked as two querysets, each served by an index (the record's id, the history user),
    rather than one ``OR`` that PostgreSQL can only answer by reading the table backwards."""
    pairs = []  # (row, previous row or None, tracked fields)
    seen = set()
    for qs in querysets:
        rows, previous = _with_previous(qs, limit)
        tracked = _tracked(qs.model)
        for row in rows:
            if (qs.model, row.history_id) not in seen:
                seen.add((qs.model, row.history_id))
                pairs.append((row, previous.get(row.previous_id), tracked))
    pairs.sort(key=lambda p: (p[0].history_date, p[0].history_id), reverse=True)
    return _entries(pairs[:limit])


def history_keys(querysets: list[QuerySet]) -> QuerySet:
    """Every entry of the given history querysets as ``(history model, history id, date)``,
    newest first, in one SQL ``UNION ALL``: a Paginator pages it with one count and one
    slice, whatever the number of rows and record types."""
    parts = [
        qs.order_by()
        .annotate(audit_kind=Value(qs.model._meta.label_lower, output_field=models.CharField()))
        .values_list("audit_kind", "history_id", "history_date")
        for qs in querysets
    ]
    return parts[0].union(*parts[1:], all=True).order_by("-history_date", "-history_id")


def entries_for_keys(keys) -> list[HistoryEntry]:
    """The entries of one page of :func:`history_keys`: two queries per record type on the
    page (its rows, their predecessors), then the references they name."""
    ids: dict[str, list[int]] = defaultdict(list)
    for kind, history_id, _date in keys:
        ids[kind].append(history_id)
    found = {}
    for kind, history_ids in ids.items():
        history_model = apps.get_model(kind)
        rows, previous = _with_previous(
            history_model.objects.filter(history_id__in=history_ids), len(history_ids)
        )
        tracked = _tracked(history_model)
        for row in rows:
            found[(kind, row.history_id)] = (row, previous.get(row.previous_id), tracked)
    return _entries([found[(kind, pk)] for kind, pk, _date in keys if (kind, pk) in found])


def _entries(pairs: list) -> list[HistoryEntry]:
    sets = _m2m_sets(pairs)
    raw_changes = []
    wanted: dict[type[models.Model], set] = defaultdict(set)
    for row, _prev, tracked in pairs:
        # Every row's references too: a subject's name may use them (a line's offering).
        for f in tracked:
            if f.is_relation and getattr(row, f.attname) is not None:
                wanted[f.related_model].add(getattr(row, f.attname))
    for row, prev, tracked in pairs:
        changes = []
        for f in tracked:
            new = getattr(row, f.attname)
            old = getattr(prev, f.attname) if prev is not None else None
            if prev is not None and old == new:
                continue
            if prev is None and row.history_type == "+":
                break  # a creation is summed up by its subject; the record shows its values
            if prev is None and (new is None or new == ""):
                continue
            changes.append((f, old, new))
            if f.is_relation:
                wanted[f.related_model].update(v for v in (old, new) if v is not None)
        if prev is not None:
            for f in getattr(row, "_history_m2m_fields", ()):
                old = sets.get((type(prev), prev.history_id, f.name), frozenset())
                new = sets.get((type(row), row.history_id, f.name), frozenset())
                if old != new:
                    changes.append((f, old, new))
                    wanted[f.related_model].update(old | new)
        raw_changes.append(changes)
    related = {m: m._default_manager.in_bulk(list(ids)) for m, ids in wanted.items() if ids}

    entries = []
    for (row, prev, tracked), changes in zip(pairs, raw_changes, strict=True):
        model = row.instance_type
        instance = _instance_of(row)
        for f in tracked:
            if f.is_relation:
                obj = related.get(f.related_model, {}).get(getattr(row, f.attname))
                if obj is not None:
                    setattr(instance, f.name, obj)
        reason = row.history_change_reason or ""
        action = _label_for_reason(model, reason) if reason else ACTIONS[row.history_type]
        user = row.history_user
        url = _record_url(instance, tracked) if row.history_type != "-" else ""
        entries.append(
            HistoryEntry(
                when=row.history_date,
                who=(
                    getattr(row, "history_actor", "")
                    or ((user.get_full_name() or user.username) if user else "system")
                ),
                action=action,
                kind=str(model._meta.verbose_name).capitalize(),
                subject=str(instance),
                url=url,
                changes=[
                    Change(
                        field="Roles"
                        if f.related_model is Group
                        else str(f.verbose_name).capitalize(),
                        old=_display(f, old, related) if prev is not None else "",
                        new=_display(f, new, related),
                    )
                    for f, old, new in changes
                ],
                history_id=row.history_id,
            )
        )
    return entries
