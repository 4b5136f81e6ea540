"""One FilterSet per list, shared by the page and (later) the API."""

import django_filters

from telcrm.filters import ScopeFilterSet

from .choices import ContractState
from .models import SalesContract


class ContractFilterSet(ScopeFilterSet):
    state = django_filters.ChoiceFilter(
        choices=ContractState.choices, label="Status", empty_label="Any"
    )

    class Meta:
        model = SalesContract
        fields = ["q", "scope", "state", "owner", "team"]

    search_fields = (
        "number",
        "account__name",
        "quote__number",
    )
