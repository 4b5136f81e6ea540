"""Business actions on the CMDB. Higher layers (orders, fulfillment) call these plain
functions; the CMDB never imports them (DESIGN.md section 2)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import transaction

from contracts.models import SalesContract
from sales.models import Account, Location, ProductOffering, ProductSpecification
from telcrm.fsm import DomainError
from telcrm.services import run_transition, save, save_new, transition_all

from ..choices import PENDING_STATUSES, ProductStatus
from ..models import ProductInventory, ServiceInventory
from .items import items_build
from .resources import resources_release


@dataclass(frozen=True)
class PendingProduct:
    """What an approved order line hands over for its inventory record (R18)."""

    account: Account
    site: Account
    location: Location
    offering: ProductOffering
    sales_contract: SalesContract
    characteristics: dict
    quantity: int
    net_recurring: Decimal
    currency: str
    order_date: date


def product_inventories_create_pending(
    *, actor, products: list[PendingProduct], reason: str
) -> list[ProductInventory]:
    """R18: inventory for an approved order's lines, in TMF637 status ``created``: each
    exists, but counts as active for nobody until its order closes. Written at once (a few
    queries, whatever their number), each with its history row. The caller runs this inside
    its own transaction and keeps the links (so a repeat creates nothing twice)."""
    made = [
        ProductInventory(
            account=p.account,
            site=p.site,
            location=p.location,
            offering=p.offering,
            sales_contract=p.sales_contract,
            characteristics=dict(p.characteristics or {}),
            quantity=p.quantity,
            net_recurring=p.net_recurring,
            currency=p.currency,
            order_date=p.order_date,
        )
        for p in products
    ]
    return save_new(ProductInventory, made, actor=actor, reason=reason)


def product_inventory_cancel(*, actor, product_id: int) -> ProductInventory:
    """Its line was cancelled: it never becomes active, and what it held is free again."""
    with transaction.atomic():
        product = run_transition(
            ProductInventory, pk=product_id, name="cancel", actor=actor, field="status"
        )
        resources_release(actor=actor, product_id=product_id, reason=f"{product.number} cancelled")
    return product


def product_inventories_start_activation(*, actor, product_ids: list[int]) -> None:
    """Fulfillment has begun: TMF637 ``pendingActive`` (still available to nobody), for
    each of the products still ``created``, in one update."""
    with transaction.atomic():
        products = list(
            ProductInventory.objects.select_for_update()
            .filter(pk__in=product_ids, status=ProductStatus.CREATED)
            .order_by("pk")
        )
        transition_all(
            products, "start_activation", actor=actor, field="status", reason="fulfillment started"
        )


@dataclass(frozen=True)
class DeliveredService:
    """What a higher layer hands over at closure for one delivered specification."""

    specification: ProductSpecification
    domain: str
    characteristics: dict = field(default_factory=dict)


def product_inventory_activate(
    *, actor, product_id: int, start_date: date, services: list[DeliveredService]
) -> ProductInventory:
    """R25: the order closed with this product delivered: it becomes active from
    ``start_date`` and each delivered specification becomes an active service inventory
    record carrying what its delivery captured, and becomes configuration items with their
    relationships. Running it again changes nothing."""
    with transaction.atomic():
        product = ProductInventory.objects.select_for_update().get(pk=product_id)
        if product.status == ProductStatus.ACTIVE:
            return product
        if product.status not in PENDING_STATUSES:
            raise DomainError(
                f"{product} is {product.get_status_display().lower()}: it cannot be activated."
            )
        product.activate()
        product.start_date = start_date
        save(product, actor=actor, reason="order closed: activated")
        existing = set(product.services.values_list("specification_id", flat=True))
        activated = []
        for delivered in services:
            if delivered.specification.pk in existing:
                continue
            service = ServiceInventory(
                product=product,
                specification=delivered.specification,
                domain=delivered.domain,
                characteristics=dict(delivered.characteristics),
                start_date=start_date,
            )
            service.activate()
            save(service, actor=actor, reason=f"delivered with {product.number}")
            activated.append(service)
        items_build(actor=actor, product=product, services=activated)
    return product
