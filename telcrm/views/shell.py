"""The pages of the UI shell: the home page of one's own work and the audit log."""

import functools

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.mixins import UserPassesTestMixin
from django.views.generic import TemplateView
from simple_history.models import registered_models

from ..audit import entries_for_keys, history_keys
from ..cleaning import CleanForm
from ..models import AuditChainCheck
from ..querysets import FlatPaginator
from ..ui import HOME_PANELS
from ..widgets import DateInput


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


@functools.cache
def audited_models() -> dict[str, type]:
    """Every business model with history, from our own apps, and the users (their roles,
    activation, password changes), keyed by ``app.model``. Read once: simple-history builds
    a new manager class each time ``Model.history`` is touched (60 models: 25 ms a page)."""
    ours = {"telcrm", *settings.TELCRM_APPS}
    found = {
        model._meta.label_lower: model
        for model in registered_models.values()
        if (model._meta.app_label in ours or model is get_user_model())
        and hasattr(model, "history")
    }
    return dict(sorted(found.items()))


@functools.cache
def history_model(model: type) -> type:
    """The model that holds ``model``'s history rows."""
    return model.history.model


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
                keys = history_keys(
                    [history_model(model)._default_manager.filter(**filters) for model in chosen]
                )
                paginator = FlatPaginator(keys, self.paginate_by)
                page_obj = paginator.get_page(self.request.GET.get("page"))
                entries = entries_for_keys(page_obj.object_list)
        context.update(
            form=form,
            entries=entries,
            page_obj=page_obj,
            chain=chain_status(),
            breadcrumbs=[("Audit log", "")],
        )
        return context


def chain_status() -> dict:
    """What the last verification of the history chains found (one query): the time it ran,
    the newest change it verified, and the first broken link if any. Never verifies here:
    that reads every history row."""
    checks = list(AuditChainCheck.objects.all())
    if not checks:
        return {}
    broken = [c for c in checks if c.broken_history_id is not None]
    first = min(broken, key=lambda c: (c.broken_at is None, c.broken_at)) if broken else None
    verified = [c.verified_up_to for c in checks if c.verified_up_to]
    kinds = audited_models()
    return {
        "checked_at": max(c.checked_at for c in checks),
        "verified_up_to": max(verified) if verified else None,
        "unhashed": sum(c.unhashed for c in checks),
        "broken": first,
        "broken_kind": (
            str(kinds[first.kind]._meta.verbose_name).capitalize()
            if first and first.kind in kinds
            else (first.kind if first else "")
        ),
        "broken_count": len(broken),
    }
