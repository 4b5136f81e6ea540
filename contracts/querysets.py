"""Reads of the contracts app; a document is visible with its quote (R29)."""

from __future__ import annotations

from django.db import models

from sales.models import Quote, SalesAgreement
from sales.querysets import CustomerRecordQuerySet
from telcrm.roles import sees_everything


class DocumentQuerySet(models.QuerySet):
    """A document is visible with its quote or its agreement."""

    def visible_to(self, user) -> DocumentQuerySet:
        if sees_everything(user):
            return self
        return self.filter(
            models.Q(quote__in=Quote.objects.visible_to(user).values("pk"))
            | models.Q(agreement__in=SalesAgreement.objects.visible_to(user).values("pk"))
        )


class SigningRequestQuerySet(models.QuerySet):
    def visible_to(self, user) -> SigningRequestQuerySet:
        from .models import Document

        if sees_everything(user):
            return self
        return self.filter(document__in=Document.objects.visible_to(user).values("pk"))

    def open(self) -> SigningRequestQuerySet:
        from django.utils import timezone

        return self.filter(state="sent", expires_at__gt=timezone.now())


class ContractQuerySet(CustomerRecordQuerySet):
    """Sales contracts: visible like their customer's account (owner, team, manager)."""


class ServiceContractQuerySet(models.QuerySet):
    def visible_to(self, user) -> ServiceContractQuerySet:
        from .models import SalesContract

        if sees_everything(user):
            return self
        return self.filter(sales_contract__in=SalesContract.objects.visible_to(user).values("pk"))
