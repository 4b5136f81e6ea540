"""Reads of the CMDB: inventory, items and what is raised against them are visible like
their customer's account (R29)."""

from __future__ import annotations

from django.db.models import F, Q
from django.utils import timezone

from sales.querysets import CustomerRecordQuerySet

from .choices import OPEN_CHANGE_STATES, OPEN_INCIDENT_STATES, PENDING_STATUSES, ProductStatus


class ProductInventoryQuerySet(CustomerRecordQuerySet):
    def active(self) -> ProductInventoryQuerySet:
        """What the customer has in service: never inventory still waiting for its order."""
        return self.filter(status=ProductStatus.ACTIVE)

    def pending(self) -> ProductInventoryQuerySet:
        return self.filter(status__in=PENDING_STATUSES)


class ConfigurationItemQuerySet(CustomerRecordQuerySet):
    """A customer's items are visible like its account; the telco's own (points of presence)
    to back-office roles only."""


class _ThroughItemQuerySet(CustomerRecordQuerySet):
    """Records raised against a configuration item: visible like the item's customer."""

    account_path = "item__account__"


class ChangeRequestQuerySet(_ThroughItemQuerySet):
    def open(self) -> ChangeRequestQuerySet:
        return self.filter(state__in=OPEN_CHANGE_STATES)


class IncidentQuerySet(_ThroughItemQuerySet):
    def open(self) -> IncidentQuerySet:
        return self.filter(state__in=OPEN_INCIDENT_STATES)

    def breached(self, now=None) -> IncidentQuerySet:
        """Past due and not restored, or restored late (R26)."""
        now = now or timezone.now()
        return self.filter(
            Q(resolved_at__isnull=True, due_at__lt=now) | Q(resolved_at__gt=F("due_at"))
        )
