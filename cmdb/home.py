"""The CMDB's home-page panels for service operations (R26): changes waiting for my
approval, and open incidents (mine first, then breached ones, then by due time)."""

from django.db.models import Case, Count, F, IntegerField, Q, Value, When
from django.utils import timezone

from telcrm.querysets import first_rows

from .choices import ChangeState
from .models import ChangeRequest, Incident


def changes_to_approve_panel(request):
    """Changes in assessment that I may approve: never those I raised (four-eyes)."""
    user = request.user
    if not user.has_perm("cmdb.approve_changerequest"):
        return None
    changes = (
        ChangeRequest.objects.visible_to(user)
        .filter(state=ChangeState.ASSESSMENT)
        .exclude(requested_by=user)
    )
    rows = first_rows(
        changes.select_related("item__account", "requested_by").order_by(
            F("planned_start").asc(nulls_last=True), "created_at", "pk"
        ),
        8,
    )
    return {"changes": rows, "total": changes.count()} if rows else None


def open_incidents_panel(request):
    user = request.user
    if not user.has_perm("cmdb.change_incident"):
        return None
    now = timezone.now()
    incidents = Incident.objects.visible_to(user).open()
    rows = first_rows(
        incidents.select_related("item__account")
        .annotate(
            mine=Case(
                When(assignee=user, then=Value(0)), default=Value(1), output_field=IntegerField()
            ),
            late=Case(
                When(due_at__lt=now, then=Value(0)), default=Value(1), output_field=IntegerField()
            ),
        )
        .order_by("mine", "late", F("due_at").asc(nulls_last=True), "priority", "pk"),
        8,
    )
    if not rows:
        return None
    counts = incidents.aggregate(
        mine=Count("pk", filter=Q(assignee=user)), breached=Count("pk", filter=Q(due_at__lt=now))
    )
    return {"incidents": rows, **counts}
