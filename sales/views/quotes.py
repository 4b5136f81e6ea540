"""Quotes: list, the quote builder (sites, lines, live pricing), approvals."""

from collections import OrderedDict
from datetime import timedelta
from decimal import Decimal

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import FormView, TemplateView

from telcrm.cleaning import parse_id
from telcrm.fsm import DomainError
from telcrm.views import (
    SCOPED_FILTERS,
    ActionView,
    FormPageMixin,
    RecordActionView,
    RecordDetailView,
    RecordListView,
    RolePermissionMixin,
)

from .. import catalog, services
from ..choices import Currency, QuoteState
from ..filters import QuoteFilterSet
from ..forms import QuoteForm, QuoteLineEditForm, QuoteLineForm
from ..models import Account, Quote, QuoteLine, SalesAgreement
from ..quote_diff import header_changes, line_diffs, quote_summary
from ..services.quotes import agreement_line, discount_threshold, price_quote_line


def quotes_for(user):
    return Quote.objects.visible_to(user).select_related("account", "owner", "agreement")


class QuoteListView(RecordListView):
    model = Quote
    filterset_class = QuoteFilterSet
    template_name = "sales/quote_list.html"
    ordering = ("-created_at", "-pk")
    title = "Quotes"
    filter_layout = SCOPED_FILTERS
    records_for = staticmethod(quotes_for)


class QuoteCreateView(RolePermissionMixin, FormPageMixin, FormView):
    permission_required = "sales.add_quote"
    form_class = QuoteForm
    title = "New quote"
    submit_label = "Create quote"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "instance": Quote()}

    def get_initial(self):
        initial = {"valid_until": timezone.localdate() + timedelta(days=30)}
        for key in ("account", "opportunity"):
            value = parse_id(self.request.GET.get(key))
            if value:
                initial[key] = value
        currency = self.request.GET.get("currency", "")
        if currency in Currency.values:
            initial["currency"] = currency
        return initial

    def get_breadcrumbs(self):
        return [("Quotes", reverse("sales:quote_list")), ("New quote", "")]

    def get_cancel_url(self):
        return reverse("sales:quote_list")

    def save(self, form):
        data = form.cleaned_data
        return services.quote_create(
            actor=self.request.user,
            account=data["account"],
            opportunity=data["opportunity"],
            valid_until=data["valid_until"],
            term_months=data["term_months"],
            currency=data["currency"],
        )

    def success_message(self, obj):
        agreement = f", priced by {obj.agreement}" if obj.agreement else ""
        return f"Created {obj}{agreement}. Place offerings at the sites below."


class QuoteDetailView(RecordDetailView):
    """The quote builder: the account's sites with their lines, totals and warnings."""

    model = Quote
    template_name = "sales/quote_detail.html"
    list_title, list_url = "Quotes", "sales:quote_list"
    records_for = staticmethod(quotes_for)

    def visible(self):
        return super().visible().select_related("opportunity", "approved_by")

    def crumb(self, quote):
        return str(quote)

    def history_querysets(self, quote):
        return [Quote.history.filter(id=quote.pk), QuoteLine.history.filter(quote_id=quote.pk)]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        quote = self.object
        lines = list(quote.lines.select_related("offering", "site", "location"))
        sites = list(
            Account.objects.filter(root_id=quote.account_id)
            .prefetch_related("locations")
            .order_by("name")
        )
        by_site = OrderedDict((site, []) for site in sites)
        for line in lines:
            by_site.setdefault(line.site, []).append(line)
        user = self.request.user
        editable = quote.editable and user.has_perm("sales.change_quote")
        opportunity_lines, by_hand = [], []
        if editable and quote.opportunity_id:
            for line in quote.opportunity.lines.select_related("offering", "site"):
                (opportunity_lines if line.offering_id else by_hand).append(line)
        versions = list(quotes_for(user).filter(number=quote.number).order_by("version"))
        agreement = quote.agreement
        context.update(
            versions=versions,
            current=next((v for v in versions if v.is_current), None),
            may_revise=quote.revisable and user.has_perm("sales.change_quote"),
            may_promote=(
                quote.is_current
                and agreement is not None
                and agreement.editable
                and quote.state in (QuoteState.DRAFT, QuoteState.PENDING, QuoteState.APPROVED)
                and user.has_perm("sales.change_salesagreement")
            ),
            is_owner=quote.owner_id == user.pk,
            by_site=list(by_site.items()),
            lines=lines,
            summary=quote_summary(quote, lines),
            conflicts=catalog.line_conflicts(lines),
            slas=list(quote.agreement.slas.all()) if quote.agreement_id else [],
            editable=editable,
            line_form=(
                QuoteLineForm(
                    quote=quote,
                    prefix="add",
                    initial=self.line_initial(opportunity_lines + by_hand),
                )
                if editable
                else None
            ),
            opportunity_lines=opportunity_lines,
            by_hand=by_hand,
        )
        return context

    def line_initial(self, opportunity_lines) -> dict:
        """``?from_line=<opportunity line>`` fills the form with that line (R9: the rep picks
        the sites where it goes)."""
        chosen = self.request.GET.get("from_line", "")
        line = next((ol for ol in opportunity_lines if str(ol.pk) == chosen), None)
        if line is None:
            return {}
        initial = {"quantity": line.quantity, "sites": [line.site_id] if line.site_id else []}
        if line.offering_id:  # a free-text line: the rep picks the offering that fits
            initial.update(offering=line.offering_id, characteristics=line.characteristics or {})
        return initial


class QuoteLineAddView(RolePermissionMixin, View):
    """POST: place the configured offering at the chosen sites. GET with htmx: the price
    and feasibility it would get at each site, without saving (live repricing)."""

    permission_required = "sales.change_quote"

    def load(self, request, *args, **kwargs):
        self.quote = get_object_or_404(quotes_for(request.user), pk=kwargs["pk"])

    def lines_from(self, form) -> list[QuoteLine]:
        data = form.cleaned_data
        return [
            QuoteLine(
                quote=self.quote,
                site=site,
                offering=data["offering"],
                characteristics=data["characteristics"] or {},
                quantity=data["quantity"],
                discount_percent=data["discount_percent"],
            )
            for site in data["sites"]
        ]

    def get(self, request, pk: int):
        form = QuoteLineForm(request.GET, quote=self.quote, prefix="add")
        preview, error = [], ""
        if form.is_valid():
            for line in self.lines_from(form):
                line.location = line.site.locations.order_by("-is_primary", "pk").first()
                if line.location is None:
                    error = f"{line.site} has no location."
                    break
                error = catalog.eligibility_problem(
                    line.offering,
                    customer=self.quote.account,
                    site=line.site,
                    country=line.location.country,
                )
                if error:
                    break
                try:
                    price_quote_line(
                        line,
                        agreement_line(self.quote, line.offering),
                        discount_threshold(line.offering.kind),
                    )
                except DomainError as exc:
                    error = exc.message
                    break
                preview.append(line)
        context = {"form": form, "preview": preview, "error": error, "quote": self.quote}
        return render(request, "sales/partials/quote_preview.html", context)

    def post(self, request, pk: int):
        form = QuoteLineForm(request.POST, quote=self.quote, prefix="add")
        if not form.is_valid():
            # A characteristic's message names it already; other fields by their label.
            errors = "; ".join(
                f"{form[name].label}: {' '.join(e)}"
                if name in form.fields and not name.startswith("c_")
                else " ".join(e)
                for name, e in form.errors.items()
            )
            messages.error(request, f"The line was not added: {errors}")
        else:
            try:
                lines = services.quote_lines_save(
                    actor=request.user, quote=self.quote, lines=self.lines_from(form)
                )
            except DomainError as exc:
                messages.error(request, f"The line was not added: {exc.message}")
            else:
                messages.success(request, f"Added {len(lines)} line(s).")
        return HttpResponseRedirect(self.quote.get_absolute_url() + "#lines")


class QuoteLineUpdateView(RolePermissionMixin, FormPageMixin, FormView):
    permission_required = "sales.change_quote"
    form_class = QuoteLineEditForm

    def load(self, request, *args, **kwargs):
        self.quote = get_object_or_404(quotes_for(request.user), pk=kwargs["quote_pk"])
        self.line = get_object_or_404(
            self.quote.lines.select_related("offering", "site"), pk=kwargs["pk"]
        )

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.line}

    def get_title(self):
        return f"Change {self.line} on {self.quote}"

    def get_cancel_url(self):
        return self.quote.get_absolute_url()

    def get_breadcrumbs(self):
        return [
            ("Quotes", reverse("sales:quote_list")),
            (str(self.quote), self.quote.get_absolute_url()),
            ("Change line", ""),
        ]

    def save(self, form):
        form.instance.characteristics = form.cleaned_data.get("characteristics") or {}
        services.quote_lines_save(actor=self.request.user, quote=self.quote, lines=[form.instance])
        return self.quote

    def success_message(self, obj):
        return "Line repriced and saved."


class QuoteLineActionView(ActionView):
    """A POST action on one line of a quote the user can see."""

    def load(self, request, *args, **kwargs):
        self.quote = get_object_or_404(quotes_for(request.user), pk=kwargs["quote_pk"])
        self.line = get_object_or_404(self.quote.lines.select_related("offering"), pk=kwargs["pk"])

    def fallback_url(self) -> str:
        return self.quote.get_absolute_url() + "#lines"


class QuoteLineDeleteView(QuoteLineActionView):
    permission_required = "sales.change_quote"

    def act(self, request):
        services.quote_line_delete(actor=request.user, line=self.line)
        return "Line removed.", self.fallback_url()


class QuoteLinePromoteView(QuoteLineActionView):
    """R7: the line's negotiated price becomes the agreement's price for the offering."""

    permission_required = "sales.change_salesagreement"

    def act(self, request):
        terms = services.quote_line_promote(actor=request.user, line_id=self.line.pk)
        return (
            f"{self.line.offering.name} now costs {terms.recurring_price} {self.quote.currency}"
            f"/month on {self.quote.agreement}; its other open quotes were repriced.",
            self.fallback_url(),
        )


class QuoteActionView(RecordActionView):
    """A POST action on a quote the user can see."""

    records_for = staticmethod(quotes_for)
    record_name = "quote"


class QuoteReviseView(QuoteActionView):
    """R11: version n+1 as an editable copy; version n is kept, superseded."""

    permission_required = "sales.change_quote"

    def act(self, request):
        new = services.quote_revise(actor=request.user, quote_id=self.quote.pk)
        return (
            f"Created {new} from v{self.quote.version}, which is now superseded.",
            new.get_absolute_url(),
        )


class QuoteNoticeDismissView(QuoteActionView):
    permission_required = "sales.change_quote"

    def act(self, request):
        services.quote_notice_dismiss(actor=request.user, quote_id=self.quote.pk)
        return "Noted.", self.fallback_url()


class QuoteFromAgreementView(RecordActionView):
    """R8: a new quote for the agreement's customer, priced by it, in one step."""

    permission_required = "sales.add_quote"
    model, record_name = SalesAgreement, "agreement"

    def act(self, request):
        quote = services.quote_from_agreement(actor=request.user, agreement_id=self.agreement.pk)
        return (
            f"Created {quote} from {self.agreement}: its prices and SLAs apply. "
            "Place offerings at the sites below.",
            quote.get_absolute_url(),
        )


class QuoteCompareView(RolePermissionMixin, TemplateView):
    """What changed between two versions of a quote, line by line (R11)."""

    permission_required = "sales.view_quote"
    template_name = "sales/quote_compare.html"

    def load(self, request, *args, **kwargs):
        self.quote = get_object_or_404(quotes_for(request.user), pk=kwargs["pk"])
        self.versions = list(
            quotes_for(request.user).filter(number=self.quote.number).order_by("version")
        )
        other = parse_id(request.GET.get("with"))
        by_pk = {v.pk: v for v in self.versions}
        if other in by_pk and other != self.quote.pk:
            self.other = by_pk[other]
        else:  # the version before, or after for the first one
            index = self.versions.index(next(v for v in self.versions if v.pk == self.quote.pk))
            neighbours = self.versions[index - 1 : index] or self.versions[index + 1 : index + 2]
            self.other = neighbours[0] if neighbours else None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        quote = self.quote
        context.update(
            quote=quote,
            versions=self.versions,
            other=self.other,
            breadcrumbs=[
                ("Quotes", reverse("sales:quote_list")),
                (str(quote), quote.get_absolute_url()),
                ("Compare", ""),
            ],
        )
        if self.other is None:
            return context
        old, new = sorted([quote, self.other], key=lambda q: q.version)
        lines = {q.pk: list(q.lines.select_related("offering", "site")) for q in (old, new)}
        diffs = line_diffs(lines[old.pk], lines[new.pk])
        context.update(
            old=old,
            new=new,
            diffs=diffs,
            header=header_changes(old, new),
            old_summary=quote_summary(old, lines[old.pk]),
            new_summary=quote_summary(new, lines[new.pk]),
            counts={
                s: sum(1 for d in diffs if d.status == s)
                for s in ("added", "changed", "removed", "unchanged")
            },
        )
        return context


class ApprovalQueueView(RolePermissionMixin, TemplateView):
    """Quotes waiting for a sales manager, with the margin facts to decide on (R11)."""

    permission_required = "sales.approve_quote"
    template_name = "sales/approval_queue.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        quotes = list(
            quotes_for(self.request.user)
            .filter(state=QuoteState.PENDING, is_current=True)
            .prefetch_related("lines__offering")
            .order_by("created_at")
        )
        rows = []
        for quote in quotes:
            lines = list(quote.lines.all())
            summary = quote_summary(quote, lines)
            list_recurring = sum(
                (line.list_recurring * line.quantity for line in lines), Decimal("0")
            )
            give = list_recurring - summary["recurring"]
            rows.append(
                {
                    "quote": quote,
                    "summary": summary,
                    "list_recurring": list_recurring,
                    "given_away": give,
                    "given_percent": (give / list_recurring * 100) if list_recurring else 0,
                    "max_discount": max((line.discount_percent for line in lines), default=0),
                }
            )
        context.update(rows=rows, breadcrumbs=[("Approvals", "")])
        return context
