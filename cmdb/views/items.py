"""A configuration item's page (R25, R26): what it is and came from, what it depends on and
what depends on it, the resources it holds, its operational status with the history of
changes (set by hand here or by monitoring through the status endpoint), and the changes and
incidents raised against it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from telcrm.cleaning import BadInput, load_json
from telcrm.fsm import DomainError
from telcrm.security import security_event
from telcrm.views import RecordDetailView, RolePermissionMixin

from .. import services
from ..choices import OperationalStatus
from ..forms import ItemStatusForm
from ..models import (
    ChangeRequest,
    ConfigurationItem,
    Incident,
    Relationship,
    ResourceAllocation,
    StatusChange,
)


def _items(user):
    return ConfigurationItem.objects.visible_to(user)


class ItemDetailView(RecordDetailView):
    model = ConfigurationItem
    template_name = "cmdb/item_detail.html"
    context_object_name = "item"
    history_limit = 20

    def get_breadcrumbs(self, item):
        return _breadcrumbs(item)

    def visible(self):
        return _items(self.request.user).select_related(
            "account",
            "site",
            "location",
            "product__sales_contract",
            "product__order_line__order",
            "service__specification",
        )

    def get_context_data(self, **kwargs):
        item = self.object
        user = self.request.user
        related = Relationship.objects.select_related("source", "target")
        return super().get_context_data(
            outgoing=related.filter(source=item),
            incoming=related.filter(target=item),
            allocations=ResourceAllocation.objects.filter(item=item),
            status_changes=StatusChange.objects.filter(item=item).select_related(
                "changed_by", "integration"
            )[:20],
            changes=ChangeRequest.objects.visible_to(user).open().filter(item=item),
            incidents=Incident.objects.visible_to(user)
            .filter(item=item)
            .order_by("state", "-reported_at")[:20],
            status_form=ItemStatusForm(initial={"status": item.operational_status})
            if user.has_perm("cmdb.change_configurationitem")
            else None,
            **kwargs,
        )


def _breadcrumbs(item: ConfigurationItem) -> list[tuple[str, str]]:
    if item.account_id is None:
        return [(item.number, "")]
    return [
        ("Accounts", reverse("sales:account_list")),
        (item.account.number, item.account.get_absolute_url()),
        ("Inventory", reverse("cmdb:account_inventory", args=[item.account_id])),
        (item.number, ""),
    ]


class ItemStatusView(RolePermissionMixin, View):
    """POST: set the item's operational status by hand (R26)."""

    permission_required = "cmdb.change_configurationitem"
    http_method_names = ["post"]

    def post(self, request, pk: int):
        item = get_object_or_404(_items(request.user), pk=pk)
        form = ItemStatusForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Choose one of the operational statuses.")
        else:
            try:
                change = services.item_set_status(
                    actor=request.user,
                    item_id=item.pk,
                    status=form.cleaned_data["status"],
                    note=form.cleaned_data["note"],
                )
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                label = OperationalStatus(form.cleaned_data["status"]).label.lower()
                messages.success(
                    request,
                    f"{item.number} is {label}."
                    if change
                    else f"{item.number} was already {label}.",
                )
        return HttpResponseRedirect(item.get_absolute_url())


def _error(status: int, reason: str, message: str) -> JsonResponse:
    """A TMF-shaped error body (code, reason, message, status)."""
    return JsonResponse(
        {"code": str(status), "reason": reason, "message": message, "status": str(status)},
        status=status,
    )


@method_decorator([csrf_exempt, login_not_required], name="dispatch")
class MonitoringStatusView(View):
    """POST ``{"item": "CI-000012", "status": "down", "note": "..."}`` with
    ``Authorization: Bearer <token>`` of an active monitoring integration: sets the item's
    operational status (R26). A bad token is 401, bad input 400, an unknown item 404; none
    of them changes anything."""

    http_method_names = ["post"]

    def post(self, request):
        header = request.headers.get("Authorization", "")
        token = header.removeprefix("Bearer ").strip() if header.startswith("Bearer ") else ""
        integration = services.integration_for_token(token)
        if integration is None:
            security_event("bad_token", request, token_kind="monitoring integration")
            return _error(
                401,
                "Unauthorized",
                "Send the integration's token as 'Authorization: Bearer <token>'.",
            )
        try:
            body = load_json(request.body or b"{}")
        except BadInput as exc:
            return _error(400, "Bad Request", exc.message)
        if not isinstance(body, dict):
            return _error(400, "Bad Request", "The body must be a JSON object.")
        number, status = body.get("item"), body.get("status")
        note = body.get("note", "")
        if not isinstance(number, str) or not number.strip():
            return _error(
                400, "Bad Request", "'item' must be a configuration item number, e.g. CI-000012."
            )
        if status not in OperationalStatus.values:
            return _error(
                400,
                "Bad Request",
                "'status' must be one of " + ", ".join(OperationalStatus.values) + ".",
            )
        if not isinstance(note, str) or len(note) > 300:
            return _error(400, "Bad Request", "'note' must be text of at most 300 characters.")
        item = ConfigurationItem.objects.filter(number__iexact=number.strip()).first()
        if item is None:
            return _error(404, "Not Found", f"No configuration item {number.strip()}.")
        previous = item.operational_status
        change = services.item_set_status(
            item_id=item.pk, status=status, note=note, integration=integration
        )
        return JsonResponse(
            {
                "item": item.number,
                "status": status,
                "previous": previous,
                "changed": change is not None,
            }
        )
