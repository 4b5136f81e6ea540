"""Sales agreements: list, detail with their terms, edits while negotiable, signing."""

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views import View
from django.views.generic import FormView

from telcrm.fsm import DomainError
from telcrm.views import (
    FormPageMixin,
    RecordDetailView,
    RecordFormView,
    RecordListView,
    RolePermissionMixin,
)

from .. import services
from ..choices import AgreementState
from ..filters import AgreementFilterSet
from ..forms import (
    AgreementForm,
    AgreementLineForm,
    AgreementSlaForm,
    PartnerTermForm,
)
from ..models import AgreementLine, AgreementSla, PartnerTerm, Quote, SalesAgreement

PARTS = {
    "line": (AgreementLine, AgreementLineForm, "lines"),
    "sla": (AgreementSla, AgreementSlaForm, "slas"),
    "partner": (PartnerTerm, PartnerTermForm, "partners"),
}


def part_of_kind(kind: str):
    if kind not in PARTS:
        raise Http404("No such part of an agreement.")
    return PARTS[kind]


def agreements_for(user):
    return SalesAgreement.objects.visible_to(user).select_related("account")


class AgreementListView(RecordListView):
    model = SalesAgreement
    filterset_class = AgreementFilterSet
    template_name = "sales/agreement_list.html"
    ordering = ("account__name", "-valid_from", "pk")
    title = "Agreements"
    filter_layout = (("q", "col-md-5"), ("state", "col-md-3"))
    filter_buttons = "col-md-4"
    records_for = staticmethod(agreements_for)


class AgreementDetailView(RecordDetailView):
    model = SalesAgreement
    template_name = "sales/agreement_detail.html"
    context_object_name = "agreement"
    list_title, list_url = "Agreements", "sales:agreement_list"
    records_for = staticmethod(agreements_for)

    def visible(self):
        return super().visible().select_related("signatory")

    def history_querysets(self, agreement):
        return [
            SalesAgreement.history.filter(id=agreement.pk),
            AgreementLine.history.filter(agreement_id=agreement.pk),
            AgreementSla.history.filter(agreement_id=agreement.pk),
            PartnerTerm.history.filter(agreement_id=agreement.pk),
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        agreement = self.object
        editable = agreement.editable and self.request.user.has_perm("sales.change_salesagreement")
        context.update(
            lines=list(agreement.lines.select_related("offering")),
            quotes=list(
                Quote.objects.visible_to(self.request.user)
                .filter(agreement=agreement, is_current=True)
                .select_related("account", "owner")
                .order_by("-updated_at")[:20]
            ),
            may_quote=(
                agreement.state in (AgreementState.ACTIVE, AgreementState.NEGOTIATION)
                and self.request.user.has_perm("sales.add_quote")
            ),
            slas=list(agreement.slas.all()),
            partner_terms=list(agreement.partner_terms.select_related("offering")),
            editable=editable,
            forms={kind: form(prefix=kind) for kind, (_m, form, _a) in PARTS.items()}
            if editable
            else {},
        )
        return context


class AgreementFormView(RecordFormView):
    model = SalesAgreement
    form_class = AgreementForm
    service = staticmethod(services.agreement_save)
    record_arg = "agreement"
    list_title, list_url = "Agreements", "sales:agreement_list"
    initial_ids = ("account",)
    records_for = staticmethod(agreements_for)


class AgreementPartFormView(RolePermissionMixin, FormPageMixin, FormView):
    """Add or edit a line, SLA or partner term (``kind`` in the URL)."""

    permission_required = "sales.change_salesagreement"

    def load(self, request, *args, **kwargs):
        self.agreement = get_object_or_404(agreements_for(request.user), pk=kwargs["agreement_pk"])
        self.model, self.form_class, self.anchor = part_of_kind(kwargs["kind"])
        self.part = self.model(agreement=self.agreement)
        if "pk" in kwargs:
            self.part = get_object_or_404(
                self.model.objects.filter(agreement=self.agreement), pk=kwargs["pk"]
            )

    def get_prefix(self):
        return self.kwargs["kind"]

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.part}

    def get_title(self):
        verb = "Edit" if self.part.pk else "Add"
        return f"{verb} {self.model._meta.verbose_name} of {self.agreement}"

    def get_cancel_url(self):
        return self.agreement.get_absolute_url()

    def get_breadcrumbs(self):
        return [
            ("Agreements", reverse("sales:agreement_list")),
            (self.agreement.number, self.agreement.get_absolute_url()),
            (self.get_title(), ""),
        ]

    def save(self, form):
        return services.agreement_part_save(actor=self.request.user, part=form.instance)

    def get_success_url_for(self, obj):
        return f"{self.agreement.get_absolute_url()}#{self.anchor}"


class AgreementPartDeleteView(RolePermissionMixin, View):
    """POST-only: remove a line, SLA or partner term."""

    http_method_names = ["post"]
    permission_required = "sales.change_salesagreement"

    def post(self, request, agreement_pk: int, kind: str, pk: int):
        agreement = get_object_or_404(agreements_for(request.user), pk=agreement_pk)
        model, _form, anchor = part_of_kind(kind)
        part = get_object_or_404(model.objects.filter(agreement=agreement), pk=pk)
        try:
            services.agreement_part_delete(actor=request.user, part=part)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"Removed {model._meta.verbose_name} “{part}”.")
        return HttpResponseRedirect(f"{agreement.get_absolute_url()}#{anchor}")
