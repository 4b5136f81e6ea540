from django.urls import path

from . import views

app_name = "cmdb"

urlpatterns = [
    path("accounts/<int:pk>/inventory/", views.AccountInventoryView.as_view(),
         name="account_inventory"),
]  # fmt: skip
