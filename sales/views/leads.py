"""Leads, opportunities and the pipeline board."""

from collections import defaultdict
from decimal import Decimal

from django.contrib import messages
from django.db import connections
from django.db.models import (
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    Q,
    Sum,
    Value,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber, TruncMonth
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views import View
from django.views.generic import FormView, TemplateView

from telcrm.fsm import DomainError, transition_options
from telcrm.querysets import count_of
from telcrm.views import (
    FilterBar,
    FormPageMixin,
    RecordDetailView,
    RecordFormView,
    RecordListView,
    RolePermissionMixin,
)

from .. import services
from ..choices import OPEN_STAGES, Stage
from ..filters import LeadFilterSet, OpportunityFilterSet
from ..forms import (
    ConvertLeadForm,
    LeadForm,
    LeadLineFormSet,
    OpportunityForm,
    OpportunityLineForm,
)
from ..models import Account, Contact, Lead, LeadLine, Opportunity, OpportunityLine
from ..querysets import line_estimate


def possible_duplicates(lead: Lead, user) -> list[tuple[object, str]]:
    """Leads and accounts whose company name or e-mail matches this lead's, with a word on
    what each is."""
    name = lead.company_name.strip()
    email = (lead.contact_email or "").strip()
    match = Q(company_name__iexact=name)
    if email:
        match |= Q(contact_email__iexact=email)
    leads = Lead.objects.visible_to(user).filter(match).exclude(pk=lead.pk)[:5]
    # The two ways an account matches, each read from its own index and joined with UNION:
    # an OR of the two made PostgreSQL walk every account (220 ms at 100,000).
    matching = Account.objects.filter(name__iexact=name).values("pk")
    if email:
        matching = matching.union(Contact.objects.filter(email__iexact=email).values("account_id"))
    accounts = Account.objects.visible_to(user).filter(pk__in=matching)[:5]
    return [(lead, f"lead, {lead.get_state_display().lower()}") for lead in leads] + [
        (account, "account") for account in accounts
    ]


# Leads -------------------------------------------------------------------------------------


class LeadListView(RecordListView):
    model = Lead
    filterset_class = LeadFilterSet
    template_name = "sales/lead_list.html"
    ordering = ("-created_at", "-pk")
    title = "Leads"
    filter_layout = (
        ("q", "col-md-3"),
        "scope",
        "state",
        "source",
        ("owner", "col-6 col-md-3"),
        "team",
        "created_after",
        "created_before",
    )
    filter_buttons = "col-md-3"

    def visible(self):
        qs = super().visible().select_related("owner", "team")
        return qs.annotate(line_count=count_of(LeadLine.objects.all(), "lead"))


class LeadFormView(RolePermissionMixin, FormPageMixin, FormView):
    """Create or edit a lead with its lines; warns about possible duplicates first."""

    form_class = LeadForm
    template_name = "sales/lead_form.html"

    def get_permission_required(self):
        return ["sales.change_lead" if "pk" in self.kwargs else "sales.add_lead"]

    def load(self, request, *args, **kwargs):
        self.lead = Lead()
        if "pk" in kwargs:
            self.lead = get_object_or_404(Lead.objects.visible_to(request.user), pk=kwargs["pk"])

    def get_title(self):
        return f"Edit {self.lead}" if self.lead.pk else "New lead"

    def get_cancel_url(self):
        return self.lead.get_absolute_url() if self.lead.pk else reverse("sales:lead_list")

    def get_breadcrumbs(self):
        return [("Leads", reverse("sales:lead_list")), (self.get_title(), "")]

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "instance": self.lead}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("lines", self.get_formset())
        return context

    def get_formset(self):
        data = self.request.POST if self.request.method == "POST" else None
        return LeadLineFormSet(data, instance=self.lead, prefix="lines")

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        lines = self.get_formset()
        if not (form.is_valid() and lines.is_valid()):
            return self.render_to_response(self.get_context_data(form=form, lines=lines))
        duplicates = [] if self.lead.pk else possible_duplicates(form.instance, request.user)
        if duplicates and not form.cleaned_data.get("confirm_duplicate"):
            form.data = form.data.copy()
            form.data["confirm_duplicate"] = "on"
            return self.render_to_response(
                self.get_context_data(form=form, lines=lines, duplicates=duplicates)
            )
        keep, removed = [], []
        for line_form in lines.forms:
            if line_form in lines.deleted_forms:
                if line_form.instance.pk:
                    removed.append(line_form.instance)
            elif line_form.has_changed():
                line = line_form.instance
                line.characteristics = line_form.cleaned_data.get("characteristics") or {}
                keep.append(line)
        try:
            lead = services.lead_save(
                actor=request.user,
                lead=form.instance,
                lines=keep,
                removed=removed,
                version=form.cleaned_data.get("version", ""),
            )
        except DomainError as exc:
            for error in exc.errors:
                form.add_error(None, error)
            return self.render_to_response(self.get_context_data(form=form, lines=lines))
        messages.success(request, f"Saved {lead}.")
        return HttpResponseRedirect(lead.get_absolute_url())


class LeadDetailView(RecordDetailView):
    model = Lead
    template_name = "sales/lead_detail.html"
    list_title, list_url = "Leads", "sales:lead_list"

    def visible(self):
        return super().visible().select_related("owner", "team", "opportunity")

    def history_querysets(self, lead):
        return [Lead.history.filter(id=lead.pk), LeadLine.history.filter(lead_id=lead.pk)]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        lead = self.object
        lines = list(lead.lines.select_related("offering"))
        context.update(
            lines=lines,
            total=sum((line.estimate for line in lines), Decimal("0")),
            duplicates=possible_duplicates(lead, self.request.user),
        )
        return context


class LeadConvertView(RolePermissionMixin, FormView):
    """R3: one step from a qualified lead to an opportunity on an account."""

    permission_required = "sales.add_opportunity"
    template_name = "sales/lead_convert.html"
    form_class = ConvertLeadForm

    def load(self, request, *args, **kwargs):
        self.lead = get_object_or_404(Lead.objects.visible_to(request.user), pk=kwargs["pk"])

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        return {"name": self.lead.company_name}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            lead=self.lead,
            lines=list(self.lead.lines.select_related("offering")),
            breadcrumbs=[
                ("Leads", reverse("sales:lead_list")),
                (self.lead.number, self.lead.get_absolute_url()),
                ("Convert", ""),
            ],
        )
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        existing = data["mode"] == "existing"
        try:
            opportunity = services.lead_convert(
                actor=self.request.user,
                lead_id=self.lead.pk,
                account=data["account"] if existing else None,
                new_account=None if existing else {f: data[f] for f in form.NEW_FIELDS},
                opportunity_name=data.get("opportunity_name", ""),
                expected_close_date=data["expected_close_date"],
            )
        except DomainError as exc:
            for error in exc.errors:
                form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, f"{self.lead.number} became {opportunity}.")
        return HttpResponseRedirect(opportunity.get_absolute_url())


# Opportunities ---------------------------------------------------------------------------


def opportunities_for(user):
    return Opportunity.objects.visible_to(user).select_related("account", "owner", "team")


class OpportunityListView(RecordListView):
    model = Opportunity
    filterset_class = OpportunityFilterSet
    template_name = "sales/opportunity_list.html"
    ordering = ("expected_close_date", "pk")
    title = "Opportunities"
    filter_layout = (
        ("q", "col-md-3"),
        "scope",
        "stage",
        "owner",
        ("team", "col-6 col-md-1"),
        "close_month",
    )
    filter_buttons = "col-md-12 col-lg-2"

    def visible(self):
        return opportunities_for(self.request.user).with_amount()


class OpportunityFormView(RecordFormView):
    model = Opportunity
    form_class = OpportunityForm
    service = staticmethod(services.opportunity_save)
    record_arg = "opportunity"
    list_title, list_url = "Opportunities", "sales:opportunity_list"
    initial_ids = ("account",)


class OpportunityDetailView(RecordDetailView):
    model = Opportunity
    template_name = "sales/opportunity_detail.html"
    list_title, list_url = "Opportunities", "sales:opportunity_list"

    def visible(self):
        return opportunities_for(self.request.user).select_related("lead")

    def history_querysets(self, opportunity):
        return [
            Opportunity.history.filter(id=opportunity.pk),
            OpportunityLine.history.filter(opportunity_id=opportunity.pk),
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        opportunity = self.object
        lines = list(opportunity.lines.select_related("offering", "site"))
        user = self.request.user
        context.update(
            lines=lines,
            amount=sum((line.estimate for line in lines), Decimal("0")),
            line_form=OpportunityLineForm(opportunity=opportunity, prefix="line"),
            can_edit=opportunity.is_open and user.has_perm("sales.change_opportunity"),
            may_quote=opportunity.is_open
            and user.has_perm("sales.add_quote")
            and Account.objects.visible_to(user).filter(pk=opportunity.account_id).exists(),
        )
        return context


class OpportunityLineFormView(RolePermissionMixin, FormPageMixin, FormView):
    """Add or edit a line of an open opportunity."""

    form_class = OpportunityLineForm

    def get_permission_required(self):
        return ["sales.change_opportunity"]

    def load(self, request, *args, **kwargs):
        self.opportunity = get_object_or_404(
            Opportunity.objects.visible_to(request.user), pk=kwargs["opportunity_pk"]
        )
        self.line = OpportunityLine(opportunity=self.opportunity)
        if "pk" in kwargs:
            self.line = get_object_or_404(self.opportunity.lines, pk=kwargs["pk"])

    prefix = "line"  # the add-line form on the detail page posts here with this prefix

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.line, "opportunity": self.opportunity}

    def get_title(self):
        return f"{'Edit' if self.line.pk else 'Add'} a line of {self.opportunity}"

    def get_cancel_url(self):
        return self.opportunity.get_absolute_url()

    def get_breadcrumbs(self):
        return [
            ("Opportunities", reverse("sales:opportunity_list")),
            (self.opportunity.number, self.opportunity.get_absolute_url()),
            (self.get_title(), ""),
        ]

    def save(self, form):
        form.instance.characteristics = form.cleaned_data.get("characteristics") or {}
        services.opportunity_line_save(actor=self.request.user, line=form.instance)
        return self.opportunity

    def success_message(self, obj):
        return f"Saved the line of {obj}."


class OpportunityLineDeleteView(RolePermissionMixin, View):
    """POST-only: remove a line from an open opportunity."""

    http_method_names = ["post"]
    permission_required = "sales.change_opportunity"

    def post(self, request, opportunity_pk: int, pk: int):
        opportunity = get_object_or_404(
            Opportunity.objects.visible_to(request.user), pk=opportunity_pk
        )
        line = get_object_or_404(opportunity.lines, pk=pk)
        try:
            services.opportunity_line_delete(actor=request.user, line=line)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"Removed “{line.title}”.")
        return HttpResponseRedirect(opportunity.get_absolute_url())


# Pipeline --------------------------------------------------------------------------------


CARDS_PER_COLUMN = 20  # the board shows the soonest to close; the list has the rest


class PipelineView(RolePermissionMixin, TemplateView):
    """Columns by stage with counts and amounts, and the cards closing soonest in each (the
    rest one click away in the list); each card offers the stage moves its user may make now
    (htmx). Below, the forecast: amount and weighted amount by month. Two queries for the
    board however many opportunities there are: the figures by month and stage in SQL, and
    the shown cards (with what their moves' conditions read)."""

    permission_required = "sales.view_opportunity"
    template_name = "sales/pipeline.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        qs = opportunities_for(user).filter(stage__in=OPEN_STAGES)
        filterset = OpportunityFilterSet(self.request.GET, queryset=qs, request=self.request)
        chosen = filterset.qs
        figures = list(pipeline_figures(chosen))
        cards = defaultdict(list)
        for card in pipeline_cards(chosen):
            card.moves = [t for t in transition_options(card, user, "stage") if t.allowed]
            cards[card.stage].append(card)
        columns = []
        for stage in OPEN_STAGES:
            in_stage = [row for row in figures if row["stage"] == stage]
            query = self.request.GET.copy()
            query["stage"] = stage
            columns.append(
                {
                    "stage": stage,
                    "label": Stage(stage).label,
                    "cards": cards[stage],
                    "count": sum(row["count"] for row in in_stage),
                    "amount": sum((row["amount"] for row in in_stage), Decimal("0")),
                    "list_url": f"{reverse('sales:opportunity_list')}?{query.urlencode()}",
                }
            )
        context.update(
            filter=filterset,
            filter_bar=FilterBar(
                filterset.form,
                (("scope", "col-6 col-md-3"), ("owner", "col-6 col-md-3"), "team", "close_month"),
            ),
            columns=columns,
            forecast=forecast(figures),
            breadcrumbs=[("Pipeline", "")],
        )
        return context


def pipeline_figures(opportunities):
    """Per expected close month and stage: how many opportunities, their amount and their
    probability-weighted amount, in one query."""
    estimate = line_estimate("lines__")
    money = DecimalField(max_digits=20, decimal_places=4)
    rows = (
        opportunities.order_by()
        .annotate(month=TruncMonth("expected_close_date"))
        .values("month", "stage")
        .annotate(
            count=Count("pk", distinct=True),
            amount=Coalesce(Sum(estimate), Value(0), output_field=money),
            weighted=Coalesce(
                Sum(ExpressionWrapper(estimate * F("probability"), output_field=money)),
                Value(0),
                output_field=money,
            ),
        )
    )
    for row in rows:
        row["weighted"] = row["weighted"] / 100
        yield row


def pipeline_cards(opportunities):
    """The ``CARDS_PER_COLUMN`` opportunities closing soonest in each stage, with their
    amounts and whether a signed quote lets them close won, in one query: the cards are
    picked first, and only they are summed up.

    Where the database can limit each part of a ``UNION`` (PostgreSQL), each stage's cards
    are read from the stage / close date index and the reading stops after them: at 50,000
    opportunities that is 6 ms against 36 for ranking the whole board; elsewhere (SQLite)
    they are ranked with a window function."""
    order = ("expected_close_date", "pk")
    if connections[opportunities.db].features.supports_slicing_ordering_in_compound:
        parts = [
            opportunities.filter(stage=stage).order_by(*order).values("pk")[:CARDS_PER_COLUMN]
            for stage in OPEN_STAGES
        ]
        picked = parts[0].union(*parts[1:], all=True)
    else:
        picked = (
            opportunities.annotate(
                place=Window(
                    RowNumber(),
                    partition_by=F("stage"),
                    order_by=[F("expected_close_date").asc(), F("pk").asc()],
                )
            )
            .filter(place__lte=CARDS_PER_COLUMN)
            .values("pk")
        )
    return opportunities.filter(pk__in=picked).with_amount().with_signed_quote().order_by(*order)


def forecast(figures) -> list[dict]:
    """Per expected close month: amount and probability-weighted amount, per stage."""
    months: dict = defaultdict(lambda: defaultdict(lambda: [Decimal("0"), Decimal("0")]))
    for row in figures:
        cell = months[row["month"]][row["stage"]]
        cell[0] += row["amount"]
        cell[1] += row["weighted"]
    rows = []
    for month in sorted(months):
        cells = [months[month].get(stage, [Decimal("0"), Decimal("0")]) for stage in OPEN_STAGES]
        rows.append(
            {
                "month": month,
                "cells": cells,
                "amount": sum(c[0] for c in cells),
                "weighted": sum(c[1] for c in cells),
            }
        )
    return rows
