from django.urls import path

from .views import inventory, items
from .views import operations as ops

app_name = "cmdb"

urlpatterns = [
    path("accounts/<int:pk>/inventory/", inventory.AccountInventoryView.as_view(),
         name="account_inventory"),
    path("items/<int:pk>/", items.ItemDetailView.as_view(), name="item_detail"),
    path("items/<int:pk>/status/", items.ItemStatusView.as_view(), name="item_status"),
    path("api/monitoring/status/", items.MonitoringStatusView.as_view(),
         name="monitoring_status"),
    path("changes/", ops.ChangeListView.as_view(), name="change_list"),
    path("changes/new/", ops.ChangeCreateView.as_view(), name="change_create"),
    path("changes/<int:pk>/", ops.ChangeDetailView.as_view(), name="change_detail"),
    path("changes/<int:pk>/edit/", ops.ChangeEditView.as_view(), name="change_edit"),
    # One POST-only URL per transition; the record header finds it as changerequest_<name>.
    *[path(f"changes/<int:pk>/{name}/", ops.ChangeTransitionView.as_view(transition_name=name),
           name=f"{prefix}_{name}") for name in ops.CHANGE_TRANSITIONS
      for prefix in ("change", "changerequest")],
    path("incidents/", ops.IncidentListView.as_view(), name="incident_list"),
    path("incidents/new/", ops.IncidentCreateView.as_view(), name="incident_create"),
    path("incidents/<int:pk>/", ops.IncidentDetailView.as_view(), name="incident_detail"),
    *[path(f"incidents/<int:pk>/{name}/",
           ops.IncidentTransitionView.as_view(transition_name=name), name=f"incident_{name}")
      for name in ops.INCIDENT_TRANSITIONS],
]  # fmt: skip
