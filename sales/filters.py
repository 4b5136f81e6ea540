"""FilterSets of the sales app: one per list, shared by the page and the API."""

from datetime import date

import django_filters
from django import forms
from django.forms import TextInput

from telcrm.filters import RecordFilterSet, ScopeFilterSet, UserFilter
from telcrm.people import assignable_owners, assignable_teams
from telcrm.widgets import DateInput

from .choices import (
    AccountState,
    AccountType,
    AgreementState,
    Domain,
    LeadSource,
    LeadState,
    OfferingKind,
    OfferingState,
    QuoteState,
    Stage,
)
from .models import Account, Lead, Opportunity, ProductOffering, Quote, SalesAgreement


class AccountFilterSet(RecordFilterSet):
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

    search_fields = (
        "name",
        "number",
        "=vat_number",
    )


class OfferingFilterSet(RecordFilterSet):
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

    search_fields = (
        "name",
        "code",
        "description",
    )

    def in_domain(self, queryset, name, value):
        return queryset.filter(
            pk__in=ProductOffering.objects.filter(specifications__domain=value).values("pk")
        )


class MonthField(forms.CharField):
    """``2026-12`` -> ``(2026, 12)``."""

    widget = TextInput(attrs={"type": "month"})

    def to_python(self, value):
        text = super().to_python(value)
        if not text:
            return None
        try:
            year, month = (int(part) for part in text.split("-"))
            date(year, month, 1)
        except ValueError as exc:
            raise forms.ValidationError("Use a month like 2026-12.") from exc
        return year, month


class MonthFilter(django_filters.Filter):
    field_class = MonthField


class LeadFilterSet(ScopeFilterSet):
    state = django_filters.ChoiceFilter(
        choices=LeadState.choices, label="Status", empty_label="Any"
    )
    source = django_filters.ChoiceFilter(choices=LeadSource.choices, empty_label="Any")
    created_after = django_filters.DateFilter(
        field_name="created_at",
        lookup_expr="date__gte",
        label="Created from",
        widget=DateInput(),
    )
    created_before = django_filters.DateFilter(
        field_name="created_at",
        lookup_expr="date__lte",
        label="Created to",
        widget=DateInput(),
    )

    class Meta:
        model = Lead
        fields = [
            "q",
            "scope",
            "state",
            "source",
            "owner",
            "team",
            "created_after",
            "created_before",
        ]

    search_fields = (
        "company_name",
        "number",
        "contact_name",
        "contact_email",
    )


class OpportunityFilterSet(ScopeFilterSet):
    stage = django_filters.ChoiceFilter(choices=Stage.choices, empty_label="Any")
    close_month = MonthFilter(method="in_close_month", label="Close month")

    class Meta:
        model = Opportunity
        fields = ["q", "scope", "stage", "owner", "team", "close_month"]

    search_fields = (
        "name",
        "number",
        "account__name",
    )

    def in_close_month(self, queryset, name, value):
        year, month = value
        return queryset.filter(expected_close_date__year=year, expected_close_date__month=month)


class AgreementFilterSet(RecordFilterSet):
    state = django_filters.ChoiceFilter(
        choices=AgreementState.choices, label="Status", empty_label="Any"
    )

    class Meta:
        model = SalesAgreement
        fields = ["q", "state"]

    search_fields = (
        "name",
        "number",
        "account__name",
    )


class QuoteFilterSet(ScopeFilterSet):
    state = django_filters.ChoiceFilter(
        choices=QuoteState.choices, label="Status", empty_label="Any"
    )

    class Meta:
        model = Quote
        fields = ["q", "scope", "state", "owner", "team"]

    search_fields = (
        "number",
        "account__name",
    )
