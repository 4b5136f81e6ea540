from django.urls import path

from .views import inventory

app_name = "cmdb"

urlpatterns = [
    path("accounts/<int:pk>/inventory/", inventory.AccountInventoryView.as_view(),
         name="account_inventory"),
]  # fmt: skip
