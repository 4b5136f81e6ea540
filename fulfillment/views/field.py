"""Field work (R20): visits to dispatch, and the technician's phone page of a visit, where
each step (dispatch, on site, complete) posts to its own URL."""

from django.utils import timezone

from telcrm.views import ActionFormPostView, ActionFormsMixin, RecordDetailView, RecordListView

from .. import services
from ..filters import WorkOrderFilterSet
from ..forms import TaskCompleteForm, WorkOrderDispatchForm
from ..models import FieldWorkOrder, Task


class WorkOrderListView(RecordListView):
    """Visits to dispatch, and a technician's own visits by their window."""

    model = FieldWorkOrder
    filterset_class = WorkOrderFilterSet
    template_name = "fulfillment/work_order_list.html"
    ordering = ("window_start", "pk")
    paginate_by = 50
    title = "Field work"
    filter_layout = (("scope", "col-6 col-md-3"), ("state", "col-6 col-md-3"))
    filter_buttons = "col-md-3"

    def visible(self):
        return super().visible().for_list()

    def filter_data(self):
        data = self.request.GET
        if not data and not self.request.user.has_perm("fulfillment.change_fieldworkorder"):
            return {"scope": "mine"}  # a technician starts with their own visits
        return data


class WorkOrderDetailView(ActionFormsMixin, RecordDetailView):
    """The technician's phone page: where, whom to call, when; on site, then complete with
    the task's outputs. Dispatchers send a technician and confirm the window here."""

    model = FieldWorkOrder
    context_object_name = "visit"
    template_name = "fulfillment/work_order.html"
    list_title = "Field work"
    list_url = "fulfillment:work_orders"
    actions = ("dispatch", "arrive", "complete")

    def visible(self):
        return super().visible().for_list()

    def history_querysets(self, obj):
        return [FieldWorkOrder.history.filter(id=obj.pk), Task.history.filter(id=obj.task_id)]

    def make_form(self, action: str, data=None):
        visit = self.object
        if action == "dispatch":
            initial = {
                "technician": visit.technician_id,
                "window_start": timezone.localtime(visit.window_start),
                "window_end": timezone.localtime(visit.window_end),
            }
            technicians = visit.task.group.members.all()
            return WorkOrderDispatchForm(
                data, prefix=action, initial=initial, technicians=technicians
            )
        if action == "complete":
            return TaskCompleteForm(data, prefix=action, outputs=visit.task.required_outputs)
        return None

    def get_context_data(self, **kwargs):
        return super().get_context_data(task=self.object.task, **kwargs)


class WorkOrderActionView(ActionFormPostView, WorkOrderDetailView):
    """POST-only: dispatch, arrival or completion of a visit (``action``)."""

    def act(self, data: dict) -> tuple[str, str]:
        user, visit = self.request.user, self.object
        url = visit.get_absolute_url()
        if self.action == "dispatch":
            visit = services.work_order_dispatch(actor=user, work_order_id=visit.pk, **data)
            name = visit.technician.get_full_name() or visit.technician.username
            when = timezone.localtime(visit.window_start)
            return f"{visit.number} sent to {name} for {when:%d %b %H:%M}.", url
        if self.action == "arrive":
            services.work_order_arrive(actor=user, work_order_id=visit.pk)
            return "You are on site: complete the visit when the work is done.", url
        services.work_order_complete(actor=user, work_order_id=visit.pk, outputs=data)
        return f"{visit.number} completed; what waited for it can start.", url
