"""Work queues (R23): my groups' tasks, claim, start, complete with outputs or reject; the
fall-out queue and its resolutions (R22); and starting an approved order's work (R20)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.views.generic import FormView, ListView, TemplateView

from orders.models import Order
from telcrm.audit import history_entries
from telcrm.cleaning import clean_text, parse_id
from telcrm.fsm import DomainError, user_may
from telcrm.views import ActionView, FormPageMixin, RolePermissionMixin

from . import services, staggering, trace
from .filters import FalloutFilterSet, ProjectFilterSet, TaskFilterSet, WorkOrderFilterSet
from .forms import (
    FalloutCompleteForm,
    FalloutNoteForm,
    StartFulfillmentForm,
    TaskCompleteForm,
    TaskRejectForm,
    WorkOrderDispatchForm,
)
from .models import (
    AdapterCall,
    Fallout,
    FieldWorkOrder,
    Milestone,
    ProjectTask,
    SpecialProject,
    Task,
)
from .models.fallout import RESOLVER
from .services._base import allowed, may_take


class TaskQueueView(RolePermissionMixin, ListView):
    permission_required = "fulfillment.view_task"
    template_name = "fulfillment/task_queue.html"
    paginate_by = 50

    def get_queryset(self):
        tasks = Task.objects.visible_to(self.request.user).for_queue()
        self.filterset = TaskFilterSet(self.request.GET, queryset=tasks, request=self.request)
        return self.filterset.qs.order_by("due_at", "pk")

    def get_context_data(self, **kwargs):
        groups = Task.objects.visible_to(self.request.user).per_group()
        return super().get_context_data(
            filter=self.filterset, breadcrumbs=[("Work", "")], groups=groups, **kwargs
        )


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


class FalloutQueueView(RolePermissionMixin, ListView):
    permission_required = "fulfillment.view_fallout"
    template_name = "fulfillment/fallout_queue.html"
    paginate_by = 50

    def get_queryset(self):
        fallouts = Fallout.objects.visible_to(self.request.user).for_queue()
        self.filterset = FalloutFilterSet(self.request.GET, queryset=fallouts, request=self.request)
        return self.filterset.qs.order_by("due_at", "pk")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            filter=self.filterset, breadcrumbs=[("Fall-out", "")], **kwargs
        )


class FalloutDetailView(RolePermissionMixin, TemplateView):
    """One fall-out with what failed, and its four resolutions (R22), each a small form
    posted to its own URL (``FalloutResolveView``)."""

    permission_required = "fulfillment.view_fallout"
    template_name = "fulfillment/fallout_detail.html"
    ACTIONS = {
        "retry": (services.fallout_retry, "Retried {task}: it is back in its queue."),
        "complete": (services.fallout_complete, "Completed {task} by hand."),
        "skip": (services.fallout_skip, "Skipped {task}; what waited for it goes on."),
        "cancel_line": (
            services.fallout_cancel_line,
            "Cancelled the order line of {task}; the rest of the order goes on.",
        ),
    }

    def load(self, request, *args, **kwargs):
        self.fallout = get_object_or_404(
            Fallout.objects.visible_to(request.user).for_queue(), pk=kwargs["pk"]
        )

    def allowed_actions(self) -> list[str]:
        """The resolutions the state machine lets this user take now."""
        return [name for name in self.ACTIONS if may_take(self.fallout, name, self.request.user)]

    def make_form(self, action: str, data=None):
        kwargs = {"prefix": action, "data": data}
        if action == "complete":
            return FalloutCompleteForm(outputs=self.fallout.task.required_outputs, **kwargs)
        return FalloutNoteForm(note_required=action in ("skip", "cancel_line"), **kwargs)

    def get_context_data(self, **kwargs):
        task = self.fallout.task
        forms = {name: self.make_form(name) for name in self.allowed_actions()}
        forms.update(kwargs.pop("bound", {}))
        return super().get_context_data(
            fallout=self.fallout,
            task=task,
            forms=forms,
            earlier=task.fallouts.exclude(pk=self.fallout.pk).select_related("resolved_by"),
            history=history_entries(
                [Fallout.history.filter(id=self.fallout.pk), Task.history.filter(id=task.pk)]
            ),
            breadcrumbs=[
                ("Fall-out", reverse("fulfillment:fallout_queue")),
                (self.fallout.number, ""),
            ],
            **kwargs,
        )


class FalloutResolveView(FalloutDetailView):
    """POST-only: one resolution of a fall-out (``action``). 403 when the user's role never
    takes it; a stale page is told so; a form error shows the fall-out page again."""

    http_method_names = ["post"]
    action = ""

    def post(self, request, *args, **kwargs):
        action, user = self.action, request.user
        if not user.has_perm(RESOLVER) or not user_may(Fallout, action, user):
            raise PermissionDenied  # this role never may
        if action not in self.allowed_actions():
            messages.error(request, f"{self.fallout.number} was resolved a moment ago.")
            return HttpResponseRedirect(
                reverse("fulfillment:fallout_detail", args=[self.fallout.pk])
            )
        form = self.make_form(action, request.POST)
        if form.is_valid():
            service, message = self.ACTIONS[action]
            data = dict(form.cleaned_data)
            note = data.pop("note", "")
            extra = {"outputs": data} if action == "complete" else {}
            try:
                service(actor=user, fallout_id=self.fallout.pk, note=note, **extra)
            except DomainError as exc:
                for error in exc.errors or [exc.message]:
                    form.add_error(None, error)
            else:
                messages.success(request, message.format(task=self.fallout.task.number))
                return HttpResponseRedirect(reverse("fulfillment:fallout_queue"))
        return self.render_to_response(self.get_context_data(bound={action: form}))


class WorkOrderListView(RolePermissionMixin, ListView):
    """Field work (R20): visits to dispatch, and a technician's own visits by their window."""

    permission_required = "fulfillment.view_fieldworkorder"
    template_name = "fulfillment/work_order_list.html"
    paginate_by = 50

    def get_queryset(self):
        visits = FieldWorkOrder.objects.visible_to(self.request.user).for_list()
        data = self.request.GET
        if not data and not self.request.user.has_perm("fulfillment.change_fieldworkorder"):
            data = {"scope": "mine"}  # a technician starts with their own visits
        self.filterset = WorkOrderFilterSet(data, queryset=visits, request=self.request)
        return self.filterset.qs.order_by("window_start", "pk")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            filter=self.filterset, breadcrumbs=[("Field work", "")], **kwargs
        )


class WorkOrderDetailView(RolePermissionMixin, TemplateView):
    """The technician's phone page: where, whom to call, when; on site, then complete with
    the task's outputs. Dispatchers send a technician and confirm the window here. Each
    action posts to its own URL (``WorkOrderActionView``)."""

    permission_required = "fulfillment.view_fieldworkorder"
    template_name = "fulfillment/work_order.html"
    ACTIONS = ("dispatch", "arrive", "complete")

    def load(self, request, *args, **kwargs):
        self.visit = get_object_or_404(
            FieldWorkOrder.objects.visible_to(request.user).for_list(), pk=kwargs["pk"]
        )

    def allowed_actions(self) -> list[str]:
        """What the state machine lets this user do with the visit now."""
        return [name for name in self.ACTIONS if may_take(self.visit, name, self.request.user)]

    def make_form(self, action: str, data=None):
        if action == "dispatch":
            initial = {
                "technician": self.visit.technician_id,
                "window_start": timezone.localtime(self.visit.window_start),
                "window_end": timezone.localtime(self.visit.window_end),
            }
            technicians = self.visit.task.group.members.all()
            return WorkOrderDispatchForm(
                data, prefix=action, initial=initial, technicians=technicians
            )
        if action == "complete":
            return TaskCompleteForm(data, prefix=action, outputs=self.visit.task.required_outputs)
        return None

    def get_context_data(self, **kwargs):
        actions = self.allowed_actions()
        forms = {name: self.make_form(name) for name in actions}
        forms.update(kwargs.pop("bound", {}))
        return super().get_context_data(
            visit=self.visit,
            task=self.visit.task,
            forms=forms,
            actions=actions,
            history=history_entries(
                [
                    FieldWorkOrder.history.filter(id=self.visit.pk),
                    Task.history.filter(id=self.visit.task_id),
                ]
            ),
            breadcrumbs=[
                ("Field work", reverse("fulfillment:work_orders")),
                (self.visit.number, ""),
            ],
            **kwargs,
        )


class WorkOrderActionView(WorkOrderDetailView):
    """POST-only: dispatch, arrival or completion of a visit (``action``). 403 when it is
    not this user's to do; a stale page is told so; a form error shows the page again."""

    http_method_names = ["post"]
    action = ""

    def post(self, request, *args, **kwargs):
        action, visit = self.action, self.visit
        if not allowed(visit, action, request.user):
            raise PermissionDenied  # not this user's to do
        if action not in self.allowed_actions():
            messages.error(
                request,
                f"{visit.number} is {visit.get_state_display().lower()} "
                "now: the page was out of date.",
            )
            return HttpResponseRedirect(visit.get_absolute_url())
        form = self.make_form(action, request.POST)
        if form is None or form.is_valid():
            data = dict(form.cleaned_data) if form else {}
            try:
                message = self.act(data)
            except DomainError as exc:
                if form is None:
                    messages.error(request, exc.message)
                    return HttpResponseRedirect(visit.get_absolute_url())
                for error in exc.errors:
                    form.add_error(None, error)
            else:
                messages.success(request, message)
                return HttpResponseRedirect(visit.get_absolute_url())
        return self.render_to_response(self.get_context_data(bound={action: form}))

    def act(self, data: dict) -> str:
        user, pk = self.request.user, self.visit.pk
        if self.action == "dispatch":
            visit = services.work_order_dispatch(actor=user, work_order_id=pk, **data)
            name = visit.technician.get_full_name() or visit.technician.username
            return (
                f"{visit.number} sent to {name} for "
                f"{timezone.localtime(visit.window_start):%d %b %H:%M}."
            )
        if self.action == "arrive":
            services.work_order_arrive(actor=user, work_order_id=pk)
            return "You are on site: complete the visit when the work is done."
        services.work_order_complete(actor=user, work_order_id=pk, outputs=data)
        return f"{self.visit.number} completed; what waited for it can start."


class ProjectListView(RolePermissionMixin, ListView):
    """Special projects (R21) with their progress and next milestone."""

    permission_required = "fulfillment.view_specialproject"
    template_name = "fulfillment/project_list.html"
    paginate_by = 50

    def get_queryset(self):
        projects = SpecialProject.objects.visible_to(self.request.user).for_list()
        self.filterset = ProjectFilterSet(self.request.GET, queryset=projects, request=self.request)
        return self.filterset.qs.order_by("state", "next_due", "pk")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            filter=self.filterset, breadcrumbs=[("Projects", "")], **kwargs
        )


class ProjectDetailView(RolePermissionMixin, TemplateView):
    """One special project: milestones with their steps; its manager ticks them off."""

    permission_required = "fulfillment.view_specialproject"
    template_name = "fulfillment/project_detail.html"

    def load(self, request, *args, **kwargs):
        self.project = get_object_or_404(
            SpecialProject.objects.visible_to(request.user).for_list(), pk=kwargs["pk"]
        )

    def get_context_data(self, **kwargs):
        project, user = self.project, self.request.user
        milestones = list(project.milestones.prefetch_related("tasks__done_by"))
        may_run = project.running and user.has_perm("fulfillment.change_specialproject")
        return super().get_context_data(
            project=project,
            milestones=milestones,
            may_take=may_run and not project.manager_id,
            may_tick=may_run and project.run_by(user),
            percent=round(100 * project.done / project.steps) if project.steps else 0,
            history=history_entries(
                [
                    SpecialProject.history.filter(id=project.pk),
                    Milestone.history.filter(project_id=project.pk),
                    ProjectTask.history.filter(project_id=project.pk),
                ]
            ),
            breadcrumbs=[("Projects", reverse("fulfillment:projects")), (project.number, "")],
            **kwargs,
        )


class ProjectActionView(ActionView):
    """POST-only: an action on a special project; back to its page with the outcome."""

    permission_required = "fulfillment.change_specialproject"

    def load(self, request, *args, **kwargs):
        self.project = get_object_or_404(
            SpecialProject.objects.visible_to(request.user), pk=kwargs["pk"]
        )

    def fallback_url(self) -> str:
        return self.project.get_absolute_url()


class ProjectTakeView(ProjectActionView):
    """A project manager takes charge of the project."""

    def act(self, request):
        services.project_take(actor=request.user, project_id=self.project.pk)
        return f"You run {self.project.number} now.", self.fallback_url()


class ProjectStepDoneView(ProjectActionView):
    """R21: tick off one step (``task``, with an optional ``note``) of the project."""

    def act(self, request):
        step = ProjectTask.objects.filter(
            pk=parse_id(request.POST.get("task")), project=self.project
        ).first()
        if step is None:
            raise DomainError("That step is not part of this project; reload the page.")
        services.project_task_done(
            actor=request.user,
            task_id=step.pk,
            note=clean_text(request.POST.get("note", ""), label="note"),
        )
        return f"Done: {step}.", self.fallback_url()


class OrderFulfillmentStartView(ActionView):
    """R20: make the sub flows and tasks of an approved, decomposed order."""

    permission_required = "fulfillment.add_subflow"

    def load(self, request, *args, **kwargs):
        self.order = get_object_or_404(Order.objects.visible_to(request.user), pk=kwargs["pk"])

    def fallback_url(self) -> str:
        return self.order.get_absolute_url()

    def act(self, request):
        form = StartFulfillmentForm(request.POST, sites=staggering.order_sites(self.order.pk))
        if not form.is_valid():
            raise DomainError(" ".join(e for errors in form.errors.values() for e in errors))
        data = form.cleaned_data
        flows = staggering.order_fulfillment_start_staggered(
            actor=request.user,
            order_id=self.order.pk,
            mode=data["mode"],
            per_wave=data.get("per_wave"),
            dates=data["dates"],
        )
        waves = self.order.waves.count()
        return (
            f"Fulfillment of {self.order.number} started: {len(flows)} sub flow(s)"
            + (f" in {waves} waves" if waves else "")
            + "; the first tasks are in their groups' queues.",
            # Back to the order, at its work: the order manager follows the order, not a queue.
            f"{self.order.get_absolute_url()}#fulfillment",
        )


class OrderWaveReleaseView(ActionView):
    """Staggered fulfillment: the order manager releases the next wave now."""

    permission_required = "fulfillment.add_subflow"

    def load(self, request, *args, **kwargs):
        self.order = get_object_or_404(Order.objects.visible_to(request.user), pk=kwargs["pk"])

    def fallback_url(self) -> str:
        return self.order.get_absolute_url() + "#fulfillment"

    def act(self, request):
        wave = staggering.wave_release_next(actor=request.user, order_id=self.order.pk)
        return (
            f"Wave {wave.position} of {self.order.number} released: its sites' first "
            "tasks are in their groups' queues.",
            self.fallback_url(),
        )


class TraceView(RolePermissionMixin, TemplateView):
    """R28: the whole chain of a deal from any of its records, both ways. The record's own
    view permission decides (403); a record outside the user's view, or an unknown kind, is
    404."""

    template_name = "fulfillment/trace.html"

    def get_permission_required(self):
        kind = trace.KINDS.get(self.kwargs["kind"])
        if kind is None:
            raise Http404("No such kind of record.")
        return (kind.permission,)

    def load(self, request, *args, **kwargs):
        self.record = get_object_or_404(
            trace.visible(kwargs["kind"], request.user), pk=kwargs["pk"]
        )

    def get_context_data(self, **kwargs):
        chain = trace.trace_build(self.kwargs["kind"], self.record, self.request.user)
        start = chain.start_node
        return super().get_context_data(
            trace=chain,
            number=start.number,
            breadcrumbs=[(start.number, start.url), ("Trace", "")],
            **kwargs,
        )
