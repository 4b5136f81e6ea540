"""Change requests and incidents (R26): lists, pages with their transitions, raising one
from a configuration item, and reworking a change's plan before approval."""

from django.contrib import messages
from django.db.models import F
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.views.generic import FormView

from telcrm.cleaning import parse_id
from telcrm.views import FormPageMixin, RecordDetailView, RecordListView, RolePermissionMixin

from .. import services
from ..filters import ChangeRequestFilterSet, IncidentFilterSet
from ..forms import ChangeRequestForm, IncidentForm
from ..models import ChangeRequest, Incident
from ..services.operations import EDITABLE_CHANGE_STATES


def changes_for(user):
    return ChangeRequest.objects.visible_to(user).select_related(
        "item__account", "item__site", "requested_by", "approved_by"
    )


def incidents_for(user):
    return Incident.objects.visible_to(user).select_related(
        "item__account", "item__site", "reported_by", "assignee"
    )


class ChangeListView(RecordListView):
    model = ChangeRequest
    filterset_class = ChangeRequestFilterSet
    template_name = "cmdb/change_list.html"
    ordering = ("-created_at", "-pk")
    paginate_by = 50
    title = "Changes"
    filter_layout = ("state", "risk", ("q", "col-12 col-md-5"))
    filter_buttons = "col-md-3"
    records_for = staticmethod(changes_for)


class ChangeDetailView(RecordDetailView):
    model = ChangeRequest
    template_name = "cmdb/change_detail.html"
    context_object_name = "change"
    list_title, list_url = "Changes", "cmdb:change_list"
    records_for = staticmethod(changes_for)

    def get_context_data(self, **kwargs):
        editable = self.object.state in EDITABLE_CHANGE_STATES and self.request.user.has_perm(
            "cmdb.change_changerequest"
        )
        return super().get_context_data(editable=editable, **kwargs)


class ChangeCreateView(RolePermissionMixin, FormPageMixin, FormView):
    """A new change request, from an item's page (``?item=<pk>``) or chosen here."""

    permission_required = "cmdb.add_changerequest"
    form_class = ChangeRequestForm
    title = "New change request"
    submit_label = "Create change request"

    def get_cancel_url(self):
        return reverse("cmdb:change_list")

    def get_breadcrumbs(self):
        return [("Changes", reverse("cmdb:change_list")), (self.title, "")]

    def get_initial(self):
        item = parse_id(self.request.GET.get("item"))
        return {"item": item} if item else {}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "instance": ChangeRequest()}

    def save(self, form):
        data = form.cleaned_data
        return services.change_request_create(
            actor=self.request.user,
            item_id=data["item"].pk,
            title=data["title"],
            description=data["description"],
            risk=data["risk"],
            planned_start=data.get("planned_start"),
            planned_end=data.get("planned_end"),
        )

    def success_message(self, obj):
        return f"Raised {obj.number} as a draft: submit it for assessment when it is ready."


class ChangeEditView(RolePermissionMixin, FormPageMixin, FormView):
    """The plan of a change (window, risk, description) while drafted or in assessment; an
    approved change's window only."""

    permission_required = "cmdb.change_changerequest"
    form_class = ChangeRequestForm

    def load(self, request, *args, **kwargs):
        self.change = get_object_or_404(changes_for(request.user), pk=kwargs["pk"])

    def get(self, request, *args, **kwargs):
        if self.change.state not in EDITABLE_CHANGE_STATES:
            state = self.change.get_state_display().lower()
            messages.error(request, f"{self.change.number} is {state}: its plan is fixed.")
            return HttpResponseRedirect(self.change.get_absolute_url())
        return super().get(request, *args, **kwargs)

    def get_title(self):
        return f"Edit {self.change}"

    def get_cancel_url(self):
        return self.change.get_absolute_url()

    def get_breadcrumbs(self):
        return [
            ("Changes", reverse("cmdb:change_list")),
            (self.change.number, self.change.get_absolute_url()),
            ("Edit", ""),
        ]

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "instance": self.change}

    def save(self, form):
        data = form.cleaned_data
        return services.change_request_update(
            actor=self.request.user,
            change_id=self.change.pk,
            description=data["description"],
            risk=data["risk"],
            planned_start=data.get("planned_start"),
            planned_end=data.get("planned_end"),
            version=data.get("version", ""),
        )


class IncidentListView(RecordListView):
    model = Incident
    filterset_class = IncidentFilterSet
    template_name = "cmdb/incident_list.html"
    # Soonest due first, so breached ones lead; those without an SLA after them.
    ordering = (F("due_at").asc(nulls_last=True), "priority", "-reported_at", "-pk")
    paginate_by = 50
    title = "Incidents"
    filter_layout = ("state", "priority", "breached", ("q", "col-6 col-md-3"))
    filter_buttons = "col-md-3"
    records_for = staticmethod(incidents_for)


class IncidentDetailView(RecordDetailView):
    model = Incident
    template_name = "cmdb/incident_detail.html"
    list_title, list_url = "Incidents", "cmdb:incident_list"
    records_for = staticmethod(incidents_for)


class IncidentCreateView(RolePermissionMixin, FormPageMixin, FormView):
    """Report an incident, from an item's page (``?item=<pk>``) or chosen here."""

    permission_required = "cmdb.add_incident"
    form_class = IncidentForm
    title = "Report an incident"
    submit_label = "Report incident"

    def get_cancel_url(self):
        return reverse("cmdb:incident_list")

    def get_breadcrumbs(self):
        return [("Incidents", reverse("cmdb:incident_list")), (self.title, "")]

    def get_initial(self):
        item = parse_id(self.request.GET.get("item"))
        return {"item": item} if item else {}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "instance": Incident()}

    def save(self, form):
        data = form.cleaned_data
        return services.incident_create(
            actor=self.request.user,
            item_id=data["item"].pk,
            priority=data["priority"],
            title=data["title"],
            description=data["description"],
        )

    def success_message(self, obj):
        if obj.due_at is None:
            return f"Reported {obj.number}. No SLA applies to {obj.item.number}."
        due = timezone.localtime(obj.due_at)
        return f"Reported {obj.number}: service must be restored by {due:%d %b %H:%M}."
