"""Order validation (R17): named checks, each with its result and what failed."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from sales import catalog
from sales.choices import BillingProfileState, FeasibilityStatus
from sales.models import Contact, FeasibilityRule, Location

from .models import Order


@dataclass(frozen=True)
class Check:
    name: str
    passed: bool
    problems: list[str]
    details: list[str] = field(default_factory=list)  # figures worth showing either way

    def as_dict(self) -> dict:
        return asdict(self)


def validate_order(order: Order) -> list[Check]:
    """Run every check on the order as it is stored now; a bounded number of queries."""
    lines = list(
        order.lines.select_related(
            "site", "location", "offering", "site_contact", "contract_line"
        ).prefetch_related("offering__specifications__characteristics")
    )
    site_ids = {line.site_id for line in lines}
    with_location = set(
        Location.objects.filter(account_id__in=site_ids).values_list("account_id", flat=True)
    )
    with_contact = set(
        Contact.objects.filter(account_id__in=site_ids).values_list("account_id", flat=True)
    )
    rules = list(FeasibilityRule.objects.all())
    profile = order.billing_profile

    billing = (
        []
        if profile.state == BillingProfileState.ACTIVE
        else [f"{profile} is {profile.get_state_display().lower()}."]
    )
    currency = order.quote.currency
    billing_currency = (
        []
        if profile.currency == currency
        else [
            f"{profile} bills in {profile.currency}; the order is in {currency}. Choose a billing "
            f"profile in {currency}, or add one to the account."
        ]
    )
    sites = []
    feasibility = []
    sellable = []
    prices = []
    for line in lines:
        if line.site_id not in with_location:
            sites.append(f"{line.site.name} has no location.")
        if line.site_contact_id is None and line.site_id not in with_contact:
            sites.append(f"{line.site.name} has no contact.")
        values = {k: v for k, v in (line.characteristics or {}).items() if v not in ("", None)}
        config, errors = catalog.validate_configuration(line.offering, values)
        if errors:
            feasibility.append(f"{line}: " + "; ".join(e.message for e in errors))
        else:
            result = catalog.check_feasibility(line.offering, config, line.location, rules)
            if result.status == FeasibilityStatus.NOT_FEASIBLE:
                feasibility.append(f"{line}: " + " ".join(result.reasons))
        if not line.offering.is_sellable():
            sellable.append(f"{line.offering.name} is no longer sellable.")
        source = line.contract_line
        if (line.net_recurring, line.net_one_time, line.surcharge, line.quantity) != (
            source.net_recurring,
            source.net_one_time,
            source.surcharge,
            source.quantity,
        ):
            prices.append(f"{line} differs from its contract line.")
    return [
        Check("Billing profile active", not billing, billing),
        Check("Billing in the order's currency", not billing_currency, billing_currency),
        Check("Every site has a location and a contact", not sites, sorted(set(sites))),
        Check("Feasibility still valid", not feasibility, feasibility),
        Check("Offerings still sellable", not sellable, sorted(set(sellable))),
        Check("Prices match the contract", not prices, prices),
    ]
