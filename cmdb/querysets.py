"""Reads of the CMDB: inventory is visible like its customer's account (R29)."""

from __future__ import annotations

from django.db import models

from sales.querysets import account_visibility

from .choices import PENDING_STATUSES, ProductStatus


class ProductInventoryQuerySet(models.QuerySet):
    def visible_to(self, user) -> ProductInventoryQuerySet:
        q = account_visibility(user, prefix="account__")
        if q is None:
            return self
        return self.filter(pk__in=self.model.objects.filter(q).values("pk"))

    def active(self) -> ProductInventoryQuerySet:
        """What the customer has in service: never inventory still waiting for its order."""
        return self.filter(status=ProductStatus.ACTIVE)

    def pending(self) -> ProductInventoryQuerySet:
        return self.filter(status__in=PENDING_STATUSES)
