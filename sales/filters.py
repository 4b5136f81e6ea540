"""FilterSets of the sales app: one per list, shared by the page and the API."""

import django_filters
from django.db.models import Q

from .choices import AccountState, AccountType, Domain, OfferingKind, OfferingState
from .forms import UserChoiceField
from .models import Account, ProductOffering
from .querysets import assignable_owners, assignable_teams


class UserFilter(django_filters.ModelChoiceFilter):
    field_class = UserChoiceField


class AccountFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search")
    account_type = django_filters.ChoiceFilter(
        choices=AccountType.choices, label="Type", empty_label="Any"
    )
    owner = UserFilter(
        queryset=lambda request: assignable_owners(request.user), empty_label="Anyone"
    )
    team = django_filters.ModelChoiceFilter(
        queryset=lambda request: assignable_teams(request.user), empty_label="Any"
    )
    state = django_filters.ChoiceFilter(
        choices=AccountState.choices, label="Status", empty_label="Any"
    )

    class Meta:
        model = Account
        fields = ["q", "account_type", "owner", "team", "state"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value) | Q(number__icontains=value) | Q(vat_number__iexact=value)
        )


class OfferingFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search")
    kind = django_filters.ChoiceFilter(choices=OfferingKind.choices, empty_label="Any")
    state = django_filters.ChoiceFilter(
        choices=OfferingState.choices, label="Lifecycle status", empty_label="Any"
    )
    domain = django_filters.ChoiceFilter(
        choices=Domain.choices, method="in_domain", label="Domain", empty_label="Any"
    )

    class Meta:
        model = ProductOffering
        fields = ["q", "kind", "state", "domain"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value) | Q(code__icontains=value) | Q(description__icontains=value)
        )

    def in_domain(self, queryset, name, value):
        return queryset.filter(
            pk__in=ProductOffering.objects.filter(specifications__domain=value).values("pk")
        )
