from django.urls import path

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
    path("items/", lists.ItemListView.as_view(), name="item_list"),
    path("inventory/", lists.ProductListView.as_view(), name="product_list"),
    path("items/<int:pk>/", items.ItemDetailView.as_view(), name="item_detail"),
    path("items/<int:pk>/status/", items.ItemStatusView.as_view(), name="item_status"),
    path("api/monitoring/status/", items.MonitoringStatusView.as_view(), name="monitoring_status"),
    path("changes/", ops.ChangeListView.as_view(), name="change_list"),
    path("changes/new/", ops.ChangeCreateView.as_view(), name="change_create"),
    path("changes/<int:pk>/", ops.ChangeDetailView.as_view(), name="change_detail"),
    path("changes/<int:pk>/edit/", ops.ChangeEditView.as_view(), name="change_edit"),
    # One POST-only URL per transition, named <model>_<transition> for the record header.
    *[
        path(
            f"changes/<int:pk>/{name}/",
            ops.ChangeTransitionView.as_view(transition_name=name),
            name=f"changerequest_{name}",
        )
        for name in sorted(CHANGE_TRANSITIONS)
    ],
    path("incidents/", ops.IncidentListView.as_view(), name="incident_list"),
    path("incidents/new/", ops.IncidentCreateView.as_view(), name="incident_create"),
    path("incidents/<int:pk>/", ops.IncidentDetailView.as_view(), name="incident_detail"),
    *[
        path(
            f"incidents/<int:pk>/{name}/",
            ops.IncidentTransitionView.as_view(transition_name=name),
            name=f"incident_{name}",
        )
        for name in sorted(INCIDENT_TRANSITIONS)
    ],
]
