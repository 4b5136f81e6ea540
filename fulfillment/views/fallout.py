"""The fall-out queue and a fall-out's page with its four resolutions (R22), each a small
form posted to its own URL."""

from django.urls import reverse

from telcrm.views import ActionFormPostView, ActionFormsMixin, RecordDetailView, RecordListView

from .. import services
from ..filters import FalloutFilterSet
from ..forms import FalloutCompleteForm, FalloutNoteForm
from ..models import Fallout, Task
from ..models.fallout import RESOLVER


class FalloutQueueView(RecordListView):
    """Open fall-outs of my groups, due first."""

    model = Fallout
    filterset_class = FalloutFilterSet
    template_name = "fulfillment/fallout_queue.html"
    ordering = ("due_at", "pk")
    paginate_by = 50
    title = "Fall-out"
    filter_layout = (
        "state",
        ("category", "col-6 col-md-3"),
        ("group", "col-6 col-md-3"),
        "escalation",
    )

    def visible(self):
        return super().visible().for_queue()


class FalloutDetailView(ActionFormsMixin, RecordDetailView):
    """One fall-out with what failed, its earlier ones and the resolutions this user may
    take now."""

    model = Fallout
    template_name = "fulfillment/fallout_detail.html"
    list_title = "Fall-out"
    list_url = "fulfillment:fallout_queue"
    actions = ("retry", "complete", "skip", "cancel_line")

    def visible(self):
        return super().visible().for_queue()

    def history_querysets(self, obj):
        return [Fallout.history.filter(id=obj.pk), Task.history.filter(id=obj.task_id)]

    def make_form(self, action: str, data=None):
        kwargs = {"prefix": action, "data": data}
        if action == "complete":
            return FalloutCompleteForm(outputs=self.object.task.required_outputs, **kwargs)
        return FalloutNoteForm(note_required=action in ("skip", "cancel_line"), **kwargs)

    def get_context_data(self, **kwargs):
        task = self.object.task
        earlier = task.fallouts.exclude(pk=self.object.pk).select_related("resolved_by")
        return super().get_context_data(task=task, earlier=earlier, **kwargs)


class FalloutResolveView(ActionFormPostView, FalloutDetailView):
    """POST-only: one resolution of a fall-out (``action``)."""

    SERVICES = {
        "retry": (services.fallout_retry, "Retried {task}: it is back in its queue."),
        "complete": (services.fallout_complete, "Completed {task} by hand."),
        "skip": (services.fallout_skip, "Skipped {task}; what waited for it goes on."),
        "cancel_line": (
            services.fallout_cancel_line,
            "Cancelled the order line of {task}; the rest of the order goes on.",
        ),
    }

    def may_ever(self, action: str) -> bool:
        return self.request.user.has_perm(RESOLVER) and super().may_ever(action)

    def stale_message(self) -> str:
        return f"{self.object.number} was resolved a moment ago."

    def act(self, data: dict) -> tuple[str, str]:
        service, message = self.SERVICES[self.action]
        note = data.pop("note", "")
        extra = {"outputs": data} if self.action == "complete" else {}
        service(actor=self.request.user, fallout_id=self.object.pk, note=note, **extra)
        task = self.object.task.number
        return message.format(task=task), reverse("fulfillment:fallout_queue")
