"""Task kinds and the states of sub flows and tasks."""

from django.db import models

BADGES: dict[str, str] = {}


class TaskKind(models.TextChoices):
    MANUAL = "manual", "Manual"
    API = "api", "API (automated)"
    FIELD_SERVICE = "field_service", "Field service"
    PROJECT = "project", "Project"


class TaskState(models.TextChoices):
    WAITING = "waiting", "Waiting"  # a dependency is not completed yet
    READY = "ready", "Ready"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed"
    FAILED = "failed", "Failed"  # in the fall-out queue (R22)
    SKIPPED = "skipped", "Skipped"  # a fall-out was resolved by skipping it
    CANCELLED = "cancelled", "Cancelled"  # its order line was cancelled


class SubFlowState(models.TextChoices):
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"


class WorkOrderState(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"  # waiting for a technician and a confirmed window
    DISPATCHED = "dispatched", "Dispatched"
    ON_SITE = "on_site", "On site"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"


class WaveState(models.TextChoices):
    WAITING = "waiting", "Waiting"  # its sites' tasks are not made ready yet
    RELEASED = "released", "Released"
    DONE = "done", "Done"  # every task of its sites is done


class StartMode(models.TextChoices):
    ALL = "all", "All sites at once"
    WAVES = "waves", "A number of sites at a time"
    DATES = "dates", "Each site on its own start date"


class ProjectState(models.TextChoices):
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"


class ProjectTaskState(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"


class FalloutCategory(models.TextChoices):
    PROVISIONING = "provisioning", "Provisioning failure"
    INVENTORY = "inventory", "Inventory allocation failure"
    BILLING = "billing", "Billing issue"
    DATA = "data", "Data error"
    TIMEOUT = "timeout", "Timeout"


class FalloutState(models.TextChoices):
    OPEN = "open", "Open"
    RESOLVED = "resolved", "Resolved"


class Resolution(models.TextChoices):
    RETRIED = "retried", "Retried"
    COMPLETED = "completed", "Completed manually"
    SKIPPED = "skipped", "Skipped"
    LINE_CANCELLED = "line_cancelled", "Line cancelled"


# A task in one of these no longer holds up what waits for it, nor its sub flow's closure.
DONE_STATES = (TaskState.COMPLETED, TaskState.SKIPPED, TaskState.CANCELLED)

BADGES.update(
    {
        TaskState.WAITING: "secondary",
        TaskState.READY: "info",
        TaskState.IN_PROGRESS: "primary",
        TaskState.COMPLETED: "success",
        TaskState.FAILED: "danger",
        TaskState.SKIPPED: "secondary",
        TaskState.CANCELLED: "secondary",
        WorkOrderState.SCHEDULED: "warning",
        WorkOrderState.DISPATCHED: "info",
        WorkOrderState.ON_SITE: "primary",
        WaveState.RELEASED: "primary",
        ProjectTaskState.OPEN: "secondary",
        ProjectTaskState.DONE: "success",
        FalloutState.OPEN: "danger",
        FalloutState.RESOLVED: "success",
    }
)
