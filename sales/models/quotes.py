"""Quotes (R9-R11): a legal account's sites configured and priced, line by line."""

import uuid
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from telcrm.choices import badge_colour
from telcrm.fsm import condition
from telcrm.models import BadgeMixin, History, NumberedModel, Team

from ..choices import (
    TMF648_STATE,
    Currency,
    FeasibilityStatus,
    OfferingKind,
    QuoteState,
)
from ..querysets import AccountOwnedQuerySet
from .accounts import Account
from .agreements import SalesAgreement
from .catalog import OfferingCompatibility
from .leads import Opportunity
from .lines import QuotedSiteLine

percent = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]


class DiscountThreshold(models.Model):
    """Discounts above this need a sales manager's approval (R11); one row without a kind is
    the global default, rows with a kind override it for that kind of offering."""

    offering_kind = models.CharField(
        max_length=20, choices=OfferingKind.choices, blank=True, unique=True
    )
    max_discount_percent = models.DecimalField(max_digits=5, decimal_places=2, validators=percent)
    history = History()

    class Meta:
        ordering = ["offering_kind"]

    def __str__(self) -> str:
        kind = self.get_offering_kind_display() if self.offering_kind else "All offerings"
        return f"{kind}: up to {self.max_discount_percent} %"


@condition("Every line must be feasible before the quote goes for approval.")
def _all_feasible(quote: "Quote") -> bool:
    return not quote.lines.filter(feasibility=FeasibilityStatus.NOT_FEASIBLE).exists()


@condition(
    "Some lines do not go together at their site (one needs an offering that is "
    "missing there, or two exclude each other): the quote page names them."
)
def _compatible(quote: "Quote") -> bool:
    return not quote.line_conflicts()


@condition("A quote needs at least one line.")
def _has_lines(quote: "Quote") -> bool:
    return quote.lines.exists()


@condition("No discount is above the threshold: finalise the quote instead.")
def _needs_approval(quote: "Quote") -> bool:
    return quote.needs_approval


@condition("The quote is past its valid-until date.")
def _past_validity(quote: "Quote") -> bool:
    return quote.valid_until < timezone.localdate()


@condition("The quote is past its valid-until date: revise it for a new version.")
def _still_valid(quote: "Quote") -> bool:
    return quote.valid_until >= timezone.localdate()


@condition("A rejection needs a comment for the sales rep.", user_input=True)
def _has_comment(quote: "Quote") -> bool:
    return bool(quote.approval_comment.strip())


class Quote(BadgeMixin, ConcurrentTransitionMixin, NumberedModel):
    """One version of a quote (TMF648) for a legal account: ``Q-000123 v2``."""

    number = models.CharField(max_length=20, editable=False, blank=True)
    number_prefix = "Q-"
    version = models.PositiveIntegerField(default=1, editable=False)
    is_current = models.BooleanField(default=True, editable=False)
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="quotes")
    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.PROTECT, null=True, blank=True, related_name="quotes"
    )
    agreement = models.ForeignKey(
        SalesAgreement, on_delete=models.PROTECT, null=True, blank=True, related_name="quotes"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_quotes"
    )
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, related_name="quotes"
    )
    currency = models.CharField(max_length=3, choices=Currency.choices, default=Currency.EUR)
    term_months = models.PositiveSmallIntegerField(
        "contract term (months)",
        default=36,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
    )
    valid_until = models.DateField()
    state = FSMField(default=QuoteState.DRAFT, choices=QuoteState.choices, protected=True)
    needs_approval = models.BooleanField(default=False, editable=False)
    approval_comment = models.CharField(max_length=300, blank=True, editable=False)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    approved_at = models.DateTimeField(null=True, blank=True, editable=False)
    price_notice = models.CharField(
        max_length=300,
        blank=True,
        editable=False,
        help_text="Why the quote was repriced without its owner, until they have seen it.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = History()
    objects = AccountOwnedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["created_at", "id"], name="quote_created_idx")]
        permissions = [("approve_quote", "Can approve or reject discounts on quotes")]
        constraints = [
            models.UniqueConstraint(
                fields=["number", "version"], name="%(app_label)s_%(class)s_number_version"
            ),
            models.UniqueConstraint(
                fields=["number"],
                condition=Q(is_current=True),
                name="%(app_label)s_%(class)s_one_current_version",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} v{self.version}"

    def get_absolute_url(self) -> str:
        return reverse("sales:quote_detail", args=[self.pk])

    @property
    def tmf_state(self) -> str:
        return TMF648_STATE.get(self.state, self.state)

    @property
    def editable(self) -> bool:
        return self.is_current and self.state == QuoteState.DRAFT

    @property
    def read_only(self) -> bool:
        """A superseded version is kept as it was: no actions (R11)."""
        return not self.is_current

    @property
    def revisable(self) -> bool:
        """A current quote past drafting can be revised into a new version (R11)."""
        return self.is_current and self.state in REVISABLE

    @property
    def lapsed_on(self) -> date | None:
        """The valid-until date once it has passed (whether or not the daily expiry has run
        yet): from then on the quote is not accepted or signed."""
        return self.valid_until if self.valid_until < timezone.localdate() else None

    def expiry_refusal(self) -> str:
        """Why the quote can no longer be accepted or signed, or ''."""
        if self.lapsed_on is None:
            return ""
        expired_on = date_format(self.lapsed_on, "j M Y")
        return f"{self} expired on {expired_on}: revise it for a new version."

    def line_conflicts(self) -> list:
        """Lines that do not go together at their site; one query when no compatibility
        rule concerns the quote's offerings."""
        from ..catalog import line_conflicts

        rules = list(
            OfferingCompatibility.objects.filter(
                offering_id__in=self.lines.values("offering_id")
            ).select_related("other")
        )
        if not rules:
            return []
        return line_conflicts(self.lines.select_related("offering", "site"), rules)

    @transition(
        field=state,
        source=QuoteState.DRAFT,
        target=QuoteState.PENDING,
        permission="sales.change_quote",
        conditions=[_has_lines, _all_feasible, _compatible, _needs_approval],
        custom={"label": "Submit for approval", "style": "primary"},
    )
    def submit(self) -> None:
        """Discounts above the threshold wait for a sales manager (R11)."""

    @transition(
        field=state,
        source=QuoteState.DRAFT,
        target=QuoteState.APPROVED,
        permission="sales.change_quote",
        conditions=[
            _has_lines,
            _all_feasible,
            _compatible,
            condition(
                "Discounts above the threshold need a sales manager's "
                "approval: submit the quote instead."
            )(lambda q: not q.needs_approval),
        ],
        custom={"label": "Finalise (no approval needed)", "style": "success"},
    )
    def finalise(self) -> None:
        """Within the discount thresholds: approved without a manager."""

    @transition(
        field=state,
        source=QuoteState.PENDING,
        target=QuoteState.APPROVED,
        permission="sales.approve_quote",
        custom={"label": "Approve", "style": "success"},
    )
    def approve(self) -> None:
        self.approved_at = timezone.now()

    @transition(
        field=state,
        source=QuoteState.PENDING,
        target=QuoteState.DRAFT,
        permission="sales.approve_quote",
        conditions=[_has_comment],
        custom={"label": "Send back", "style": "outline-danger", "reason": True},
    )
    def send_back(self) -> None:
        """Rejected by the manager: back to the rep with a comment."""

    @transition(
        field=state,
        source=QuoteState.APPROVED,
        target=QuoteState.DRAFT,
        permission="sales.change_quote",
        custom={
            "label": "Reopen to change",
            "style": "outline-secondary",
            "confirm": "Reopen this approved quote? Changes need approval again.",
        },
    )
    def reopen(self) -> None:
        """Changing a priced line after approval needs approval again (R11)."""
        self.approved_by = None
        self.approved_at = None

    @transition(
        field=state,
        source=QuoteState.APPROVED,
        target=QuoteState.ACCEPTED,
        permission="sales.change_quote",
        conditions=[_still_valid],
        custom={"label": "Customer accepted", "style": "success", "page": "contracts:quote_accept"},
    )
    def accept(self) -> None:
        """Confirmed by the customer (TMF648 accepted)."""

    @transition(
        field=state,
        source=QuoteState.APPROVED,
        target=QuoteState.REJECTED,
        permission="sales.change_quote",
        custom={"label": "Customer rejected", "style": "outline-danger"},
    )
    def reject(self) -> None:
        """Declined by the customer."""

    @transition(
        field=state,
        source=[QuoteState.DRAFT, QuoteState.PENDING, QuoteState.APPROVED],
        target=QuoteState.CANCELLED,
        permission="sales.change_quote",
        custom={
            "label": "Cancel quote",
            "style": "outline-secondary",
            "confirm": "Cancel this quote?",
        },
    )
    def cancel(self) -> None:
        """Withdrawn by us."""

    @transition(
        field=state,
        source=QuoteState.APPROVED,
        target=QuoteState.EXPIRED,
        permission="sales.change_quote",
        conditions=[_past_validity],
        custom={"label": "Expire", "style": "outline-secondary"},
    )
    def expire(self) -> None:
        """Not accepted in time."""

    @transition(
        field=state,
        source=[QuoteState.PENDING, QuoteState.APPROVED],
        target=QuoteState.DRAFT,
        custom={"internal": True},
    )
    def agreement_repriced(self) -> None:
        """The agreement's prices changed under the quote (R7): approve it again (R11)."""
        self.approved_by = None
        self.approved_at = None


REVISABLE = (
    QuoteState.PENDING,
    QuoteState.APPROVED,
    QuoteState.ACCEPTED,
    QuoteState.REJECTED,
    QuoteState.EXPIRED,
)


class QuoteLine(QuotedSiteLine):
    """An offering configured at one site (child account) of the quote's account (R9), priced
    list -> agreement -> discount (R11), with its feasibility there (R10)."""

    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="lines")
    key = models.UUIDField(
        default=uuid.uuid4,
        editable=False,
        help_text="Shared by a line's copies in every version of the quote.",
    )
    # Typed by the rep here, so checked here; the copies take the values as they are.
    quantity = models.PositiveIntegerField(default=1, validators=[MinValueValidator(1)])
    discount_percent = models.DecimalField(
        "discount %", max_digits=5, decimal_places=2, default=Decimal("0"), validators=percent
    )
    feasibility = models.CharField(max_length=20, choices=FeasibilityStatus.choices)
    feasibility_reasons = models.JSONField(default=list, blank=True)
    needs_approval = models.BooleanField(default=False)
    history = History()

    class Meta:
        ordering = ["site__name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gte=1), name="%(app_label)s_%(class)s_quantity_positive"
            ),
            models.UniqueConstraint(
                fields=["quote", "key"], name="%(app_label)s_%(class)s_key_once_per_version"
            ),
        ]

    @property
    def feasibility_badge(self) -> str:
        return badge_colour(self._meta.get_field("feasibility"), self.feasibility)
