"""Reads of the CMDB: inventory is visible like its customer's account (R29)."""

from __future__ import annotations

from sales.querysets import CustomerRecordQuerySet

from .choices import PENDING_STATUSES, ProductStatus


class ProductInventoryQuerySet(CustomerRecordQuerySet):
    def active(self) -> ProductInventoryQuerySet:
        """What the customer has in service: never inventory still waiting for its order."""
        return self.filter(status=ProductStatus.ACTIVE)

    def pending(self) -> ProductInventoryQuerySet:
        return self.filter(status__in=PENDING_STATUSES)
