"""Product inventory (TMF637 Product): what a customer has, or will have, at each site.

Order approval creates one record per order line in an inactive status (R18); closure
activates it (R25). The order line points here (DESIGN.md section 2: a link upward is declared
in the higher app), so this module never imports ``orders``."""

from decimal import Decimal

from django.db import models
from django.urls import reverse
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from contracts.models import SalesContract
from sales.choices import Domain
from sales.models import Account, Location, ProductOffering, ProductSpecification
from telcrm.models import BadgeMixin, History, NumberedModel

from ..choices import (
    IN_SERVICE_STATUSES,
    PENDING_STATUSES,
    TMF637_STATUS,
    ProductStatus,
    ServiceState,
)
from ..querysets import ProductInventoryQuerySet

money = {"max_digits": 14, "decimal_places": 2, "default": Decimal("0")}


class ProductInventory(BadgeMixin, ConcurrentTransitionMixin, NumberedModel):
    """One product of one customer at one site, as ordered."""

    number = models.CharField(max_length=20, unique=True, editable=False, blank=True)
    number_prefix = "PRD-"
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="products")
    site = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="site_products")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    offering = models.ForeignKey(ProductOffering, on_delete=models.PROTECT, related_name="+")
    sales_contract = models.ForeignKey(
        SalesContract, on_delete=models.PROTECT, related_name="products"
    )
    characteristics = models.JSONField(default=dict, blank=True)
    quantity = models.PositiveIntegerField(default=1)
    net_recurring = models.DecimalField(**money)
    currency = models.CharField(max_length=3, default="EUR")
    status = FSMField(default=ProductStatus.CREATED, choices=ProductStatus.choices, protected=True)
    badge_field = "status"
    order_date = models.DateField()
    start_date = models.DateField(null=True, blank=True)
    termination_date = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = History()
    objects = ProductInventoryQuerySet.as_manager()

    class Meta:
        verbose_name = "product inventory record"
        ordering = ["site__name", "offering__name", "pk"]

    def __str__(self) -> str:
        return f"{self.number} {self.offering.name} at {self.site.name}"

    def get_absolute_url(self) -> str:
        return reverse("cmdb:account_inventory", args=[self.account_id]) + f"#{self.number}"

    @property
    def tmf_status(self) -> str:
        return TMF637_STATUS.get(self.status, self.status)

    @property
    def pending(self) -> bool:
        return self.status in PENDING_STATUSES

    @property
    def in_service(self) -> bool:
        return self.status in IN_SERVICE_STATUSES

    @transition(
        field=status,
        source=ProductStatus.CREATED,
        target=ProductStatus.PENDING_ACTIVE,
        custom={"internal": True},
    )
    def start_activation(self) -> None:
        """Fulfillment has begun on the order."""

    @transition(
        field=status,
        source=list(PENDING_STATUSES),
        target=ProductStatus.ACTIVE,
        custom={"internal": True},
    )
    def activate(self) -> None:
        """Its order closed with this line delivered (R25)."""

    @transition(
        field=status,
        source=list(PENDING_STATUSES),
        target=ProductStatus.CANCELLED,
        custom={"internal": True},
    )
    def cancel(self) -> None:
        """Its order line was cancelled before delivery: it never becomes active."""


class ServiceInventory(BadgeMixin, ConcurrentTransitionMixin, NumberedModel):
    """TMF638 Service: one product specification delivered for a product at its site, with
    the values its delivery captured (circuit id, IP block, serial numbers...) (R25)."""

    number = models.CharField(max_length=20, unique=True, editable=False, blank=True)
    number_prefix = "SRV-"
    product = models.ForeignKey(ProductInventory, on_delete=models.PROTECT, related_name="services")
    specification = models.ForeignKey(
        ProductSpecification, on_delete=models.PROTECT, related_name="+"
    )
    domain = models.CharField(max_length=20, choices=Domain.choices)
    characteristics = models.JSONField(default=dict, blank=True)
    state = FSMField(default=ServiceState.INACTIVE, choices=ServiceState.choices, protected=True)
    start_date = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = History()

    class Meta:
        verbose_name = "service inventory record"
        ordering = ["product", "domain", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["product", "specification"], name="%(app_label)s_%(class)s_once_per_product"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.specification.name}"

    @transition(
        field=state,
        source=ServiceState.INACTIVE,
        target=ServiceState.ACTIVE,
        custom={"internal": True},
    )
    def activate(self) -> None:
        """Delivered: its order closed (R25)."""
