"""The work queue (R23): my groups' tasks; claim, start, complete with outputs, or reject a
task to fall-out (R22)."""

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import FormView

from telcrm.audit import history_entries
from telcrm.views import ActionView, FormPageMixin, RecordListView, RolePermissionMixin

from .. import services
from ..filters import TaskFilterSet
from ..forms import TaskCompleteForm, TaskRejectForm
from ..models import AdapterCall, Task


class TaskQueueView(RecordListView):
    """My groups' ready and started tasks, due first, under a summary per group."""

    model = Task
    filterset_class = TaskFilterSet
    template_name = "fulfillment/task_queue.html"
    ordering = ("due_at", "pk")
    paginate_by = 50
    title = "Work"
    filter_layout = (
        "scope",
        "state",
        ("group", "col-6 col-md-3"),
        "kind",
        ("late", "col-6 col-md-1"),
    )

    def visible(self):
        return super().visible().for_queue()

    def get_context_data(self, **kwargs):
        groups = Task.objects.visible_to(self.request.user).per_group()
        return super().get_context_data(groups=groups, **kwargs)


class TaskActionView(ActionView):
    """POST-only: claim or start a task of my groups (``action``)."""

    permission_required = "fulfillment.change_task"
    action = ""
    SERVICES = {
        "claim": (services.task_claim, "claimed"),
        "start": (services.task_start, "started"),
    }

    def load(self, request, *args, **kwargs):
        self.task = get_object_or_404(Task.objects.visible_to(request.user), pk=kwargs["pk"])

    def fallback_url(self) -> str:
        return reverse("fulfillment:task_queue")

    def act(self, request):
        service, verb = self.SERVICES[self.action]
        task = service(actor=request.user, task_id=self.task.pk)
        return f"You {verb} {task}.", self.fallback_url()


class TaskFormView(RolePermissionMixin, FormPageMixin, FormView):
    """A form about one task of my groups' queue."""

    permission_required = "fulfillment.change_task"
    template_name = "fulfillment/task_form.html"

    def load(self, request, *args, **kwargs):
        self.task = get_object_or_404(
            Task.objects.visible_to(request.user).for_queue(), pk=kwargs["pk"]
        )

    def where(self) -> str:
        domain_order = self.task.sub_flow.domain_order
        return (
            f"{domain_order.order.number} {domain_order.get_domain_display()} at "
            f"{domain_order.site.name}"
        )

    def get_cancel_url(self):
        return reverse("fulfillment:task_queue")

    def get_breadcrumbs(self):
        return [("Work", reverse("fulfillment:task_queue")), (self.task.number, "")]

    def get_success_url_for(self, obj):
        return reverse("fulfillment:task_queue")

    def get_context_data(self, **kwargs):
        # The task's history, with its adapter calls (an API task's attempts).
        history = history_entries(
            [Task.history.filter(id=self.task.pk), AdapterCall.history.filter(task_id=self.task.pk)]
        )
        return super().get_context_data(task=self.task, history=history, **kwargs)


class TaskCompleteView(TaskFormView):
    form_class = TaskCompleteForm
    submit_label = "Complete task"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "outputs": self.task.required_outputs}

    def get_title(self):
        return f"{self.task} · {self.where()}"

    def save(self, form):
        return services.task_complete(
            actor=self.request.user, task_id=self.task.pk, outputs=form.cleaned_data
        )

    def success_message(self, obj):
        return f"Completed {obj}; the tasks that waited only for it are ready."

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.task.assignee_id == self.request.user.pk:
            context["side_link"] = (
                reverse("fulfillment:task_reject", args=[self.task.pk]),
                "Cannot be done? Reject it",
            )
        return context


class TaskRejectView(TaskFormView):
    """R22/R23: the agent working a task cannot do it: with a reason it goes to fall-out."""

    form_class = TaskRejectForm
    submit_label = "Reject to fall-out"

    def get_title(self):
        return f"Reject {self.task} · {self.where()}"

    def save(self, form):
        return services.task_reject(
            actor=self.request.user, task_id=self.task.pk, **form.cleaned_data
        )

    def success_message(self, obj):
        return (
            f"{obj.task.number} went to the fall-out queue as {obj.number}; only what waits "
            "for it is held up."
        )
