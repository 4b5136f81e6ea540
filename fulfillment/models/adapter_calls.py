"""The ledger of calls to domain adapters (R20)."""

from django.db import models
from django.db.models import Q

from telcrm.models import History

from .tasks import Task


class AdapterCall(models.Model):
    """The ledger of calls to domain adapters (R20), keyed by the task: a task has at most one
    successful call, so running it again (a retry, a worker killed and restarted) returns
    the recorded result instead of acting on the network twice."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="adapter_calls")
    attempt = models.PositiveSmallIntegerField()
    adapter = models.CharField(max_length=50)
    operation = models.CharField(max_length=100)
    request = models.JSONField(default=dict, blank=True)
    response = models.JSONField(default=dict, blank=True)
    succeeded = models.BooleanField(default=False)
    error = models.CharField(max_length=500, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    history = History()

    class Meta:
        ordering = ["task", "attempt"]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "attempt"], name="%(app_label)s_%(class)s_once_per_attempt"
            ),
            models.UniqueConstraint(
                fields=["task"],
                condition=Q(succeeded=True),
                name="%(app_label)s_%(class)s_one_effect_per_task",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.adapter}.{self.operation} for task {self.task_id} (attempt {self.attempt})"
