"""Configuration items to raise changes and incidents against (R26): the customer's active
sales contract with a service contract per site, HQ's carrying a 4-hour time-to-restore
SLA, and small helpers that make product inventory and items directly."""

from datetime import date
from decimal import Decimal

import pytest

from cmdb.models import ConfigurationItem, ProductInventory
from contracts import services as contract_services
from contracts.models import ServiceContract, SlaCommitment
from sales.choices import SlaMetric
from tests.contracts.conftest import accepted, signatory  # noqa: F401
from tests.orders.conftest import contract  # noqa: F401

RESTORE_HOURS = Decimal("4")


def make_product(sales_contract, site) -> ProductInventory:
    """A product in inventory for the contract's line at ``site``."""
    line = sales_contract.lines.select_related("offering").filter(site=site).first()
    return ProductInventory.objects.create(
        account=sales_contract.account,
        site=site,
        location=site.locations.first(),
        offering=line.offering,
        sales_contract=sales_contract,
        order_date=date.today(),
    )


def make_item(
    account, *, site=None, product=None, kind="circuit", name="Access circuit", identifier=""
) -> ConfigurationItem:
    return ConfigurationItem.objects.create(
        kind=kind,
        name=name,
        identifier=identifier,
        account=account,
        site=site,
        location=site.locations.first() if site else None,
        product=product,
    )


@pytest.fixture
def service_contracts(users, contract):  # noqa: F811
    """Active service contracts for HQ and Metro; only HQ promises a time to restore."""
    contract_services.service_contracts_create(actor=users["contracts"], contract_id=contract.pk)
    found = {}
    for service in ServiceContract.objects.filter(sales_contract=contract).select_related("site"):
        found[service.site.name] = contract_services.contract_transition(
            actor=users["contracts"],
            contract_id=service.pk,
            name="activate",
            model=ServiceContract,
        )
    SlaCommitment.objects.create(
        service_contract=found["HQ"], target=RESTORE_HOURS, metric=SlaMetric.TIME_TO_RESTORE
    )
    return found


@pytest.fixture
def items(rep_account, other_account, world, contract, service_contracts):  # noqa: F811
    """HQ's circuit (under the 4-hour SLA), Metro's voice trunk (a service contract without
    a time to restore), a point of presence (the telco's own: no SLA) and a circuit of
    team B's customer (outside the rep's view)."""
    return {
        "hq": make_item(
            rep_account,
            site=world["HQ"],
            product=make_product(contract, world["HQ"]),
            name="Access circuit HQ",
            identifier="CIR-HH-0001",
        ),
        "metro": make_item(
            rep_account,
            site=world["Metro"],
            kind="voice_trunk",
            product=make_product(contract, world["Metro"]),
            name="SIP trunk Metro",
            identifier="TRK-0001",
        ),
        "pop": make_item(None, kind="pop", name="POP Hamburg 1"),
        "other": make_item(other_account, name="Access circuit Südlicht", identifier="CIR-X"),
    }
