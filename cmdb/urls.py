from django.urls import path

from telcrm.views import Transitions, record_urls

from . import services
from .models import ChangeRequest, Incident
from .services.operations import CHANGE_TRANSITIONS, INCIDENT_TRANSITIONS
from .views import inventory, items, lists
from .views import operations as ops

app_name = "cmdb"

urlpatterns = [
    path(
        "accounts/<int:pk>/inventory/",
        inventory.AccountInventoryView.as_view(),
        name="account_inventory",
    ),
    *record_urls("items/", "item", list_view=lists.ItemListView, detail_view=items.ItemDetailView),
    path("inventory/", lists.ProductListView.as_view(), name="product_list"),
    path("items/<int:pk>/status/", items.ItemStatusView.as_view(), name="item_status"),
    path("api/monitoring/status/", items.MonitoringStatusView.as_view(), name="monitoring_status"),
    *record_urls(
        "changes/",
        "change",
        list_view=ops.ChangeListView,
        detail_view=ops.ChangeDetailView,
        transitions=Transitions(
            sorted(CHANGE_TRANSITIONS),
            model=ChangeRequest,
            service=services.change_request_transition,
            id_arg="change_id",
            reason_arg="reason",
        ),
    ),
    path("changes/new/", ops.ChangeCreateView.as_view(), name="change_create"),
    path("changes/<int:pk>/edit/", ops.ChangeEditView.as_view(), name="change_edit"),
    *record_urls(
        "incidents/",
        "incident",
        list_view=ops.IncidentListView,
        detail_view=ops.IncidentDetailView,
        transitions=Transitions(
            sorted(INCIDENT_TRANSITIONS),
            model=Incident,
            service=services.incident_transition,
            id_arg="incident_id",
            reason_arg="reason",
        ),
    ),
    path("incidents/new/", ops.IncidentCreateView.as_view(), name="incident_create"),
]
