"""R30: the one input-cleaning rule (telcrm/cleaning.py) and that every form uses it."""

import importlib
import json

import pytest
from django import forms
from django.conf import settings
from hypothesis import given
from hypothesis import strategies as st

from telcrm.cleaning import (
    BadInput,
    CleanTextFormMixin,
    data_problems,
    load_json,
    parse_id,
    text_problem,
)
from tests.r30 import r30_settings, texts, unclean_texts


@given(text=unclean_texts)
@r30_settings
def test_r30_nul_and_lone_surrogates_are_named(text):
    assert text_problem(text) is not None


@given(text=st.text())  # hypothesis' default text holds no surrogates
@r30_settings
def test_r30_ordinary_text_is_clean(text):
    assert text_problem(text.replace("\x00", "")) is None


@given(raw=st.binary(max_size=200) | texts.map(lambda t: t.encode("utf-8", "surrogatepass")))
@r30_settings
def test_r30_load_json_refuses_with_a_message_never_crashes(raw):
    try:
        data = load_json(raw)
    except BadInput as exc:
        assert exc.message
    else:
        assert not data_problems(data)


@pytest.mark.parametrize(
    "raw, message",
    [
        (b"[" * 100_000 + b"]" * 100_000, "nested more than 32 levels"),
        (b'{"a": ' * 50_000 + b"1" + b"}" * 50_000, "nested more than 32 levels"),
        (b'{"note": "\\ud800"}', "note contains broken Unicode"),
        (b'{"note": "a\\u0000b"}', "note contains a NUL"),
        (b'{"x\\u0000": 1}', "a field name in the data contains a NUL"),
        (b"\xff\xfe", "not UTF-8"),
        (b"{", "not valid JSON"),
    ],
)
def test_r30_load_json_names_the_problem(raw, message):
    with pytest.raises(BadInput, match=message):
        load_json(raw)


def test_r30_brackets_inside_strings_are_not_nesting():
    assert load_json(json.dumps({"a": "[" * 1000})) == {"a": "[" * 1000}


@pytest.mark.parametrize(
    "value, expected",
    [
        ("12", 12),
        ("²", None),
        ("٣", None),
        ("-1", None),
        ("0", None),
        ("", None),
        (None, None),
        ("9" * 30, None),
        ("1\x00", None),
    ],
)
def test_r30_ids_are_ascii_digits_in_range(value, expected):
    assert parse_id(value) == expected


def _project_form_classes():
    for app in ("telcrm", *settings.TELCRM_APPS):
        for module in ("forms", "views", "filters", "admin"):
            try:
                importlib.import_module(f"{app}.{module}")
            except ModuleNotFoundError:
                pass
    found, todo = set(), [forms.BaseForm]
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            if sub.__module__.split(".")[0] in ("telcrm", *settings.TELCRM_APPS):
                found.add(sub)
    return found


def test_r30_every_form_of_the_project_cleans_its_text():
    """A new form gets the rule by inheriting from the project's base forms."""
    classes = _project_form_classes()
    assert len(classes) > 20
    missing = sorted(c.__qualname__ for c in classes if not issubclass(c, CleanTextFormMixin))
    assert not missing, f"forms without the input-cleaning rule: {missing}"


def test_r30_a_form_refuses_nul_and_surrogates_with_one_message():
    from telcrm.cleaning import CleanForm

    class Note(CleanForm):
        note = forms.CharField()

    for bad, message in [("a\x00b", "NUL"), ("a\ud800b", "broken Unicode")]:
        form = Note({"note": bad})
        assert not form.is_valid()
        assert len(form.errors["note"]) == 1 and message in form.errors["note"][0]
    assert Note({"note": "fine ²"}).is_valid()
