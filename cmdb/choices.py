"""Product inventory statuses with their TMF637 names (ProductStatusType)."""

from django.db import models

from telcrm.choices import Badge, StateChoices


class ProductStatus(StateChoices):
    CREATED = "created", Badge("Created (pending)", "warning")
    PENDING_ACTIVE = "pending_active", Badge("Pending activation", "warning")
    ACTIVE = "active", Badge("Active", "success")
    SUSPENDED = "suspended", Badge("Suspended", "danger")
    PENDING_TERMINATE = "pending_terminate", Badge("Pending termination", "info")
    TERMINATED = "terminated", Badge("Terminated", "secondary")
    CANCELLED = "cancelled", Badge("Cancelled", "secondary")
    ABORTED = "aborted", Badge("Aborted", "secondary")


TMF637_STATUS = {
    ProductStatus.PENDING_ACTIVE: "pendingActive",
    ProductStatus.PENDING_TERMINATE: "pendingTerminate",
}
# Inventory that exists but is available to nobody yet (R18): only closure activates it.
PENDING_STATUSES = (ProductStatus.CREATED, ProductStatus.PENDING_ACTIVE)
IN_SERVICE_STATUSES = (
    ProductStatus.ACTIVE,
    ProductStatus.SUSPENDED,
    ProductStatus.PENDING_TERMINATE,
)


class ServiceState(StateChoices):
    """TMF638 ServiceStateType (the ones a delivered service goes through here)."""

    INACTIVE = "inactive", Badge("Inactive", "warning")
    ACTIVE = "active", Badge("Active", "success")
    TERMINATED = "terminated", Badge("Terminated", "secondary")


class CIKind(models.TextChoices):
    """Configuration items the CMDB keeps: the customer's site, the telco's points of
    presence, and what delivery built between them (R25)."""

    SITE = "site", "Site"
    POP = "pop", "Point of presence"
    CIRCUIT = "circuit", "Access circuit"
    CPE = "cpe", "CPE device"
    IP_SERVICE = "ip_service", "IP service"
    FIREWALL = "firewall", "Firewall service"
    VOICE_TRUNK = "voice_trunk", "Voice trunk"
    WIFI = "wifi", "Wi-Fi network"


# Which configuration item a delivered service of each fulfillment domain becomes, and which
# captured output identifies it (the first one present). Service-management and partner
# services become no item of their own: they are contracts, not configuration.
DOMAIN_ITEMS: dict[str, tuple[str, tuple[str, ...]]] = {
    "access": (CIKind.CIRCUIT, ("circuit_id",)),
    "ip_core": (CIKind.IP_SERVICE, ("ip_block", "vrf", "evc_id", "tenant_id")),
    "cpe": (CIKind.CPE, ("cpe_serial", "edge_serial")),
    "security": (CIKind.FIREWALL, ("firewall_id",)),
    "voice": (CIKind.VOICE_TRUNK, ("trunk_id", "number_block")),
    "wifi": (CIKind.WIFI, ("controller_id",)),
}
# Items that carry the customer's traffic over the site's circuit and CPE.
SERVICE_ITEMS = (CIKind.IP_SERVICE, CIKind.FIREWALL, CIKind.VOICE_TRUNK, CIKind.WIFI)


class RelationshipKind(models.TextChoices):
    DEPENDS_ON = "depends_on", "depends on"
    LOCATED_AT = "located_at", "located at"
    TERMINATES_AT = "terminates_at", "terminates at"


class OperationalStatus(StateChoices):
    OPERATIONAL = "operational", Badge("Operational", "success")
    DEGRADED = "degraded", Badge("Degraded", "warning")
    DOWN = "down", Badge("Down", "danger")
    MAINTENANCE = "maintenance", Badge("Maintenance", "info")


class ResourceKind(models.TextChoices):
    """Network resources handed out to one holder at a time."""

    IP_BLOCK = "ip_block", "IP block"
    CIRCUIT_ID = "circuit_id", "Circuit id"
    PHONE_NUMBERS = "phone_numbers", "Phone number block"
    VLAN = "vlan", "VLAN"


# Task outputs that are resources: captured values become allocations. A VLAN id is unique
# per site (the access port), the others across the network.
RESOURCE_OUTPUTS: dict[str, str] = {
    "ip_block": ResourceKind.IP_BLOCK,
    "circuit_id": ResourceKind.CIRCUIT_ID,
    "number_block": ResourceKind.PHONE_NUMBERS,
    "vlan": ResourceKind.VLAN,
}
SITE_SCOPED_RESOURCES = (ResourceKind.VLAN,)


class AllocationState(StateChoices):
    IN_USE = "in_use", Badge("In use", "primary")
    RELEASED = "released", Badge("Released", "secondary")


class ChangeState(StateChoices):
    DRAFT = "draft", Badge("Draft", "secondary")
    ASSESSMENT = "assessment", Badge("In assessment", "warning")
    APPROVED = "approved", Badge("Approved", "info")
    SCHEDULED = "scheduled", Badge("Scheduled", "primary")
    IMPLEMENTED = "implemented", Badge("Implemented", "success")
    CLOSED = "closed", Badge("Closed", "secondary")
    REJECTED = "rejected", Badge("Rejected", "dark")


OPEN_CHANGE_STATES = (
    ChangeState.DRAFT,
    ChangeState.ASSESSMENT,
    ChangeState.APPROVED,
    ChangeState.SCHEDULED,
    ChangeState.IMPLEMENTED,
)


class ChangeRisk(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


class IncidentState(StateChoices):
    NEW = "new", Badge("New", "danger")
    IN_PROGRESS = "in_progress", Badge("In progress", "warning")
    RESOLVED = "resolved", Badge("Resolved", "success")
    CLOSED = "closed", Badge("Closed", "secondary")


OPEN_INCIDENT_STATES = (IncidentState.NEW, IncidentState.IN_PROGRESS)


class IncidentPriority(models.TextChoices):
    P1 = "p1", "P1 critical"
    P2 = "p2", "P2 high"
    P3 = "p3", "P3 medium"
    P4 = "p4", "P4 low"
