"""R30: one input-cleaning rule for all text that enters telcrm.

Text with a NUL character or a lone UTF-16 surrogate (``"\\ud800"``, which JSON can carry
but no real text holds) cannot be stored (PostgreSQL refuses both) and is never what a
person typed. Every form, endpoint and import refuses it here, with a message, before
anything is stored. JSON is loaded with a nesting limit, ids from query strings are read
as plain ASCII digits (``"²".isdigit()`` is true, ``int("²")`` fails).
"""

from __future__ import annotations

import json
import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator as NulValidator

from .fsm import DomainError

MAX_JSON_DEPTH = 32
MAX_ID = 2**63 - 1  # a BigAutoField

NUL_MESSAGE = "contains a NUL (zero) character; remove it"
SURROGATE_MESSAGE = "contains broken Unicode (a lone surrogate); retype it"


def text_problem(value: str) -> str | None:
    """Why this text cannot be accepted, or None when it is clean."""
    if "\x00" in value:
        return NUL_MESSAGE
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return SURROGATE_MESSAGE
    return None


def data_problems(value: Any, *, max_depth: int = MAX_JSON_DEPTH, limit: int = 20) -> list[str]:
    """Every unclean text in a JSON-like value (keys included), each named by its place
    (``"note"``, ``"offerings[2].name"``), and nesting deeper than ``max_depth``; at most
    ``limit`` of them. Walks without recursion, so any depth is safe."""
    problems: list[str] = []
    stack = [("", value, 0)]
    while stack and len(problems) < limit:
        place, item, depth = stack.pop()
        if isinstance(item, str):
            problem = text_problem(item)
            if problem:
                problems.append(f"{place or 'the text'} {problem}")
            continue
        if not isinstance(item, (dict, list, tuple)):
            continue
        if depth >= max_depth:
            problems.append(f"{place or 'the data'} is nested more than {max_depth} levels deep")
            continue
        if isinstance(item, dict):
            for key, inner in reversed(item.items()):
                key_text = str(key)
                problem = text_problem(key_text)
                if problem:
                    problems.append(f"a field name in {place or 'the data'} {problem}")
                    continue
                stack.append((f"{place}.{key_text}" if place else key_text, inner, depth + 1))
        else:
            stack.extend(
                (f"{place}[{n}]", inner, depth + 1) for n, inner in reversed(list(enumerate(item)))
            )
    return problems


def data_problem(value: Any) -> str | None:
    """The first unclean text in a JSON-like value, or None."""
    return next(iter(data_problems(value, limit=1)), None)


def validate_clean_text(value: Any) -> None:
    """Form validator: refuse NUL characters and lone surrogates (in text or in the dicts
    and lists a field makes of it)."""
    problem = text_problem(value) if isinstance(value, str) else data_problem(value)
    if problem:
        message = f"This text {problem}." if isinstance(value, str) else f"{problem}."
        raise ValidationError(message[0].upper() + message[1:], code="bad_text")


def clean_text(value: str, *, label: str) -> str:
    """Text posted outside a form (a reason, a note): returned as is when clean, else a
    :class:`DomainError` naming the field, which views turn into a message."""
    problem = text_problem(value)
    if problem:
        raise DomainError(f"The {label} {problem}.")
    return value


def parse_id(value: Any) -> int | None:
    """A record id from a query string or form: ASCII digits only, in range, else None."""
    if not isinstance(value, str) or not value.isascii() or not value.isdigit():
        return None
    number = int(value)
    return number if 0 < number <= MAX_ID else None


class CleanTextFormMixin:
    """Every text field of the form refuses NUL characters and lone surrogates (R30).

    In the base of every form (``CleanForm``, the crispy model form), so a new form gets
    it without asking. Replaces Django's own NUL check so a field shows one message."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.CharField) and validate_clean_text not in field.validators:
                kept = [v for v in field.validators if not isinstance(v, NulValidator)]
                field.validators = [*kept, validate_clean_text]


class CleanForm(CleanTextFormMixin, forms.Form):
    """The base of every plain (non-model) form."""


class CleanModelForm(CleanTextFormMixin, forms.ModelForm):
    """The base of every model form."""


class BadInput(ValueError):
    """Input that is refused as a whole; the message is meant for the sender."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKET = re.compile(r"[\[\]{}]")


def json_depth(text: str) -> int:
    """How deeply the arrays and objects of a JSON text nest (strings are skipped)."""
    depth = deepest = 0
    for bracket in _BRACKET.findall(_JSON_STRING.sub("", text)):
        if bracket in "[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def load_json(raw: bytes | str, *, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """Parse JSON sent from outside: UTF-8, nested at most ``max_depth`` deep, every text
    (keys included) clean. Raises :class:`BadInput` with a message naming the problem."""
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise BadInput("The data is not UTF-8 text.") from exc
    if json_depth(raw) > max_depth:
        raise BadInput(f"The data is nested more than {max_depth} levels deep.")
    try:
        data = json.loads(raw)
    except RecursionError as exc:  # pragma: no cover - json_depth catches it first
        raise BadInput(f"The data is nested more than {max_depth} levels deep.") from exc
    except ValueError as exc:
        raise BadInput(f"The data is not valid JSON: {exc}") from exc
    problem = data_problem(data)
    if problem:
        raise BadInput(f"In the data, {problem}.")
    return data
