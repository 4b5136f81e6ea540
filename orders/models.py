"""Product orders (TMF622) made from an active sales contract (R15): the header with its
billing profile and requested date, lines mirroring the contract's lines, each linked to its
quote line and contract line; non-commercial details (R16) kept on the order."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.urls import reverse
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from simple_history.models import HistoricalRecords

from contracts.models import SalesContract, SalesContractLine
from sales.models import Account, BillingProfile, Contact, Location, ProductOffering, Quote
from sales.models.quotes import PricedSiteLine
from telcrm.fsm import condition
from telcrm.models import Team, next_number

from .choices import BADGES, TMF622_STATE, OrderState
from .querysets import OrderQuerySet

money = {"max_digits": 14, "decimal_places": 2, "default": Decimal("0")}


@condition("Cancelling an order needs a reason.", user_input=True)
def _has_reason(order: "Order") -> bool:
    return bool(order.cancel_reason.strip())


@condition("Every validation check must pass first (R17): validate the order.")
def _validated(order: "Order") -> bool:
    return order.validation_passed


class Order(ConcurrentTransitionMixin, models.Model):
    """A customer's product order (TMF622 ProductOrder)."""

    number = models.CharField(max_length=20, unique=True, editable=False, blank=True)
    sales_contract = models.ForeignKey(SalesContract, on_delete=models.PROTECT,
                                       related_name="orders")  # fmt: skip
    quote = models.ForeignKey(Quote, on_delete=models.PROTECT, related_name="orders")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="orders")
    billing_profile = models.ForeignKey(BillingProfile, on_delete=models.PROTECT,
                                        related_name="orders")  # fmt: skip
    requested_date = models.DateField("requested delivery date")
    notes = models.TextField("order notes", blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                              related_name="+")  # fmt: skip
    team = models.ForeignKey(Team, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="+")  # fmt: skip
    state = FSMField(default=OrderState.ACKNOWLEDGED, choices=OrderState.choices,
                     protected=True)  # fmt: skip
    cancel_reason = models.CharField(max_length=200, blank=True, editable=False)
    validation = models.JSONField(
        default=list, blank=True, editable=False,
        help_text="The named checks of the last validation (R17).",
    )  # fmt: skip
    validated_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()
    objects = OrderQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.number} {self.account.name}"

    def get_absolute_url(self) -> str:
        return reverse("orders:order_detail", args=[self.pk])

    def save(self, *args, **kwargs) -> None:
        if not self.number:
            self.number = next_number("ORD-")
        super().save(*args, **kwargs)

    @property
    def badge(self) -> str:
        return BADGES.get(self.state, "secondary")

    @property
    def tmf_state(self) -> str:
        return TMF622_STATE.get(self.state, self.state)

    @property
    def editable(self) -> bool:
        return self.state in (OrderState.ACKNOWLEDGED, OrderState.HELD)

    @property
    def validation_passed(self) -> bool:
        return bool(self.validation) and all(check["passed"] for check in self.validation)

    @transition(field=state, source=OrderState.ACKNOWLEDGED, target=OrderState.PENDING,
                permission="orders.add_order", conditions=[_validated],
                custom={"label": "Submit for approval", "style": "primary"})  # fmt: skip
    def submit(self) -> None:
        """Every validation check passed (R17): an order manager approves it next (R18)."""

    @transition(
        field=state,
        source=[OrderState.ACKNOWLEDGED, OrderState.HELD],
        target=OrderState.CANCELLED,
        permission="orders.change_order",
        conditions=[_has_reason],
        custom={"label": "Cancel order", "style": "outline-danger", "reason": True},
    )
    def cancel(self) -> None:
        """Withdrawn before approval, with a reason."""


class OrderLine(PricedSiteLine, models.Model):
    """One product at one site (TMF622 ProductOrderItem): mirrors its contract line, linked
    to it and to the quote line (R15); contact and notes are the order's own (R16)."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    contract_line = models.OneToOneField(SalesContractLine, on_delete=models.PROTECT,
                                         related_name="order_line")  # fmt: skip
    quote_line = models.ForeignKey("sales.QuoteLine", on_delete=models.PROTECT,
                                   related_name="order_lines")  # fmt: skip
    site = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    offering = models.ForeignKey(ProductOffering, on_delete=models.PROTECT, related_name="+")
    characteristics = models.JSONField(default=dict, blank=True)
    quantity = models.PositiveIntegerField()
    net_recurring = models.DecimalField(**money)
    net_one_time = models.DecimalField(**money)
    surcharge = models.DecimalField("build surcharge", **money)
    site_contact = models.ForeignKey(Contact, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")  # fmt: skip
    access_notes = models.CharField(max_length=300, blank=True)
    technical_notes = models.CharField(max_length=300, blank=True)
    history = HistoricalRecords()

    # Copied from the contract line; commercial, so never edited on the order (R16).
    MIRRORED = ["site_id", "location_id", "offering_id", "characteristics", "quantity",
                "net_recurring", "net_one_time", "surcharge"]  # fmt: skip

    class Meta:
        ordering = ["site__name", "pk"]

    def __str__(self) -> str:
        return super().__str__()
