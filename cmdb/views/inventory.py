"""The customer's inventory: what is in service and what is ordered but pending (R18)."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import TemplateView

from sales.models import Account
from telcrm.views import RolePermissionMixin

from ..models import ProductInventory, ServiceInventory


class AccountInventoryView(RolePermissionMixin, TemplateView):
    """Products of a legal account (all its sites) or of one site, grouped by site. The
    order line that made a record is reached through the reverse relation (no import)."""

    permission_required = "cmdb.view_productinventory"
    template_name = "cmdb/account_inventory.html"

    def load(self, request, *args, **kwargs):
        self.account = get_object_or_404(Account.objects.visible_to(request.user), pk=kwargs["pk"])

    def get_context_data(self, **kwargs):
        account = self.account
        scope = {"site": account} if account.parent_id else {"account": account}
        products = list(
            ProductInventory.objects.visible_to(self.request.user).filter(**scope)
            .select_related("site", "location", "offering", "sales_contract",
                            "order_line__order")
            .prefetch_related(Prefetch("services", queryset=ServiceInventory.objects
                                       .select_related("specification")))
        )  # fmt: skip
        # Per site: in service first, then pending, then ended.
        products.sort(key=lambda p: 0 if p.in_service else 1 if p.pending else 2)
        sites: dict[int, dict] = {}
        for product in products:
            sites.setdefault(product.site_id, {"site": product.site, "products": []})
            sites[product.site_id]["products"].append(product)
        return super().get_context_data(
            account=account,
            sites=sorted(sites.values(), key=lambda group: group["site"].name),
            pending=sum(p.pending for p in products),
            in_service=sum(p.in_service for p in products),
            breadcrumbs=[("Accounts", reverse("sales:account_list")),
                         (account.number, account.get_absolute_url()), ("Inventory", "")],
            **kwargs,
        )  # fmt: skip
