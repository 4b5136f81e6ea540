"""What later stages ask of the catalog: validate, price, check feasibility and preview the
decomposition of a configuration. Pure reads; user input gives named errors, never
exceptions.

A configuration is a dict ``{characteristic code: value}``; values may be the raw texts of
a form or already typed (int, bool)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q

from .choices import CompatibilityKind, Domain, FeasibilityStatus, Industry, ValueType
from .models import (
    Account,
    CharacteristicSpecification,
    FeasibilityRule,
    Location,
    OfferingCompatibility,
    ProductOffering,
    ProductSpecification,
    SpecificationRelationship,
)
from .models.catalog import as_text, humanize_code, humanize_value

TRUE_WORDS = {"yes", "true", "1", "on", "y"}
FALSE_WORDS = {"no", "false", "0", "off", "n"}
VIA = {"bundles": "bundled in", "requires": "required by", "realized_as": "realization of"}
ACCESS_TYPE = "access_type"
BANDWIDTH = "bandwidth"
POP_REDUNDANCY = "pop_redundancy"


@dataclass(frozen=True)
class ConfigError:
    """One problem of a configuration, for the user: which characteristic, and why."""

    code: str
    message: str


def offering_characteristics(offering: ProductOffering) -> list[CharacteristicSpecification]:
    """The characteristics of all the offering's specifications, each once, in a stable order.

    Uses prefetched ``specifications__characteristics`` when present."""
    seen: dict[str, CharacteristicSpecification] = {}
    for spec in offering.specifications.all():
        for char in spec.characteristics.all():
            seen.setdefault(char.code, char)
    return sorted(seen.values(), key=lambda c: (not c.price_affecting, c.name))


def parse_value(char: CharacteristicSpecification, raw) -> tuple[object, str]:
    """Turn a raw value into the characteristic's type: (value, "") or (None, error)."""
    if char.value_type == ValueType.BOOLEAN:
        if isinstance(raw, bool):
            return raw, ""
        word = str(raw).strip().lower()
        if word in TRUE_WORDS:
            return True, ""
        if word in FALSE_WORDS:
            return False, ""
        return None, "must be yes or no"
    if char.value_type == ValueType.INTEGER:
        if isinstance(raw, bool):
            return None, "must be a whole number"
        try:
            value = int(str(raw).strip())
        except ValueError:
            return None, "must be a whole number"
        if char.min_value is not None and value < char.min_value:
            return None, f"must be at least {char.min_value}"
        if char.max_value is not None and value > char.max_value:
            return None, f"must be at most {char.max_value}"
        return value, ""
    text = str(raw).strip()
    if char.value_type == ValueType.CHOICE and text not in char.allowed_values:
        return None, f"“{text}” is not allowed (choose {', '.join(char.allowed_values)})"
    return text, ""


def validate_configuration(
    offering: ProductOffering, values: dict
) -> tuple[dict, list[ConfigError]]:
    """Check ``values`` against the offering's characteristics.

    Returns the typed configuration (defaults filled in) and the list of errors: missing
    value, value not allowed, out of range, unknown characteristic."""
    chars = offering_characteristics(offering)
    known = {c.code for c in chars}
    errors = [
        ConfigError(code, f"{code} is not a characteristic of {offering.name}")
        for code in values
        if code not in known
    ]
    config: dict = {}
    for char in chars:
        raw = values.get(char.code)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            raw = char.default
        if raw is None or raw == "":
            if char.value_type != ValueType.TEXT:
                errors.append(ConfigError(char.code, f"{char.name}: a value is required"))
            else:
                config[char.code] = ""
            continue
        value, problem = parse_value(char, raw)
        if problem:
            errors.append(ConfigError(char.code, f"{char.name} {problem}"))
        else:
            config[char.code] = value
    return config, errors


def characteristic_specs() -> dict[str, CharacteristicSpecification]:
    """Every characteristic of the catalog by code, in the catalog's order (by name), in one
    query (catalogs hold tens)."""
    fields = ("code", "name", "value_type", "unit")
    chars = CharacteristicSpecification.objects.only(*fields).order_by("name", "pk")
    return {char.code: char for char in chars}


def labelled_characteristics(
    values: dict | None, specs: dict[str, CharacteristicSpecification]
) -> list[tuple[str, str]]:
    """(name, value label) for each value given: what users read instead of
    ``code=value`` ("Access type", "fixed wireless"). A code the catalog does not know (a
    value captured in fulfillment, say) is put in words."""
    place = {code: i for i, code in enumerate(specs)}
    pairs = []
    # In the catalog's order (codes it does not know last), whatever order the values were
    # stored in: PostgreSQL's JSON keeps its own order, SQLite the order they were written.
    given = [(code, value) for code, value in (values or {}).items() if value not in ("", None)]
    for code, value in sorted(given, key=lambda item: place.get(item[0], len(place))):
        char = specs.get(code)
        if char is None:
            pairs.append((humanize_code(code), as_text(value)))
        else:
            pairs.append((char.name, char.value_label(value)))
    return pairs


def characteristics_text(values: dict | None, specs: dict[str, CharacteristicSpecification]):
    """ "Bandwidth: 100 Mbit/s · Access type: fiber"."""
    return " · ".join(f"{name}: {label}" for name, label in labelled_characteristics(values, specs))


def _money(amount: Decimal) -> Decimal:
    return amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass
class PriceLine:
    description: str
    recurring: Decimal
    one_time: Decimal


@dataclass
class PriceBreakdown:
    """List price plus each characteristic adder; recurring (monthly) and one-time apart."""

    currency: str
    list_recurring: Decimal
    list_one_time: Decimal
    adders: list[PriceLine] = field(default_factory=list)

    @property
    def recurring(self) -> Decimal:
        return _money(self.list_recurring + sum((a.recurring for a in self.adders), Decimal(0)))

    @property
    def one_time(self) -> Decimal:
        return _money(self.list_one_time + sum((a.one_time for a in self.adders), Decimal(0)))


def currency_problem(offering: ProductOffering, currency: str, record: str) -> str:
    """Why ``offering`` cannot be priced on a ``record`` in ``currency`` (empty when it can).

    The catalog prices each offering in one currency; its amounts are never taken for
    another currency's."""
    if offering.currency == currency:
        return ""
    return (
        f"{offering.name} is priced in {offering.currency} only; this {record} is in "
        f"{currency}. Choose an offering priced in {currency}, or make the {record} in "
        f"{offering.currency}."
    )


def require_currency(lines, currency: str, record: str) -> None:
    """Refuse a change that leaves a catalog line of ``lines`` (a queryset of lines with an
    optional ``offering``) on a ``record`` whose currency its offering is not priced in."""
    from telcrm.fsm import DomainError

    for line in lines.filter(offering__isnull=False).exclude(offering__currency=currency)[:1]:
        raise DomainError(currency_problem(line.offering, currency, record))


def priced_configuration(
    offering: ProductOffering, characteristics: dict | None
) -> tuple[dict, dict[str, str], PriceBreakdown]:
    """A line's characteristics checked against its offering (blank ones left out) and
    priced: the parsed values, the same as stored text, and the price. Raises DomainError
    naming each bad characteristic."""
    from telcrm.fsm import DomainError

    values = {k: v for k, v in (characteristics or {}).items() if v not in ("", None)}
    config, errors = validate_configuration(offering, values)
    if errors:
        raise DomainError(
            f"{offering.name}: " + "; ".join(e.message for e in errors),
            errors=[f"{offering.name}: {e.message}" for e in errors],
        )
    return config, {k: as_text(v) for k, v in config.items()}, price_configuration(offering, config)


def price_configuration(offering: ProductOffering, config: dict) -> PriceBreakdown:
    """Price a validated configuration from the offering's list price and price rules.

    Uses prefetched ``price_rules__characteristic`` when present."""
    breakdown = PriceBreakdown(
        currency=offering.currency,
        list_recurring=offering.recurring_price,
        list_one_time=offering.one_time_price,
    )
    for rule in offering.price_rules.all():
        code = rule.characteristic.code
        if code not in config or not rule.matches(config[code]):
            continue
        factor = Decimal(config[code]) if rule.per_unit else Decimal(1)
        label = rule.description or (
            f"{rule.characteristic.name} {rule.characteristic.value_label(config[code])}"
        )
        if rule.per_unit:
            label = f"{label} × {config[code]}"
        breakdown.adders.append(
            PriceLine(label, rule.recurring_adder * factor, rule.one_time_adder * factor)
        )
    return breakdown


@dataclass
class Feasibility:
    """The answer for one site line (R10)."""

    status: str
    reasons: list[str] = field(default_factory=list)
    surcharge: Decimal = Decimal("0")
    rule: FeasibilityRule | None = None

    @property
    def label(self) -> str:
        return FeasibilityStatus(self.status).label

    @property
    def badge(self) -> str:
        return {"feasible": "success", "conditional": "warning"}.get(self.status, "danger")


def _normalise_address(text: str) -> str:
    return " ".join(text.casefold().replace(",", " ").split())


def matching_rule(location: Location, rules=None) -> FeasibilityRule | None:
    """The most specific coverage rule for ``location`` (on-net address, then the longest
    postcode prefix, then the country)."""
    rules = FeasibilityRule.objects.filter(country=location.country) if rules is None else rules
    address = _normalise_address(f"{location.postcode} {location.address_line1}")
    candidates = []
    for rule in rules:
        if rule.country != location.country:
            continue
        if rule.on_net_addresses:
            if address not in {_normalise_address(a) for a in rule.on_net_addresses}:
                continue
        elif not location.postcode.replace(" ", "").startswith(rule.postcode_prefix):
            continue
        candidates.append(rule)
    return max(candidates, key=lambda r: r.specificity, default=None)


def needs_access(offering: ProductOffering) -> bool:
    return any(spec.domain == Domain.ACCESS for spec in offering.specifications.all())


def check_feasibility(
    offering: ProductOffering, config: dict, location: Location, rules=None
) -> Feasibility:
    """Whether the configured access can be delivered at ``location``: feasible, feasible
    with conditions (a build surcharge, which enters the price), or not feasible with the
    reasons."""
    if not needs_access(offering):
        return Feasibility(FeasibilityStatus.FEASIBLE, ["No access line: deliverable anywhere."])
    rule = matching_rule(location, rules)
    if rule is None:
        return Feasibility(
            FeasibilityStatus.NOT_FEASIBLE,
            [f"No network coverage at {location.postcode} {location.city} ({location.country})."],
        )
    reasons = []
    access = config.get(ACCESS_TYPE)
    if access and access not in rule.access_types:
        available = ", ".join(humanize_value(a) for a in rule.access_types) or "none"
        reasons.append(
            f"{humanize_value(access)} access is not available here (available: {available})."
        )
    bandwidth = config.get(BANDWIDTH)
    limit = rule.max_bandwidth.get(access) if access else None
    if bandwidth is not None and limit is not None and int(bandwidth) > int(limit):
        reasons.append(
            f"{bandwidth} Mbit/s exceeds the {limit} Mbit/s {humanize_value(access)} limit here."
        )
    if config.get(POP_REDUNDANCY) == "dual" and not rule.dual_pop_available:
        reasons.append("Dual-POP redundancy is not available here.")
    if reasons:
        return Feasibility(FeasibilityStatus.NOT_FEASIBLE, reasons, rule=rule)
    applies = not rule.surcharge_access_types or access in rule.surcharge_access_types
    if rule.build_surcharge > 0 and applies:
        note = rule.condition_note or "Network build needed."
        return Feasibility(
            FeasibilityStatus.CONDITIONAL, [note], surcharge=rule.build_surcharge, rule=rule
        )
    return Feasibility(FeasibilityStatus.FEASIBLE, [f"Covered by {rule.name}."], rule=rule)


@dataclass(frozen=True)
class DecompositionItem:
    """One product specification the offering decomposes into, and how it got there."""

    specification: ProductSpecification
    domain: str
    via: str  # "" for the offering's own specifications, else e.g. "requires CPE-ROUTER"
    depth: int

    @property
    def domain_label(self) -> str:
        return Domain(self.domain).label


RelationshipGraph = dict[int, list[SpecificationRelationship]]


def relationship_graph() -> RelationshipGraph:
    """Every specification relationship by source, in one query: catalogs hold hundreds of
    rows, not more."""
    by_source: RelationshipGraph = {}
    for rel in SpecificationRelationship.objects.select_related(
        "target", "condition_characteristic"
    ):
        by_source.setdefault(rel.source_id, []).append(rel)
    return by_source


def decomposition_preview(
    offering: ProductOffering, config: dict, graph: RelationshipGraph | None = None
) -> list[DecompositionItem]:
    """The specifications (and their domains) an order line of this configuration turns
    into: the offering's own, plus whatever their relationships bundle, require or are
    realized as, where a relationship's condition matches the configuration (R19)."""
    by_source = relationship_graph() if graph is None else graph
    items: list[DecompositionItem] = []
    seen: set[int] = set()
    stack = [(spec, "", 0) for spec in reversed(list(offering.specifications.all()))]
    while stack:
        spec, via, depth = stack.pop()
        if spec.pk in seen:
            continue
        seen.add(spec.pk)
        items.append(DecompositionItem(spec, spec.domain, via, depth))
        related = [r for r in by_source.get(spec.pk, []) if r.applies_to(config)]
        for rel in reversed(related):
            via = f"{VIA[rel.kind]} {spec.code}"
            stack.append((rel.target, via, depth + 1))
    return items


def domains_of(items: list[DecompositionItem]) -> list[str]:
    """The distinct domains in order of first appearance: one domain order each."""
    return list(dict.fromkeys(item.domain for item in items))


# Eligibility and compatibility ----------------------------------------------------------


def _either(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def eligibility_problem(
    offering: ProductOffering, *, customer: Account, site: Account, country: str
) -> str:
    """Why ``offering`` cannot be sold to ``customer`` at ``site`` (in ``country``); empty
    when it can. Uses prefetched ``eligibility`` when present."""
    rules = list(offering.eligibility.all())
    segments = sorted({r.segment for r in rules if r.segment})
    if segments and customer.industry not in segments:
        labels = _either(sorted(Industry(s).label for s in segments))
        where = (
            f"in {customer.get_industry_display()}"
            if customer.industry
            else "without an industry (set it on the account)"
        )
        return f"{offering.name} is sold only to customers in {labels}; {customer.name} is {where}."
    countries = sorted({r.country for r in rules if r.country})
    if countries and country not in countries:
        return (
            f"{offering.name} is sold only at sites in {_either(countries)}; {site.name} is "
            f"in {country or 'no country'}."
        )
    return ""


@dataclass(frozen=True)
class Conflict:
    """Lines at one site that do not go together, and why, for the user."""

    lines: tuple
    message: str


def line_conflicts(lines: Iterable, rules: list[OfferingCompatibility] | None = None):
    """What does not go together among ``lines`` (anything with ``site`` and ``offering``):
    a line whose offering needs another offering missing at its site, and two lines whose
    offerings exclude each other at the same site. Lines at different sites never conflict.

    ``rules`` default to the compatibility rules of the lines' offerings (one query)."""
    lines = list(lines)
    if rules is None:
        offering_ids = {line.offering_id for line in lines}
        rules = list(
            OfferingCompatibility.objects.filter(offering_id__in=offering_ids).select_related(
                "other"
            )
        )
    by_offering: dict[int, list[OfferingCompatibility]] = {}
    for rule in rules:
        by_offering.setdefault(rule.offering_id, []).append(rule)
    at_site: dict[int, dict[int, object]] = {}
    for line in lines:
        at_site.setdefault(line.site_id, {}).setdefault(line.offering_id, line)
    conflicts: list[Conflict] = []
    seen: set[tuple[int, str, frozenset]] = set()
    for line in lines:
        present = at_site[line.site_id]
        for rule in by_offering.get(line.offering_id, []):
            if rule.kind == CompatibilityKind.REQUIRES and rule.other_id not in present:
                message = (
                    f"{line.offering.name} at {line.site.name} needs {rule.other.name} at the "
                    "same site."
                )
                partners = (line,)
            elif rule.kind == CompatibilityKind.EXCLUDES and rule.other_id in present:
                other = present[rule.other_id]
                message = (
                    f"{line.offering.name} and {other.offering.name} exclude each other at "
                    f"{line.site.name}."
                )
                partners = (line, other)
            else:
                continue
            key = (line.site_id, rule.kind, frozenset([rule.offering_id, rule.other_id]))
            if key not in seen:
                seen.add(key)
                conflicts.append(Conflict(partners, message))
    return conflicts


@dataclass
class OfferingRules:
    """An offering's eligibility and compatibility rules, as the offering page shows them."""

    segments: list[str] = field(default_factory=list)  # labels; empty: every segment
    countries: list[str] = field(default_factory=list)  # empty: every country
    needs: list[ProductOffering] = field(default_factory=list)
    needed_by: list[ProductOffering] = field(default_factory=list)
    excludes: list[ProductOffering] = field(default_factory=list)


def offering_rules(offering: ProductOffering) -> OfferingRules:
    """Who may buy ``offering`` and what it needs or excludes at a site, both ways (an
    exclusion holds both ways; a need shows on both offerings), in two queries."""
    rules = OfferingRules()
    for row in offering.eligibility.all():
        if row.segment:
            rules.segments.append(row.get_segment_display())
        else:
            rules.countries.append(row.country)
    rules.segments.sort()
    rules.countries.sort()
    compatibility = OfferingCompatibility.objects.filter(
        Q(offering=offering) | Q(other=offering)
    ).select_related("offering", "other")
    for rule in compatibility:
        mine = rule.offering_id == offering.pk
        partner = rule.other if mine else rule.offering
        if rule.kind == CompatibilityKind.EXCLUDES:
            if partner not in rules.excludes:
                rules.excludes.append(partner)
        else:
            (rules.needs if mine else rules.needed_by).append(partner)
    for partners in (rules.needs, rules.needed_by, rules.excludes):
        partners.sort(key=lambda o: o.name)
    return rules


@dataclass
class SiteOffer:
    """What can be sold at one site and what does not go together there."""

    eligible: list[ProductOffering] = field(default_factory=list)
    ineligible: dict[int, str] = field(default_factory=dict)  # offering pk: why not
    conflicts: list[Conflict] = field(default_factory=list)

    def problem(self, offering: ProductOffering) -> str:
        return self.ineligible.get(offering.pk, "")


def site_offer(
    site: Account,
    lines: Iterable = (),
    *,
    customer: Account | None = None,
    offerings: Iterable[ProductOffering] | None = None,
    location: Location | None = None,
) -> SiteOffer:
    """For ``site`` and the ``lines`` placed there: which ``offerings`` (default: the
    sellable ones) are eligible for the customer's segment and the site's country, with the
    reason for each that is not, and which lines conflict (one needs an offering missing
    there, or two exclude each other).

    ``customer`` is the legal account whose segment counts (default: the site's root);
    ``location`` the site's address (default: its primary location)."""
    customer = customer or (site if site.is_legal else site.root)
    if location is None:
        location = site.locations.order_by("-is_primary", "pk").first()
    country = location.country if location is not None else ""
    if offerings is None:
        offerings = ProductOffering.objects.sellable().prefetch_related("eligibility")
    answer = SiteOffer()
    for offering in offerings:
        problem = eligibility_problem(offering, customer=customer, site=site, country=country)
        if problem:
            answer.ineligible[offering.pk] = problem
        else:
            answer.eligible.append(offering)
    answer.conflicts = line_conflicts([line for line in lines if line.site_id == site.pk])
    return answer
