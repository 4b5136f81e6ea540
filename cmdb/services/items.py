"""Configuration items (R25, R26): built from what delivery captured when a product is
activated, related to each other, and kept current by people and monitoring systems."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from sales.models import Account
from telcrm.fsm import DomainError

from ..choices import (
    DOMAIN_ITEMS,
    SERVICE_ITEMS,
    AllocationState,
    CIKind,
    OperationalStatus,
    RelationshipKind,
    ResourceKind,
)
from ..models import (
    ConfigurationItem,
    MonitoringIntegration,
    ProductInventory,
    Relationship,
    ResourceAllocation,
    ServiceInventory,
    StatusChange,
)

# Which item holds an allocated resource.
_RESOURCE_ITEMS = {
    ResourceKind.CIRCUIT_ID: CIKind.CIRCUIT,
    ResourceKind.IP_BLOCK: CIKind.IP_SERVICE,
    ResourceKind.VLAN: CIKind.IP_SERVICE,
    ResourceKind.PHONE_NUMBERS: CIKind.VOICE_TRUNK,
}


def _create(item: ConfigurationItem, actor, reason: str) -> ConfigurationItem:
    item._history_user = actor
    item._change_reason = reason
    item.save()
    return item


def _get_or_create(lookup: dict, defaults: dict, actor, reason: str) -> ConfigurationItem:
    """One site item per site and one POP per name, even when two orders close at once."""
    found = ConfigurationItem.objects.filter(**lookup).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return _create(ConfigurationItem(**lookup, **defaults), actor, reason)
    except IntegrityError:
        return ConfigurationItem.objects.get(**lookup)


def _relate(source: ConfigurationItem, kind: str, target: ConfigurationItem, actor) -> None:
    if source.pk == target.pk:
        return
    if Relationship.objects.filter(source=source, kind=kind, target=target).exists():
        return
    relationship = Relationship(source=source, kind=kind, target=target)
    relationship._history_user = actor
    relationship._change_reason = f"{source.number} {RelationshipKind(kind).label} {target.number}"
    relationship.save()


def _site_item(product: ProductInventory, actor) -> ConfigurationItem:
    site: Account = product.site
    location = product.location
    return _get_or_create(
        {"kind": CIKind.SITE, "site": site},
        {
            "name": site.name,
            "identifier": location.site_code or site.number,
            "account": product.account,
            "location": location,
            "product": product,
            "attributes": {"address": location.one_line},
        },
        actor,
        reason=f"site of {product.number}",
    )


def _pop_items(product: ProductInventory, actor) -> list[ConfigurationItem]:
    """The telco's points of presence a site's circuit ends at: the nearest one, and a
    second one when the product asks for dual-POP redundancy."""
    city = product.location.city
    names = [f"POP {city}"]
    if (product.characteristics or {}).get("pop_redundancy") == "dual":
        names.append(f"POP {city} B")
    return [
        _get_or_create(
            {"kind": CIKind.POP, "name": name},
            {"identifier": name.removeprefix("POP ").upper().replace(" ", "-")},
            actor,
            reason=f"point of presence for {product.number}",
        )
        for name in names
    ]


def items_build(
    *, actor, product: ProductInventory, services: list[ServiceInventory]
) -> list[ConfigurationItem]:
    """R25: the items a just-activated product consists of, with their relationships: the
    site (created once per site), one item per delivered service of a configurable domain
    (its identifier and attributes from what delivery captured), the CPE located at the site,
    the circuit terminating at the site and at a POP, and each service item depending on the
    site's circuit and CPE. The product's resources move onto the items that hold them.
    Called inside the activation's transaction."""
    site_item = _site_item(product, actor)
    built = []
    for service in services:
        if service.domain not in DOMAIN_ITEMS or service.items.exists():
            continue
        kind, keys = DOMAIN_ITEMS[service.domain]
        captured = service.characteristics or {}
        identifier = next((str(captured[k]) for k in keys if captured.get(k)), "")
        name = (
            f"{service.specification.name} {identifier}".strip()
            if identifier
            else (f"{service.specification.name} at {product.site.name}")
        )
        item = ConfigurationItem(
            kind=kind,
            name=name[:200],
            identifier=identifier[:100],
            account=product.account,
            site=product.site,
            location=product.location,
            product=product,
            service=service,
            attributes={**(product.characteristics or {}), **captured},
        )
        built.append(_create(item, actor, reason=f"activated with {product.number}"))

    # The site's circuit and CPE: this product's own first, else those already in service.
    site_items = ConfigurationItem.objects.filter(site=product.site)

    def of_kind(kind):
        own = [i for i in built if i.kind == kind]
        return own or list(site_items.filter(kind=kind).exclude(pk__in=[i.pk for i in built]))

    circuits, cpes = of_kind(CIKind.CIRCUIT), of_kind(CIKind.CPE)
    for item in built:
        if item.kind == CIKind.CPE:
            _relate(item, RelationshipKind.LOCATED_AT, site_item, actor)
        elif item.kind == CIKind.CIRCUIT:
            _relate(item, RelationshipKind.TERMINATES_AT, site_item, actor)
            for pop in _pop_items(product, actor):
                _relate(item, RelationshipKind.TERMINATES_AT, pop, actor)
        elif item.kind in SERVICE_ITEMS:
            for dependency in circuits + cpes:
                _relate(item, RelationshipKind.DEPENDS_ON, dependency, actor)
            if not circuits and not cpes:
                _relate(item, RelationshipKind.LOCATED_AT, site_item, actor)

    for allocation in ResourceAllocation.objects.filter(
        product=product, state=AllocationState.IN_USE, item__isnull=True
    ):
        holder = next(
            (
                i
                for i in built
                if i.kind == _RESOURCE_ITEMS.get(allocation.kind)
                and allocation.value in map(str, i.attributes.values())
            ),
            None,
        )
        if holder is not None:
            allocation.item = holder
            allocation._history_user = actor
            allocation._change_reason = f"held by {holder.number}"
            allocation.save()
    return built


def item_set_status(
    *,
    item_id: int,
    status: str,
    note: str = "",
    actor=None,
    integration: MonitoringIntegration | None = None,
) -> StatusChange | None:
    """R26: a person (``actor``) or a monitoring system (``integration``) says how the item
    is doing. The same status again records nothing; every change is kept with its source."""
    if status not in OperationalStatus.values:
        choices = ", ".join(OperationalStatus.values)
        raise DomainError(f"“{status}” is not an operational status (use one of {choices}).")
    with transaction.atomic():
        item = ConfigurationItem.objects.select_for_update().get(pk=item_id)
        if item.operational_status == status:
            return None
        change = StatusChange.objects.create(
            item=item,
            previous=item.operational_status,
            status=status,
            note=note.strip()[:300],
            changed_by=actor,
            integration=integration,
        )
        item.operational_status = status
        item.status_changed_at = change.changed_at
        item._history_user = actor
        source = integration.name if integration else "by hand"
        item._change_reason = f"status {status} ({source})"[:100]
        item.save(update_fields=["operational_status", "status_changed_at"])
        if integration is not None:
            MonitoringIntegration.objects.filter(pk=integration.pk).update(
                last_used_at=timezone.now()
            )
    return change


def integration_for_token(token: str) -> MonitoringIntegration | None:
    """The active integration this token belongs to, if any."""
    if not token:
        return None
    return MonitoringIntegration.objects.filter(
        token_hash=MonitoringIntegration.hash(token), active=True
    ).first()
