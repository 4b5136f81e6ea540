"""Product inventory statuses with their TMF637 names (ProductStatusType)."""

from django.db import models

BADGES: dict[str, str] = {}


class ProductStatus(models.TextChoices):
    CREATED = "created", "Created (pending)"
    PENDING_ACTIVE = "pending_active", "Pending activation"
    ACTIVE = "active", "Active"
    SUSPENDED = "suspended", "Suspended"
    PENDING_TERMINATE = "pending_terminate", "Pending termination"
    TERMINATED = "terminated", "Terminated"
    CANCELLED = "cancelled", "Cancelled"
    ABORTED = "aborted", "Aborted"


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


class ServiceState(models.TextChoices):
    """TMF638 ServiceStateType (the ones a delivered service goes through here)."""

    INACTIVE = "inactive", "Inactive"
    ACTIVE = "active", "Active"
    TERMINATED = "terminated", "Terminated"


BADGES.update(
    {
        ProductStatus.CREATED: "warning",
        ProductStatus.PENDING_ACTIVE: "warning",
        ProductStatus.ACTIVE: "success",
        ProductStatus.SUSPENDED: "danger",
        ProductStatus.PENDING_TERMINATE: "info",
        ProductStatus.TERMINATED: "secondary",
        ProductStatus.CANCELLED: "secondary",
        ProductStatus.ABORTED: "secondary",
        ServiceState.INACTIVE: "warning",
    }
)


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


class OperationalStatus(models.TextChoices):
    OPERATIONAL = "operational", "Operational"
    DEGRADED = "degraded", "Degraded"
    DOWN = "down", "Down"
    MAINTENANCE = "maintenance", "Maintenance"


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


class AllocationState(models.TextChoices):
    IN_USE = "in_use", "In use"
    RELEASED = "released", "Released"


class ChangeState(models.TextChoices):
    DRAFT = "draft", "Draft"
    ASSESSMENT = "assessment", "In assessment"
    APPROVED = "approved", "Approved"
    SCHEDULED = "scheduled", "Scheduled"
    IMPLEMENTED = "implemented", "Implemented"
    CLOSED = "closed", "Closed"
    REJECTED = "rejected", "Rejected"


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


class IncidentState(models.TextChoices):
    NEW = "new", "New"
    IN_PROGRESS = "in_progress", "In progress"
    RESOLVED = "resolved", "Resolved"
    CLOSED = "closed", "Closed"


OPEN_INCIDENT_STATES = (IncidentState.NEW, IncidentState.IN_PROGRESS)


class IncidentPriority(models.TextChoices):
    P1 = "p1", "P1 critical"
    P2 = "p2", "P2 high"
    P3 = "p3", "P3 medium"
    P4 = "p4", "P4 low"


BADGES.update(
    {
        ServiceState.ACTIVE: "success",
        OperationalStatus.OPERATIONAL: "success",
        OperationalStatus.DEGRADED: "warning",
        OperationalStatus.DOWN: "danger",
        OperationalStatus.MAINTENANCE: "info",
        AllocationState.IN_USE: "primary",
        AllocationState.RELEASED: "secondary",
        ChangeState.DRAFT: "secondary",
        ChangeState.ASSESSMENT: "warning",
        ChangeState.APPROVED: "info",
        ChangeState.SCHEDULED: "primary",
        ChangeState.IMPLEMENTED: "success",
        ChangeState.REJECTED: "dark",
        IncidentState.NEW: "danger",
        IncidentState.IN_PROGRESS: "warning",
        IncidentState.RESOLVED: "success",
    }
)
