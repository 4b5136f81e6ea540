"""Fulfillment's pages: the work queue and its task forms (``tasks``), the fall-out queue
and its resolutions (``fallout``), field work (``field``), special projects (``projects``),
starting an order's work (``orders``) and the trace of a deal (``trace``)."""

from .fallout import FalloutDetailView, FalloutQueueView, FalloutResolveView
from .field import WorkOrderActionView, WorkOrderDetailView, WorkOrderListView
from .orders import OrderFulfillmentStartView, OrderWaveReleaseView
from .projects import ProjectDetailView, ProjectListView, ProjectStepDoneView, ProjectTakeView
from .tasks import TaskActionView, TaskCompleteView, TaskQueueView, TaskRejectView
from .trace import TraceView

__all__ = [
    "FalloutDetailView",
    "FalloutQueueView",
    "FalloutResolveView",
    "OrderFulfillmentStartView",
    "OrderWaveReleaseView",
    "ProjectDetailView",
    "ProjectListView",
    "ProjectStepDoneView",
    "ProjectTakeView",
    "TaskActionView",
    "TaskCompleteView",
    "TaskQueueView",
    "TaskRejectView",
    "TraceView",
    "WorkOrderActionView",
    "WorkOrderDetailView",
    "WorkOrderListView",
]
