"""Fulfillment (R20): admin-managed flow templates per product specification with their task
templates, and the sub flows and tasks made from them for each child line of a decomposed
order. Tasks wait for their dependencies, inside a flow and across domain orders."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from simple_history.models import HistoricalRecords

from orders.models import ChildLine, DomainOrder, Order
from sales.models import Account, Contact, Location, ProductSpecification
from telcrm.models import next_number

from .choices import (
    BADGES,
    FalloutCategory,
    FalloutState,
    ProjectState,
    ProjectTaskState,
    Resolution,
    SubFlowState,
    TaskKind,
    TaskState,
    WaveState,
    WorkOrderState,
)
from .querysets import (
    FalloutQuerySet,
    ProjectQuerySet,
    TaskQuerySet,
    WorkOrderQuerySet,
    stuck_before,
)


class AssignmentGroup(models.Model):
    """A work queue's team: its members work its tasks; its manager gets escalations."""

    name = models.CharField(max_length=100, unique=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="assignment_groups"
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="managed_groups",
    )
    daily_visit_capacity = models.PositiveSmallIntegerField(
        "visits per day",
        null=True,
        blank=True,
        help_text="How many site visits its technicians make a working day; a new visit is "
        "first proposed on the next working day with room. Empty: no limit.",
    )
    history = HistoricalRecords(m2m_fields=[members])

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class FlowTemplate(models.Model):
    """How one product specification is delivered: its task templates."""

    specification = models.OneToOneField(
        ProductSpecification, on_delete=models.PROTECT, related_name="flow_template"
    )
    name = models.CharField(max_length=150)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TaskTemplate(models.Model):
    flow = models.ForeignKey(FlowTemplate, on_delete=models.CASCADE, related_name="tasks")
    code = models.SlugField(max_length=50)
    name = models.CharField(max_length=150)
    kind = models.CharField(max_length=20, choices=TaskKind.choices, default=TaskKind.MANUAL)
    group = models.ForeignKey(AssignmentGroup, on_delete=models.PROTECT, related_name="+")
    planned_hours = models.DecimalField(max_digits=6, decimal_places=1, default=1)
    sla_hours = models.DecimalField("SLA (hours)", max_digits=6, decimal_places=1, default=8)
    outputs = models.JSONField(
        default=list,
        blank=True,
        help_text='Fields the task must capture, e.g. ["circuit_id", "vlan"].',
    )
    depends_on = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="dependants"
    )
    position = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords(m2m_fields=[depends_on])

    class Meta:
        ordering = ["flow", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["flow", "code"], name="%(app_label)s_%(class)s_code"),
        ]

    def __str__(self) -> str:
        return f"{self.flow}: {self.name}"


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
    history = HistoricalRecords()

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


class Wave(ConcurrentTransitionMixin, models.Model):
    """Staggered fulfillment (R20): some sites of a multi-site order released together. The
    tasks of a waiting wave's sites are not made ready. A wave with a planned date is
    released on that date; one without, when the wave before it has nothing left to work
    on; the order manager may release the next wave early."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="waves")
    position = models.PositiveSmallIntegerField()
    sites = models.ManyToManyField(Account, related_name="+")
    planned_date = models.DateField(null=True, blank=True)
    state = FSMField(default=WaveState.WAITING, choices=WaveState.choices, protected=True)
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    done_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords(m2m_fields=[sites])

    class Meta:
        ordering = ["order", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["order", "position"], name="%(app_label)s_%(class)s_position"
            ),
        ]

    def __str__(self) -> str:
        return f"Wave {self.position} of {self.order.number}"

    @property
    def badge(self) -> str:
        return BADGES.get(self.state, "secondary")

    @transition(
        field=state, source=WaveState.WAITING, target=WaveState.RELEASED, custom={"internal": True}
    )
    def release(self) -> None:
        """Its date came, the wave before it ran out of work, or the order manager said so."""

    @transition(
        field=state, source=WaveState.RELEASED, target=WaveState.DONE, custom={"internal": True}
    )
    def finish(self) -> None:
        """Every task of its sites is done."""


class Task(ConcurrentTransitionMixin, models.Model):
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
    history = HistoricalRecords()
    objects = TaskQuerySet.as_manager()

    class Meta:
        ordering = ["due_at", "pk"]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"

    def save(self, *args, **kwargs) -> None:
        if not self.number:
            self.number = next_number("TSK-")
        super().save(*args, **kwargs)

    @property
    def badge(self) -> str:
        return BADGES.get(self.state, "secondary")

    @property
    def required_outputs(self) -> list[str]:
        return list(self.template.outputs or [])

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
        from .adapters import adapter_config

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
        source=[TaskState.READY, TaskState.IN_PROGRESS, TaskState.FAILED],
        target=TaskState.COMPLETED,
        custom={"internal": True},
    )
    def complete(self) -> None:
        """Done, with the outputs the template asks for (from the fall-out queue too)."""

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
    history = HistoricalRecords()

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


class FieldWorkOrder(ConcurrentTransitionMixin, models.Model):
    """A technician's visit for a field-service task (R20): where, whom to call, when, and
    who goes. Scheduled when its task becomes ready; dispatched to a technician of the
    task's group with a confirmed window; completed on site with the task's outputs."""

    number = models.CharField(max_length=20, unique=True, editable=False, blank=True)
    task = models.OneToOneField(Task, on_delete=models.CASCADE, related_name="work_order")
    site = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    contact = models.ForeignKey(
        Contact, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    access_notes = models.CharField(max_length=300, blank=True)
    window_start = models.DateTimeField("appointment from")
    window_end = models.DateTimeField("appointment until")
    technician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="work_orders",
    )
    state = FSMField(
        default=WorkOrderState.SCHEDULED, choices=WorkOrderState.choices, protected=True
    )
    arrived_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()
    objects = WorkOrderQuerySet.as_manager()

    class Meta:
        ordering = ["window_start", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(window_end__gt=models.F("window_start")),
                name="%(app_label)s_%(class)s_window_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.task.name}"

    def save(self, *args, **kwargs) -> None:
        if not self.number:
            self.number = next_number("FWO-")
        super().save(*args, **kwargs)

    @property
    def badge(self) -> str:
        return BADGES.get(self.state, "secondary")

    def get_absolute_url(self) -> str:
        return reverse("fulfillment:work_order", args=[self.pk])

    @transition(
        field=state,
        source=[WorkOrderState.SCHEDULED, WorkOrderState.DISPATCHED],
        target=WorkOrderState.DISPATCHED,
        custom={"internal": True},
    )
    def dispatch(self) -> None:
        """A technician and a confirmed window (again, to reschedule)."""

    @transition(
        field=state,
        source=WorkOrderState.DISPATCHED,
        target=WorkOrderState.ON_SITE,
        custom={"internal": True},
    )
    def arrive(self) -> None:
        """The technician is on site: the task is in progress."""

    @transition(
        field=state,
        source=WorkOrderState.ON_SITE,
        target=WorkOrderState.COMPLETED,
        custom={"internal": True},
    )
    def complete(self) -> None:
        """Done on site, with the task's outputs."""

    @transition(
        field=state,
        source=[WorkOrderState.SCHEDULED, WorkOrderState.DISPATCHED, WorkOrderState.ON_SITE],
        target=WorkOrderState.CANCELLED,
        custom={"internal": True},
    )
    def cancel(self) -> None:
        """Its task failed, was skipped or its line cancelled."""


class SpecialProject(ConcurrentTransitionMixin, models.Model):
    """R21: an order that needs project discipline (an offering flagged for it, or more
    than ``SPECIAL_PROJECT_SITES`` sites) is run as a project with milestones and project
    tasks under a project manager; the order cannot close before the project completes."""

    number = models.CharField(max_length=20, unique=True, editable=False, blank=True)
    order = models.OneToOneField(Order, on_delete=models.CASCADE, related_name="special_project")
    reason = models.CharField(max_length=300)
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
    )
    state = FSMField(default=ProjectState.IN_PROGRESS, choices=ProjectState.choices, protected=True)
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()
    objects = ProjectQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.number} {self.order.account.name}"

    def save(self, *args, **kwargs) -> None:
        if not self.number:
            self.number = next_number("PRJ-")
        super().save(*args, **kwargs)

    @property
    def badge(self) -> str:
        return BADGES.get(self.state, "secondary")

    def get_absolute_url(self) -> str:
        return reverse("fulfillment:project", args=[self.pk])

    @transition(
        field=state,
        source=ProjectState.IN_PROGRESS,
        target=ProjectState.COMPLETED,
        custom={"internal": True},
    )
    def complete(self) -> None:
        """Every milestone reached."""

    @transition(
        field=state,
        source=ProjectState.IN_PROGRESS,
        target=ProjectState.CANCELLED,
        custom={"internal": True},
    )
    def cancel(self) -> None:
        """Every line of its order was cancelled."""


class Milestone(models.Model):
    project = models.ForeignKey(SpecialProject, on_delete=models.CASCADE, related_name="milestones")
    name = models.CharField(max_length=150)
    position = models.PositiveSmallIntegerField(default=0)
    due_date = models.DateField()
    reached_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["project", "position", "pk"]

    def __str__(self) -> str:
        return self.name


class ProjectTask(ConcurrentTransitionMixin, models.Model):
    """A manual step of a special project, under one of its milestones."""

    project = models.ForeignKey(SpecialProject, on_delete=models.CASCADE, related_name="tasks")
    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="tasks")
    name = models.CharField(max_length=200)
    state = FSMField(
        default=ProjectTaskState.OPEN, choices=ProjectTaskState.choices, protected=True
    )
    note = models.CharField(max_length=300, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    done_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["milestone__position", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def badge(self) -> str:
        return BADGES.get(self.state, "secondary")

    @transition(
        field=state,
        source=ProjectTaskState.OPEN,
        target=ProjectTaskState.DONE,
        custom={"internal": True},
    )
    def finish(self) -> None:
        """Done, with an optional note."""


class Fallout(ConcurrentTransitionMixin, models.Model):
    """A failed task waiting for a person (R22): only the task's dependants wait meanwhile.
    Resolved by retry, manual completion, skip or cancelling the line; escalated to the
    group's manager once past its due time."""

    number = models.CharField(max_length=20, unique=True, editable=False, blank=True)
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="fallouts")
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="fallouts")
    category = models.CharField(max_length=20, choices=FalloutCategory.choices)
    detail = models.TextField()
    attempts = models.PositiveSmallIntegerField(default=0)
    state = FSMField(default=FalloutState.OPEN, choices=FalloutState.choices, protected=True)
    resolution = models.CharField(max_length=20, choices=Resolution.choices, blank=True)
    resolution_note = models.CharField(max_length=500, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    opened_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    escalated_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="escalations",
    )
    history = HistoricalRecords()
    objects = FalloutQuerySet.as_manager()

    class Meta:
        ordering = ["due_at", "pk"]
        permissions = [("cancel_line", "Can cancel an order line to resolve a fall-out")]
        constraints = [
            models.UniqueConstraint(
                fields=["task"],
                condition=Q(state="open"),
                name="%(app_label)s_%(class)s_one_open_per_task",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.get_category_display()}"

    def save(self, *args, **kwargs) -> None:
        if not self.number:
            self.number = next_number("FO-")
        super().save(*args, **kwargs)

    @property
    def badge(self) -> str:
        return (
            "warning"
            if self.escalated_at and self.state == FalloutState.OPEN
            else BADGES.get(self.state, "secondary")
        )

    @property
    def overdue(self) -> bool:
        return self.state == FalloutState.OPEN and self.due_at < timezone.now()

    @transition(
        field=state,
        source=FalloutState.OPEN,
        target=FalloutState.RESOLVED,
        custom={"internal": True},
    )
    def resolve(self) -> None:
        """Retried, completed manually, skipped, or its line cancelled."""


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
    history = HistoricalRecords()

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
