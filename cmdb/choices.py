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
IN_SERVICE_STATUSES = (ProductStatus.ACTIVE, ProductStatus.SUSPENDED,
                       ProductStatus.PENDING_TERMINATE)  # fmt: skip


class ServiceState(models.TextChoices):
    """TMF638 ServiceStateType (the ones a delivered service goes through here)."""

    INACTIVE = "inactive", "Inactive"
    ACTIVE = "active", "Active"
    TERMINATED = "terminated", "Terminated"


BADGES.update({
    ProductStatus.CREATED: "warning",
    ProductStatus.PENDING_ACTIVE: "warning",
    ProductStatus.ACTIVE: "success",
    ProductStatus.SUSPENDED: "danger",
    ProductStatus.PENDING_TERMINATE: "info",
    ProductStatus.TERMINATED: "secondary",
    ProductStatus.CANCELLED: "secondary",
    ProductStatus.ABORTED: "secondary",
    ServiceState.INACTIVE: "warning",
})  # fmt: skip
