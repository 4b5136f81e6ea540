"""The base FilterSets every list builds on (one per list, shared by the page and the API)."""

from functools import reduce
from operator import or_

import django_filters
from django.db.models import Q, QuerySet

from .forms import UserChoiceField
from .people import assignable_owners, assignable_teams
from .querysets import AmongSubquery


class RecordFilterSet(django_filters.FilterSet):
    """A list's filters with one search box, ``q``, over ``search_fields``.

    Each entry is a field path searched case-insensitively for the text anywhere in it, or,
    starting with ``=``, for exactly the text (e.g. ``"=vat_number"``), as in Django admin."""

    search_fields: tuple[str, ...] = ()

    q = django_filters.CharFilter(method="search", label="Search")

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value or not self.search_fields:
            return queryset
        lookups = [self.search_lookup(queryset.model, path, value) for path in self.search_fields]
        return queryset.filter(reduce(or_, lookups))

    @staticmethod
    def search_lookup(model, path: str, value: str) -> Q:
        """``path`` matches ``value`` (``=path``: exactly, else anywhere in it, any case).

        A field across a relation (``account__name``) is asked as "account among the accounts
        whose name matches": that inner query uses the related table's own search index, where
        a join would make the database test every joined row."""
        lookup = "iexact" if path.startswith("=") else "icontains"
        path = path.lstrip("=")
        relation, _, field = path.rpartition("__")
        if not relation:
            return Q(**{f"{path}__{lookup}": value})
        first, _, rest = relation.partition("__")
        related = model._meta.get_field(first)
        if not related.many_to_one:
            return Q(**{f"{path}__{lookup}": value})
        inner = RecordFilterSet.search_lookup(
            related.related_model, f"{rest}__{field}" if rest else field, value
        )
        matching = related.related_model._default_manager.filter(inner).values("pk")
        return Q(AmongSubquery(related.attname, matching))


class UserFilter(django_filters.ModelChoiceFilter):
    field_class = UserChoiceField


SCOPES = [("mine", "My records"), ("team", "My teams' records")]


class ScopeFilterSet(RecordFilterSet):
    """ "My" and "my teams'" views of records with an owner and a team."""

    scope = django_filters.ChoiceFilter(
        choices=SCOPES, method="in_scope", label="Show", empty_label="Everything I can see"
    )
    owner = UserFilter(
        queryset=lambda request: assignable_owners(request.user), empty_label="Anyone"
    )
    team = django_filters.ModelChoiceFilter(
        queryset=lambda request: assignable_teams(request.user), empty_label="Any"
    )

    def in_scope(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        user = self.request.user
        if value == "mine":
            return queryset.filter(owner=user)
        return queryset.filter(team__in=assignable_teams(user))


class OpenUnlessAskedFilterSet(RecordFilterSet):
    """A work list (tasks, fall-outs, visits, changes, incidents): its open records unless a
    status is chosen (the ``state`` filter declares ``method="in_state"``; the QuerySet has
    ``open()``)."""

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        if not self.form.cleaned_data.get("state"):
            queryset = queryset.open()
        return super().filter_queryset(queryset)

    def in_state(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(state=value) if value else queryset
