"""Sales agreements: list, detail with their terms, edits while negotiable, signing."""

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views import View
from django.views.generic import DetailView, FormView, ListView

from telcrm.audit import history_entries
from telcrm.cleaning import parse_id
from telcrm.fsm import DomainError
from telcrm.views import FormPageMixin, RolePermissionMixin, TransitionView

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


class AgreementListView(RolePermissionMixin, ListView):
    permission_required = "sales.view_salesagreement"
    template_name = "sales/agreement_list.html"
    paginate_by = 25

    def get_queryset(self):
        self.filterset = AgreementFilterSet(
            self.request.GET, queryset=agreements_for(self.request.user), request=self.request
        )
        return self.filterset.qs.order_by("account__name", "-valid_from", "pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter"] = self.filterset
        context["breadcrumbs"] = [("Agreements", "")]
        return context


class AgreementDetailView(RolePermissionMixin, DetailView):
    permission_required = "sales.view_salesagreement"
    template_name = "sales/agreement_detail.html"
    context_object_name = "agreement"

    def get_queryset(self):
        return agreements_for(self.request.user).select_related("signatory")

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
            history=history_entries(
                [
                    SalesAgreement.history.filter(id=agreement.pk),
                    AgreementLine.history.filter(agreement_id=agreement.pk),
                    AgreementSla.history.filter(agreement_id=agreement.pk),
                    PartnerTerm.history.filter(agreement_id=agreement.pk),
                ]
            ),
            breadcrumbs=[("Agreements", reverse("sales:agreement_list")), (agreement.number, "")],
        )
        return context


class AgreementFormView(RolePermissionMixin, FormPageMixin, FormView):
    form_class = AgreementForm

    def get_permission_required(self):
        action = "change" if "pk" in self.kwargs else "add"
        return [f"sales.{action}_salesagreement"]

    def load(self, request, *args, **kwargs):
        self.agreement = SalesAgreement()
        if "pk" in kwargs:
            self.agreement = get_object_or_404(agreements_for(request.user), pk=kwargs["pk"])

    def get_title(self):
        return f"Edit {self.agreement}" if self.agreement.pk else "New sales agreement"

    def get_cancel_url(self):
        if self.agreement.pk:
            return self.agreement.get_absolute_url()
        return reverse("sales:agreement_list")

    def get_breadcrumbs(self):
        return [("Agreements", reverse("sales:agreement_list")), (self.get_title(), "")]

    def get_initial(self):
        account = parse_id(self.request.GET.get("account"))
        return {"account": account} if account else {}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "instance": self.agreement}

    def save(self, form):
        return services.agreement_save(
            actor=self.request.user,
            agreement=form.instance,
            version=form.cleaned_data.get("version", ""),
        )


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


class AgreementTransitionView(TransitionView):
    permission_required = "sales.view_salesagreement"
    model = SalesAgreement

    def get_queryset(self):
        return agreements_for(self.request.user)

    def run(self, obj):
        return services.agreement_transition(
            actor=self.request.user,
            agreement_id=obj.pk,
            name=self.transition_name,
            reason=self.reason(),
        )
