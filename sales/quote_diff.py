"""Totals of a quote, and what changed between two versions of it, line by line (R11):
lines are matched by the key their copies share across versions."""

from dataclasses import dataclass, field
from decimal import Decimal

from .catalog import characteristic_specs, characteristics_text
from .choices import FeasibilityStatus, QuoteState
from .models import Quote, QuoteLine

LINE_FIELDS = [
    ("quantity", "Quantity"),
    ("characteristics", "Configuration"),
    ("list_recurring", "List / month"),
    ("agreement_recurring", "Agreement / month"),
    ("discount_percent", "Discount %"),
    ("net_recurring", "Net / month"),
    ("net_one_time", "One-time"),
    ("surcharge", "Build surcharge"),
    ("feasibility", "Feasibility"),
]
MONEY_FIELDS = {
    "list_recurring",
    "agreement_recurring",
    "net_recurring",
    "net_one_time",
    "surcharge",
}
HEADER_FIELDS = [
    ("term_months", "Term (months)"),
    ("valid_until", "Valid until"),
    ("currency", "Currency"),
    ("agreement", "Agreement"),
]


@dataclass
class Change:
    label: str
    old: object
    new: object
    money: bool = False


@dataclass
class LineDiff:
    status: str  # added, removed, changed, unchanged
    old: QuoteLine | None
    new: QuoteLine | None
    changes: list[Change] = field(default_factory=list)

    @property
    def line(self) -> QuoteLine:
        return self.new or self.old


def _value(line: QuoteLine, name: str):
    if name == "feasibility":
        return line.get_feasibility_display()
    if name == "characteristics":
        return {k: v for k, v in (line.characteristics or {}).items() if v not in ("", None)}
    return getattr(line, name)


def _configuration_in_words(diffs: list["LineDiff"]) -> None:
    """A changed configuration as users read it (names and value labels)."""
    changes = [c for d in diffs for c in d.changes if c.label == "Configuration"]
    if changes:
        specs = characteristic_specs()
        for change in changes:
            change.old = characteristics_text(change.old, specs)
            change.new = characteristics_text(change.new, specs)


def line_diffs(old_lines: list[QuoteLine], new_lines: list[QuoteLine]) -> list[LineDiff]:
    """Every line of either version once, in site order: added, removed, changed (with the
    fields that differ) or unchanged."""
    old_by_key = {line.key: line for line in old_lines}
    new_keys = {line.key for line in new_lines}
    diffs = []
    for new in new_lines:
        old = old_by_key.get(new.key)
        if old is None:
            diffs.append(LineDiff("added", None, new))
            continue
        changes = [
            Change(label, _value(old, name), _value(new, name), name in MONEY_FIELDS)
            for name, label in LINE_FIELDS
            if _value(old, name) != _value(new, name)
        ]
        if old.site_id != new.site_id:
            changes.insert(0, Change("Site", old.site.name, new.site.name))
        diffs.append(LineDiff("changed" if changes else "unchanged", old, new, changes))
    diffs += [LineDiff("removed", old, None) for old in old_lines if old.key not in new_keys]
    diffs.sort(key=lambda d: (d.line.site.name, d.line.offering.name, d.status))
    _configuration_in_words(diffs)
    return diffs


def header_changes(old: Quote, new: Quote) -> list[Change]:
    changes = []
    for name, label in HEADER_FIELDS:
        a, b = getattr(old, name), getattr(new, name)
        if a != b:
            changes.append(Change(label, "none" if a is None else a, "none" if b is None else b))
    return changes


def quote_summary(quote: Quote, lines: list[QuoteLine]) -> dict:
    """Totals and the warnings a rep must see before submitting."""
    recurring = sum((line.total_recurring for line in lines), Decimal("0"))
    one_time = sum((line.total_one_time for line in lines), Decimal("0"))
    warnings = []
    infeasible = [line for line in lines if line.feasibility == FeasibilityStatus.NOT_FEASIBLE]
    if infeasible:
        warnings.append(
            f"{len(infeasible)} line(s) not feasible: the quote cannot go for "
            "approval until they change."
        )
    # Only while it matters: once approved (or accepted) the manager has decided.
    deciding = quote.state in (QuoteState.DRAFT, QuoteState.PENDING)
    if deciding and any(line.needs_approval for line in lines):
        warnings.append("A discount is above the threshold: a sales manager must approve.")
    return {
        "recurring": recurring,
        "one_time": one_time,
        "tcv": recurring * quote.term_months + one_time,
        "warnings": warnings,
    }
