"""Users read labels, never rule numbers (STYLE.md 15): rule ids such as R13 may live in
docstrings, comments and test names, but in no text a user can see."""

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

RULE_ID = re.compile(r"\bR\d{1,2}\b")
ROOT = Path(settings.BASE_DIR)
PACKAGES = ["telcrm", *settings.TELCRM_APPS]
TEMPLATE_COMMENT = re.compile(
    r"\{#.*?#\}|\{% comment %\}.*?\{% endcomment %\}|<!--.*?-->", re.DOTALL
)


def _python_files():
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def _template_files():
    for folder in [ROOT / "templates", *(ROOT / p / "templates" for p in PACKAGES)]:
        yield from sorted(folder.rglob("*.html"))


def _strings_with_rule_ids(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in docstrings
            and RULE_ID.search(node.value)
        ):
            yield f"{path.relative_to(ROOT)}:{node.lineno}: {node.value[:80]!r}"


def test_no_rule_ids_in_messages_labels_or_help_texts():
    found = [hit for path in _python_files() for hit in _strings_with_rule_ids(path)]
    assert not found, "rule ids in text users read:\n" + "\n".join(found)


def test_no_rule_ids_in_templates():
    found = []
    for path in _template_files():
        text = TEMPLATE_COMMENT.sub("", path.read_text(encoding="utf-8"))
        found += [f"{path.relative_to(ROOT)}: {m.group()}" for m in RULE_ID.finditer(text)]
    assert not found, "rule ids in templates:\n" + "\n".join(found)


@pytest.mark.parametrize("role", ["rep", "manager", "orders", "agent", "ops"])
def test_no_rule_ids_on_the_main_pages(login, users, rep_account, role):
    client = login(users[role])
    pages = [
        "home",
        "sales:account_list",
        "sales:lead_list",
        "sales:opportunity_list",
        "sales:quote_list",
        "sales:agreement_list",
        "orders:order_list",
        "cmdb:change_list",
        "cmdb:incident_list",
        "fulfillment:projects",
    ]
    for name in pages:
        response = client.get(reverse(name))
        if response.status_code == 200:
            html = response.content.decode()
            assert not RULE_ID.search(html), (name, RULE_ID.search(html).group())
    response = client.get(rep_account.get_absolute_url())
    if response.status_code == 200:
        assert not RULE_ID.search(response.content.decode())
