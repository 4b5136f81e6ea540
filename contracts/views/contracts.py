"""Sales contracts (R13) and service contracts (R14): list, pages, lifecycle, and the
actions that make them; a new quote from an active contract (R8)."""

from collections import OrderedDict
from decimal import Decimal

from django.urls import reverse

from sales.models import Quote
from telcrm.fsm import DomainError
from telcrm.views import SCOPED_FILTERS, RecordActionView, RecordDetailView, RecordListView

from .. import services
from ..filters import ContractFilterSet
from ..forms import SlaCommitmentForm
from ..models import (
    Entitlement,
    SalesContract,
    SalesContractLine,
    ServiceContract,
    SlaCommitment,
)


def contracts_for(user):
    return SalesContract.objects.visible_to(user).select_related(
        "account", "owner", "quote", "agreement"
    )


class ContractListView(RecordListView):
    model = SalesContract
    filterset_class = ContractFilterSet
    template_name = "contracts/contract_list.html"
    ordering = ("-created_at", "-pk")
    title = "Contracts"
    filter_layout = SCOPED_FILTERS
    records_for = staticmethod(contracts_for)


class ContractDetailView(RecordDetailView):
    model = SalesContract
    template_name = "contracts/contract_detail.html"
    context_object_name = "contract"
    list_title, list_url = "Contracts", "contracts:contract_list"
    records_for = staticmethod(contracts_for)

    def visible(self):
        return super().visible().select_related("signature__signatory", "signature__signed_copy")

    def history_querysets(self, contract):
        return [
            SalesContract.history.filter(id=contract.pk),
            SalesContractLine.history.filter(contract_id=contract.pk),
            ServiceContract.history.filter(sales_contract_id=contract.pk),
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        contract = self.object
        lines = list(contract.lines.select_related("site", "location", "offering", "quote_line"))
        by_site = OrderedDict()
        for line in lines:
            by_site.setdefault(line.site, []).append(line)
        services_by_site = {s.site_id: s for s in contract.service_contracts.all()}
        recurring = sum((line.total_recurring for line in lines), Decimal("0"))
        one_time = sum((line.total_one_time for line in lines), Decimal("0"))
        user = self.request.user
        # The orders stage sits above: reached through the reverse relation (DESIGN §2).
        orders = list(contract.orders.all())
        context.update(
            by_site=[
                (site, site_lines, services_by_site.get(site.pk))
                for site, site_lines in by_site.items()
            ],
            totals={
                "recurring": recurring,
                "one_time": one_time,
                "tcv": recurring * contract.term_months + one_time,
            },
            may_create_services=(
                len(by_site) > len(services_by_site)
                and contract.state in ("draft", "active")
                and user.has_perm("contracts.add_servicecontract")
            ),
            may_change=user.has_perm("contracts.change_salescontract"),
            may_quote=contract.state == "active" and user.has_perm("sales.add_quote"),
            orders=orders,
            may_order=(
                contract.state == "active"
                and user.has_perm("orders.add_order")
                and not any(order.state != "cancelled" for order in orders)
            ),
        )
        return context


class ContractCreateView(RecordActionView):
    """R13: the sales contract of a signed quote (from the quote's document page)."""

    permission_required = "contracts.add_salescontract"
    model, record_name = Quote, "quote"

    def fallback_url(self) -> str:
        return reverse("contracts:quote_document", args=[self.quote.pk])

    def act(self, request):
        contract = services.contract_create(actor=request.user, quote_id=self.quote.pk)
        return (
            f"Created {contract.number} from {self.quote}: {contract.lines.count()} "
            "line(s). Next: the service contracts per site.",
            contract.get_absolute_url(),
        )


class ContractActionView(RecordActionView):
    records_for = staticmethod(contracts_for)
    record_name = "contract"


class ServiceContractsCreateView(ContractActionView):
    """R14: one service contract per site."""

    permission_required = "contracts.add_servicecontract"

    def act(self, request):
        created = services.service_contracts_create(
            actor=request.user, contract_id=self.contract.pk
        )
        names = ", ".join(s.site.name for s in created) or "none (every site has one)"
        return f"Service contracts created: {names}.", self.fallback_url()


class QuoteFromContractView(ContractActionView):
    """R8: a new quote pre-filled from this active contract."""

    permission_required = "sales.add_quote"

    def act(self, request):
        quote = services.quote_from_contract(actor=request.user, contract_id=self.contract.pk)
        return (
            f"Created {quote} from {self.contract.number}: its sites and lines, priced "
            "today. Change what the customer wants changed.",
            quote.get_absolute_url(),
        )


class ServiceContractDetailView(RecordDetailView):
    model = ServiceContract
    template_name = "contracts/servicecontract_detail.html"
    context_object_name = "service"

    def visible(self):
        return (
            super()
            .visible()
            .select_related("site", "sales_contract__account", "sales_contract__agreement")
        )

    def history_querysets(self, service):
        return [
            ServiceContract.history.filter(id=service.pk),
            Entitlement.history.filter(service_contract_id=service.pk),
            SlaCommitment.history.filter(service_contract_id=service.pk),
        ]

    def get_breadcrumbs(self, service):
        contract = service.sales_contract
        return [
            ("Contracts", reverse("contracts:contract_list")),
            (contract.number, contract.get_absolute_url()),
            (service.number, ""),
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        service = self.object
        contract = service.sales_contract
        may_change = service.state in ("draft", "active") and self.request.user.has_perm(
            "contracts.change_servicecontract"
        )
        context.update(
            contract=contract,
            lines=list(contract.lines.filter(site=service.site).select_related("offering")),
            entitlements=list(service.entitlements.select_related("offering")),
            slas=list(service.slas.select_related("global_sla")),
            location=service.site.locations.order_by("-is_primary", "pk").first(),
            sla_form=SlaCommitmentForm(prefix="sla") if may_change else None,
        )
        return context


class SlaCommitmentSaveView(RecordActionView):
    """Add or strengthen a site's SLA commitment (never weaker than the global SLA, R14)."""

    permission_required = "contracts.change_servicecontract"
    model, record_name = ServiceContract, "service"
    fallback_anchor = "#slas"

    def act(self, request):
        form = SlaCommitmentForm(request.POST, prefix="sla")
        if not form.is_valid():
            errors = "; ".join(" ".join(e) for e in form.errors.values())
            raise DomainError(f"The SLA was not saved: {errors}")
        data = form.cleaned_data
        commitment = SlaCommitment.objects.filter(
            service_contract=self.service, metric=data["metric"]
        ).first() or SlaCommitment(service_contract=self.service, metric=data["metric"])
        commitment.target = data["target"]
        commitment.service_credit_percent = data["service_credit_percent"]
        services.sla_commitment_save(actor=request.user, commitment=commitment)
        return f"Saved {commitment}.", self.fallback_url()
