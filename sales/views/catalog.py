"""Catalog browser for sales users: search offerings, read them, try a configuration."""

import re

from django.db.models import Prefetch
from django.urls import reverse
from django.views.generic import TemplateView

from telcrm.views import RecordDetailView, RecordListView, RolePermissionMixin

from .. import catalog
from ..choices import CompatibilityKind
from ..filters import OfferingFilterSet
from ..forms import CharacteristicInputsForm, ConfigurationForm
from ..models import (
    CharacteristicSpecification,
    FeasibilityRule,
    Location,
    OfferingCompatibility,
    OfferingEligibility,
    PriceRule,
    ProductOffering,
    ProductSpecification,
)


def offerings_for(user):
    return ProductOffering.objects.visible_to(user)


def with_catalog_details(queryset):
    """What configuring, pricing and decomposing an offering reads, in four queries."""
    return queryset.prefetch_related(
        Prefetch(
            "specifications",
            queryset=ProductSpecification.objects.order_by("domain", "name").prefetch_related(
                Prefetch("characteristics", queryset=CharacteristicSpecification.objects.all())
            ),
        ),
        Prefetch("price_rules", queryset=PriceRule.objects.select_related("characteristic")),
    )


class OfferingListView(RecordListView):
    model = ProductOffering
    filterset_class = OfferingFilterSet
    template_name = "sales/offering_list.html"
    ordering = ("kind", "name")
    title = "Catalog"
    filter_layout = (("q", "col-md-4"), "kind", "state", "domain")
    filter_buttons = "col-6 col-md-2"

    def visible(self):
        return (
            super()
            .visible()
            .prefetch_related(
                Prefetch("specifications", queryset=ProductSpecification.objects.only("domain"))
            )
        )


class TryConfiguration:
    """The "try a configuration" panel: validate, price, check feasibility, decompose."""

    def __init__(self, offering, user, data):
        self.offering = offering
        self.characteristics = catalog.offering_characteristics(offering)
        locations = (
            Location.objects.visible_to(user)
            .select_related("account")
            .order_by("account__name", "city")
        )
        self.form = ConfigurationForm(
            data, characteristics=self.characteristics, locations=locations
        )
        self.tried = data is not None
        self.errors: list[catalog.ConfigError] = []
        self.price = self.feasibility = None
        self.decomposition: list[catalog.DecompositionItem] = []
        if self.tried and self.form.is_valid():
            self._run()

    def _run(self) -> None:
        values = self.form.characteristic_values()
        config, self.errors = catalog.validate_configuration(self.offering, values)
        if self.errors:
            return
        self.price = catalog.price_configuration(self.offering, config)
        location = self.form.cleaned_data.get("location")
        if location is not None:
            self.feasibility = catalog.check_feasibility(self.offering, config, location)
        self.decomposition = catalog.decomposition_preview(self.offering, config)
        self.domains = [
            (domain, catalog.Domain(domain).label)
            for domain in catalog.domains_of(self.decomposition)
        ]

    @property
    def one_time_with_surcharge(self):
        surcharge = self.feasibility.surcharge if self.feasibility else 0
        return self.price.one_time + surcharge


def rule_order(rule: PriceRule) -> tuple:
    """By characteristic, then numerically where values are numbers (10 < 100 < 1000)."""
    value = rule.value
    return (
        rule.characteristic.name,
        rule.min_value or 0,
        (0, int(value), "") if value.isascii() and value.isdigit() else (1, 0, value),
    )


class OfferingDetailView(RecordDetailView):
    model = ProductOffering
    template_name = "sales/offering_detail.html"
    context_object_name = "offering"
    list_title, list_url = "Catalog", "sales:offering_list"

    def visible(self):
        return with_catalog_details(offerings_for(self.request.user))

    def crumb(self, offering):
        return offering.code

    def history_querysets(self, offering):
        if self.request.htmx:  # a "try a configuration" answer replaces only its own panel
            return []
        return [
            ProductOffering.history.filter(id=offering.pk),
            PriceRule.history.filter(offering_id=offering.pk),
        ]

    def get_template_names(self):
        if self.request.htmx:
            return ["sales/partials/try_result.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        offering = self.object
        data = self.request.GET if "try" in self.request.GET else None
        context.update(
            trial=TryConfiguration(offering, self.request.user, data),
            price_rules=sorted(offering.price_rules.all(), key=rule_order),
            sellable=offering.is_sellable(),
            rules=catalog.offering_rules(offering),
        )
        return context


FORM_PREFIX = re.compile(r"[a-z]{1,20}(-[0-9]{1,4})?")


class CharacteristicInputsView(RolePermissionMixin, TemplateView):
    """htmx, for a line form whose offering changed: the inputs of the chosen offering's
    characteristics, named for the form's prefix (``?prefix=``). Values typed so far carry
    over where the new offering has the same characteristic."""

    permission_required = "sales.view_productoffering"
    template_name = "sales/partials/characteristic_inputs.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        data = self.request.GET
        prefix = data.get("prefix", "")
        prefix = prefix if FORM_PREFIX.fullmatch(prefix) else ""
        key = f"{prefix}-" if prefix else ""
        chosen = data.get(f"{key}offering", "")
        offering = None
        if chosen.isascii() and chosen.isdigit():
            offering = (
                offerings_for(self.request.user)
                .prefetch_related("specifications__characteristics")
                .filter(pk=chosen)
                .first()
            )
        values = {
            name.removeprefix(f"{key}c_"): value
            for name, value in data.items()
            if name.startswith(f"{key}c_")
        }
        context["form"] = CharacteristicInputsForm(
            offering=offering, values=values, prefix=prefix or None
        )
        return context


COUNTRY_NAMES = {
    "AT": "Austria",
    "BE": "Belgium",
    "CH": "Switzerland",
    "DE": "Germany",
    "DK": "Denmark",
    "ES": "Spain",
    "FR": "France",
    "GB": "United Kingdom",
    "IE": "Ireland",
    "IT": "Italy",
    "LU": "Luxembourg",
    "NL": "Netherlands",
    "PL": "Poland",
    "SE": "Sweden",
}


def offering_rules() -> list[dict]:
    """Offerings sold only to some customer segments or in some countries, or needing or
    excluding another offering at the same site, with their rules in words (two queries).
    An exclusion holds both ways, so it is listed under both offerings."""
    rows: dict[int, dict] = {}

    def row(offering) -> dict:
        return rows.setdefault(
            offering.pk,
            {"offering": offering, "segments": [], "countries": [], "needs": [], "excludes": []},
        )

    for rule in OfferingEligibility.objects.select_related("offering"):
        entry = row(rule.offering)
        if rule.segment:
            entry["segments"].append(rule.get_segment_display())
        else:
            entry["countries"].append(COUNTRY_NAMES.get(rule.country, rule.country))
    for rule in OfferingCompatibility.objects.select_related("offering", "other"):
        if rule.kind == CompatibilityKind.REQUIRES:
            row(rule.offering)["needs"].append(rule.other)
        else:
            row(rule.offering)["excludes"].append(rule.other)
            row(rule.other)["excludes"].append(rule.offering)
    for entry in rows.values():
        for key in ("segments", "countries"):
            entry[key].sort()
        for key in ("needs", "excludes"):
            entry[key].sort(key=lambda o: o.name)
    return sorted(rows.values(), key=lambda e: e["offering"].name)


class CoverageView(RolePermissionMixin, TemplateView):
    """Where the network reaches (R10), read-only for everyone who sells: per country the
    coverage rules, most specific first (on-net buildings, postcode areas, the country),
    with their access types, bandwidth limits and build surcharges; then which offerings
    are sold only to some customers or places, or need or exclude another at a site."""

    permission_required = "sales.view_productoffering"
    template_name = "sales/coverage.html"

    def get_context_data(self, **kwargs):
        rules = sorted(
            FeasibilityRule.objects.all(),
            key=lambda r: (r.country, [-s for s in r.specificity], r.name),
        )
        countries: dict[str, dict] = {}
        for rule in rules:
            country = countries.setdefault(
                rule.country,
                {
                    "code": rule.country,
                    "name": COUNTRY_NAMES.get(rule.country, rule.country),
                    "rules": [],
                },
            )
            rule.access = [
                {
                    "label": access.replace("_", " ").capitalize(),
                    "max": (rule.max_bandwidth or {}).get(access),
                    "surcharge": access in (rule.surcharge_access_types or []),
                }
                for access in rule.access_types or []
            ]
            country["rules"].append(rule)
        return super().get_context_data(
            countries=sorted(countries.values(), key=lambda c: c["name"]),
            offering_rules=offering_rules(),
            breadcrumbs=[("Catalog", reverse("sales:offering_list")), ("Coverage", "")],
            **kwargs,
        )
