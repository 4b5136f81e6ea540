"""Product orders (TMF622) made from an active sales contract (R15): the header with its
billing profile and requested date, lines mirroring the contract's lines, each linked to its
quote line and contract line; non-commercial details (R16) kept on the order."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from cmdb.models import ProductInventory
from contracts.models import SalesContract, SalesContractLine
from sales.choices import Domain
from sales.models import (
    Account,
    BillingProfile,
    Contact,
    Location,
    ProductSpecification,
    Quote,
)
from sales.models.lines import PricedSiteLine
from telcrm.fsm import condition
from telcrm.models import BadgeMixin, History, NumberedModel, Team

from .choices import TMF622_STATE, DomainOrderState, OrderLineState, OrderState
from .querysets import OrderQuerySet


@condition("Cancelling an order needs a reason.", user_input=True)
def _has_reason(order: "Order") -> bool:
    return bool(order.cancel_reason.strip())


@condition("Every validation check must pass first: validate the order.")
def _validated(order: "Order") -> bool:
    return order.validation_passed


@condition("Rejecting an order needs the reasons, for the rep who submitted it.", user_input=True)
def _has_reject_reason(order: "Order") -> bool:
    return bool(order.reject_reason.strip())


@condition("The financial and operational checks must pass.")
def _approval_passed(order: "Order") -> bool:
    return bool(order.approval) and all(check["passed"] for check in order.approval)


class Order(BadgeMixin, ConcurrentTransitionMixin, NumberedModel):
    """A customer's product order (TMF622 ProductOrder)."""

    number = models.CharField(max_length=20, unique=True, editable=False, blank=True)
    number_prefix = "ORD-"
    sales_contract = models.ForeignKey(
        SalesContract, on_delete=models.PROTECT, related_name="orders"
    )
    quote = models.ForeignKey(Quote, on_delete=models.PROTECT, related_name="orders")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="orders")
    billing_profile = models.ForeignKey(
        BillingProfile, on_delete=models.PROTECT, related_name="orders"
    )
    requested_date = models.DateField("requested delivery date")
    notes = models.TextField("order notes", blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    state = FSMField(default=OrderState.ACKNOWLEDGED, choices=OrderState.choices, protected=True)
    cancel_reason = models.CharField(max_length=200, blank=True, editable=False)
    validation = models.JSONField(
        default=list,
        blank=True,
        editable=False,
        help_text="The named checks of the last validation.",
    )
    validated_at = models.DateTimeField(null=True, blank=True, editable=False)
    approval = models.JSONField(
        default=list,
        blank=True,
        editable=False,
        help_text="The financial and operational checks of the approval.",
    )
    reject_reason = models.CharField(max_length=500, blank=True, editable=False)
    decomposed_at = models.DateTimeField(null=True, blank=True, editable=False)
    revision = models.JSONField(
        default=list,
        blank=True,
        editable=False,
        help_text="Lines added, changed and removed by the last revision from the quote.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = History()
    objects = OrderQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        permissions = [
            ("approve_order", "Can approve or reject orders"),
            ("change_order_details", "Can change an order's dates, contacts and notes"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.account.name}"

    def get_absolute_url(self) -> str:
        return reverse("orders:order_detail", args=[self.pk])

    @property
    def tmf_state(self) -> str:
        return TMF622_STATE.get(self.state, self.state)

    @property
    def editable(self) -> bool:
        return self.state in (OrderState.ACKNOWLEDGED, OrderState.HELD)

    @property
    def validation_passed(self) -> bool:
        return bool(self.validation) and all(check["passed"] for check in self.validation)

    @transition(
        field=state,
        source=OrderState.ACKNOWLEDGED,
        target=OrderState.PENDING,
        permission="orders.add_order",
        conditions=[_validated],
        custom={"label": "Submit for approval", "style": "primary"},
    )
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

    @transition(
        field=state,
        source=OrderState.ACKNOWLEDGED,
        target=OrderState.HELD,
        custom={"internal": True},
    )
    def hold(self) -> None:
        """R16: the quote was reopened for a commercial change; the order waits for the new
        version to be accepted, signed and contracted."""

    @transition(
        field=state,
        source=OrderState.HELD,
        target=OrderState.ACKNOWLEDGED,
        custom={"internal": True},
    )
    def revise(self) -> None:
        """R16: revised from the new quote version; validate and submit again."""

    @transition(
        field=state,
        source=OrderState.PENDING,
        target=OrderState.IN_PROGRESS,
        permission="orders.approve_order",
        conditions=[_approval_passed],
        custom={
            "label": "Approve",
            "style": "success",
            "confirm": "Approve this order? Its inventory is created and it is "
            "decomposed into domain orders.",
        },
    )
    def approve(self) -> None:
        """R18: approved after the financial and operational checks; the service creates the
        inactive inventory and decomposes the order (R19) in the same transaction."""

    @transition(
        field=state,
        source=OrderState.PENDING,
        target=OrderState.REJECTED,
        permission="orders.approve_order",
        conditions=[_has_reject_reason],
        custom={"label": "Reject", "style": "outline-danger", "reason": True},
    )
    def reject(self) -> None:
        """Back to the rep with the reasons; the contract can be ordered again."""

    # Closure (R24): fulfillment closes the order once every line (and any special project)
    # is closed. Internal: never a button.
    @transition(
        field=state,
        source=OrderState.IN_PROGRESS,
        target=OrderState.COMPLETED,
        custom={"internal": True},
    )
    def close(self) -> None:
        """Every line completed."""

    @transition(
        field=state,
        source=OrderState.IN_PROGRESS,
        target=OrderState.PARTIAL,
        custom={"internal": True},
    )
    def close_partially(self) -> None:
        """Some lines completed, the others cancelled during fulfillment."""

    @transition(
        field=state,
        source=OrderState.IN_PROGRESS,
        target=OrderState.CANCELLED,
        custom={"internal": True},
    )
    def cancel_in_fulfillment(self) -> None:
        """Every line was cancelled during fulfillment."""


class OrderLine(BadgeMixin, ConcurrentTransitionMixin, PricedSiteLine):
    """One product at one site (TMF622 ProductOrderItem): mirrors its contract line, linked
    to it and to the quote line (R15); contact and notes are the order's own (R16)."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    # A foreign key: a rejected or cancelled order's contract can be ordered again (R18).
    contract_line = models.ForeignKey(
        SalesContractLine, on_delete=models.PROTECT, related_name="order_lines"
    )
    quote_line = models.ForeignKey(
        "sales.QuoteLine", on_delete=models.PROTECT, related_name="order_lines"
    )
    site_contact = models.ForeignKey(
        Contact, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    access_notes = models.CharField(max_length=300, blank=True)
    technical_notes = models.CharField(max_length=300, blank=True)
    state = FSMField(
        default=OrderLineState.ACKNOWLEDGED, choices=OrderLineState.choices, protected=True
    )
    product = models.OneToOneField(
        ProductInventory,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="order_line",
        help_text="Created inactive when the order is approved.",
    )
    history = History()

    class Meta:
        ordering = ["site__name", "pk"]

    @transition(
        field=state,
        source=OrderLineState.ACKNOWLEDGED,
        target=OrderLineState.IN_PROGRESS,
        custom={"internal": True},
    )
    def start(self) -> None:
        """The order was approved and decomposed: fulfillment may begin."""

    @transition(
        field=state,
        source=OrderLineState.IN_PROGRESS,
        target=OrderLineState.COMPLETED,
        custom={"internal": True},
    )
    def close(self) -> None:
        """Every domain order holding its child lines is closed (R24)."""

    @transition(
        field=state,
        source=[OrderLineState.ACKNOWLEDGED, OrderLineState.IN_PROGRESS],
        target=OrderLineState.CANCELLED,
        custom={"internal": True},
    )
    def cancel(self) -> None:
        """Cancelled to resolve a fall-out (R22): the order ends partial."""


class DomainOrder(BadgeMixin, ConcurrentTransitionMixin, NumberedModel):
    """The work of one fulfillment domain at one site of an order (R19); its dependencies
    say which other domain orders it waits for."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="domain_orders")
    number = models.CharField(max_length=20, unique=True, editable=False, blank=True)
    number_prefix = "DOM-"
    site = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    domain = models.CharField(max_length=20, choices=Domain.choices)
    stage = models.PositiveSmallIntegerField(
        default=1, help_text="1 starts at once; n waits for domain orders of earlier stages."
    )
    state = FSMField(
        default=DomainOrderState.ACKNOWLEDGED, choices=DomainOrderState.choices, protected=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = History()

    class Meta:
        ordering = ["order", "stage", "site__name", "domain"]
        constraints = [
            models.UniqueConstraint(
                fields=["order", "site", "domain"],
                name="%(app_label)s_%(class)s_one_per_site_domain",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.get_domain_display()} at {self.site.name}"

    @transition(
        field=state,
        source=DomainOrderState.ACKNOWLEDGED,
        target=DomainOrderState.IN_PROGRESS,
        custom={"internal": True},
    )
    def start(self) -> None:
        """Its first task is ready."""

    @transition(
        field=state,
        source=[DomainOrderState.ACKNOWLEDGED, DomainOrderState.IN_PROGRESS],
        target=DomainOrderState.COMPLETED,
        custom={"internal": True},
    )
    def close(self) -> None:
        """Every sub flow is closed, at least one completed (R24)."""

    @transition(
        field=state,
        source=[DomainOrderState.ACKNOWLEDGED, DomainOrderState.IN_PROGRESS],
        target=DomainOrderState.CANCELLED,
        custom={"internal": True},
    )
    def cancel(self) -> None:
        """Every sub flow was cancelled with its line."""


class DomainOrderDependency(models.Model):
    """``domain_order`` waits for ``depends_on``: from a catalog relationship (requires,
    realized as) between their specifications (R19)."""

    domain_order = models.ForeignKey(
        DomainOrder, on_delete=models.CASCADE, related_name="dependencies"
    )
    depends_on = models.ForeignKey(DomainOrder, on_delete=models.CASCADE, related_name="dependants")
    reason = models.CharField(max_length=200)
    history = History()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["domain_order", "depends_on"], name="%(app_label)s_%(class)s_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.domain_order} waits for {self.depends_on} ({self.reason})"


class ChildLine(models.Model):
    """One product specification an order line decomposes into, in its domain order (R19)."""

    order_line = models.ForeignKey(OrderLine, on_delete=models.CASCADE, related_name="child_lines")
    specification = models.ForeignKey(
        ProductSpecification, on_delete=models.PROTECT, related_name="+"
    )
    domain_order = models.ForeignKey(
        DomainOrder, on_delete=models.PROTECT, related_name="child_lines"
    )
    via = models.CharField(
        max_length=100,
        blank=True,
        help_text="How the catalog brought it in, e.g. “requires IP-INTERNET”.",
    )
    history = History()

    class Meta:
        ordering = ["order_line", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["order_line", "specification"], name="%(app_label)s_%(class)s_once_per_line"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.specification.name} of {self.order_line}"
