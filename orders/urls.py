from django.urls import path

from telcrm.views import Transitions, record_urls

from . import services, views
from .models import Order

app_name = "orders"

urlpatterns = [
    *record_urls(
        "",
        "order",
        list_view=views.OrderListView,
        detail_view=views.OrderDetailView,
        transitions=Transitions(
            ("cancel", "submit", "approve", "reject"),
            model=Order,
            service=services.order_transition,
            # Submitting validates the order again (R17); approving decomposes it (R18, R19).
            services={"submit": services.order_submit, "approve": services.order_approve},
            id_arg="order_id",
            reason_arg="reason",
        ),
        actions={
            "validate": views.OrderValidateView,
            "reopen_quote": views.OrderReopenQuoteView,
            "revise": views.OrderReviseView,
        },
    ),
    path("<int:pk>/edit/", views.OrderDetailsUpdateView.as_view(), name="order_update"),
    path(
        "<int:pk>/lines/<int:line_pk>/edit/",
        views.OrderLineUpdateView.as_view(),
        name="orderline_update",
    ),
    path("from-contract/<int:pk>/", views.OrderCreateView.as_view(), name="order_create"),
]
