"""Order and order line states with their TMF622 names (ProductOrderStateType)."""

from django.db import models

BADGES: dict[str, str] = {}


class OrderState(models.TextChoices):
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    PENDING = "pending", "Pending approval"
    IN_PROGRESS = "in_progress", "In progress"
    HELD = "held", "Held"
    COMPLETED = "completed", "Completed"
    PARTIAL = "partial", "Partially completed"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"
    REJECTED = "rejected", "Rejected"


class OrderLineState(models.TextChoices):
    """TMF622 ProductOrderItemStateType."""

    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    IN_PROGRESS = "in_progress", "In progress"
    HELD = "held", "Held"
    COMPLETED = "completed", "Completed"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


class DomainOrderState(models.TextChoices):
    """TMF641 ServiceOrderStateType: a domain order is the service order of one domain."""

    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    IN_PROGRESS = "in_progress", "In progress"
    HELD = "held", "Held"
    COMPLETED = "completed", "Completed"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


TMF622_STATE = {OrderState.IN_PROGRESS: "inProgress"}
OPEN_STATES = (OrderState.ACKNOWLEDGED, OrderState.PENDING, OrderState.IN_PROGRESS, OrderState.HELD)

BADGES.update(
    {
        OrderState.ACKNOWLEDGED: "info",
        OrderState.PENDING: "warning",
        OrderState.IN_PROGRESS: "primary",
        OrderState.HELD: "warning",
        OrderState.COMPLETED: "success",
        OrderState.PARTIAL: "success",
        OrderState.FAILED: "danger",
        OrderState.CANCELLED: "secondary",
        OrderState.REJECTED: "danger",
    }
)
