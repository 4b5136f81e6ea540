from django.urls import path

from . import views

app_name = "orders"

urlpatterns = [
    path("", views.OrderListView.as_view(), name="order_list"),
    path("<int:pk>/", views.OrderDetailView.as_view(), name="order_detail"),
    path("<int:pk>/edit/", views.OrderDetailsUpdateView.as_view(), name="order_update"),
    path(
        "<int:pk>/lines/<int:line_pk>/edit/",
        views.OrderLineUpdateView.as_view(),
        name="orderline_update",
    ),
    path(
        "<int:pk>/cancel/",
        views.OrderTransitionView.as_view(transition_name="cancel"),
        name="order_cancel",
    ),
    path("<int:pk>/validate/", views.OrderValidateView.as_view(), name="order_validate"),
    path(
        "<int:pk>/submit/",
        views.OrderTransitionView.as_view(transition_name="submit"),
        name="order_submit",
    ),
    path(
        "<int:pk>/approve/",
        views.OrderTransitionView.as_view(transition_name="approve"),
        name="order_approve",
    ),
    path(
        "<int:pk>/reject/",
        views.OrderTransitionView.as_view(transition_name="reject"),
        name="order_reject",
    ),
    path("<int:pk>/reopen-quote/", views.OrderReopenQuoteView.as_view(), name="order_reopen_quote"),
    path("<int:pk>/revise/", views.OrderReviseView.as_view(), name="order_revise"),
    path("from-contract/<int:pk>/", views.OrderCreateView.as_view(), name="order_create"),
]
