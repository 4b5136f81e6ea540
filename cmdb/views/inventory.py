"""The customer's inventory (R18, R25, R26): per site, the products in service and pending,
their services, the configuration items with a relationship diagram, and the open incidents
and changes against them."""

from django.db.models import Count, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import TemplateView

from sales.models import Account
from telcrm.views import RolePermissionMixin

from ..choices import OPEN_CHANGE_STATES, OPEN_INCIDENT_STATES, CIKind
from ..diagram import site_diagram
from ..models import (
    ChangeRequest,
    ConfigurationItem,
    Incident,
    ProductInventory,
    Relationship,
    ServiceInventory,
)


def _open_count(model, states):
    rows = (
        model.objects.filter(item=OuterRef("pk"), state__in=states)
        .order_by()
        .values("item")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows), 0)


class AccountInventoryView(RolePermissionMixin, TemplateView):
    """Products of a legal account (all its sites) or of one site, grouped by site. The
    order line that made a record is reached through the reverse relation (no import)."""

    permission_required = "cmdb.view_productinventory"
    template_name = "cmdb/account_inventory.html"

    def load(self, request, *args, **kwargs):
        self.account = get_object_or_404(Account.objects.visible_to(request.user), pk=kwargs["pk"])

    def get_context_data(self, **kwargs):
        account = self.account
        user = self.request.user
        scope = {"site": account} if account.parent_id else {"account": account}
        products = list(
            ProductInventory.objects.visible_to(user)
            .filter(**scope)
            .select_related("site", "location", "offering", "sales_contract", "order_line__order")
            .prefetch_related(
                Prefetch(
                    "services", queryset=ServiceInventory.objects.select_related("specification")
                )
            )
        )
        # Per site: in service first, then pending, then ended.
        products.sort(key=lambda p: 0 if p.in_service else 1 if p.pending else 2)
        sites: dict[int, dict] = {}
        for product in products:
            sites.setdefault(product.site_id, {"site": product.site, "products": [], "items": []})
            sites[product.site_id]["products"].append(product)
        items = list(
            ConfigurationItem.objects.visible_to(user)
            .filter(**scope)
            .select_related("site")
            .annotate(
                open_incidents=_open_count(Incident, OPEN_INCIDENT_STATES),
                open_changes=_open_count(ChangeRequest, OPEN_CHANGE_STATES),
            )
            .order_by("kind", "number")
        )
        relationships = list(
            Relationship.objects.filter(source__in=[i.pk for i in items]).select_related("target")
        )
        by_id = {item.pk: item for item in items}
        for rel in relationships:  # the POPs a site's circuits end at belong in its diagram
            if rel.target.kind == CIKind.POP:
                by_id.setdefault(rel.target_id, rel.target)
        for item in items:
            sites.setdefault(item.site_id, {"site": item.site, "products": [], "items": []})
            sites[item.site_id]["items"].append(item)
        for group in sites.values():
            own = {i.pk for i in group["items"]}
            edges = [r for r in relationships if r.source_id in own]
            pops = [by_id[r.target_id] for r in edges if r.target.kind == CIKind.POP]
            group["diagram"] = site_diagram(group["items"] + list(dict.fromkeys(pops)), edges)
        visible = {"item__in": [i.pk for i in items]}
        return super().get_context_data(
            account=account,
            sites=sorted(sites.values(), key=lambda group: group["site"].name),
            pending=sum(p.pending for p in products),
            in_service=sum(p.in_service for p in products),
            incidents=Incident.objects.filter(**visible, state__in=OPEN_INCIDENT_STATES)
            .select_related("item")
            .order_by("priority", "reported_at"),
            changes=ChangeRequest.objects.filter(**visible, state__in=OPEN_CHANGE_STATES)
            .select_related("item")
            .order_by("planned_start", "pk"),
            breadcrumbs=[
                ("Accounts", reverse("sales:account_list")),
                (account.number, account.get_absolute_url()),
                ("Inventory", ""),
            ],
            **kwargs,
        )
