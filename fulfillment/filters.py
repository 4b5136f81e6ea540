"""One FilterSet per list, shared by the page and (later) the API."""

import django_filters

from telcrm.filters import OpenUnlessAskedFilterSet

from .choices import (
    FalloutCategory,
    FalloutState,
    ProjectState,
    TaskKind,
    TaskState,
    WorkOrderState,
)
from .models import AssignmentGroup, Fallout, FieldWorkOrder, SpecialProject, Task

SCOPES = [("mine", "Claimed by me"), ("unclaimed", "Not claimed yet")]


class TaskFilterSet(OpenUnlessAskedFilterSet):
    state = django_filters.ChoiceFilter(
        choices=TaskState.choices, empty_label="Ready or started", method="in_state", label="Status"
    )
    scope = django_filters.ChoiceFilter(
        choices=SCOPES, method="in_scope", label="Show", empty_label="My groups' tasks"
    )
    group = django_filters.ModelChoiceFilter(
        queryset=AssignmentGroup.objects.all(), empty_label="Any group"
    )
    kind = django_filters.ChoiceFilter(choices=TaskKind.choices, empty_label="Any kind")
    late = django_filters.ChoiceFilter(
        choices=[("yes", "Late only")], method="only_late", label="Due", empty_label="Any time"
    )

    class Meta:
        model = Task
        fields = ["state", "scope", "group", "kind", "late"]

    def in_scope(self, queryset, name, value):
        if value == "mine":
            return queryset.filter(assignee=self.request.user)
        if value == "unclaimed":
            return queryset.filter(assignee__isnull=True)
        return queryset

    def only_late(self, queryset, name, value):
        return queryset.late() if value else queryset


ESCALATION = [("overdue", "Past due"), ("escalated", "Escalated"), ("to_me", "Escalated to me")]


class FalloutFilterSet(OpenUnlessAskedFilterSet):
    """The fall-out queue (R22): open ones unless asked otherwise."""

    state = django_filters.ChoiceFilter(
        choices=FalloutState.choices, empty_label="Open", method="in_state", label="Status"
    )
    category = django_filters.ChoiceFilter(
        choices=FalloutCategory.choices, empty_label="Any category"
    )
    group = django_filters.ModelChoiceFilter(
        field_name="task__group",
        label="Group",
        queryset=AssignmentGroup.objects.all(),
        empty_label="Any group",
    )
    escalation = django_filters.ChoiceFilter(
        choices=ESCALATION, method="by_escalation", label="Due", empty_label="Any time"
    )

    class Meta:
        model = Fallout
        fields = ["state", "category", "group", "escalation"]

    def by_escalation(self, queryset, name, value):
        if value == "overdue":
            return queryset.overdue()
        if value == "escalated":
            return queryset.filter(escalated_at__isnull=False)
        if value == "to_me":
            return queryset.filter(escalated_to=self.request.user)
        return queryset


class WorkOrderFilterSet(OpenUnlessAskedFilterSet):
    """Field work: open visits unless asked otherwise; a technician's own ones first."""

    state = django_filters.ChoiceFilter(
        choices=WorkOrderState.choices, method="in_state", label="Status", empty_label="Open"
    )
    scope = django_filters.ChoiceFilter(
        choices=[("mine", "My visits")], method="in_scope", label="Show", empty_label="Every visit"
    )

    class Meta:
        model = FieldWorkOrder
        fields = ["state", "scope"]

    def in_scope(self, queryset, name, value):
        return queryset.filter(technician=self.request.user) if value else queryset


class ProjectFilterSet(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(
        choices=ProjectState.choices, label="Status", empty_label="Any status"
    )
    scope = django_filters.ChoiceFilter(
        choices=[("mine", "Run by me"), ("unassigned", "No manager yet")],
        method="in_scope",
        label="Show",
        empty_label="Every project",
    )

    class Meta:
        model = SpecialProject
        fields = ["state", "scope"]

    def in_scope(self, queryset, name, value):
        if value == "mine":
            return queryset.filter(manager=self.request.user)
        if value == "unassigned":
            return queryset.filter(manager__isnull=True)
        return queryset
