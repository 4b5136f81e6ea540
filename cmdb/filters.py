"""One FilterSet per list, shared by the page and (later) the API."""

import django_filters
from django.db.models import Q

from .choices import ChangeRisk, ChangeState, IncidentPriority, IncidentState
from .models import ChangeRequest, Incident


class OpenUnlessAskedFilterSet(django_filters.FilterSet):
    """A work list: its open records unless a status is chosen (the ``state`` filter declares
    ``method="in_state"``; the QuerySet has ``open()``)."""

    def filter_queryset(self, queryset):
        if not self.form.cleaned_data.get("state"):
            queryset = queryset.open()
        return super().filter_queryset(queryset)

    def in_state(self, queryset, name, value):
        return queryset.filter(state=value) if value else queryset

    def search(self, queryset, name, value):
        """The record's number or title, its item's number, name or identifier, or its
        customer's name."""
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(number__icontains=value) | Q(title__icontains=value)
            | Q(item__number__icontains=value) | Q(item__name__icontains=value)
            | Q(item__identifier__icontains=value) | Q(item__account__name__icontains=value)
        )  # fmt: skip


class ChangeRequestFilterSet(OpenUnlessAskedFilterSet):
    """Change requests: open ones (draft to implemented) unless a status is chosen."""

    state = django_filters.ChoiceFilter(choices=ChangeState.choices, method="in_state",
                                        label="Status", empty_label="Open")  # fmt: skip
    risk = django_filters.ChoiceFilter(choices=ChangeRisk.choices, empty_label="Any risk")
    q = django_filters.CharFilter(method="search", label="Item or account")

    class Meta:
        model = ChangeRequest
        fields = ["state", "risk", "q"]


class IncidentFilterSet(OpenUnlessAskedFilterSet):
    """Incidents: open ones unless a status is chosen; breached ones on their own if asked."""

    state = django_filters.ChoiceFilter(choices=IncidentState.choices, method="in_state",
                                        label="Status", empty_label="Open")  # fmt: skip
    priority = django_filters.ChoiceFilter(choices=IncidentPriority.choices,
                                           empty_label="Any priority")  # fmt: skip
    breached = django_filters.ChoiceFilter(
        choices=[("yes", "Breached"), ("no", "Within SLA")], method="by_breach", label="SLA",
        empty_label="Any",
    )  # fmt: skip
    q = django_filters.CharFilter(method="search", label="Item or account")

    class Meta:
        model = Incident
        fields = ["state", "priority", "breached", "q"]

    def by_breach(self, queryset, name, value):
        if value == "yes":
            return queryset.breached()
        if value == "no":
            # On ids: a negated OR over nullable columns would drop rows without a due time.
            return queryset.exclude(pk__in=Incident.objects.breached().values("pk"))
        return queryset
