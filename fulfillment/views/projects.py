"""Special projects (R21): the list with progress and next milestone, a project's page with
its milestones and steps, and its manager's actions (take it, tick a step off)."""

from telcrm.cleaning import clean_text, parse_id
from telcrm.fsm import DomainError
from telcrm.views import RecordActionView, RecordDetailView, RecordListView

from .. import services
from ..filters import ProjectFilterSet
from ..models import Milestone, ProjectTask, SpecialProject


class ProjectListView(RecordListView):
    model = SpecialProject
    filterset_class = ProjectFilterSet
    template_name = "fulfillment/project_list.html"
    ordering = ("state", "next_due", "pk")
    paginate_by = 50
    title = "Projects"
    filter_layout = (("scope", "col-6 col-md-3"), ("state", "col-6 col-md-3"))
    filter_buttons = "col-md-3"

    def visible(self):
        return super().visible().for_list()


class ProjectDetailView(RecordDetailView):
    """One special project: milestones with their steps; its manager ticks them off."""

    model = SpecialProject
    context_object_name = "project"
    template_name = "fulfillment/project_detail.html"
    list_title = "Projects"
    list_url = "fulfillment:projects"

    def visible(self):
        return super().visible().for_list()

    def history_querysets(self, obj):
        return [
            SpecialProject.history.filter(id=obj.pk),
            Milestone.history.filter(project_id=obj.pk),
            ProjectTask.history.filter(project_id=obj.pk),
        ]

    def get_context_data(self, **kwargs):
        project, user = self.object, self.request.user
        may_run = project.running and user.has_perm("fulfillment.change_specialproject")
        return super().get_context_data(
            milestones=list(project.milestones.prefetch_related("tasks__done_by")),
            may_take=may_run and not project.manager_id,
            may_tick=may_run and project.run_by(user),
            percent=round(100 * project.done / project.steps) if project.steps else 0,
            **kwargs,
        )


class ProjectActionView(RecordActionView):
    """POST-only: an action on a special project; back to its page with the outcome."""

    model = SpecialProject
    record_name = "project"
    permission_required = "fulfillment.change_specialproject"


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
