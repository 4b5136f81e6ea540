"""The generic pages of a record type, which every app's views build on: its list, its page,
its create/edit form, one POST URL per transition and one per action.

Each reads the records through the model's ``visible_to`` (a hidden record is a 404), after
the role's permission (a 403), so every page answers in the same order.
"""

from collections.abc import Callable, Sequence
from typing import Any

from crispy_forms.helper import FormHelper
from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.forms import BoundField, Form
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.generic import DetailView, FormView, ListView

from ..audit import history_entries
from ..cleaning import clean_text, parse_id
from ..fsm import DomainError, allowed, may_take, user_may
from ..querysets import FlatPaginator
from ..ui import record_panels


def model_permission(model: type[Model], action: str) -> str:
    """``app.<action>_<model>``, e.g. ``sales.view_account``."""
    return f"{model._meta.app_label}.{action}_{model._meta.model_name}"


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


class VisibleRecordsMixin:
    """The records of ``model`` that the user may see: ``records_for(user)`` when the app
    has a function that reads them with what its pages need (``orders_for``), else the
    model's ``visible_to``."""

    model: type[Model] | None = None
    records_for: Callable[..., QuerySet] | None = None

    def visible(self) -> QuerySet:
        """The records the user may see, as this page reads them."""
        if self.records_for is not None:
            return self.records_for(self.request.user)
        return self.model.objects.visible_to(self.request.user)


class RecordMixin(VisibleRecordsMixin, RolePermissionMixin):
    """A page about the records of ``model`` that the user may see; viewing them needs the
    model's view permission unless ``permission_required`` names another."""

    def get_permission_required(self):
        if self.permission_required is None:
            return (model_permission(self.model, "view"),)
        return super().get_permission_required()


def safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


# Lists -------------------------------------------------------------------------------------

FILTER_COLUMN = "col-6 col-md-2"
# The filters of a list of owned records (``telcrm.filters.ScopeFilterSet`` with a state).
SCOPED_FILTERS = (("q", "col-md-3"), "scope", "state", "owner", ("team", "col-6 col-md-1"))


class FilterBar:
    """The filter form above a list (``partials/filter_bar.html``): its fields in ``layout``
    order, each a name or a ``(name, column classes)`` pair (plain names get
    ``FILTER_COLUMN``), then the Filter and Reset buttons in a ``buttons`` column."""

    def __init__(self, form: Form, layout: Sequence, buttons: str = "col-md-2", testid=""):
        self.form = form
        self.layout = layout
        self.buttons = buttons
        self.testid = testid

    @property
    def fields(self) -> list[tuple[BoundField, str]]:
        columns = [(e, FILTER_COLUMN) if isinstance(e, str) else e for e in self.layout]
        return [(self.form[name], css) for name, css in columns]


class RecordListView(RecordMixin, ListView):
    """A record type's list: the visible records through ``filterset_class``, in
    ``ordering``, paged, under the shared filter bar (``filter_layout``)."""

    filterset_class = None
    ordering: Sequence[Any] = ("-pk",)
    paginate_by = 25
    paginator_class = FlatPaginator
    title = ""
    filter_layout: Sequence = ("q",)
    filter_buttons = "col-md-2"
    filter_testid = ""

    def filter_data(self):
        """What the list is filtered by: the query string, unless a page starts elsewhere."""
        return self.request.GET

    def get_queryset(self):
        self.filterset = self.filterset_class(
            self.filter_data(), queryset=self.visible(), request=self.request
        )
        return self.filterset.qs.order_by(*self.ordering)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            filter=self.filterset,
            filter_bar=FilterBar(
                self.filterset.form, self.filter_layout, self.filter_buttons, self.filter_testid
            ),
            breadcrumbs=[(self.title, "")],
            **kwargs,
        )


# Record pages ------------------------------------------------------------------------------


class RecordDetailView(RecordMixin, DetailView):
    """A record's page: the visible record, its history (``history_querysets``), its
    breadcrumbs under its list (``list_title``, ``list_url``), and, with ``panels``, the
    panels other apps register for it (``telcrm.ui.record_panels``)."""

    list_title = ""
    list_url = ""
    panels = False
    history_limit: int | None = None

    def get_queryset(self):
        return self.visible()

    def history_querysets(self, obj) -> list[QuerySet]:
        """The history rows shown on the page: the record's own, by default."""
        return [type(obj).history.filter(id=obj.pk)]

    def crumb(self, obj) -> str:
        return obj.number

    def get_breadcrumbs(self, obj) -> list[tuple[str, str]]:
        return [(self.list_title, reverse(self.list_url)), (self.crumb(obj), "")]

    def get_context_data(self, **kwargs):
        obj = self.object
        limit = {} if self.history_limit is None else {"limit": self.history_limit}
        context = {
            "history": history_entries(self.history_querysets(obj), **limit),
            "breadcrumbs": self.get_breadcrumbs(obj),
        }
        if self.panels:
            context["panels"] = record_panels(self.request, obj)
        return super().get_context_data(**context, **kwargs)


class ActionFormsMixin:
    """A record page that offers a small form per transition the user may take now
    (``actions``; ``make_form`` builds each, or returns ``None`` for a plain button), each
    posted to its own URL by the page's ``ActionFormPostView``. The page's context gets
    ``forms`` ({name: form}) and ``actions`` (the names)."""

    actions: Sequence[str] = ()

    def allowed_actions(self) -> list[str]:
        """The transitions the state machine lets this user take on the record now."""
        return [name for name in self.actions if may_take(self.object, name, self.request.user)]

    def make_form(self, action: str, data=None) -> Form | None:
        return None

    def get_context_data(self, **kwargs):
        actions = self.allowed_actions()
        forms = {name: self.make_form(name) for name in actions}
        forms.update(kwargs.pop("bound", {}))
        return super().get_context_data(forms=forms, actions=actions, **kwargs)


class ActionFormPostView(ActionFormsMixin):
    """POST-only, on a page with ``ActionFormsMixin``: one transition (``action``) with its
    form. 403 when the user may never take it on this record; a page that is out of date is
    told so; a form error (or the service's refusal) shows the page again with the form."""

    http_method_names = ["post"]
    action = ""

    def may_ever(self, action: str) -> bool:
        return allowed(self.object, action, self.request.user)

    def stale_message(self) -> str:
        state = self.object.get_state_display().lower()
        return f"{self.object.number} is {state} now: the page was out of date."

    def act(self, data: dict) -> tuple[str, str]:
        """Run the action's service; return the success message and where to go next."""
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        self.object = obj = self.get_object()
        action = self.action
        if not self.may_ever(action):
            raise PermissionDenied  # this user never may
        if action not in self.allowed_actions():
            messages.error(request, self.stale_message())
            return HttpResponseRedirect(obj.get_absolute_url())
        form = self.make_form(action, request.POST)
        if form is None or form.is_valid():
            try:
                message, url = self.act(dict(form.cleaned_data) if form else {})
            except DomainError as exc:
                if form is None:
                    messages.error(request, exc.message)
                    return HttpResponseRedirect(obj.get_absolute_url())
                for error in exc.errors:
                    form.add_error(None, error)
            else:
                messages.success(request, message)
                return HttpResponseRedirect(url)
        return self.render_to_response(self.get_context_data(object=obj, bound={action: form}))


# Form pages --------------------------------------------------------------------------------


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


class RecordFormView(RecordMixin, FormPageMixin, FormView):
    """Create a record of ``model`` (no ``pk`` in the URL) or edit a visible one, through
    ``service(actor=, <record_arg>=form.instance, version=)``: an edit carries the version it
    started from, so a save over someone else's newer one is refused (R31).

    Needs the model's add or change permission; the page sits under ``list_url``. With
    ``form_user`` the form is given the user (for the choices it offers), and
    ``initial_ids`` are ids the form may be opened with (``?account=<pk>``).
    """

    service: Callable | None = None
    record_arg = ""
    list_title = ""
    list_url = ""
    form_user = True
    initial_ids: Sequence[str] = ()

    def get_permission_required(self):
        if self.permission_required is None:
            action = "change" if "pk" in self.kwargs else "add"
            return (model_permission(self.model, action),)
        return super().get_permission_required()

    def load(self, request, *args, **kwargs):
        self.record = self.model()
        if "pk" in kwargs:
            self.record = get_object_or_404(self.visible(), pk=kwargs["pk"])

    def get_title(self):
        if self.record.pk:
            return f"Edit {self.record}"
        return self.title or f"New {self.model._meta.verbose_name}"

    def get_cancel_url(self):
        return self.record.get_absolute_url() if self.record.pk else reverse(self.list_url)

    def get_breadcrumbs(self):
        return [(self.list_title, reverse(self.list_url)), (self.get_title(), "")]

    def get_initial(self):
        initial = super().get_initial()
        for name in self.initial_ids:
            value = parse_id(self.request.GET.get(name))
            if value:
                initial[name] = value
        return initial

    def get_form_kwargs(self):
        kwargs = {**super().get_form_kwargs(), "instance": self.record}
        if self.form_user:
            kwargs["user"] = self.request.user
        return kwargs

    def save(self, form):
        return self.service(
            actor=self.request.user,
            **{self.record_arg: form.instance},
            version=form.cleaned_data.get("version", ""),
        )


# POST-only URLs ----------------------------------------------------------------------------


class TransitionView(RecordMixin, View):
    """POST-only: run one named transition of a visible record through the app's service,
    then go back. Configured, not subclassed (see ``telcrm.views.routes.Transitions``):

    - ``model``, ``transition_name`` and ``field`` (the state field);
    - ``service``: called as ``service(actor=, <id_arg>=pk, name=, [<reason_arg>=reason])``
      for any transition, or ``services``: ``{name: service(actor=, <id_arg>=pk)}`` for a
      transition with a service of its own;
    - ``permission_required``: the model's view permission unless given.

    404 when the record is outside the user's view, 403 when their role may never take this
    transition, and a message naming the reason when the state or a condition forbids it.
    """

    http_method_names = ["post"]
    transition_name = ""
    field = "state"
    service: Callable | None = None
    services: dict[str, Callable] = {}
    id_arg = "pk"
    reason_arg: str | None = None

    def run(self, obj):
        own = self.services.get(self.transition_name)
        if own is not None:
            return own(actor=self.request.user, **{self.id_arg: obj.pk})
        data = {self.id_arg: obj.pk, "name": self.transition_name}
        if self.reason_arg:
            data[self.reason_arg] = self.reason()
        return self.service(actor=self.request.user, **data)

    def reason(self) -> str:
        """The reason posted with the transition, refused with a message when it holds a
        NUL character or broken Unicode (R30)."""
        return clean_text(self.request.POST.get("reason", ""), label="reason")

    def has_permission(self) -> bool:
        return super().has_permission() and user_may(
            self.model, self.transition_name, self.request.user, self.field
        )

    def post(self, request, pk: int):
        obj = get_object_or_404(self.visible(), pk=pk)
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


class RecordActionView(VisibleRecordsMixin, ActionView):
    """An action on one record the user may see (a 404 otherwise), kept as
    ``self.<record_name>``; a refusal goes back to its page, at ``fallback_anchor``."""

    record_name = ""
    fallback_anchor = ""

    def load(self, request, *args, **kwargs):
        setattr(self, self.record_name, get_object_or_404(self.visible(), pk=kwargs["pk"]))

    def fallback_url(self) -> str:
        return getattr(self, self.record_name).get_absolute_url() + self.fallback_anchor
