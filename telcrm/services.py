"""The two writes every business action ends with: an audited ``save`` and a ``transition``.

Each app's service functions take the straight shape (lock the row, check, change, call one
of these, schedule side effects on commit); these two make sure that every change is
validated, names who acted and why in the audit trail, and turns a clash with another user
into a message instead of an error page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django_fsm import ConcurrentTransition
from simple_history.utils import bulk_create_with_history, get_history_manager_for_model

from .fsm import DomainError, fsm_field_names, transition_label, unmet_conditions
from .fsm import leaving_transition as _leaving
from .models import NumberedModel, next_numbers

# Who takes an action: a signed-in user, or ``None`` for the system (a scheduled job, a
# worker, monitoring). A customer's signatory is named on the record as ``_history_actor``.
type Actor = AbstractBaseUser | None

# The audit column holds 100 characters (PostgreSQL enforces it).
REASON_LENGTH = 100


def _audit(obj: models.Model, actor: Actor, reason: str | None) -> None:
    obj._history_user = actor
    if reason:
        obj._change_reason = (
            reason if len(reason) <= REASON_LENGTH else reason[: REASON_LENGTH - 1] + "…"
        )


def save(obj: models.Model, *, actor: Actor, reason: str | None = None, clean: bool = True) -> None:
    """Validate ``obj`` (its state fields aside, which only transitions change) and save it
    with ``actor`` and ``reason`` in its history. ``clean=False`` skips the validation for a
    system write of fields no user entered (a worker counting an attempt): it would only
    re-read the row's foreign keys and unique values.

    Raises :class:`DomainError` with the validation messages, or naming the clash when another
    user changed its state or took a unique value first."""
    _audit(obj, actor, reason)
    try:
        if clean:
            obj.full_clean(exclude=fsm_field_names(obj))
    except ValidationError as exc:
        raise DomainError("; ".join(exc.messages), errors=exc.messages) from exc
    try:
        with transaction.atomic():
            obj.save()
    except ConcurrentTransition as exc:
        raise DomainError(
            f"{obj} changed state a moment ago. Reload the page and try again."
        ) from exc
    except IntegrityError as exc:
        # A constraint the checks above could not see yet (a concurrent insert).
        raise DomainError(f"{obj} could not be saved: it clashes with another record.") from exc


def save_new(
    model: type[models.Model],
    objs: list[models.Model],
    *,
    actor: Actor,
    reason: str | Callable[[Any], str],
) -> list[models.Model]:
    """Insert many new records of one kind in a few queries, audited like :func:`save`: a
    ``NumberedModel``'s numbers come from its sequence in one step, and each record gets its
    history row naming ``actor`` and ``reason``. No ``full_clean``: this is for records the
    system derives from rows it has just read (a decomposition, a flow from its template),
    whose references are known to exist; the database's constraints still hold. Returns
    the records with their primary keys. ``reason`` may be a function of the record, for
    reasons that name something of each."""
    objs = list(objs)
    if not objs:
        return objs
    if issubclass(model, NumberedModel):
        numbers = next_numbers(model.number_prefix, len(objs), width=model.number_width)
        for obj, number in zip(objs, numbers, strict=True):
            setattr(obj, model.number_field, number)
    for obj in objs:
        _audit(obj, actor, reason(obj) if callable(reason) else reason)
    with transaction.atomic():
        made = bulk_create_with_history(
            objs, model, default_user=actor, default_date=timezone.now()
        )
    for obj in made:
        if hasattr(obj, "_update_initial_state"):  # its state as saved, for a later transition
            obj._update_initial_state()
    return made


def transition_all(
    objs: list[models.Model],
    name: str,
    *,
    actor: Actor,
    reason: str | None = None,
    field: str = "state",
    fields: tuple[str, ...] = (),
) -> list[models.Model]:
    """Take transition ``name`` on each of ``objs`` (rows of one kind the caller has locked)
    and write them in one update, with a history row each: :func:`transition` for many rows
    taking the same step at once (an order's lines starting, its first tasks becoming
    ready). Each row is checked as :func:`transition` checks it (the step must leave its
    state, its conditions hold); the system's step, so no role permission is asked.
    ``fields`` are the other fields the caller changed with the step."""
    objs = list(objs)
    if not objs:
        return objs
    for obj in objs:
        leaving = _leaving(obj, name, field)
        if leaving is None:
            state = getattr(obj, f"get_{field}_display")()
            raise DomainError(
                f"{transition_label(obj, name, field)} is not possible while {obj} is {state}."
            )
        unmet = unmet_conditions(obj, leaving)
        if unmet:
            raise DomainError(f"{transition_label(obj, name, field)}: " + " ".join(unmet))
        getattr(obj, name)()
        _audit(obj, actor, reason or name)
    model = type(objs[0])
    changed = [field, *fields]
    now = timezone.now()
    for auto in model._meta.concrete_fields:  # what save() would stamp
        if getattr(auto, "auto_now", False):
            for obj in objs:
                setattr(obj, auto.attname, now)
            changed.append(auto.name)
    # A field every row now holds the same value of (the new state, the time stamp) is set
    # by one plain UPDATE of the rows; bulk_update's CASE per row is only for the others.
    attnames = {name: model._meta.get_field(name).attname for name in changed}
    same = {
        name: getattr(objs[0], attname)
        for name, attname in attnames.items()
        if all(getattr(obj, attname) == getattr(objs[0], attname) for obj in objs)
    }
    with transaction.atomic():
        model._default_manager.filter(pk__in=[obj.pk for obj in objs]).update(**same)
        if rest := [name for name in changed if name not in same]:
            model._default_manager.bulk_update(objs, rest)
        get_history_manager_for_model(model).bulk_history_create(
            objs, update=True, default_user=actor
        )
    for obj in objs:
        if hasattr(obj, "_update_initial_state"):
            obj._update_initial_state()
    return objs


def transition(
    obj: models.Model,
    name: str,
    *,
    actor: Actor,
    field: str = "state",
    reason: str | None = None,
    check_permission: bool = True,
    **data: Any,
) -> models.Model:
    """Take transition ``name`` on ``obj``, a row the caller has locked, and save it.

    Refuses with a :class:`DomainError` naming the reason when the transition does not leave
    the current state, the actor's role may not take it (``check_permission``; the system,
    ``actor=None``, is never asked), or one of its conditions is not met. ``data`` goes to the
    transition method; the audit trail records the actor and ``reason`` (default: the name).
    """
    method = getattr(obj, name, None)
    if method is None or not hasattr(method, "_django_fsm"):
        raise DomainError(f"“{name}” is not an action of {obj._meta.verbose_name}.")
    label = transition_label(obj, name, field)
    leaving = _leaving(obj, name, field)
    if leaving is None:
        state = getattr(obj, f"get_{field}_display")()
        raise DomainError(f"{label} is not possible while the record is {state}.")
    if check_permission and actor is not None and not leaving.has_perm(obj, actor):
        raise DomainError(f"You are not allowed to {label.lower()}.")
    unmet = unmet_conditions(obj, leaving)
    if unmet:
        raise DomainError(f"{label} is not possible: " + " ".join(unmet))
    method(**data)
    _audit(obj, actor, reason or name)
    try:
        obj.save()
    except ConcurrentTransition as exc:
        raise DomainError(
            "Someone else changed this record a moment ago. Reload the page and try again."
        ) from exc
    return obj


def run_transition(
    model: type[models.Model],
    *,
    pk: int,
    name: str,
    actor: Actor,
    field: str = "state",
    allowed: set[str] | None = None,
    prepare: Callable[[Any], None] | None = None,
    **data: Any,
) -> models.Model:
    """Lock the row and take transition ``name`` on it (see :func:`transition`): the whole
    action of a plain transition button. ``allowed`` limits the names a caller may ask for;
    ``prepare(obj)`` sets what the user entered with the transition (e.g. a reason) on the
    locked row before the conditions are checked."""
    if allowed is not None and name not in allowed:
        raise DomainError(f"“{name}” is not an action of {model._meta.verbose_name}.")
    with transaction.atomic():
        obj = model.objects.select_for_update().get(pk=pk)
        if prepare is not None:
            prepare(obj)
        return transition(obj, name, actor=actor, field=field, **data)


def run_system_transition(
    model: type[models.Model],
    *,
    pk: int,
    name: str,
    reason: str,
    field: str = "state",
    prepare: Callable[[Any], None] | None = None,
) -> models.Model | None:
    """Take transition ``name`` for the system (a scheduled job, no user): lock the row, and
    only when the transition leaves its current state and its conditions hold, take it with
    ``reason`` and no user in the audit trail. Returns ``None`` when it does not apply (any
    more), so a job that runs twice changes nothing the second time.
    ``prepare(obj)`` sets fields on the locked row before the conditions are checked."""
    with transaction.atomic():
        obj = model.objects.select_for_update(of=("self",)).get(pk=pk)
        if prepare is not None:
            prepare(obj)
        leaving = _leaving(obj, name, field)
        if leaving is None or unmet_conditions(obj, leaving):
            return None
        return transition(obj, name, actor=None, field=field, reason=reason)
