"""One FilterSet per list, shared by the page and (later) the API."""

import django_filters
from django.db.models import Q

from telcrm.filters import OpenUnlessAskedFilterSet

from .choices import (
    ChangeRisk,
    ChangeState,
    CIKind,
    IncidentPriority,
    IncidentState,
    OperationalStatus,
    ProductStatus,
    ResourceKind,
)
from .models import (
    ChangeRequest,
    ConfigurationItem,
    Incident,
    ProductInventory,
    ResourceAllocation,
)


def _customer(queryset, name, value):
    """The customer's (legal account's) name or number."""
    value = value.strip()
    if not value:
        return queryset
    return queryset.filter(Q(account__name__icontains=value) | Q(account__number__icontains=value))


def _site(queryset, name, value):
    """The site's name, number or site code, or its city."""
    value = value.strip()
    if not value:
        return queryset
    return queryset.filter(
        Q(site__name__icontains=value)
        | Q(site__number__icontains=value)
        | Q(location__site_code__icontains=value)
        | Q(location__city__icontains=value)
    )


class ConfigurationItemFilterSet(django_filters.FilterSet):
    """Configuration items of every customer the user may see (and the telco's own points
    of presence for back-office roles)."""

    kind = django_filters.ChoiceFilter(
        choices=CIKind.choices, label="Class", empty_label="Any class"
    )
    operational_status = django_filters.ChoiceFilter(
        choices=OperationalStatus.choices, label="Status", empty_label="Any status"
    )
    customer = django_filters.CharFilter(method=_customer, label="Customer")
    site = django_filters.CharFilter(method=_site, label="Site")
    serial = django_filters.CharFilter(method="by_serial", label="Serial")
    circuit_id = django_filters.CharFilter(method="by_circuit", label="Circuit id")

    class Meta:
        model = ConfigurationItem
        fields = ["kind", "operational_status", "customer", "site", "serial", "circuit_id"]

    def by_serial(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(kind=CIKind.CPE, identifier__icontains=value) if value else queryset

    def by_circuit(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(kind=CIKind.CIRCUIT, identifier__icontains=value)


class ProductInventoryFilterSet(django_filters.FilterSet):
    """Product inventory of every customer the user may see."""

    status = django_filters.ChoiceFilter(
        choices=ProductStatus.choices, label="Status", empty_label="Any status"
    )
    offering = django_filters.CharFilter(method="by_offering", label="Offering")
    customer = django_filters.CharFilter(method=_customer, label="Customer")
    site = django_filters.CharFilter(method=_site, label="Site")
    circuit_id = django_filters.CharFilter(method="by_circuit", label="Circuit id")

    class Meta:
        model = ProductInventory
        fields = ["status", "offering", "customer", "site", "circuit_id"]

    def by_offering(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(offering__name__icontains=value) | Q(offering__code__icontains=value)
        )

    def by_circuit(self, queryset, name, value):
        """A circuit id the product holds, or the identifier of its circuit item."""
        value = value.strip()
        if not value:
            return queryset
        held = ResourceAllocation.objects.filter(
            kind=ResourceKind.CIRCUIT_ID, value__icontains=value
        ).values("product_id")
        built = ConfigurationItem.objects.filter(
            kind=CIKind.CIRCUIT, identifier__icontains=value
        ).values("product_id")
        return queryset.filter(Q(pk__in=held) | Q(pk__in=built))


# What the search box of a record about a configuration item (a change, an incident) looks in.
ITEM_RECORD_SEARCH = (
    "number",
    "title",
    "item__number",
    "item__name",
    "item__identifier",
    "item__account__name",
)


class ChangeRequestFilterSet(OpenUnlessAskedFilterSet):
    """Change requests: open ones (draft to implemented) unless a status is chosen."""

    state = django_filters.ChoiceFilter(
        choices=ChangeState.choices, method="in_state", label="Status", empty_label="Open"
    )
    risk = django_filters.ChoiceFilter(choices=ChangeRisk.choices, empty_label="Any risk")
    q = django_filters.CharFilter(method="search", label="Item or account")
    search_fields = ITEM_RECORD_SEARCH

    class Meta:
        model = ChangeRequest
        fields = ["state", "risk", "q"]


class IncidentFilterSet(OpenUnlessAskedFilterSet):
    """Incidents: open ones unless a status is chosen; breached ones on their own if asked."""

    state = django_filters.ChoiceFilter(
        choices=IncidentState.choices, method="in_state", label="Status", empty_label="Open"
    )
    priority = django_filters.ChoiceFilter(
        choices=IncidentPriority.choices, empty_label="Any priority"
    )
    breached = django_filters.ChoiceFilter(
        choices=[("yes", "Breached"), ("no", "Within SLA")],
        method="by_breach",
        label="SLA",
        empty_label="Any",
    )
    q = django_filters.CharFilter(method="search", label="Item or account")
    search_fields = ITEM_RECORD_SEARCH

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
