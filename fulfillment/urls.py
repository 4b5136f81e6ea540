from django.urls import path

from . import views

app_name = "fulfillment"

urlpatterns = [
    path("tasks/", views.TaskQueueView.as_view(), name="task_queue"),
    path("tasks/<int:pk>/claim/", views.TaskActionView.as_view(action="claim"),
         name="task_claim"),
    path("tasks/<int:pk>/start/", views.TaskActionView.as_view(action="start"),
         name="task_start"),
    path("tasks/<int:pk>/complete/", views.TaskCompleteView.as_view(), name="task_complete"),
    path("orders/<int:pk>/start/", views.OrderFulfillmentStartView.as_view(),
         name="order_start"),
]  # fmt: skip
