"""Export and import of the whole catalog as JSON, round-trip safe.

Records are matched by ``code`` (feasibility rules by ``name``): existing ones are updated,
new ones created, none deleted (offerings end in "retired" instead). The price rules,
eligibility (``segments``, ``countries``) and compatibility rules (``requires``,
``excludes``: offering codes) of each offering and the relationships of each specification
in the file replace the stored ones.
A file with any problem changes nothing; the error lists every problem with its place.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.dateparse import parse_date

from telcrm.cleaning import data_problems
from telcrm.fsm import DomainError, fsm_field_names

from .choices import CompatibilityKind, OfferingState
from .models import (
    CharacteristicSpecification,
    FeasibilityRule,
    OfferingCompatibility,
    OfferingEligibility,
    PriceRule,
    ProductOffering,
    ProductSpecification,
    SpecificationRelationship,
)

FORMAT = "telcrm-catalog"
VERSION = 1
CHAR_FIELDS = [
    "code",
    "name",
    "description",
    "value_type",
    "allowed_values",
    "min_value",
    "max_value",
    "unit",
    "default",
    "price_affecting",
]
SPEC_FIELDS = ["code", "name", "description", "domain"]
OFFERING_FIELDS = [
    "code",
    "name",
    "description",
    "kind",
    "sellable_from",
    "sellable_to",
    "currency",
    "recurring_price",
    "one_time_price",
    "requires_project",
    "partner_name",
    "partner_terms",
    "sla_availability",
    "sla_time_to_restore_hours",
    "sla_response_time_hours",
]
DECIMALS = {
    "recurring_price",
    "one_time_price",
    "sla_availability",
    "sla_time_to_restore_hours",
    "sla_response_time_hours",
    "recurring_adder",
    "one_time_adder",
    "build_surcharge",
}
DATES = {"sellable_from", "sellable_to"}
REFERENCES = {"target", "condition_characteristic", "characteristic"}  # a code (text)
REFERENCE_LISTS = {
    "characteristics",
    "specifications",
    "segments",
    "countries",
    "requires",
    "excludes",
}  # a list of codes
RULE_LISTS = ["segments", "countries", "requires", "excludes"]
RULE_FIELDS = [
    "characteristic",
    "value",
    "min_value",
    "max_value",
    "per_unit",
    "recurring_adder",
    "one_time_adder",
    "description",
]
FEASIBILITY_FIELDS = [
    "name",
    "country",
    "postcode_prefix",
    "on_net_addresses",
    "access_types",
    "max_bandwidth",
    "dual_pop_available",
    "build_surcharge",
    "surcharge_access_types",
    "condition_note",
]
STATE_ORDER = [OfferingState.DRAFT, OfferingState.ACTIVE, OfferingState.RETIRED]
TRANSITION_TO = {OfferingState.ACTIVE: "publish", OfferingState.RETIRED: "retire"}


def _out(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def catalog_export() -> dict:
    """The whole catalog as a JSON-ready dict, in a stable order."""
    chars = CharacteristicSpecification.objects.order_by("code")
    specs = ProductSpecification.objects.order_by("code").prefetch_related(
        "characteristics", "relationships__target", "relationships__condition_characteristic"
    )
    offerings = ProductOffering.objects.order_by("code").prefetch_related(
        "specifications",
        "price_rules__characteristic",
        "eligibility",
        "compatibility_rules__other",
    )
    return {
        "format": FORMAT,
        "version": VERSION,
        "characteristics": [{f: _out(getattr(c, f)) for f in CHAR_FIELDS} for c in chars],
        "specifications": [
            {
                **{f: getattr(s, f) for f in SPEC_FIELDS},
                "characteristics": sorted(c.code for c in s.characteristics.all()),
                "relationships": sorted(
                    (
                        {
                            "target": r.target.code,
                            "kind": r.kind,
                            "condition_characteristic": (
                                r.condition_characteristic.code
                                if r.condition_characteristic
                                else None
                            ),
                            "condition_value": r.condition_value,
                        }
                        for r in s.relationships.all()
                    ),
                    key=lambda r: (r["kind"], r["target"]),
                ),
            }
            for s in specs
        ],
        "offerings": [
            {
                **{f: _out(getattr(o, f)) for f in OFFERING_FIELDS},
                "state": o.state,
                "specifications": sorted(s.code for s in o.specifications.all()),
                **_offering_rules(o),
                "price_rules": [
                    {
                        **{f: _out(getattr(r, f)) for f in RULE_FIELDS[1:]},
                        "characteristic": r.characteristic.code,
                    }
                    for r in sorted(
                        o.price_rules.all(),
                        key=lambda r: (r.characteristic.code, r.value, r.min_value or 0, r.pk),
                    )
                ],
            }
            for o in offerings
        ],
        "feasibility_rules": [
            {f: _out(getattr(r, f)) for f in FEASIBILITY_FIELDS}
            for r in FeasibilityRule.objects.order_by("name")
        ],
    }


def _offering_rules(offering: ProductOffering) -> dict[str, list[str]]:
    eligibility = list(offering.eligibility.all())
    compatibility = list(offering.compatibility_rules.all())
    return {
        "segments": sorted(r.segment for r in eligibility if r.segment),
        "countries": sorted(r.country for r in eligibility if r.country),
        **{
            kind: sorted(r.other.code for r in compatibility if r.kind == kind)
            for kind in (CompatibilityKind.REQUIRES, CompatibilityKind.EXCLUDES)
        },
    }


class _Problems(list):
    def add(self, where: str, message: str) -> None:
        self.append(f"{where}: {message}")


def _fields(item: dict, allowed: list[str], where: str, problems: _Problems) -> dict:
    unknown = set(item) - set(allowed)
    if unknown:
        problems.add(where, f"unknown field(s) {', '.join(sorted(unknown))}")
    values = {}
    for name in allowed:
        if name not in item:
            continue
        value = item[name]
        if name in DECIMALS and value is not None:
            try:
                value = Decimal(str(value))
            except InvalidOperation:
                problems.add(where, f"{name} {value!r} is not a number")
                continue
        if name in DATES and value is not None:
            try:
                parsed = parse_date(value) if isinstance(value, str) else None
            except ValueError:  # well formed but not in the calendar: 2024-02-30
                parsed = None
            if parsed is None:
                problems.add(where, f"{name} {value!r} is not a date (YYYY-MM-DD)")
                continue
            value = parsed
        if name in REFERENCES and value is not None and not isinstance(value, str):
            problems.add(where, f"{name} must be a code (text), not {value!r}")
            continue
        if name in REFERENCE_LISTS and not (
            isinstance(value, list) and all(isinstance(code, str) for code in value)
        ):
            problems.add(where, f"{name} must be a list of codes (text)")
            continue
        values[name] = value
    return values


def _list(data: dict, key: str, problems: _Problems) -> list[dict]:
    items = data.get(key, [])
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        problems.add(key, "must be a list of objects")
        return []
    return items


def _check(obj, where: str, problems: _Problems, exclude: list[str] | None = None) -> None:
    try:
        obj.full_clean(exclude=(exclude or []) + fsm_field_names(obj), validate_unique=False)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            label = "" if field == "__all__" else f"{field}: "
            for message in messages:
                problems.add(where, f"{label}{message}")


def _upsert(model, key: str, values: dict, actor):
    obj = model.objects.filter(**{key: values[key]}).first() or model()
    for name, value in values.items():
        setattr(obj, name, value)
    obj._history_user = actor
    return obj


def catalog_import(*, actor, data: Any) -> dict[str, int]:
    """Import a catalog export; all or nothing. Returns counts of what the file held.

    Raises :class:`DomainError` listing every problem when the file is not acceptable."""
    problems = _Problems()
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise DomainError(f'Not a telcrm catalog file (expected "format": "{FORMAT}").')
    if data.get("version") != VERSION:
        raise DomainError(f"Unsupported catalog file version {data.get('version')!r}.")
    bad_text = data_problems(data)
    if bad_text:  # R30: nothing with NUL, broken Unicode or absurd nesting gets near the DB
        raise DomainError("The catalog file was not imported.", errors=bad_text)
    chars_in = _list(data, "characteristics", problems)
    specs_in = _list(data, "specifications", problems)
    offers_in = _list(data, "offerings", problems)
    rules_in = _list(data, "feasibility_rules", problems)
    for key, items, ident in [
        ("characteristics", chars_in, "code"),
        ("specifications", specs_in, "code"),
        ("offerings", offers_in, "code"),
        ("feasibility_rules", rules_in, "name"),
    ]:
        names = [i.get(ident) for i in items]
        if any(n is not None and not isinstance(n, str) for n in names):
            problems.add(key, f"every {ident} must be text")
            names = [n if isinstance(n, str) else None for n in names]
        missing = sum(1 for n in names if not n)
        if missing:
            problems.add(key, f"{missing} item(s) without a {ident}")
        duplicates = sorted({n for n in names if n and names.count(n) > 1})
        if duplicates:
            problems.add(key, f"{ident} used twice: {', '.join(duplicates)}")
    if problems:
        raise DomainError("The catalog file was not imported.", errors=list(problems))

    with transaction.atomic():
        chars = {c.code: c for c in CharacteristicSpecification.objects.all()}
        for item in chars_in:
            where = f"characteristic {item['code']}"
            obj = _upsert(
                CharacteristicSpecification,
                "code",
                _fields(item, CHAR_FIELDS, where, problems),
                actor,
            )
            _check(obj, where, problems)
            if not problems:
                obj.save()
            chars[obj.code] = obj

        specs = {s.code: s for s in ProductSpecification.objects.all()}
        for item in specs_in:
            where = f"specification {item['code']}"
            values = _fields(
                item, SPEC_FIELDS + ["characteristics", "relationships"], where, problems
            )
            char_codes = values.pop("characteristics", [])
            values.pop("relationships", None)
            obj = _upsert(ProductSpecification, "code", values, actor)
            _check(obj, where, problems)
            unknown = [c for c in char_codes if c not in chars]
            if unknown:
                problems.add(where, f"unknown characteristic(s) {', '.join(unknown)}")
            if not problems:
                obj.save()
                obj.characteristics.set([chars[c] for c in char_codes])
            specs[obj.code] = obj
        for item in specs_in:
            _import_relationships(item, specs, chars, actor, problems)

        for item in offers_in:
            _import_offering(item, specs, chars, actor, problems)
        codes = {o.code: o for o in ProductOffering.objects.all()}
        _import_compatibility(offers_in, codes, actor, problems)

        for item in rules_in:
            where = f"feasibility rule {item['name']}"
            obj = _upsert(
                FeasibilityRule, "name", _fields(item, FEASIBILITY_FIELDS, where, problems), actor
            )
            _check(obj, where, problems)
            if not problems:
                obj.save()
        if problems:
            transaction.set_rollback(True)
    if problems:
        raise DomainError("The catalog file was not imported.", errors=list(problems))
    return {
        "characteristics": len(chars_in),
        "specifications": len(specs_in),
        "offerings": len(offers_in),
        "feasibility_rules": len(rules_in),
    }


def _import_relationships(item, specs, chars, actor, problems) -> None:
    source = specs[item["code"]]
    rels = item.get("relationships", [])
    if not isinstance(rels, list):
        problems.add(f"specification {item['code']}", "relationships must be a list")
        return
    if not problems:
        for old in source.relationships.all():
            old._history_user = actor
            old.delete()
    for n, rel in enumerate(rels, 1):
        where = f"specification {item['code']} relationship {n}"
        if not isinstance(rel, dict):
            problems.add(where, "must be an object")
            continue
        values = _fields(
            rel, ["target", "kind", "condition_characteristic", "condition_value"], where, problems
        )
        target = specs.get(values.get("target"))
        cond_code = values.get("condition_characteristic")
        if target is None:
            problems.add(where, f"unknown target specification {values.get('target')!r}")
            continue
        if cond_code and cond_code not in chars:
            problems.add(where, f"unknown condition characteristic {cond_code!r}")
            continue
        obj = SpecificationRelationship(
            source=source,
            target=target,
            kind=values.get("kind", ""),
            condition_characteristic=chars.get(cond_code) if cond_code else None,
            condition_value=values.get("condition_value") or "",
        )
        obj._history_user = actor
        _check(obj, where, problems, exclude=["source", "target"])
        if target.pk == source.pk:
            problems.add(where, "a specification cannot relate to itself")
        if not problems:
            obj.save()


def _import_offering(item, specs, chars, actor, problems) -> None:
    where = f"offering {item['code']}"
    allowed = OFFERING_FIELDS + ["state", "specifications", "price_rules"] + RULE_LISTS
    values = _fields(item, allowed, where, problems)
    for name in RULE_LISTS:
        values.pop(name, None)
    spec_codes = values.pop("specifications", [])
    rules = values.pop("price_rules", [])
    state = values.pop("state", OfferingState.DRAFT)
    if state not in STATE_ORDER:
        problems.add(where, f"state {state!r} is not one of {', '.join(STATE_ORDER)}")
        return
    obj = _upsert(ProductOffering, "code", values, actor)
    current = obj.state if obj.pk else OfferingState.DRAFT
    if STATE_ORDER.index(state) < STATE_ORDER.index(current):
        problems.add(where, f"cannot go back from {current} to {state}")
    _check(obj, where, problems)
    unknown = [c for c in spec_codes if c not in specs]
    if unknown:
        problems.add(where, f"unknown specification(s) {', '.join(unknown)}")
    if not isinstance(rules, list):
        problems.add(where, "price_rules must be a list")
        rules = []
    if problems:
        return
    obj.save()
    obj.specifications.set([specs[c] for c in spec_codes])
    for old in obj.price_rules.all():
        old._history_user = actor
        old.delete()
    for n, rule in enumerate(rules, 1):
        rule_where = f"{where} price rule {n}"
        if not isinstance(rule, dict):
            problems.add(rule_where, "must be an object")
            continue
        rule_values = _fields(rule, RULE_FIELDS, rule_where, problems)
        char = chars.get(rule_values.pop("characteristic", None))
        if char is None:
            problems.add(rule_where, f"unknown characteristic {rule.get('characteristic')!r}")
            continue
        price_rule = PriceRule(offering=obj, characteristic=char, **rule_values)
        price_rule._history_user = actor
        _check(price_rule, rule_where, problems)
        if not problems:
            price_rule.save()
    _import_eligibility(item, obj, where, actor, problems)
    # Walk the lifecycle forward to the file's state, audited like any transition.
    while not problems and obj.state != state:
        following = STATE_ORDER[STATE_ORDER.index(obj.state) + 1]
        name = TRANSITION_TO[following]
        getattr(obj, name)()
        obj._history_user = actor
        obj._change_reason = name
        obj.save()


def _import_eligibility(item, offering, where, actor, problems) -> None:
    """The offering's segments and countries replace its stored eligibility rules."""
    if not problems:
        for old in offering.eligibility.all():
            old._history_user = actor
            old.delete()
    for name, field in (("segments", "segment"), ("countries", "country")):
        values = item.get(name) or []
        if not (isinstance(values, list) and all(isinstance(v, str) for v in values)):
            continue  # already reported by _fields
        for value in dict.fromkeys(values):
            rule = OfferingEligibility(offering=offering, **{field: value})
            rule._history_user = actor
            _check(rule, f"{where} {name}", problems, exclude=["offering"])
            if not problems:
                rule.save()


def _import_compatibility(items, offerings, actor, problems) -> None:
    """Each offering's ``requires`` and ``excludes`` (codes of offerings in the file or
    stored) replace its stored compatibility rules; rules that contradict each other (A
    needs B, B excludes A) are refused."""
    wanted = []
    for item in items:
        where = f"offering {item['code']}"
        lists = {kind: item.get(kind) or [] for kind in CompatibilityKind.values}
        if not all(
            isinstance(v, list) and all(isinstance(c, str) for c in v) for v in lists.values()
        ):
            continue  # already reported by _fields
        both = set(lists[CompatibilityKind.REQUIRES]) & set(lists[CompatibilityKind.EXCLUDES])
        if both:
            problems.add(where, f"both requires and excludes {', '.join(sorted(both))}")
        for kind, codes in lists.items():
            unknown = [c for c in codes if c not in offerings]
            if unknown:
                problems.add(where, f"{kind} unknown offering(s) {', '.join(unknown)}")
            if item["code"] in codes:
                problems.add(where, f"an offering cannot {kind[:-1]} itself")
            wanted += [(where, item["code"], kind, code) for code in dict.fromkeys(codes)]
    if problems:
        return
    for old in OfferingCompatibility.objects.filter(offering__code__in=[i["code"] for i in items]):
        old._history_user = actor
        old.delete()
    for where, code, kind, other in wanted:
        rule = OfferingCompatibility(offering=offerings[code], other=offerings[other], kind=kind)
        rule._history_user = actor
        _check(rule, where, problems)
        if not problems:
            rule.save()
