"""Reads of the sales app. Access is decided here, once per model (R29)."""

from __future__ import annotations

from django.db import models
from django.db.models import Exists, OuterRef, Q, Subquery

from telcrm.models import Team
from telcrm.querysets import count_of, sum_of
from telcrm.roles import SALES_MANAGER, SALES_REP, SEE_ALL_ROLES, has_role, sees_everything


def account_visibility(user, prefix: str = "") -> Q | None:
    """The filter of accounts ``user`` may see; ``None`` means all of them.

    A sales rep sees the accounts they own or their team owns; a sales manager also those of
    the teams they manage; back-office roles and administrators see all; anybody else none.
    The teams are a subquery, not a join, so no row repeats and the owner and team indexes
    serve a big table.
    """
    if sees_everything(user):
        return None
    if not has_role(user, SALES_REP, SALES_MANAGER):
        return Q(pk__in=[])
    teams = Team.objects.filter(members=user)
    if has_role(user, SALES_MANAGER):
        teams = Team.objects.filter(Q(members=user) | Q(manager=user))
    return Q(**{f"{prefix}owner": user}) | Q(**{f"{prefix}team__in": teams.values("pk")})


class CustomerRecordQuerySet(models.QuerySet):
    """Records on a customer's account (opportunities, agreements, quotes, contracts, orders,
    inventory): visible exactly like that account (owner, team, manager; back-office roles
    all), never by the record's own owner or team (R29). ``account_path`` is how a record
    reaches its customer's account."""

    account_path = "account__"

    def visible_to(self, user) -> CustomerRecordQuerySet:
        q = account_visibility(user, prefix=self.account_path)
        return self if q is None else self.filter(q)


class AccountQuerySet(models.QuerySet):
    def visible_to(self, user) -> AccountQuerySet:
        q = account_visibility(user)
        return self if q is None else self.filter(q)

    def in_tree(self, root_id: int) -> AccountQuerySet:
        """The legal account ``root_id`` and everything below it."""
        return self.filter(Q(pk=root_id) | Q(root_id=root_id))

    def with_list_columns(self) -> AccountQuerySet:
        """What the account list shows, computed in SQL (no per-row queries)."""
        from .models import Location

        primary = Location.objects.filter(account=OuterRef("pk")).order_by("-is_primary", "pk")
        return self.select_related("parent", "owner", "team").annotate(
            city=Subquery(primary.values("city")[:1]),
            country=Subquery(primary.values("country")[:1]),
            child_count=count_of(self.model.objects.all(), "parent"),
        )

    def with_location_flag(self) -> AccountQuerySet:
        from .models import Location

        return self.annotate(has_location=Exists(Location.objects.filter(account=OuterRef("pk"))))

    def owned_by(self, user) -> AccountQuerySet:
        return self.filter(owner=user)


class AccountImportQuerySet(models.QuerySet):
    """CSV imports: seen by the uploader, the uploader's team mates and team managers (a
    team works on its accounts together); back-office roles and administrators see all."""

    def visible_to(self, user) -> AccountImportQuerySet:
        if sees_everything(user):
            return self
        q = (
            Q(created_by=user)
            | Q(created_by__sales_teams__members=user)
            | Q(created_by__sales_teams__manager=user)
        )
        return self.filter(pk__in=self.model.objects.filter(q).values("pk"))


class AccountChildQuerySet(models.QuerySet):
    """Locations, contacts and billing profiles: visible with their account."""

    def visible_to(self, user) -> AccountChildQuerySet:
        from .models import Account

        if sees_everything(user):
            return self
        return self.filter(account__in=Account.objects.visible_to(user).values("pk"))


def account_viewers(account):
    """The active users who may see ``account``: the mirror of :func:`account_visibility`
    (its owner, its team's sales people, its team's sales manager, back-office roles and
    administrators)."""
    from django.contrib.auth import get_user_model

    User = get_user_model()
    sales = User.objects.filter(groups__name__in=[SALES_REP, SALES_MANAGER]).filter(
        Q(pk=account.owner_id) | Q(sales_teams=account.team_id)
    )
    managers = User.objects.filter(groups__name=SALES_MANAGER, managed_teams=account.team_id)
    back_office = User.objects.filter(
        Q(is_staff=True) | Q(is_superuser=True) | Q(groups__name__in=SEE_ALL_ROLES)
    )
    return User.objects.filter(
        Q(pk__in=sales.values("pk"))
        | Q(pk__in=managers.values("pk"))
        | Q(pk__in=back_office.values("pk")),
        is_active=True,
    )


def account_people_problems(account, owner, team) -> dict[str, str]:
    """Why ``owner`` and ``team`` cannot be given a record on ``account`` (R29: a record on
    an account is seen exactly by those who see the account, so it is owned by one of them
    and carries the account's team). Empty when they can."""
    problems = {}
    if owner is not None and not account_viewers(account).filter(pk=owner.pk).exists():
        problems["owner"] = (
            f"{owner.get_full_name() or owner.get_username()} cannot see {account}: choose "
            "its owner or someone of its team."
        )
    if team is not None and team.pk != account.team_id:
        problems["team"] = (
            f"Only {account.team} works on {account}: choose that team."
            if account.team_id
            else f"{account} has no team: leave the team empty."
        )
    return problems


def owner_in_team_problem(owner, team) -> str:
    """An account's owner belongs to its team (member or manager), so the people who see
    the account are the owner's team. Empty when that holds."""
    if owner is None or team is None:
        return ""
    if team.manager_id == owner.pk or team.members.filter(pk=owner.pk).exists():
        return ""
    return (
        f"{owner.get_full_name() or owner.get_username()} is not in {team}: choose an owner "
        "of that team or that team's manager, or another team."
    )


def line_estimate(prefix: str = "") -> models.Expression:
    """SQL for a line's first-year value (see ``LineMixin.estimate``)."""
    from django.db.models import Case, DecimalField, ExpressionWrapper, F, Value, When
    from django.db.models.functions import Coalesce

    money = DecimalField(max_digits=16, decimal_places=2)
    p = prefix
    catalog_value = ExpressionWrapper(
        (F(f"{p}unit_recurring") * Value(12) + F(f"{p}unit_one_time")) * F(f"{p}quantity"),
        output_field=money,
    )
    return Case(
        When(
            **{f"{p}offering__isnull": True},
            then=Coalesce(F(f"{p}manual_estimate"), Value(0), output_field=money),
        ),
        default=catalog_value,
        output_field=money,
    )


class _OwnerMixin:
    """Records with an owner and priced lines."""

    def owned_by(self, user):
        return self.filter(owner=user)

    def with_amount(self):
        """``amount``: the sum of the line estimates, in SQL (a subquery per row shown)."""
        lines = self.model._meta.get_field("lines")
        return self.annotate(
            amount=sum_of(
                lines.related_model.objects.all(),
                lines.field.name,
                line_estimate(),
                models.DecimalField(max_digits=16, decimal_places=2),
            )
        )


class OwnedQuerySet(_OwnerMixin, models.QuerySet):
    """Leads, which have no account yet: visible like an account, by their own owner and
    team."""

    def visible_to(self, user) -> OwnedQuerySet:
        q = account_visibility(user)
        return self if q is None else self.filter(q)


class AccountOwnedQuerySet(_OwnerMixin, CustomerRecordQuerySet):
    """Opportunities and quotes: owned by a sales person, visible like their account (R29)."""


class OpportunityQuerySet(AccountOwnedQuerySet):
    def with_signed_quote(self) -> OpportunityQuerySet:
        """``has_signed_quote``: a current quote that the customer accepted and signed, which
        closing won needs (R5), in the same query."""
        from .models import Quote

        return self.annotate(
            has_signed_quote=Exists(
                Quote.objects.filter(
                    opportunity=OuterRef("pk"),
                    state="accepted",
                    is_current=True,
                    signature__isnull=False,
                )
            )
        )
