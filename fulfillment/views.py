"""Work queues (R23): my groups' tasks, claim, start, complete with outputs; and starting an
approved order's fulfillment (R20)."""

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import FormView, ListView

from orders.models import Order
from sales.views.accounts import FormPageMixin
from telcrm.views import ActionView, RolePermissionMixin

from . import services
from .filters import TaskFilterSet
from .forms import TaskCompleteForm
from .models import Task


class TaskQueueView(RolePermissionMixin, ListView):
    permission_required = "fulfillment.view_task"
    template_name = "fulfillment/task_queue.html"
    paginate_by = 50

    def get_queryset(self):
        tasks = Task.objects.visible_to(self.request.user).for_queue()
        self.filterset = TaskFilterSet(self.request.GET, queryset=tasks, request=self.request)
        return self.filterset.qs.order_by("due_at", "pk")

    def get_context_data(self, **kwargs):
        return super().get_context_data(filter=self.filterset, breadcrumbs=[("Work", "")],
                                        **kwargs)  # fmt: skip


class TaskActionView(ActionView):
    permission_required = "fulfillment.change_task"
    action = ""

    def load(self, request, *args, **kwargs):
        self.task = get_object_or_404(Task.objects.visible_to(request.user), pk=kwargs["pk"])

    def fallback_url(self) -> str:
        return reverse("fulfillment:task_queue")

    def act(self, request):
        service = {"claim": services.task_claim, "start": services.task_start}[self.action]
        task = service(actor=request.user, task_id=self.task.pk)
        verb = {"claim": "claimed", "start": "started"}[self.action]
        return f"You {verb} {task}.", reverse("fulfillment:task_queue")


class TaskCompleteView(RolePermissionMixin, FormPageMixin, FormView):
    permission_required = "fulfillment.change_task"
    form_class = TaskCompleteForm
    submit_label = "Complete task"

    def load(self, request, *args, **kwargs):
        self.task = get_object_or_404(Task.objects.visible_to(request.user).for_queue(),
                                      pk=kwargs["pk"])  # fmt: skip

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "outputs": self.task.required_outputs}

    def get_title(self):
        domain_order = self.task.sub_flow.domain_order
        return (f"{self.task} · {domain_order.order.number} {domain_order.get_domain_display()} "
                f"at {domain_order.site.name}")  # fmt: skip

    def get_cancel_url(self):
        return reverse("fulfillment:task_queue")

    def get_breadcrumbs(self):
        return [("Work", reverse("fulfillment:task_queue")), (self.task.number, "")]

    def save(self, form):
        return services.task_complete(actor=self.request.user, task_id=self.task.pk,
                                      outputs=form.cleaned_data)  # fmt: skip

    def success_message(self, obj):
        return f"Completed {obj}; the tasks that waited only for it are ready."

    def get_success_url_for(self, obj):
        return reverse("fulfillment:task_queue")


class OrderFulfillmentStartView(ActionView):
    """R20: make the sub flows and tasks of an approved, decomposed order."""

    permission_required = "fulfillment.add_subflow"

    def load(self, request, *args, **kwargs):
        self.order = get_object_or_404(Order.objects.visible_to(request.user), pk=kwargs["pk"])

    def fallback_url(self) -> str:
        return self.order.get_absolute_url()

    def act(self, request):
        flows = services.order_fulfillment_start(actor=request.user, order_id=self.order.pk)
        return (
            f"Fulfillment of {self.order.number} started: {len(flows)} sub flow(s); the "
            "first tasks are in their groups' queues.",
            reverse("fulfillment:task_queue"),
        )
