"""Product catalog (TM Forum SID / TMF620 shape): what can be sold, how it is configured and
priced, where it can be delivered, and what it decomposes into for fulfillment."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from telcrm.models import BadgeMixin, History

from ..choices import (
    CompatibilityKind,
    Currency,
    Domain,
    Industry,
    OfferingKind,
    OfferingState,
    RelationshipKind,
    ValueType,
)
from .accounts import country_code

code_validator = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", "Use letters, digits, dots, dashes and underscores."
)


def as_text(value) -> str:
    """A configuration value as rules store it: yes/no for booleans."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


# Words users read in capitals wherever a code spells them in lower case.
ACRONYMS = {
    "ap",
    "aps",
    "bgp",
    "cpe",
    "did",
    "dia",
    "evc",
    "ha",
    "id",
    "ip",
    "ipv4",
    "ipv6",
    "mpls",
    "ntu",
    "pop",
    "sip",
    "sla",
    "vlan",
    "wan",
}


def humanize_value(text: str) -> str:
    """``fixed_wireless`` -> "fixed wireless", ``bgp`` -> "BGP": a value code as words."""
    words = str(text).replace("_", " ").split(" ")
    return " ".join(w.upper() if w.lower() in ACRONYMS else w for w in words)


def humanize_code(code: str) -> str:
    """``circuit_id`` -> "Circuit ID": the name of a code the catalog does not name."""
    text = humanize_value(code)
    return text[:1].upper() + text[1:]


money = {"max_digits": 12, "decimal_places": 2, "default": Decimal("0.00")}


class CharacteristicSpecification(models.Model):
    """A configurable property (bandwidth, access type, ...) with its allowed values.

    Price-affecting characteristics are "commercial": changing them on an order needs a new
    quote version (R16)."""

    code = models.CharField(max_length=50, unique=True, validators=[code_validator])
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    value_type = models.CharField(max_length=10, choices=ValueType.choices)
    allowed_values = models.JSONField(
        default=list, blank=True, help_text="For choices: the list of allowed values."
    )
    min_value = models.IntegerField(null=True, blank=True)
    max_value = models.IntegerField(null=True, blank=True)
    unit = models.CharField(max_length=20, blank=True, help_text="e.g. Mbit/s, channels")
    default = models.CharField(max_length=100, blank=True)
    price_affecting = models.BooleanField(default=False)

    history = History()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_value__isnull=True)
                | Q(max_value__isnull=True)
                | Q(min_value__lte=models.F("max_value")),
                name="%(app_label)s_%(class)s_min_le_max",
                violation_error_message="The minimum must not exceed the maximum.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.value_type == ValueType.CHOICE:
            values = self.allowed_values
            if not isinstance(values, list) or not values:
                raise ValidationError({"allowed_values": "A choice needs a list of values."})
            if not all(isinstance(v, str) and v for v in values):
                raise ValidationError({"allowed_values": "Allowed values are non-empty texts."})
            if len(set(values)) != len(values):
                raise ValidationError({"allowed_values": "Allowed values must be unique."})
        elif self.allowed_values:
            raise ValidationError({"allowed_values": "Only choices have allowed values."})
        if self.value_type != ValueType.INTEGER and (
            self.min_value is not None or self.max_value is not None
        ):
            raise ValidationError({"min_value": "Only integers have a range."})
        if self.default:
            from ..catalog import parse_value

            _value, error = parse_value(self, self.default)
            if error:
                raise ValidationError({"default": f"The default is not valid: {error}"})

    def value_label(self, value) -> str:
        """What users read for a value: words for a choice's code, the unit after it
        ("fixed wireless", "100 Mbit/s", "yes")."""
        text = as_text(value)
        if self.value_type == ValueType.CHOICE:
            text = humanize_value(text)
        return f"{text} {self.unit}" if self.unit and text else text

    @property
    def choices_display(self) -> str:
        if self.value_type == ValueType.CHOICE:
            return ", ".join(humanize_value(v) for v in self.allowed_values)
        if self.value_type == ValueType.INTEGER:
            low = "" if self.min_value is None else self.min_value
            high = "" if self.max_value is None else self.max_value
            return f"{low} – {high}".strip(" –") or "any whole number"
        if self.value_type == ValueType.BOOLEAN:
            return "yes, no"
        return "free text"


class ProductSpecification(models.Model):
    """What a product is made of technically, in one fulfillment domain (R19)."""

    code = models.CharField(max_length=50, unique=True, validators=[code_validator])
    name = models.CharField(max_length=150)
    description = models.TextField(blank=True)
    domain = models.CharField(max_length=20, choices=Domain.choices)
    characteristics = models.ManyToManyField(
        CharacteristicSpecification, related_name="specifications", blank=True
    )
    history = History(m2m_fields=[characteristics])

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_domain_display()})"


class SpecificationRelationship(models.Model):
    """``source`` bundles / requires / is realized as ``target``; optionally only when a
    characteristic of the configuration has a given value (e.g. managed CPE = yes)."""

    source = models.ForeignKey(
        ProductSpecification, on_delete=models.CASCADE, related_name="relationships"
    )
    target = models.ForeignKey(
        ProductSpecification, on_delete=models.PROTECT, related_name="used_by"
    )
    kind = models.CharField(max_length=20, choices=RelationshipKind.choices)
    condition_characteristic = models.ForeignKey(
        CharacteristicSpecification,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    condition_value = models.CharField(max_length=100, blank=True)

    history = History()

    class Meta:
        ordering = ["source", "kind", "target"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "target", "kind"], name="%(app_label)s_%(class)s_unique"
            ),
            models.CheckConstraint(
                condition=~Q(source=models.F("target")),
                name="%(app_label)s_%(class)s_not_self",
                violation_error_message="A specification cannot relate to itself.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source.code} {self.get_kind_display().lower()} {self.target.code}"

    def applies_to(self, values: dict) -> bool:
        if self.condition_characteristic_id is None:
            return True
        value = values.get(self.condition_characteristic.code, "")
        return as_text(value) == self.condition_value


class OfferingQuerySet(models.QuerySet):
    def visible_to(self, user) -> "OfferingQuerySet":
        """The catalog is public to every role; drafts only to those who manage it."""
        if not user.is_authenticated or not user.has_perm("sales.view_productoffering"):
            return self.none()
        if user.has_perm("sales.change_productoffering"):
            return self
        return self.exclude(state=OfferingState.DRAFT)

    def sellable(self, on: date | None = None) -> "OfferingQuerySet":
        """Active offerings whose sales window includes ``on`` (today by default)."""
        on = on or timezone.localdate()
        return self.filter(
            Q(sellable_from__isnull=True) | Q(sellable_from__lte=on),
            Q(sellable_to__isnull=True) | Q(sellable_to__gte=on),
            state=OfferingState.ACTIVE,
        )

    def for_segment(self, segment: str) -> "OfferingQuerySet":
        """Offerings sold to customers of ``segment`` (an industry): those limited to no
        segment, and those limited to it."""
        limited = OfferingEligibility.objects.exclude(segment="")
        return self.filter(
            ~Q(pk__in=limited.values("offering_id"))
            | Q(pk__in=limited.filter(segment=segment).values("offering_id"))
        )


class ProductOffering(BadgeMixin, ConcurrentTransitionMixin, models.Model):
    """What sales can sell: bundles product specifications at a list price (TMF620)."""

    code = models.CharField(max_length=50, unique=True, validators=[code_validator])
    name = models.CharField(max_length=150)
    description = models.TextField(blank=True)
    kind = models.CharField(max_length=20, choices=OfferingKind.choices)
    state = FSMField(
        "lifecycle status",
        default=OfferingState.DRAFT,
        choices=OfferingState.choices,
        protected=True,
    )
    sellable_from = models.DateField(null=True, blank=True)
    sellable_to = models.DateField(null=True, blank=True)
    currency = models.CharField(max_length=3, choices=Currency.choices, default=Currency.EUR)
    recurring_price = models.DecimalField(
        "recurring list price (monthly)", validators=[MinValueValidator(0)], **money
    )
    one_time_price = models.DecimalField(
        "one-time list price", validators=[MinValueValidator(0)], **money
    )
    requires_project = models.BooleanField(
        default=False, help_text="Orders with this offering run as a special project."
    )
    specifications = models.ManyToManyField(
        ProductSpecification, related_name="offerings", blank=True
    )
    partner_name = models.CharField(max_length=100, blank=True)
    partner_terms = models.TextField(blank=True)
    # SLA pack values of entitlement offerings (R14): never weaker than the agreement's.
    sla_availability = models.DecimalField(
        "availability %", max_digits=6, decimal_places=3, null=True, blank=True
    )
    sla_time_to_restore_hours = models.DecimalField(
        "time to restore (h)", max_digits=6, decimal_places=2, null=True, blank=True
    )
    sla_response_time_hours = models.DecimalField(
        "response time (h)", max_digits=6, decimal_places=2, null=True, blank=True
    )

    history = History(m2m_fields=[specifications])
    objects = OfferingQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(sellable_from__isnull=True)
                | Q(sellable_to__isnull=True)
                | Q(sellable_from__lte=models.F("sellable_to")),
                name="%(app_label)s_%(class)s_window_ordered",
                violation_error_message="“Sellable from” must not be after “sellable to”.",
            ),
            models.CheckConstraint(
                condition=Q(recurring_price__gte=0, one_time_price__gte=0),
                name="%(app_label)s_%(class)s_prices_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("sales:offering_detail", args=[self.pk])

    def clean(self) -> None:
        if self.kind == OfferingKind.PARTNER_SERVICE and not self.partner_name:
            raise ValidationError({"partner_name": "A partner service names its partner."})

    def is_sellable(self, on: date | None = None) -> bool:
        on = on or timezone.localdate()
        return (
            self.state == OfferingState.ACTIVE
            and (self.sellable_from is None or self.sellable_from <= on)
            and (self.sellable_to is None or on <= self.sellable_to)
        )

    @transition(
        field=state,
        source=OfferingState.DRAFT,
        target=OfferingState.ACTIVE,
        permission="sales.change_productoffering",
        custom={"label": "Publish", "style": "success"},
    )
    def publish(self) -> None:
        """Make the offering sellable."""

    @transition(
        field=state,
        source=OfferingState.ACTIVE,
        target=OfferingState.RETIRED,
        permission="sales.change_productoffering",
        custom={
            "label": "Retire",
            "style": "danger",
            "confirm": "Retire this offering? It can no longer be sold.",
        },
    )
    def retire(self) -> None:
        """Stop selling; existing contracts and inventory keep referring to it."""


class PriceRule(models.Model):
    """A price adder when a characteristic has a value (choice / yes-no) or lies in a range
    (integer); ``per_unit`` multiplies the adder by the integer value."""

    offering = models.ForeignKey(
        ProductOffering, on_delete=models.CASCADE, related_name="price_rules"
    )
    characteristic = models.ForeignKey(
        CharacteristicSpecification, on_delete=models.PROTECT, related_name="price_rules"
    )
    value = models.CharField(max_length=100, blank=True, help_text="Exact value to match")
    min_value = models.IntegerField(null=True, blank=True)
    max_value = models.IntegerField(null=True, blank=True)
    per_unit = models.BooleanField(default=False)
    recurring_adder = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0"))
    one_time_adder = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0"))
    description = models.CharField(max_length=150, blank=True)

    history = History()

    class Meta:
        ordering = ["offering", "characteristic", "min_value", "value"]

    def __str__(self) -> str:
        return self.description or f"{self.characteristic.name} {self.match_display}"

    @property
    def match_display(self) -> str:
        if self.value:
            return f"= {self.characteristic.value_label(self.value)}"
        low = "" if self.min_value is None else self.min_value
        high = "" if self.max_value is None else self.max_value
        return f"{low}–{high}"

    def matches(self, value) -> bool:
        if self.value:
            return as_text(value) == self.value
        if not isinstance(value, int) or isinstance(value, bool):
            return False
        return (self.min_value is None or value >= self.min_value) and (
            self.max_value is None or value <= self.max_value
        )

    def clean(self) -> None:
        has_range = self.min_value is not None or self.max_value is not None
        if bool(self.value) == has_range:
            raise ValidationError("Give either a value to match or a range, not both.")
        if self.per_unit and not has_range:
            raise ValidationError({"per_unit": "Per-unit prices need a range."})


class FeasibilityRule(models.Model):
    """Network coverage: what access can be delivered where (R10).

    The most specific rule that matches a location applies: an on-net address list, then
    the longest postcode prefix, then the whole country. No rule: not feasible."""

    name = models.CharField(max_length=100, unique=True)
    country = models.CharField(max_length=2, validators=[country_code])
    postcode_prefix = models.CharField(max_length=10, blank=True)
    on_net_addresses = models.JSONField(
        default=list,
        blank=True,
        help_text='On-net buildings as "POSTCODE street and number", e.g. "20457 Am Sandtorkai 50"',
    )
    access_types = models.JSONField(default=list, help_text="Access types available")
    max_bandwidth = models.JSONField(
        default=dict, blank=True, help_text="Maximum Mbit/s per access type"
    )
    dual_pop_available = models.BooleanField("dual-POP redundancy available", default=False)
    build_surcharge = models.DecimalField(
        "build surcharge (one-time)", max_digits=12, decimal_places=2, default=Decimal("0")
    )
    surcharge_access_types = models.JSONField(
        default=list, blank=True, help_text="Access types the build surcharge applies to"
    )
    condition_note = models.CharField(max_length=200, blank=True)

    history = History()

    class Meta:
        ordering = ["country", "postcode_prefix", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def specificity(self) -> tuple[int, int]:
        return (1 if self.on_net_addresses else 0, len(self.postcode_prefix))


class OfferingEligibility(models.Model):
    """Limits who an offering is sold to: one row names a customer segment (the legal
    account's industry) or a country (of the site's location). An offering with rows of a
    kind is sold only to those segments / in those countries; without, to all."""

    offering = models.ForeignKey(
        ProductOffering, on_delete=models.CASCADE, related_name="eligibility"
    )
    segment = models.CharField(
        "customer segment", max_length=20, choices=Industry.choices, blank=True
    )
    country = models.CharField(
        max_length=2, blank=True, validators=[country_code], help_text="ISO code, e.g. DE"
    )

    history = History()

    class Meta:
        ordering = ["offering", "segment", "country"]
        verbose_name = "eligibility rule"
        constraints = [
            models.CheckConstraint(
                condition=(Q(segment="") & ~Q(country="")) | (~Q(segment="") & Q(country="")),
                name="%(app_label)s_%(class)s_segment_or_country",
                violation_error_message="Give either a customer segment or a country.",
            ),
            models.UniqueConstraint(
                fields=["offering", "segment", "country"], name="%(app_label)s_%(class)s_once"
            ),
        ]

    def __str__(self) -> str:
        if self.segment:
            return f"{self.offering} for {self.get_segment_display()} customers"
        return f"{self.offering} in {self.country}"


class OfferingCompatibility(models.Model):
    """``offering`` needs ``other`` at the same site, or cannot be combined with it there
    (an exclusion holds both ways)."""

    offering = models.ForeignKey(
        ProductOffering, on_delete=models.CASCADE, related_name="compatibility_rules"
    )
    other = models.ForeignKey(
        ProductOffering,
        on_delete=models.PROTECT,
        related_name="compatibility_targets",
        verbose_name="other offering",
    )
    kind = models.CharField(max_length=10, choices=CompatibilityKind.choices)

    history = History()

    class Meta:
        ordering = ["offering", "kind", "other"]
        verbose_name = "compatibility rule"
        constraints = [
            models.UniqueConstraint(
                fields=["offering", "other"],
                name="%(app_label)s_%(class)s_once_per_pair",
                violation_error_message="One rule per pair of offerings: it needs or excludes.",
            ),
            models.CheckConstraint(
                condition=~Q(offering=models.F("other")),
                name="%(app_label)s_%(class)s_not_self",
                violation_error_message="An offering cannot need or exclude itself.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.offering} {self.get_kind_display().lower()} {self.other}"

    def clean(self) -> None:
        if not (self.offering_id and self.other_id):
            return
        reverse_rule = (
            OfferingCompatibility.objects.filter(
                offering_id=self.other_id, other_id=self.offering_id
            )
            .exclude(pk=self.pk)
            .first()
        )
        if reverse_rule is not None and reverse_rule.kind != self.kind:
            raise ValidationError(
                f"{self.other} already {reverse_rule.get_kind_display().lower()} "
                f"{self.offering}: the two rules contradict each other."
            )
