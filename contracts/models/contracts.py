"""Sales contracts (R13) and the service contracts per site with their entitlements and SLA
commitments (R14)."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from sales.catalog import characteristics_text
from sales.choices import SLA_HIGHER_IS_STRONGER, OfferingKind, SlaMetric
from sales.models import (
    Account,
    AgreementSla,
    ProductOffering,
    Quote,
    QuoteLine,
    SalesAgreement,
)
from sales.models.lines import QuotedSiteLine
from telcrm.fsm import condition
from telcrm.models import BadgeMixin, History, NumberedModel, Team

from ..choices import ContractState
from ..querysets import ContractQuerySet, ServiceContractQuerySet
from .documents import Signature


@condition("A termination needs a reason.", user_input=True)
def _has_reason(contract) -> bool:
    return bool(contract.termination_reason.strip())


@condition("The contract's term has not ended yet: terminate it to end it early.")
def _term_ended(contract) -> bool:
    end = contract.term_end
    return end is not None and end < timezone.localdate()


class ContractLifecycle(BadgeMixin, ConcurrentTransitionMixin, models.Model):
    """States shared by sales and service contracts: draft -> active -> expired | terminated."""

    state = FSMField(default=ContractState.DRAFT, choices=ContractState.choices, protected=True)
    start_date = models.DateField(null=True, blank=True, editable=False)
    end_date = models.DateField(null=True, blank=True, editable=False)
    termination_reason = models.CharField(max_length=200, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    @property
    def term_end(self):
        """The last day of the term: the contract expires the day after."""
        return self.end_date

    @transition(
        field=state,
        source=ContractState.DRAFT,
        target=ContractState.ACTIVE,
        permission="contracts.change_salescontract",
        custom={"label": "Activate", "style": "success"},
    )
    def activate(self) -> None:
        """In force from its start date."""

    @transition(
        field=state,
        source=ContractState.ACTIVE,
        target=ContractState.EXPIRED,
        permission="contracts.change_salescontract",
        conditions=[_term_ended],
        custom={
            "label": "Expire",
            "style": "outline-secondary",
            "confirm": "Mark this contract as expired?",
        },
    )
    def expire(self) -> None:
        """Its term ended."""

    @transition(
        field=state,
        source=[ContractState.DRAFT, ContractState.ACTIVE],
        target=ContractState.TERMINATED,
        permission="contracts.change_salescontract",
        conditions=[_has_reason],
        custom={"label": "Terminate", "style": "outline-danger", "reason": True},
    )
    def terminate(self) -> None:
        """Ended early, with a reason."""


class SalesContract(ContractLifecycle, NumberedModel):
    """The binding contract made from an accepted, signed quote version (R13)."""

    number = models.CharField(max_length=20, unique=True, editable=False, blank=True)
    number_prefix = "SC-"
    quote = models.OneToOneField(Quote, on_delete=models.PROTECT, related_name="sales_contract")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="sales_contracts")
    agreement = models.ForeignKey(
        SalesAgreement,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sales_contracts",
    )
    signature = models.OneToOneField(
        Signature, on_delete=models.PROTECT, related_name="sales_contract"
    )
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    currency = models.CharField(max_length=3)
    term_months = models.PositiveSmallIntegerField("contract term (months)")
    history = History()
    objects = ContractQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.number} {self.account.name}"

    def get_absolute_url(self) -> str:
        return reverse("contracts:contract_detail", args=[self.pk])


class SalesContractLine(QuotedSiteLine):
    """Mirrors one quote line exactly (R13): site, offering, configuration, prices."""

    contract = models.ForeignKey(SalesContract, on_delete=models.CASCADE, related_name="lines")
    quote_line = models.OneToOneField(
        QuoteLine, on_delete=models.PROTECT, related_name="contract_line"
    )
    history = History()

    class Meta:
        ordering = ["site__name", "pk"]


class ServiceContract(ContractLifecycle, NumberedModel):
    """What is delivered at one site (child account) under a sales contract (R14): its
    configuration, entitlements and SLA commitments."""

    number = models.CharField(max_length=20, unique=True, editable=False, blank=True)
    number_prefix = "SVC-"
    sales_contract = models.ForeignKey(
        SalesContract, on_delete=models.PROTECT, related_name="service_contracts"
    )
    site = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="service_contracts")
    routing_type = models.CharField(max_length=30, blank=True)
    access_type = models.CharField(max_length=30, blank=True)
    pop_redundancy = models.CharField("POP redundancy", max_length=30, blank=True)
    history = History()
    objects = ServiceContractQuerySet.as_manager()

    class Meta:
        ordering = ["site__name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["sales_contract", "site"], name="%(app_label)s_%(class)s_one_per_site"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.site.name}"

    @property
    def term_end(self):
        """A site's service runs for its sales contract's term unless it has its own end."""
        return self.end_date or self.sales_contract.end_date

    def get_absolute_url(self) -> str:
        return reverse("contracts:servicecontract_detail", args=[self.pk])

    @property
    def configuration(self) -> dict[str, str]:
        """The site's configuration, by characteristic code."""
        return {
            "access_type": self.access_type,
            "routing_type": self.routing_type,
            "pop_redundancy": self.pop_redundancy,
        }


class EntitlementRule(models.Model):
    """Admin-managed: which entitlement a site gets from its configuration (R14). A rule
    without a characteristic applies to every site."""

    characteristic = models.CharField(
        max_length=50, blank=True, help_text="Characteristic code, e.g. pop_redundancy."
    )
    value = models.CharField(max_length=100, blank=True, help_text="e.g. dual")
    offering = models.ForeignKey(
        ProductOffering,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": OfferingKind.ENTITLEMENT},
    )
    history = History()

    class Meta:
        ordering = ["characteristic", "value"]
        constraints = [
            models.UniqueConstraint(
                fields=["characteristic", "value", "offering"],
                name="%(app_label)s_%(class)s_unique",
            ),
        ]

    def __str__(self) -> str:
        when = f"{self.characteristic}={self.value}" if self.characteristic else "every site"
        return f"{when} → {self.offering.name}"

    def reason(self, specs: dict) -> str:
        """Why a site gets the entitlement, in words (``specs``: the catalog's
        characteristics by code)."""
        if not self.characteristic:
            return "included at every site"
        return f"included with {characteristics_text({self.characteristic: self.value}, specs)}"

    def matches(self, configuration: dict) -> bool:
        return not self.characteristic or configuration.get(self.characteristic) == self.value


class Entitlement(models.Model):
    """A catalog offering of the entitlement kind granted at a site (R14, mandatory)."""

    service_contract = models.ForeignKey(
        ServiceContract, on_delete=models.CASCADE, related_name="entitlements"
    )
    offering = models.ForeignKey(ProductOffering, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=200)
    history = History()

    class Meta:
        ordering = ["offering__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["service_contract", "offering"],
                name="%(app_label)s_%(class)s_once_per_contract",
            ),
        ]

    def __str__(self) -> str:
        return self.offering.name


class SlaCommitment(models.Model):
    """A service level promised at a site: never weaker than the agreement's global SLA for
    the same metric (R14)."""

    service_contract = models.ForeignKey(
        ServiceContract, on_delete=models.CASCADE, related_name="slas"
    )
    metric = models.CharField(max_length=20, choices=SlaMetric.choices)
    target = models.DecimalField(max_digits=7, decimal_places=3)
    service_credit_percent = models.DecimalField(
        max_digits=5, decimal_places=2, default=Decimal("0")
    )
    global_sla = models.ForeignKey(
        AgreementSla, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    history = History()

    class Meta:
        ordering = ["metric"]
        constraints = [
            models.UniqueConstraint(
                fields=["service_contract", "metric"], name="%(app_label)s_%(class)s_one_per_metric"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_metric_display()}: {self.target.normalize()}"

    def weaker_than(self, target: Decimal) -> bool:
        if self.metric in SLA_HIGHER_IS_STRONGER:
            return self.target < target
        return self.target > target
