"""One FilterSet per list, shared by the page and (later) the TMF622 API."""

import django_filters

from telcrm.filters import ScopeFilterSet

from .choices import OrderState
from .models import Order


class OrderFilterSet(ScopeFilterSet):
    state = django_filters.ChoiceFilter(
        choices=OrderState.choices, label="Status", empty_label="Any"
    )

    class Meta:
        model = Order
        fields = ["q", "scope", "state", "owner", "team"]

    search_fields = (
        "number",
        "account__name",
    )
