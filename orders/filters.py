"""One FilterSet per list, shared by the page and (later) the TMF622 API."""

import django_filters
from django.db.models import Q

from sales.filters import ScopeFilterMixin

from .choices import OrderState
from .models import Order


class OrderFilterSet(ScopeFilterMixin):
    q = django_filters.CharFilter(method="search", label="Search")
    state = django_filters.ChoiceFilter(
        choices=OrderState.choices, label="Status", empty_label="Any"
    )

    class Meta:
        model = Order
        fields = ["q", "scope", "state", "owner", "team"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(number__icontains=value) | Q(account__name__icontains=value))
