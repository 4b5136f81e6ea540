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
from telcrm.services import run_transition, save

from ..choices import PENDING_STATUSES, ProductStatus
from ..models import ProductInventory, ServiceInventory
from .items import items_build
from .resources import resources_release


def product_inventory_create_pending(
    *,
    actor,
    account: Account,
    site: Account,
    location: Location,
    offering: ProductOffering,
    sales_contract: SalesContract,
    characteristics: dict,
    quantity: int,
    net_recurring: Decimal,
    currency: str,
    order_date: date,
    reason: str,
) -> ProductInventory:
    """R18: inventory for an approved order line, in TMF637 status ``created``: it exists,
    but counts as active for nobody until its order closes. The caller runs this inside its
    own transaction and keeps the link (so a repeat creates nothing twice)."""
    product = ProductInventory(
        account=account,
        site=site,
        location=location,
        offering=offering,
        sales_contract=sales_contract,
        characteristics=dict(characteristics or {}),
        quantity=quantity,
        net_recurring=net_recurring,
        currency=currency,
        order_date=order_date,
    )
    save(product, actor=actor, reason=reason)
    return product


def product_inventory_cancel(*, actor, product_id: int) -> ProductInventory:
    """Its line was cancelled: it never becomes active, and what it held is free again."""
    with transaction.atomic():
        product = run_transition(
            ProductInventory, pk=product_id, name="cancel", actor=actor, field="status"
        )
        resources_release(actor=actor, product_id=product_id, reason=f"{product.number} cancelled")
    return product


def product_inventory_start_activation(*, actor, product_id: int) -> ProductInventory:
    """Fulfillment has begun: TMF637 ``pendingActive`` (still available to nobody)."""
    with transaction.atomic():
        product = ProductInventory.objects.select_for_update().get(pk=product_id)
        if product.status == ProductStatus.CREATED:
            product.start_activation()
            save(product, actor=actor, reason="fulfillment started")
    return product


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
