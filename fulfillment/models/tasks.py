"""The work of one order: a sub flow per child line, its tasks and what they wait for."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from orders.models import ChildLine, DomainOrder
from telcrm.fsm import condition
from telcrm.models import BadgeMixin, History, NumberedModel

from ..choices import (
    SubFlowState,
    TaskKind,
    TaskState,
)
from ..querysets import (
    TaskQuerySet,
    stuck_before,
)
from .templates import AssignmentGroup, FlowTemplate, TaskTemplate

OPEN_TASK = Q(state__in=["ready", "in_progress"])


class SubFlow(models.Model):
    """The work for one child line (one product specification at one site) of a domain
    order, made from its specification's flow template."""

    domain_order = models.ForeignKey(
        DomainOrder, on_delete=models.CASCADE, related_name="sub_flows"
    )
    child_line = models.OneToOneField(ChildLine, on_delete=models.PROTECT, related_name="sub_flow")
    template = models.ForeignKey(FlowTemplate, on_delete=models.PROTECT, related_name="+")
    state = FSMField(default=SubFlowState.IN_PROGRESS, choices=SubFlowState.choices, protected=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = History()

    class Meta:
        ordering = ["domain_order", "pk"]

    def __str__(self) -> str:
        return f"{self.template.name} ({self.domain_order.number})"

    @transition(
        field=state,
        source=SubFlowState.IN_PROGRESS,
        target=SubFlowState.COMPLETED,
        custom={"internal": True},
    )
    def close(self) -> None:
        """Every task is done (R24)."""

    @transition(
        field=state,
        source=SubFlowState.IN_PROGRESS,
        target=SubFlowState.CANCELLED,
        custom={"internal": True},
    )
    def cancel(self) -> None:
        """Its order line was cancelled."""


@condition("Every output its template asks for must be recorded.", user_input=True)
def _outputs_recorded(task: "Task") -> bool:
    return all((task.outputs or {}).get(name) for name in task.required_outputs)


class Task(BadgeMixin, ConcurrentTransitionMixin, NumberedModel):
    """One step of delivering a child line, made from a task template: a manual task in a
    group's work queue, an API task a domain adapter runs, or a field-service task done on a
    technician's visit. It waits until every task it depends on is done, then is ready in
    its group's queue with a due time from the template's SLA; completed with the outputs
    the template asks for (a circuit id, a VLAN ...), it lets what waited for it start. A
    failed task opens a fall-out (R22)."""

    number_prefix = "TSK-"

    number = models.CharField(max_length=20, unique=True, editable=False, blank=True)
    sub_flow = models.ForeignKey(SubFlow, on_delete=models.CASCADE, related_name="tasks")
    template = models.ForeignKey(TaskTemplate, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=150)
    kind = models.CharField(max_length=20, choices=TaskKind.choices)
    group = models.ForeignKey(AssignmentGroup, on_delete=models.PROTECT, related_name="tasks")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tasks",
    )
    state = FSMField(default=TaskState.WAITING, choices=TaskState.choices, protected=True)
    outputs = models.JSONField(default=dict, blank=True)
    attempts = models.PositiveSmallIntegerField(
        default=0, help_text="Runs of an API task, and retries after a fall-out."
    )
    ready_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    # Each change (started, an adapter attempt, done) is progress: a started API task whose
    # last change is older than FULFILLMENT_API_STUCK_SECONDS is stuck.
    updated_at = models.DateTimeField(auto_now=True)
    history = History()
    objects = TaskQuerySet.as_manager()

    class Meta:
        ordering = ["due_at", "pk"]
        indexes = [
            # The work queue: open tasks by due time, and each group's open work (R23). A
            # telco's open tasks are a small part of all it has done.
            models.Index(fields=["due_at", "id"], condition=OPEN_TASK, name="task_open_due"),
            models.Index(fields=["group", "state"], condition=OPEN_TASK, name="task_open_group"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"

    @property
    def required_outputs(self) -> list[str]:
        return list(self.template.outputs or [])

    @property
    def workable(self) -> bool:
        """Ready or started: someone may claim it, and it may fail."""
        return self.state in (TaskState.READY, TaskState.IN_PROGRESS)

    @property
    def late(self) -> bool:
        return bool(
            self.due_at
            and self.state in (TaskState.READY, TaskState.IN_PROGRESS)
            and self.due_at < timezone.now()
        )

    @property
    def run_by_system(self) -> bool:
        """An API task whose domain adapter is on belongs to the system: a worker runs it and
        a person takes over only from its fall-out. (With the adapter switched off, its
        concurrency 0, people do the domain's API tasks by hand.)"""
        from ..adapters import adapter_config

        return (
            self.kind == TaskKind.API
            and int(adapter_config(self.sub_flow.domain_order.domain)["concurrency"]) > 0
        )

    @property
    def stuck(self) -> bool:
        """A started API task that made no progress for longer than an attempt takes."""
        return bool(
            self.kind == TaskKind.API
            and self.state == TaskState.IN_PROGRESS
            and self.updated_at
            and self.updated_at < stuck_before()
        )

    def get_absolute_url(self) -> str:
        return reverse("fulfillment:task_complete", args=[self.pk])

    @transition(
        field=state, source=TaskState.WAITING, target=TaskState.READY, custom={"internal": True}
    )
    def make_ready(self) -> None:
        """Every dependency is completed."""

    @transition(
        field=state, source=TaskState.READY, target=TaskState.IN_PROGRESS, custom={"internal": True}
    )
    def start(self) -> None:
        """Its assignee has begun."""

    @transition(
        field=state,
        source=[TaskState.READY, TaskState.IN_PROGRESS],
        target=TaskState.COMPLETED,
        conditions=[_outputs_recorded],
        custom={"internal": True},
    )
    def complete(self) -> None:
        """Done, with the outputs the template asks for."""

    @transition(
        field=state,
        source=TaskState.FAILED,
        target=TaskState.COMPLETED,
        conditions=[_outputs_recorded],
        custom={"internal": True},
    )
    def complete_by_hand(self) -> None:
        """Its fall-out was resolved by doing the work outside the system (R22)."""

    @transition(
        field=state,
        source=[TaskState.READY, TaskState.IN_PROGRESS],
        target=TaskState.FAILED,
        custom={"internal": True},
    )
    def fail(self) -> None:
        """An adapter error, a timeout or an agent's rejection: a fall-out opens (R22)."""

    @transition(
        field=state, source=TaskState.FAILED, target=TaskState.READY, custom={"internal": True}
    )
    def retry(self) -> None:
        """Back in its queue (or to its adapter) after a fall-out."""

    @transition(
        field=state, source=TaskState.FAILED, target=TaskState.SKIPPED, custom={"internal": True}
    )
    def skip(self) -> None:
        """Not needed after all: what waits for it goes on."""

    @transition(
        field=state,
        source=[TaskState.WAITING, TaskState.READY, TaskState.IN_PROGRESS, TaskState.FAILED],
        target=TaskState.CANCELLED,
        custom={"internal": True},
    )
    def cancel(self) -> None:
        """Its order line was cancelled."""


class TaskDependency(models.Model):
    """``task`` waits for ``depends_on``: from the flow template, or across domain orders
    from the domain orders' dependencies (R20)."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="dependency_links")
    depends_on = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="+")
    history = History()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["task", "depends_on"], name="%(app_label)s_%(class)s_once"
            ),
            models.CheckConstraint(
                condition=~Q(task=models.F("depends_on")), name="%(app_label)s_%(class)s_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task} waits for {self.depends_on}"
