"""Lists across customers: every configuration item and every product inventory record the
user may see, filtered (class, status, customer, site, serial, circuit id, offering)."""

from django.db.models import OuterRef, Subquery

from telcrm.views import RecordListView

from ..choices import ResourceKind
from ..filters import ConfigurationItemFilterSet, ProductInventoryFilterSet
from ..models import ConfigurationItem, ProductInventory, ResourceAllocation


class ItemListView(RecordListView):
    model = ConfigurationItem
    filterset_class = ConfigurationItemFilterSet
    template_name = "cmdb/item_list.html"
    ordering = ("account__name", "site__name", "kind", "number")
    paginate_by = 50
    title = "Configuration items"
    filter_layout = (
        "kind",
        "operational_status",
        "customer",
        "site",
        ("serial", "col-6 col-md-1"),
        ("circuit_id", "col-6 col-md-1"),
    )

    def visible(self):
        return super().visible().select_related("account", "site", "location")


class ProductListView(RecordListView):
    model = ProductInventory
    filterset_class = ProductInventoryFilterSet
    template_name = "cmdb/product_list.html"
    ordering = ("account__name", "site__name", "offering__name", "pk")
    paginate_by = 50
    title = "Product inventory"
    filter_layout = ("status", "offering", "customer", "site", "circuit_id")

    def visible(self):
        circuit = ResourceAllocation.objects.filter(
            product=OuterRef("pk"), kind=ResourceKind.CIRCUIT_ID
        ).order_by("-allocated_at", "-pk")
        return (
            super()
            .visible()
            .select_related("account", "site", "location", "offering")
            .annotate(circuit_id=Subquery(circuit.values("value")[:1]))
        )
