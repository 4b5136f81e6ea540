"""Reads of the orders app: an order is visible like its customer's account (R29)."""

from __future__ import annotations

from django.db import models

from sales.querysets import account_visibility


class OrderQuerySet(models.QuerySet):
    def visible_to(self, user) -> OrderQuerySet:
        q = account_visibility(user, prefix="account__")
        if q is None:
            return self
        return self.filter(pk__in=self.model.objects.filter(q).values("pk"))
