"""Order and order line states with their TMF622 names (ProductOrderStateType)."""

from telcrm.choices import Badge, StateChoices


class OrderState(StateChoices):
    ACKNOWLEDGED = "acknowledged", Badge("Acknowledged", "info")
    PENDING = "pending", Badge("Pending approval", "warning")
    IN_PROGRESS = "in_progress", Badge("In progress", "primary")
    HELD = "held", Badge("Held", "warning")
    COMPLETED = "completed", Badge("Completed", "success")
    PARTIAL = "partial", Badge("Partially completed", "success")
    FAILED = "failed", Badge("Failed", "danger")
    CANCELLED = "cancelled", Badge("Cancelled", "secondary")
    REJECTED = "rejected", Badge("Rejected", "danger")


class OrderLineState(StateChoices):
    """TMF622 ProductOrderItemStateType."""

    ACKNOWLEDGED = "acknowledged", Badge("Acknowledged", "info")
    IN_PROGRESS = "in_progress", Badge("In progress", "primary")
    HELD = "held", Badge("Held", "warning")
    COMPLETED = "completed", Badge("Completed", "success")
    FAILED = "failed", Badge("Failed", "danger")
    CANCELLED = "cancelled", Badge("Cancelled", "secondary")


# TMF641 ServiceOrderStateType: a domain order is the service order of one domain, and goes
# through the same states as an order line.
DomainOrderState = OrderLineState


TMF622_STATE = {OrderState.IN_PROGRESS: "inProgress"}
OPEN_STATES = (OrderState.ACKNOWLEDGED, OrderState.PENDING, OrderState.IN_PROGRESS, OrderState.HELD)
