"""State machine plumbing shared by every app: explain why a transition is not possible, and
list what a user may do now (for the record header). Taking one is
:func:`telcrm.services.transition`.

Transitions declare their UI in ``custom``: ``label``, ``style`` (Bootstrap colour) and
optionally ``confirm`` (a question asked before posting); ``internal`` transitions are taken
by services only and never offered as a button. A condition function explains
itself through a ``message`` attribute (see :func:`condition`).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django_fsm import FSMFieldMixin


class DomainError(Exception):
    """A business rule refused an action; the message is meant for the user."""

    def __init__(self, message: str, *, errors: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.errors = errors or [message]


def fsm_field_names(obj: models.Model) -> list[str]:
    """State fields, which ``full_clean`` must leave alone (they are protected)."""
    return [f.name for f in obj._meta.concrete_fields if isinstance(f, FSMFieldMixin)]


def condition(
    message: str, *, user_input: bool = False
) -> Callable[[Callable[[Any], bool]], Callable[[Any], bool]]:
    """Attach the message shown to a user when this transition condition is not met.

    ``user_input``: the condition is met by what the user enters with the transition (e.g.
    a reason), so the button stays enabled and asks for it."""

    def decorate(func: Callable[[Any], bool]) -> Callable[[Any], bool]:
        func.message = message  # type: ignore[attr-defined]
        func.user_input = user_input  # type: ignore[attr-defined]
        return func

    return decorate


@dataclass(frozen=True)
class TransitionOption:
    """One button of the record header."""

    name: str
    label: str
    style: str
    confirm: str
    allowed: bool
    reason: str
    asks_reason: bool = False
    page: str = ""


def leaving_transition(obj: models.Model, name: str, field: str = "state"):
    """Transition ``name`` if it leaves the object's current state, else ``None``."""
    return next((t for t in _transitions_from_state(obj, field) if t.name == name), None)


def _transitions_from_state(obj: models.Model, field: str = "state"):
    """The transitions that leave the object's current state (one per name)."""
    current = getattr(obj, field)
    seen = set()
    for transition in getattr(obj, f"get_all_{field}_transitions")():
        leaves = transition.source in (current, "*") or (
            transition.source == "+" and transition.target != current
        )
        if leaves and transition.name not in seen:
            seen.add(transition.name)
            yield transition


def unmet_conditions(obj: models.Model, transition, *, include_input: bool = True) -> list[str]:
    """The messages of the transition's conditions that ``obj`` does not meet."""
    return [
        getattr(cond, "message", cond.__doc__ or cond.__name__)
        for cond in transition.conditions
        if (include_input or not getattr(cond, "user_input", False)) and not cond(obj)
    ]


def transition_options(obj: models.Model, user, field: str = "state") -> list[TransitionOption]:
    """The transitions leaving the current state that ``user`` holds the permission for.

    Those whose conditions are not met come back with ``allowed=False`` and the reason, so the
    page can show the button disabled with an explanation rather than hide the rule.
    """
    options = []
    for transition in _transitions_from_state(obj, field):
        if transition.custom.get("internal") or not transition.has_perm(obj, user):
            continue
        unmet = unmet_conditions(obj, transition, include_input=False)
        custom = transition.custom
        options.append(
            TransitionOption(
                name=transition.name,
                label=custom.get("label", transition.name.replace("_", " ").capitalize()),
                style=custom.get("style", "primary"),
                confirm=custom.get("confirm", ""),
                allowed=not unmet,
                reason=" ".join(unmet),
                asks_reason=bool(custom.get("reason")),
                page=custom.get("page", ""),
            )
        )
    return options


def transition_label(obj: models.Model, name: str, field: str = "state") -> str:
    """The button label of transition ``name`` (its ``custom["label"]``)."""
    for transition in getattr(obj, f"get_all_{field}_transitions")():
        if transition.name == name:
            return transition.custom.get("label", name.replace("_", " ").capitalize())
    return name


def user_may(model: type[models.Model], name: str, user, field: str = "state") -> bool:
    """Whether ``user``'s role allows transition ``name`` at all, whatever the state."""
    transitions = [
        t for t in model._meta.get_field(field).get_all_transitions(model) if t.name == name
    ]
    return bool(transitions) and any(t.has_perm(None, user) for t in transitions)


def allowed(obj: models.Model, name: str, user, field: str = "state") -> bool:
    """Whether the permission of transition ``name`` lets ``user`` take it on this record,
    whatever its state now (a role, or a rule such as "the visit's technician")."""
    transitions = type(obj)._meta.get_field(field).get_all_transitions(type(obj))
    return any(t.has_perm(obj, user) for t in transitions if t.name == name)


def may_take(obj: models.Model, name: str, user, field: str = "state") -> bool:
    """For pages: transition ``name`` leaves the record's state, ``user`` may take it, and
    its conditions hold (those met by what the user enters aside)."""
    leaving = leaving_transition(obj, name, field)
    return bool(
        leaving
        and leaving.has_perm(obj, user)
        and not unmet_conditions(obj, leaving, include_input=False)
    )


def check_version(current: models.Model, version: str) -> None:
    """Refuse to save an edit made on a stale copy (R31): ``version`` is the ``updated_at``
    the form was rendered with; the row must be locked by the caller."""
    if version and current.updated_at.isoformat() != version:
        raise DomainError(
            f"{current} was changed by someone else while you edited it. "
            "Reload the page to see their change, then edit again."
        )
