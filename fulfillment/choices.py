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
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


class SubFlowState(models.TextChoices):
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"


DONE_STATES = (TaskState.COMPLETED,)

BADGES.update({
    TaskState.WAITING: "secondary",
    TaskState.READY: "info",
    TaskState.IN_PROGRESS: "primary",
    TaskState.COMPLETED: "success",
    TaskState.FAILED: "danger",
    TaskState.CANCELLED: "secondary",
})  # fmt: skip
