"""An active sales contract to order, built through the real services."""

import pytest

from contracts import services as contract_services
from contracts.models import EntitlementRule
from sales.models import ProductOffering
from tests.contracts.conftest import accepted, send, sign, signatory  # noqa: F401
from tests.factories import BillingProfileFactory, ContactFactory


@pytest.fixture
def contract(client, users, accepted, signatory, world, django_capture_on_commit_callbacks):  # noqa: F811
    _, link = send(users, accepted, signatory, django_capture_on_commit_callbacks)
    sign(client, link, django_capture_on_commit_callbacks)
    for site in world.values():
        ContactFactory(account=site, first_name="Site", last_name=site.name)
    EntitlementRule.objects.create(offering=ProductOffering.objects.get(code="SLA-BRONZE"))
    contract = contract_services.contract_create(actor=users["rep"], quote_id=accepted.quote_id)
    return contract_services.contract_transition(
        actor=users["contracts"], contract_id=contract.pk, name="activate"
    )


@pytest.fixture
def billing(rep_account):
    return BillingProfileFactory(account=rep_account)
