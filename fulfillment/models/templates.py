"""Flow templates (R20): per product specification, the tasks that deliver it and the
assignment groups that work them."""

from django.conf import settings
from django.db import models

from sales.models import ProductSpecification
from telcrm.models import History

from ..choices import (
    TaskKind,
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
    history = History(m2m_fields=[members])

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
    history = History()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TaskTemplate(models.Model):
    """One step of a flow template, as an administrator plans it: what kind of work it is,
    which assignment group does it, the planned effort and the SLA within which it is due
    once ready, the outputs it must capture, and the steps of the same flow it waits for.
    Each sub flow made from the flow template gets one task per task template."""

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
    history = History(m2m_fields=[depends_on])

    class Meta:
        ordering = ["flow", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["flow", "code"], name="%(app_label)s_%(class)s_code"),
        ]

    def __str__(self) -> str:
        return f"{self.flow}: {self.name}"
