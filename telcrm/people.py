"""Who may be given records: the teams and owners a user may hand accounts (and the records
on them) to (R29)."""

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from .models import Team
from .roles import SALES_MANAGER, SALES_REP, has_role, sees_everything


def assignable_teams(user) -> QuerySet[Team]:
    """Teams ``user`` may give an account to: their own and the ones they manage (all for
    roles that see every account)."""
    if sees_everything(user):
        return Team.objects.all()
    if not has_role(user, SALES_REP, SALES_MANAGER):
        return Team.objects.none()
    mine = Team.objects.filter(Q(members=user) | Q(manager=user)).values("pk")
    return Team.objects.filter(pk__in=mine)


def assignable_owners(user) -> QuerySet:
    """Users ``user`` may make owner of an account: sales people of their teams, and
    themselves (any sales person for roles that see every account)."""
    users = get_user_model().objects
    sales = users.filter(is_active=True, groups__name__in=[SALES_REP, SALES_MANAGER])
    if not sees_everything(user):
        teams = assignable_teams(user).values("pk")
        sales = sales.filter(Q(pk=user.pk) | Q(sales_teams__in=teams) | Q(managed_teams__in=teams))
    return users.filter(pk__in=sales.values("pk")).order_by("first_name", "last_name", "username")
