from django.urls import path

from . import views

app_name = "fulfillment"

urlpatterns = [
    path("tasks/", views.TaskQueueView.as_view(), name="task_queue"),
    path("tasks/<int:pk>/claim/", views.TaskActionView.as_view(action="claim"), name="task_claim"),
    path("tasks/<int:pk>/start/", views.TaskActionView.as_view(action="start"), name="task_start"),
    path("tasks/<int:pk>/complete/", views.TaskCompleteView.as_view(), name="task_complete"),
    path("tasks/<int:pk>/reject/", views.TaskRejectView.as_view(), name="task_reject"),
    path("fallouts/", views.FalloutQueueView.as_view(), name="fallout_queue"),
    path("fallouts/<int:pk>/", views.FalloutDetailView.as_view(), name="fallout_detail"),
    *(
        path(
            f"fallouts/<int:pk>/{action.replace('_', '-')}/",
            views.FalloutResolveView.as_view(action=action),
            name=f"fallout_{action}",
        )
        for action in views.FalloutDetailView.actions
    ),
    path("field/", views.WorkOrderListView.as_view(), name="work_orders"),
    path("field/<int:pk>/", views.WorkOrderDetailView.as_view(), name="work_order"),
    *(
        path(
            f"field/<int:pk>/{action}/",
            views.WorkOrderActionView.as_view(action=action),
            name=f"work_order_{action}",
        )
        for action in views.WorkOrderDetailView.actions
    ),
    path("projects/", views.ProjectListView.as_view(), name="projects"),
    path("projects/<int:pk>/", views.ProjectDetailView.as_view(), name="project"),
    path("projects/<int:pk>/take/", views.ProjectTakeView.as_view(), name="project_take"),
    path(
        "projects/<int:pk>/step-done/",
        views.ProjectStepDoneView.as_view(),
        name="project_step_done",
    ),
    path("orders/<int:pk>/start/", views.OrderFulfillmentStartView.as_view(), name="order_start"),
    path(
        "orders/<int:pk>/waves/release/",
        views.OrderWaveReleaseView.as_view(),
        name="order_wave_release",
    ),
    path("trace/<str:kind>/<int:pk>/", views.TraceView.as_view(), name="trace"),
]
