"""An approved, decomposed order (HQ: Internet access with a managed CPE; Metro: SIP) and
the demo flow templates."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from fulfillment.demo import load_templates
from orders import services as order_services
from tests.contracts.conftest import accepted, signatory  # noqa: F401
from tests.orders.conftest import billing, contract  # noqa: F401

LATER = date.today() + timedelta(days=30)


@pytest.fixture
def approved(users, contract, billing, rep_account):  # noqa: F811
    rep_account.credit_limit = Decimal("100000")
    rep_account.save()
    order = order_services.order_create(
        actor=users["rep"], contract_id=contract.pk, billing_profile=billing, requested_date=LATER
    )
    order_services.order_submit(actor=users["rep"], order_id=order.pk)
    load_templates()
    return order_services.order_approve(actor=users["orders"], order_id=order.pk)
