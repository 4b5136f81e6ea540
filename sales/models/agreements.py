"""Sales agreements (R6): the negotiated commercial frame for a legal account's quotes."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from telcrm.fsm import condition
from telcrm.models import BadgeMixin, ExternalActorHistory, History, NumberedModel

from ..choices import AgreementState, Currency, SlaMetric
from ..querysets import CustomerRecordQuerySet
from .accounts import Account, Contact
from .catalog import ProductOffering

EDITABLE_STATES = (AgreementState.DRAFT, AgreementState.NEGOTIATION)
percent = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]


class AgreementQuerySet(CustomerRecordQuerySet):
    """Visible with the account it belongs to (R29)."""

    def in_force(self) -> "AgreementQuerySet":
        """Agreements that price quotes: active, or being negotiated."""
        return self.filter(state__in=[AgreementState.ACTIVE, AgreementState.NEGOTIATION])


@condition("The agreement needs at least one catalog offering.")
def _has_lines(agreement: "SalesAgreement") -> bool:
    return agreement.lines.exists()


@condition(
    "Choose the customer's signatory: a contact with signing authority at the legal "
    "account, and the date they signed.",
    user_input=True,
)
def _has_signatory(agreement: "SalesAgreement") -> bool:
    signatory = agreement.signatory
    return (
        signatory is not None
        and signatory.signing_authority
        and signatory.account_id == agreement.account_id
        and agreement.signed_on is not None
    )


@condition(
    "The customer's signature puts an agreement in force: send it for signature.", user_input=True
)
def _has_signature(agreement: "SalesAgreement") -> bool:
    """The signature arrives with the contracts stage as ``agreement.signature``."""
    return getattr(agreement, "signature", None) is not None


@condition("The agreement is still within its validity period.")
def _validity_ended(agreement: "SalesAgreement") -> bool:
    return agreement.valid_to is not None and agreement.valid_to < timezone.localdate()


@condition("The agreement's validity has ended: extend it before it is signed.")
def _within_validity(agreement: "SalesAgreement") -> bool:
    return agreement.lapsed_on is None


@condition("A terminated agreement needs a reason.", user_input=True)
def _has_termination_reason(agreement: "SalesAgreement") -> bool:
    return bool(agreement.termination_reason.strip())


class SalesAgreement(BadgeMixin, ConcurrentTransitionMixin, NumberedModel):
    """Negotiated prices, global SLAs and partner terms for one legal account (R6)."""

    number = models.CharField(max_length=20, unique=True, editable=False, blank=True)
    number_prefix = "AGR-"
    name = models.CharField(max_length=200)
    account = models.ForeignKey(
        Account,
        on_delete=models.PROTECT,
        related_name="agreements",
        help_text="The legal (root) account the agreement is made with.",
    )
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)
    currency = models.CharField(max_length=3, choices=Currency.choices, default=Currency.EUR)
    terms = models.TextField("terms and conditions", blank=True)
    state = FSMField(default=AgreementState.DRAFT, choices=AgreementState.choices, protected=True)
    signatory = models.ForeignKey(
        Contact,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    signed_on = models.DateField(null=True, blank=True, editable=False)
    termination_reason = models.CharField(max_length=200, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = History(bases=[ExternalActorHistory])  # signed by the customer
    objects = AgreementQuerySet.as_manager()

    class Meta:
        ordering = ["-valid_from", "pk"]
        permissions = [("sign_salesagreement", "Can activate (sign) and terminate agreements")]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_from__lte=models.F("valid_to")),
                name="%(app_label)s_%(class)s_validity_ordered",
                violation_error_message="“Valid to” must not be before “valid from”.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("sales:agreement_detail", args=[self.pk])

    @property
    def editable(self) -> bool:
        return self.state in EDITABLE_STATES

    @property
    def lapsed_on(self) -> date | None:
        """The "valid to" date once it has passed (whether or not the daily expiry has run
        yet): from then on the agreement is not signed."""
        if self.valid_to is not None and self.valid_to < timezone.localdate():
            return self.valid_to
        return None

    def expiry_refusal(self) -> str:
        """Why the agreement can no longer be signed, or ''."""
        if self.lapsed_on is None:
            return ""
        return (
            f"{self.number} expired on {date_format(self.lapsed_on, 'j M Y')}: extend its "
            "validity before it is signed."
        )

    def clean(self) -> None:
        if self.account_id and not self.account.is_legal:
            raise ValidationError({"account": "Agreements are made with a legal (root) account."})

    @transition(
        field=state,
        source=AgreementState.DRAFT,
        target=AgreementState.NEGOTIATION,
        permission="sales.change_salesagreement",
        conditions=[_has_lines],
        custom={"label": "Start negotiation"},
    )
    def negotiate(self) -> None:
        """Shared with the customer; quotes are priced from it from now on."""

    @transition(
        field=state,
        source=AgreementState.NEGOTIATION,
        target=AgreementState.ACTIVE,
        permission="sales.sign_salesagreement",
        conditions=[_has_lines, _within_validity, _has_signatory, _has_signature],
        custom={
            "label": "Send for signature",
            "style": "success",
            "page": "contracts:agreement_sign",
        },
    )
    def activate(self) -> None:
        """Signed by the customer's signatory through the contracts stage: in force."""

    @transition(
        field=state,
        source=AgreementState.ACTIVE,
        target=AgreementState.EXPIRED,
        permission="sales.sign_salesagreement",
        conditions=[_validity_ended],
        custom={"label": "Expire", "style": "outline-secondary"},
    )
    def expire(self) -> None:
        """The validity period has ended."""

    @transition(
        field=state,
        source=AgreementState.ACTIVE,
        target=AgreementState.TERMINATED,
        permission="sales.sign_salesagreement",
        conditions=[_has_termination_reason],
        custom={"label": "Terminate", "style": "outline-danger", "reason": True},
    )
    def terminate(self) -> None:
        """Ended early by either party."""


class AgreementLine(models.Model):
    """A catalog offering (mandatory, R6) at a negotiated price or discount."""

    agreement = models.ForeignKey(SalesAgreement, on_delete=models.CASCADE, related_name="lines")
    offering = models.ForeignKey(ProductOffering, on_delete=models.PROTECT, related_name="+")
    recurring_price = models.DecimalField(
        "negotiated monthly price",
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text="Replaces the list price (before characteristic adders).",
    )
    one_time_price = models.DecimalField(
        "negotiated one-time price",
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    discount_percent = models.DecimalField(
        "discount %",
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=percent,
        help_text="Off the whole list price, adders included.",
    )
    history = History()

    class Meta:
        ordering = ["offering__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "offering"],
                name="%(app_label)s_%(class)s_one_per_offering",
                violation_error_message="This offering is already on the agreement.",
            ),
            models.CheckConstraint(
                condition=Q(recurring_price__isnull=False)
                | Q(one_time_price__isnull=False)
                | Q(discount_percent__isnull=False),
                name="%(app_label)s_%(class)s_has_a_term",
                violation_error_message="Give a negotiated price or a discount.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.offering.name} ({self.terms_display})"

    def get_absolute_url(self) -> str:
        return reverse("sales:agreement_detail", args=[self.agreement_id]) + "#lines"

    @property
    def terms_display(self) -> str:
        parts = []
        if self.recurring_price is not None:
            parts.append(f"{self.recurring_price} / month")
        if self.one_time_price is not None:
            parts.append(f"{self.one_time_price} one-time")
        if self.discount_percent is not None:
            parts.append(f"{self.discount_percent} % off")
        return ", ".join(parts)

    def clean(self) -> None:
        if (
            self.recurring_price is None
            and self.one_time_price is None
            and self.discount_percent is None
        ):
            raise ValidationError("Give a negotiated price or a discount.")


class AgreementSla(models.Model):
    """A global, service-agnostic SLA of the agreement; it applies to every quote line (R9)."""

    agreement = models.ForeignKey(SalesAgreement, on_delete=models.CASCADE, related_name="slas")
    metric = models.CharField(max_length=20, choices=SlaMetric.choices)
    target = models.DecimalField(
        max_digits=7, decimal_places=3, validators=[MinValueValidator(Decimal("0"))]
    )
    service_credit_percent = models.DecimalField(
        "service credit %",
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        validators=percent,
        help_text="Of the monthly charge, per breach.",
    )
    history = History()

    class Meta:
        ordering = ["metric"]
        verbose_name = "agreement SLA"
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "metric"],
                name="%(app_label)s_%(class)s_one_per_metric",
                violation_error_message="This metric already has a target.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_metric_display()}: {self.target}"

    def get_absolute_url(self) -> str:
        return reverse("sales:agreement_detail", args=[self.agreement_id]) + "#slas"

    def clean(self) -> None:
        if self.metric == SlaMetric.AVAILABILITY and self.target is not None:
            if self.target > 100:
                raise ValidationError({"target": "Availability is at most 100 %."})


class PartnerTerm(models.Model):
    """Terms negotiated for a partner's service on this agreement (R6)."""

    agreement = models.ForeignKey(
        SalesAgreement, on_delete=models.CASCADE, related_name="partner_terms"
    )
    partner = models.CharField(max_length=100)
    offering = models.ForeignKey(
        ProductOffering, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    terms = models.TextField()
    history = History()

    class Meta:
        ordering = ["partner"]

    def __str__(self) -> str:
        return self.partner

    def get_absolute_url(self) -> str:
        return reverse("sales:agreement_detail", args=[self.agreement_id]) + "#partners"
