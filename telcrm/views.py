"""Views of the UI shell, and the base classes every app's views build on."""

from crispy_forms.helper import FormHelper
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.mixins import PermissionRequiredMixin, UserPassesTestMixin
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.generic import TemplateView
from simple_history.models import registered_models

from .audit import entries_for_keys, history_keys
from .cleaning import CleanForm, clean_text
from .fsm import DomainError, user_may
from .ui import HOME_PANELS
from .widgets import DateInput


class HomeView(TemplateView):
    """The signed-in user's own work: each app contributes panels (see ``telcrm.ui``)."""

    template_name = "home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        panels = []
        for panel in HOME_PANELS:
            panel_context = panel.context(self.request)
            if panel_context is not None:
                panels.append((panel.template, panel_context))
        context["panels"] = panels
        return context


class RolePermissionMixin(PermissionRequiredMixin):
    """403 for a signed-in user whose role lacks the permission (login is enforced earlier
    by LoginRequiredMiddleware, so anonymous users are redirected to the login page).

    The role is checked before any record is looked up, so the answers are always in the
    same order: login, then role (403), then the record's visibility (404) in ``load``.
    """

    raise_exception = True

    def dispatch(self, request, *args, **kwargs):
        if not self.has_permission():
            return self.handle_no_permission()
        self.load(request, *args, **kwargs)
        return super(PermissionRequiredMixin, self).dispatch(request, *args, **kwargs)

    def load(self, request, *args, **kwargs) -> None:
        """Fetch the records the view works on through ``visible_to`` (404 if hidden)."""


def safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


class FormPageMixin:
    """Shared bits of the create/edit pages: title, cancel link, domain errors on the form."""

    template_name = "partials/form_page.html"
    title = ""
    submit_label = "Save"

    def get_cancel_url(self):
        """Back where the user came from (``next``), or home."""
        return safe_next(self.request, reverse("home"))

    def get_form(self, form_class=None):
        """The page wraps the form in its own <form> tag: a form without a crispy helper
        would render a second, nested one and leave the submit button outside it."""
        form = super().get_form(form_class)
        if not hasattr(form, "helper"):
            form.helper = FormHelper()
            form.helper.form_tag = False
            form.helper.disable_csrf = True
        return form

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            title=self.get_title(),
            submit_label=self.submit_label,
            cancel_url=self.get_cancel_url(),
            breadcrumbs=self.get_breadcrumbs(),
        )
        return context

    def get_title(self):
        return self.title

    def get_breadcrumbs(self):
        return [(self.get_title(), "")]

    def form_valid(self, form):
        try:
            obj = self.save(form)
        except DomainError as exc:
            for error in exc.errors:
                form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message(obj))
        return HttpResponseRedirect(self.get_success_url_for(obj))

    def success_message(self, obj):
        return f"Saved {obj}."

    def get_success_url_for(self, obj):
        return obj.get_absolute_url()


class TransitionView(RolePermissionMixin, View):
    """POST-only: run one named transition through the app's service, then go back.

    404 when the record is outside the user's view, 403 when their role may never take this
    transition, and a message naming the reason when the state or a condition forbids it.
    """

    http_method_names = ["post"]
    model = None
    transition_name = ""
    field = "state"

    def get_queryset(self):
        return self.model.objects.visible_to(self.request.user)

    def run(self, obj):
        raise NotImplementedError

    def reason(self) -> str:
        """The reason posted with the transition, refused with a message when it holds a
        NUL character or broken Unicode (R30)."""
        return clean_text(self.request.POST.get("reason", ""), label="reason")

    def has_permission(self) -> bool:
        return super().has_permission() and user_may(
            self.model, self.transition_name, self.request.user, self.field
        )

    def post(self, request, pk: int):
        obj = get_object_or_404(self.get_queryset(), pk=pk)
        try:
            obj = self.run(obj)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            state = getattr(obj, f"get_{self.field}_display")()
            messages.success(request, f"{obj}: {state.lower()}.")
        return HttpResponseRedirect(safe_next(request, obj.get_absolute_url()))


class ActionView(RolePermissionMixin, View):
    """POST-only: one business action through its service, then on to ``act``'s URL with its
    message, or back to ``fallback_url`` with the reason the service refused."""

    http_method_names = ["post"]

    def act(self, request) -> tuple[str, str]:
        """Run the action; return the success message and where to go next."""
        raise NotImplementedError

    def fallback_url(self) -> str:
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        try:
            message, url = self.act(request)
        except DomainError as exc:
            messages.error(request, exc.message)
            return HttpResponseRedirect(self.fallback_url())
        messages.success(request, message)
        return HttpResponseRedirect(url)


class AuditLogForm(CleanForm):
    kind = forms.ChoiceField(required=False, label="Record type")
    record = forms.CharField(
        required=False,
        max_length=30,
        label="Record number",
        widget=forms.TextInput(attrs={"placeholder": "ORD-000003"}),
    )
    user = forms.CharField(required=False, label="Changed by (username)")
    date_from = forms.DateField(required=False, label="From", widget=DateInput())
    date_to = forms.DateField(required=False, label="To", widget=DateInput())

    def __init__(self, *args, models_by_label, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "All records")] + [
            (label, str(model._meta.verbose_name).capitalize())
            for label, model in models_by_label.items()
        ]

    def clean_record(self) -> str:
        return self.cleaned_data["record"].strip().upper()

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError("“From” must not be after “To”.")
        return data


def audited_models() -> dict[str, type]:
    """Every business model with history, from our own apps, and the users (their roles,
    activation, password changes), keyed by ``app.model``."""
    ours = {"telcrm", *settings.TELCRM_APPS}
    found = {
        model._meta.label_lower: model
        for model in registered_models.values()
        if (model._meta.app_label in ours or model is get_user_model())
        and hasattr(model, "history")
    }
    return dict(sorted(found.items()))


def has_number(model: type) -> bool:
    return any(f.name == "number" for f in model._meta.concrete_fields)


class AuditLogView(UserPassesTestMixin, TemplateView):
    """One searchable log of every change to every business record (R27), for administrators,
    paged like every list: the page costs the same few queries whatever the number of rows."""

    template_name = "audit_log.html"
    raise_exception = True
    paginate_by = 50

    def test_func(self):
        return self.request.user.is_staff

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        models_by_label = audited_models()
        form = AuditLogForm(self.request.GET or None, models_by_label=models_by_label)
        entries, page_obj = [], None
        if not form.is_bound or form.is_valid():
            data = form.cleaned_data if form.is_bound else {}
            chosen = (
                [models_by_label[data["kind"]]] if data.get("kind") else models_by_label.values()
            )
            filters = {}
            if data.get("record"):
                # A record number (ORD-000003, CI-000012): only models with numbers have it.
                chosen = [model for model in chosen if has_number(model)]
                filters["number__iexact"] = data["record"]
            if data.get("user"):
                filters["history_user__username__iexact"] = data["user"].strip()
            if data.get("date_from"):
                filters["history_date__date__gte"] = data["date_from"]
            if data.get("date_to"):
                filters["history_date__date__lte"] = data["date_to"]
            if chosen:
                keys = history_keys([model.history.filter(**filters) for model in chosen])
                paginator = Paginator(keys, self.paginate_by)
                page_obj = paginator.get_page(self.request.GET.get("page"))
                entries = entries_for_keys(page_obj.object_list)
        context.update(
            form=form, entries=entries, page_obj=page_obj, breadcrumbs=[("Audit log", "")]
        )
        return context
