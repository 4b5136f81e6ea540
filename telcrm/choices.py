"""State choices that carry the colour of their badge.

A state is declared as usual, with its label wrapped in :class:`Badge`::

    class OrderState(StateChoices):
        DRAFT = "draft", Badge("Draft", "secondary")
        COMPLETED = "completed", Badge("Completed", "success")

``OrderState.COMPLETED.badge`` is then ``"success"``, and a model with
:class:`~telcrm.models.BadgeMixin` answers ``order.badge`` from its state field.
"""

from django.db import models
from django.db.models.fields import Field

DEFAULT_BADGE = "secondary"


class Badge(str):
    """A choice label that knows its Bootstrap badge colour. It is the label itself (a
    ``str``), so forms, ``get_<field>_display`` and migrations see plain text."""

    colour: str

    def __new__(cls, label: str, colour: str = DEFAULT_BADGE) -> "Badge":
        obj = super().__new__(cls, label)
        obj.colour = colour
        return obj


class StateChoices(models.TextChoices):
    """The states of a record; each label may be a :class:`Badge`."""

    @property
    def badge(self) -> str:
        return getattr(self.label, "colour", DEFAULT_BADGE)


_colours: dict[Field, dict[str, str]] = {}


def badge_colour(field: Field, value: str) -> str:
    """The badge colour of ``value`` among ``field``'s choices (grey when it has none)."""
    colours = _colours.get(field)
    if colours is None:
        colours = _colours[field] = {
            key: getattr(label, "colour", DEFAULT_BADGE) for key, label in field.flatchoices
        }
    return colours.get(value, DEFAULT_BADGE)
