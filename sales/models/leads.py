"""Leads and opportunities: the first two stages of a deal (R1-R5)."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.urls import reverse
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from telcrm.fsm import condition
from telcrm.models import BadgeMixin, History, NumberedModel, Team

from ..choices import (
    OPEN_STAGES,
    STAGE_PROBABILITY,
    Currency,
    LeadSource,
    LeadState,
    Stage,
)
from ..querysets import OpportunityQuerySet, OwnedQuerySet
from .accounts import Account
from .catalog import ProductOffering

MONTHS_IN_FIRST_YEAR = 12


class Lead(BadgeMixin, ConcurrentTransitionMixin, NumberedModel):
    """A sales lead: needs no account and no catalog reference (R1)."""

    number = models.CharField(max_length=20, unique=True, editable=False, blank=True)
    number_prefix = "LEAD-"
    company_name = models.CharField(max_length=200)
    contact_name = models.CharField(max_length=150, blank=True)
    contact_email = models.EmailField("contact e-mail", blank=True)
    contact_phone = models.CharField(max_length=40, blank=True)
    source = models.CharField(max_length=20, choices=LeadSource.choices)
    description = models.TextField(blank=True)
    estimated_value = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text="First-year value you expect, if known.",
    )
    currency = models.CharField(max_length=3, choices=Currency.choices, default=Currency.EUR)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_leads"
    )
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="leads", null=True, blank=True
    )
    state = FSMField("status", default=LeadState.NEW, choices=LeadState.choices, protected=True)
    disqualify_reason = models.CharField(max_length=200, blank=True)
    opportunity = models.OneToOneField(
        "Opportunity",
        on_delete=models.PROTECT,
        related_name="lead",
        null=True,
        blank=True,
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = History()
    objects = OwnedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        # The list's default sort, and the same with a status filter.
        indexes = [
            models.Index(fields=["created_at", "id"], name="lead_created_idx"),
            models.Index(fields=["state", "created_at", "id"], name="lead_state_created_idx"),
            # Possible duplicates: the same company or e-mail, whatever the case.
            models.Index(Upper("company_name"), name="lead_company_upper_idx"),
            models.Index(Upper("contact_email"), name="lead_email_upper_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state=LeadState.CONVERTED) | Q(opportunity__isnull=False),
                name="%(app_label)s_%(class)s_converted_has_opportunity",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.company_name}"

    def get_absolute_url(self) -> str:
        return reverse("sales:lead_detail", args=[self.pk])

    @transition(
        field=state,
        source=LeadState.NEW,
        target=LeadState.WORKING,
        permission="sales.change_lead",
        custom={"label": "Start working"},
    )
    def start_work(self) -> None:
        """Somebody is on it."""

    @transition(
        field=state,
        source=LeadState.WORKING,
        target=LeadState.QUALIFIED,
        permission="sales.change_lead",
        custom={"label": "Qualify", "style": "success"},
    )
    def qualify(self) -> None:
        """Real need, budget and timing: ready to become an opportunity."""

    @transition(
        field=state,
        source=[LeadState.NEW, LeadState.WORKING],
        target=LeadState.DISQUALIFIED,
        permission="sales.change_lead",
        conditions=[
            condition("A disqualified lead needs a reason.", user_input=True)(
                lambda lead: bool(lead.disqualify_reason.strip())
            )
        ],
        custom={"label": "Disqualify", "style": "outline-secondary", "reason": True},
    )
    def disqualify(self) -> None:
        """No fit; the reason stays on record."""

    @transition(
        field=state,
        source=LeadState.DISQUALIFIED,
        target=LeadState.WORKING,
        permission="sales.change_lead",
        custom={"label": "Reopen", "style": "outline-primary"},
    )
    def reopen(self) -> None:
        """Back to work on a disqualified lead (R2)."""
        self.disqualify_reason = ""

    @transition(
        field=state,
        source=LeadState.QUALIFIED,
        target=LeadState.CONVERTED,
        permission="sales.add_opportunity",
        conditions=[
            condition("Conversion needs the opportunity it creates.", user_input=True)(
                lambda lead: lead.opportunity_id is not None
            )
        ],
        custom={
            "label": "Convert to opportunity",
            "style": "success",
            "page": "sales:lead_convert",
        },
    )
    def convert(self) -> None:
        """Only the conversion service calls this, after creating the opportunity (R3)."""


class LineMixin(models.Model):
    """A line item: a catalog offering with characteristics and the catalog's price, or free
    text with a manual estimate (R1, R4). Values are per unit; ``quantity`` multiplies."""

    offering = models.ForeignKey(
        ProductOffering, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    description = models.CharField(max_length=200, blank=True)
    quantity = models.PositiveIntegerField(default=1, validators=[MinValueValidator(1)])
    characteristics = models.JSONField(default=dict, blank=True)
    unit_recurring = models.DecimalField(
        "monthly per unit", max_digits=12, decimal_places=2, default=Decimal("0")
    )
    unit_one_time = models.DecimalField(
        "one-time per unit", max_digits=12, decimal_places=2, default=Decimal("0")
    )
    manual_estimate = models.DecimalField(
        "estimate (first-year value)",
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return self.offering.name if self.offering_id else self.description

    @property
    def is_catalog(self) -> bool:
        return self.offering_id is not None

    @property
    def estimate(self) -> Decimal:
        """First-year value: 12 months of the recurring price plus one-time, times quantity;
        the manual estimate for free text."""
        if not self.is_catalog:
            return self.manual_estimate or Decimal("0")
        per_unit = self.unit_recurring * MONTHS_IN_FIRST_YEAR + self.unit_one_time
        return per_unit * self.quantity

    @staticmethod
    def line_constraints(prefix: str) -> list:
        catalog_or_text = Q(offering__isnull=False) | ~Q(description="")
        return [
            models.CheckConstraint(
                condition=catalog_or_text,
                name=f"{prefix}_catalog_or_free_text",
                violation_error_message="A line is a catalog offering or a description.",
            ),
            models.CheckConstraint(
                condition=Q(quantity__gte=1), name=f"{prefix}_quantity_positive"
            ),
        ]


class LeadLine(LineMixin):
    """A line of a lead (R1)."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="lines")
    history = History()

    class Meta:
        ordering = ["pk"]
        constraints = LineMixin.line_constraints("sales_leadline")


def _has_signed_quote(opportunity: "Opportunity") -> bool:
    """R5: a current quote the customer accepted, carrying a legal signature (signatures
    arrive with the contracts stage as ``quote.signature``)."""
    known = getattr(opportunity, "has_signed_quote", None)  # read with the page's cards
    if known is not None:
        return known
    return opportunity.quotes.filter(
        state="accepted", is_current=True, signature__isnull=False
    ).exists()


class Opportunity(BadgeMixin, ConcurrentTransitionMixin, NumberedModel):
    """A qualified deal on a customer account (R4, R5)."""

    number = models.CharField(max_length=20, unique=True, editable=False, blank=True)
    number_prefix = "OPP-"
    name = models.CharField(max_length=200)
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="opportunities")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_opportunities"
    )
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="opportunities", null=True, blank=True
    )
    stage = FSMField(default=Stage.QUALIFICATION, choices=Stage.choices, protected=True)
    badge_field = "stage"
    probability = models.PositiveSmallIntegerField(
        "probability %",
        default=STAGE_PROBABILITY[Stage.QUALIFICATION],
        validators=[MaxValueValidator(100)],
    )
    expected_close_date = models.DateField()
    currency = models.CharField(max_length=3, choices=Currency.choices, default=Currency.EUR)
    close_reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = History()
    objects = OpportunityQuerySet.as_manager()

    class Meta:
        ordering = ["expected_close_date", "pk"]
        verbose_name_plural = "opportunities"
        # The list's default sort, and the pipeline's columns (stage, closing soonest).
        indexes = [
            models.Index(fields=["expected_close_date", "id"], name="opportunity_close_idx"),
            models.Index(
                fields=["stage", "expected_close_date", "id"], name="opportunity_stage_close_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(probability__lte=100), name="%(app_label)s_%(class)s_probability_le_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("sales:opportunity_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.stage in OPEN_STAGES

    def _enter(self, stage: str) -> None:
        self.probability = STAGE_PROBABILITY[stage]

    @transition(
        field="stage",
        source=Stage.QUALIFICATION,
        target=Stage.PROPOSAL,
        permission="sales.change_opportunity",
        custom={"label": "To proposal"},
    )
    def to_proposal(self) -> None:
        self._enter(Stage.PROPOSAL)

    @transition(
        field="stage",
        source=Stage.PROPOSAL,
        target=Stage.NEGOTIATION,
        permission="sales.change_opportunity",
        custom={"label": "To negotiation"},
    )
    def to_negotiation(self) -> None:
        self._enter(Stage.NEGOTIATION)

    @transition(
        field="stage",
        source=Stage.NEGOTIATION,
        target=Stage.PROPOSAL,
        permission="sales.change_opportunity",
        custom={"label": "Back to proposal", "style": "outline-secondary"},
    )
    def back_to_proposal(self) -> None:
        self._enter(Stage.PROPOSAL)

    @transition(
        field="stage",
        source=Stage.NEGOTIATION,
        target=Stage.CLOSED_WON,
        permission="sales.change_opportunity",
        conditions=[
            condition("Closed won needs a confirmed quote signed by the customer.")(
                _has_signed_quote
            )
        ],
        custom={"label": "Close won", "style": "success"},
    )
    def close_won(self) -> None:
        self._enter(Stage.CLOSED_WON)

    @transition(
        field="stage",
        source=OPEN_STAGES,
        target=Stage.CLOSED_LOST,
        permission="sales.change_opportunity",
        conditions=[
            condition("A lost opportunity needs a reason.", user_input=True)(
                lambda opp: bool(opp.close_reason.strip())
            )
        ],
        custom={"label": "Close lost", "style": "outline-danger", "reason": True},
    )
    def close_lost(self) -> None:
        self._enter(Stage.CLOSED_LOST)


class OpportunityLine(LineMixin):
    """A line of an opportunity: optionally aimed at a site (child account) of its account."""

    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="lines")
    site = models.ForeignKey(
        Account,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The child account (site) this line is for, if known.",
    )
    lead_line = models.OneToOneField(
        LeadLine,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    history = History()

    class Meta:
        ordering = ["pk"]
        constraints = LineMixin.line_constraints("sales_opportunityline")
