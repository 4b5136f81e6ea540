"""One FilterSet per list, shared by the page and (later) the API."""

import django_filters

from .choices import TaskKind, TaskState
from .models import AssignmentGroup, Task

SCOPES = [("mine", "Claimed by me"), ("unclaimed", "Not claimed yet")]


class TaskFilterSet(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=TaskState.choices, empty_label="Ready or started",
                                        method="in_state", label="Status")  # fmt: skip
    scope = django_filters.ChoiceFilter(choices=SCOPES, method="in_scope", label="Show",
                                        empty_label="My groups' tasks")  # fmt: skip
    group = django_filters.ModelChoiceFilter(queryset=AssignmentGroup.objects.all(),
                                             empty_label="Any group")  # fmt: skip
    kind = django_filters.ChoiceFilter(choices=TaskKind.choices, empty_label="Any kind")
    late = django_filters.ChoiceFilter(choices=[("yes", "Late only")], method="only_late",
                                       label="Due", empty_label="Any time")  # fmt: skip

    class Meta:
        model = Task
        fields = ["state", "scope", "group", "kind", "late"]

    def filter_queryset(self, queryset):
        if not self.form.cleaned_data.get("state"):
            queryset = queryset.open()
        return super().filter_queryset(queryset)

    def in_state(self, queryset, name, value):
        return queryset.filter(state=value) if value else queryset

    def in_scope(self, queryset, name, value):
        if value == "mine":
            return queryset.filter(assignee=self.request.user)
        if value == "unclaimed":
            return queryset.filter(assignee__isnull=True)
        return queryset

    def only_late(self, queryset, name, value):
        return queryset.late() if value else queryset
