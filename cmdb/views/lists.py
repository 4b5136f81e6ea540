"""Lists across customers: every configuration item and every product inventory record the
user may see, filtered (class, status, customer, site, serial, circuit id, offering)."""

from django.db.models import OuterRef, Subquery
from django.views.generic import ListView

from telcrm.views import RolePermissionMixin

from ..choices import ResourceKind
from ..filters import ConfigurationItemFilterSet, ProductInventoryFilterSet
from ..models import ConfigurationItem, ProductInventory, ResourceAllocation


class ItemListView(RolePermissionMixin, ListView):
    permission_required = "cmdb.view_configurationitem"
    template_name = "cmdb/item_list.html"
    paginate_by = 50

    def get_queryset(self):
        items = ConfigurationItem.objects.visible_to(self.request.user).select_related(
            "account", "site", "location"
        )
        self.filterset = ConfigurationItemFilterSet(
            self.request.GET, queryset=items, request=self.request
        )
        return self.filterset.qs.order_by("account__name", "site__name", "kind", "number")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            filter=self.filterset, breadcrumbs=[("Configuration items", "")], **kwargs
        )


class ProductListView(RolePermissionMixin, ListView):
    permission_required = "cmdb.view_productinventory"
    template_name = "cmdb/product_list.html"
    paginate_by = 50

    def get_queryset(self):
        circuit = ResourceAllocation.objects.filter(
            product=OuterRef("pk"), kind=ResourceKind.CIRCUIT_ID
        ).order_by("-allocated_at", "-pk")
        products = (
            ProductInventory.objects.visible_to(self.request.user)
            .select_related("account", "site", "location", "offering")
            .annotate(circuit_id=Subquery(circuit.values("value")[:1]))
        )
        self.filterset = ProductInventoryFilterSet(
            self.request.GET, queryset=products, request=self.request
        )
        return self.filterset.qs.order_by("account__name", "site__name", "offering__name", "pk")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            filter=self.filterset, breadcrumbs=[("Product inventory", "")], **kwargs
        )
