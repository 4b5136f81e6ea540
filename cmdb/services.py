"""Business actions on the CMDB. Higher layers (orders, fulfillment) call these plain
functions; the CMDB never imports them (DESIGN.md section 2)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from contracts.models import SalesContract
from sales.models import Account, Location, ProductOffering
from sales.services.accounts import _save
from telcrm.fsm import run_transition

from .models import ProductInventory


def product_inventory_create_pending(
    *, actor, account: Account, site: Account, location: Location, offering: ProductOffering,
    sales_contract: SalesContract, characteristics: dict, quantity: int,
    net_recurring: Decimal, currency: str, order_date: date, reason: str,
) -> ProductInventory:  # fmt: skip
    """R18: inventory for an approved order line, in TMF637 status ``created``: it exists,
    but counts as active for nobody until its order closes. The caller runs this inside its
    own transaction and keeps the link (so a repeat creates nothing twice)."""
    product = ProductInventory(
        account=account, site=site, location=location, offering=offering,
        sales_contract=sales_contract, characteristics=dict(characteristics or {}),
        quantity=quantity, net_recurring=net_recurring, currency=currency,
        order_date=order_date,
    )  # fmt: skip
    _save(product, actor, reason=reason)
    return product


def product_inventory_cancel(*, actor, product_id: int) -> ProductInventory:
    return run_transition(ProductInventory, pk=product_id, name="cancel", actor=actor,
                          field="status")  # fmt: skip
