"""Task kinds and the states of fulfillment's records, each with its badge colour."""

from django.db import models

from telcrm.choices import Badge, StateChoices


class TaskKind(models.TextChoices):
    MANUAL = "manual", "Manual"
    API = "api", "API (automated)"
    FIELD_SERVICE = "field_service", "Field service"
    PROJECT = "project", "Project"


class TaskState(StateChoices):
    WAITING = "waiting", Badge("Waiting", "secondary")  # a dependency is not completed yet
    READY = "ready", Badge("Ready", "info")
    IN_PROGRESS = "in_progress", Badge("In progress", "primary")
    COMPLETED = "completed", Badge("Completed", "success")
    FAILED = "failed", Badge("Failed", "danger")  # in the fall-out queue (R22)
    SKIPPED = "skipped", Badge("Skipped", "secondary")  # a fall-out was resolved by skipping it
    CANCELLED = "cancelled", Badge("Cancelled", "secondary")  # its order line was cancelled


class SubFlowState(StateChoices):
    IN_PROGRESS = "in_progress", Badge("In progress", "primary")
    COMPLETED = "completed", Badge("Completed", "success")
    CANCELLED = "cancelled", Badge("Cancelled", "secondary")


class WorkOrderState(StateChoices):
    # Waiting for a technician and a confirmed window.
    SCHEDULED = "scheduled", Badge("Scheduled", "warning")
    DISPATCHED = "dispatched", Badge("Dispatched", "info")
    ON_SITE = "on_site", Badge("On site", "primary")
    COMPLETED = "completed", Badge("Completed", "success")
    CANCELLED = "cancelled", Badge("Cancelled", "secondary")


class WaveState(StateChoices):
    WAITING = "waiting", Badge("Waiting", "secondary")  # its sites' tasks are not made ready yet
    RELEASED = "released", Badge("Released", "primary")
    DONE = "done", Badge("Done", "success")  # every task of its sites is done


class StartMode(models.TextChoices):
    ALL = "all", "All sites at once"
    WAVES = "waves", "A number of sites at a time"
    DATES = "dates", "Each site on its own start date"


class ProjectState(StateChoices):
    IN_PROGRESS = "in_progress", Badge("In progress", "primary")
    COMPLETED = "completed", Badge("Completed", "success")
    CANCELLED = "cancelled", Badge("Cancelled", "secondary")


class ProjectTaskState(StateChoices):
    OPEN = "open", Badge("Open", "secondary")
    DONE = "done", Badge("Done", "success")


class FalloutCategory(models.TextChoices):
    PROVISIONING = "provisioning", "Provisioning failure"
    INVENTORY = "inventory", "Inventory allocation failure"
    BILLING = "billing", "Billing issue"
    DATA = "data", "Data error"
    TIMEOUT = "timeout", "Timeout"


class FalloutState(StateChoices):
    OPEN = "open", Badge("Open", "danger")
    RESOLVED = "resolved", Badge("Resolved", "success")


class Resolution(models.TextChoices):
    RETRIED = "retried", "Retried"
    COMPLETED = "completed", "Completed manually"
    SKIPPED = "skipped", "Skipped"
    LINE_CANCELLED = "line_cancelled", "Line cancelled"


# A task in one of these no longer holds up what waits for it, nor its sub flow's closure.
DONE_STATES = (TaskState.COMPLETED, TaskState.SKIPPED, TaskState.CANCELLED)
