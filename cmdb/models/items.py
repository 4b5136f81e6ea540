"""Configuration items, their relationships, the resources they hold and their operational
status (R25, R26)."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from sales.models import Account, Location
from telcrm.models import BadgeMixin, History, NumberedModel

from ..choices import (
    AllocationState,
    CIKind,
    OperationalStatus,
    RelationshipKind,
    ResourceKind,
)
from ..querysets import ConfigurationItemQuerySet
from .inventory import ProductInventory, ServiceInventory


class ConfigurationItem(BadgeMixin, NumberedModel):
    """One thing the service is made of, as built: a site, a circuit, a CPE device, an IP
    service... A customer's item belongs to its legal account and one site; a point of
    presence is the telco's own (no account). Each delivered item points at the service
    inventory record it came from, which points at its product and so its order line."""

    number = models.CharField(max_length=20, unique=True, editable=False, blank=True)
    number_prefix = "CI-"
    kind = models.CharField(max_length=20, choices=CIKind.choices)
    name = models.CharField(max_length=200)
    identifier = models.CharField(
        max_length=100, blank=True, help_text="Circuit id, serial, IP block..."
    )
    account = models.ForeignKey(
        Account, on_delete=models.PROTECT, null=True, blank=True, related_name="configuration_items"
    )
    site = models.ForeignKey(
        Account, on_delete=models.PROTECT, null=True, blank=True, related_name="site_items"
    )
    location = models.ForeignKey(
        Location, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    product = models.ForeignKey(
        ProductInventory, on_delete=models.PROTECT, null=True, blank=True, related_name="items"
    )
    service = models.ForeignKey(
        ServiceInventory, on_delete=models.PROTECT, null=True, blank=True, related_name="items"
    )
    attributes = models.JSONField(default=dict, blank=True)
    operational_status = models.CharField(
        max_length=20, choices=OperationalStatus.choices, default=OperationalStatus.OPERATIONAL
    )
    badge_field = "operational_status"
    status_changed_at = models.DateTimeField(default=timezone.now, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    history = History()
    objects = ConfigurationItemQuerySet.as_manager()

    class Meta:
        verbose_name = "configuration item"
        ordering = ["site__name", "kind", "number"]
        constraints = [
            # One site item per site account, one POP item per name; one item per service.
            models.UniqueConstraint(
                fields=["site"],
                condition=Q(kind=CIKind.SITE),
                name="%(app_label)s_%(class)s_one_site_item",
            ),
            models.UniqueConstraint(
                fields=["name"],
                condition=Q(kind=CIKind.POP),
                name="%(app_label)s_%(class)s_one_pop_per_name",
            ),
            models.UniqueConstraint(
                fields=["service"],
                condition=Q(service__isnull=False),
                name="%(app_label)s_%(class)s_one_per_service",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("cmdb:item_detail", args=[self.pk])

    @property
    def attributes_display(self) -> str:
        return ", ".join(f"{k}={v}" for k, v in (self.attributes or {}).items() if v)


class Relationship(models.Model):
    """``source`` <kind> ``target``: an IP service depends on its circuit, a CPE is located
    at its site, a circuit terminates at the site and at a POP."""

    source = models.ForeignKey(ConfigurationItem, on_delete=models.CASCADE, related_name="outgoing")
    kind = models.CharField(max_length=20, choices=RelationshipKind.choices)
    target = models.ForeignKey(ConfigurationItem, on_delete=models.PROTECT, related_name="incoming")
    created_at = models.DateTimeField(auto_now_add=True)
    history = History()

    class Meta:
        ordering = ["source", "kind", "target"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "kind", "target"], name="%(app_label)s_%(class)s_once"
            ),
            models.CheckConstraint(
                condition=~Q(source=models.F("target")),
                name="%(app_label)s_%(class)s_not_to_itself",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source.number} {self.get_kind_display()} {self.target.number}"


class ResourceAllocation(BadgeMixin, ConcurrentTransitionMixin, models.Model):
    """A network resource (IP block, circuit id, number block, VLAN) held by one product.
    While in use nobody else can hold it: a partial unique constraint, so two orders racing
    for the same value get one winner whatever the application does (R25)."""

    kind = models.CharField(max_length=20, choices=ResourceKind.choices)
    value = models.CharField(max_length=100)
    scope = models.CharField(
        max_length=40, blank=True, help_text="Where it must be unique (a VLAN: its site)"
    )
    product = models.ForeignKey(
        ProductInventory, on_delete=models.PROTECT, related_name="allocations"
    )
    item = models.ForeignKey(
        ConfigurationItem,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="allocations",
    )
    holder = models.CharField(max_length=100, help_text="What captured it, e.g. a task")
    state = FSMField(
        default=AllocationState.IN_USE, choices=AllocationState.choices, protected=True
    )
    allocated_at = models.DateTimeField(auto_now_add=True)
    released_at = models.DateTimeField(null=True, blank=True)
    history = History()

    class Meta:
        ordering = ["kind", "value", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "scope", "value"],
                condition=Q(state=AllocationState.IN_USE),
                name="%(app_label)s_%(class)s_unique_in_use",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.value}"

    @transition(
        field=state,
        source=AllocationState.IN_USE,
        target=AllocationState.RELEASED,
        custom={"internal": True},
    )
    def release(self) -> None:
        """Its product will never use it (line cancelled): free for others."""
        self.released_at = timezone.now()


class MonitoringIntegration(models.Model):
    """A monitoring system allowed to post operational status. Only a hash of its token is
    kept; the token is shown once, when an administrator creates the integration."""

    name = models.CharField(max_length=100, unique=True)
    token_prefix = models.CharField(max_length=8, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    active = models.BooleanField(default=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    history = History(excluded_fields=["last_used_at"])

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def hash(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    def issue_token(self) -> str:
        """A new secret token (the old one stops working); returned once, never stored."""
        token = secrets.token_urlsafe(32)
        self.token_prefix = token[:8]
        self.token_hash = self.hash(token)
        return token


class StatusChange(BadgeMixin, models.Model):
    """One operational status change of an item: when, to what, and who said so (a user in
    the browser or a monitoring integration).

    It keeps no history of its own because it is itself the log of the item's status: an
    append-only record, one row written per change and never edited or deleted afterwards
    (the item it belongs to is audited as usual)."""

    item = models.ForeignKey(
        ConfigurationItem, on_delete=models.CASCADE, related_name="status_changes"
    )
    previous = models.CharField(max_length=20, choices=OperationalStatus.choices)
    status = models.CharField(max_length=20, choices=OperationalStatus.choices)
    badge_field = "status"
    note = models.CharField(max_length=300, blank=True)
    changed_at = models.DateTimeField(default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    integration = models.ForeignKey(
        MonitoringIntegration, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-changed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.item.number}: {self.previous} → {self.status}"

    @property
    def source(self) -> str:
        if self.integration_id:
            return self.integration.name
        if self.changed_by_id:
            return self.changed_by.get_full_name() or self.changed_by.username
        return "system"
