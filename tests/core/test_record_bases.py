"""The record kit's bases in sales, contracts, orders and the CMDB: numbered records take
their number from ``NumberedModel``, state badges come from the state choices through
``BadgeMixin``, and the three priced site lines share their fields and one list of the
fields a copy mirrors, which the services copy in full."""

import inspect
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from django.apps import apps
from simple_history.models import HistoricalChanges

from contracts import services as contract_services
from contracts.models import EntitlementRule, SalesContractLine
from orders import services as order_services
from orders.models import OrderLine
from sales.models import ProductOffering, QuoteLine
from sales.models.lines import PricedSiteLine, QuotedSiteLine
from telcrm.choices import Badge
from telcrm.models import BadgeMixin, NumberedModel
from tests.contracts.conftest import accepted, send, sign, signatory  # noqa: F401
from tests.factories import BillingProfileFactory, ContactFactory

APPS = ("sales", "contracts", "orders", "cmdb")

# Every numbered record of these apps with its prefix and width (DESIGN.md, conventions).
NUMBERS = {
    "sales.Account": ("ACC-", 6),
    "sales.BillingProfile": ("BA-", 7),
    "sales.Lead": ("LEAD-", 6),
    "sales.Opportunity": ("OPP-", 6),
    "sales.SalesAgreement": ("AGR-", 6),
    "sales.Quote": ("Q-", 6),
    "contracts.SalesContract": ("SC-", 6),
    "contracts.ServiceContract": ("SVC-", 6),
    "orders.Order": ("ORD-", 6),
    "orders.DomainOrder": ("DOM-", 6),
    "cmdb.ProductInventory": ("PRD-", 6),
    "cmdb.ServiceInventory": ("SRV-", 6),
    "cmdb.ConfigurationItem": ("CI-", 6),
    "cmdb.ChangeRequest": ("CHG-", 6),
    "cmdb.Incident": ("INC-", 6),
}

# A badge that differs from its state's colour on purpose: an expired link shows grey.
OWN_BADGE = {"contracts.SigningRequest"}


def records():
    """The concrete models of these apps, without their history models."""
    for app in APPS:
        for model in apps.get_app_config(app).get_models():
            if not issubclass(model, HistoricalChanges):
                yield model


def test_every_numbered_record_is_a_numbered_model():
    numbered = {
        model._meta.label: model
        for model in records()
        if any(f.name == "number" for f in model._meta.concrete_fields)
        or issubclass(model, NumberedModel)
    }
    assert set(numbered) == set(NUMBERS)
    for label, model in numbered.items():
        assert issubclass(model, NumberedModel), label
        assert (model.number_prefix, model.number_width) == NUMBERS[label], label
        model._meta.get_field(model.number_field)  # the field the number goes into exists
        # The number is assigned by the base alone, never by a save() of the record's own.
        assert "next_number(" not in Path(inspect.getfile(model)).read_text(), label


def test_every_state_badge_comes_from_its_state_choices():
    with_badge = [model for model in records() if hasattr(model, "badge")]
    assert len(with_badge) >= 20
    for model in with_badge:
        label = model._meta.label
        assert issubclass(model, BadgeMixin), label
        if label not in OWN_BADGE:
            assert "badge" not in vars(model), f"{label} declares its own badge"
        field = model._meta.get_field(model.badge_field)
        for value, text in field.flatchoices:
            assert isinstance(text, Badge), f"{label}.{field.name}={value} has no colour"
    for app in APPS:
        assert not hasattr(apps.get_app_config(app).module.choices, "BADGES"), app


def test_a_record_shows_its_state_colour():
    from contracts.models import SalesContract
    from orders.models import Order
    from sales.models import Opportunity

    order = Order()
    assert order.badge == "info"  # acknowledged
    order.__dict__["state"] = "failed"
    assert order.badge == "danger"
    assert Opportunity().badge == "info"  # qualification, from the stage
    contract = SalesContract()
    contract.__dict__["state"] = "expired"
    assert contract.badge == "dark"


def test_the_three_lines_share_their_fields_and_one_mirrored_list():
    assert issubclass(QuoteLine, QuotedSiteLine) and issubclass(SalesContractLine, QuotedSiteLine)
    assert issubclass(OrderLine, PricedSiteLine) and not issubclass(OrderLine, QuotedSiteLine)
    assert OrderLine.MIRRORED_FIELDS is PricedSiteLine.MIRRORED_FIELDS
    assert SalesContractLine.MIRRORED_FIELDS is QuoteLine.MIRRORED_FIELDS
    assert set(PricedSiteLine.MIRRORED_FIELDS) < set(QuotedSiteLine.MIRRORED_FIELDS)
    for base in (PricedSiteLine, QuotedSiteLine):
        declared = {f.attname for f in base._meta.fields}
        assert declared == set(base.MIRRORED_FIELDS), base.__name__
    for field in QuotedSiteLine.MIRRORED_FIELDS:
        name = field.removesuffix("_id")
        contract_field = SalesContractLine._meta.get_field(name)
        assert (
            contract_field.deconstruct()[1:]
            == (QuotedSiteLine._meta.get_field(name).deconstruct()[1:])
        ), name
    for field in PricedSiteLine.MIRRORED_FIELDS:
        name = field.removesuffix("_id")
        assert (
            OrderLine._meta.get_field(name).deconstruct()[1:]
            == (PricedSiteLine._meta.get_field(name).deconstruct()[1:])
        ), name


def _distinct_values(line: QuoteLine, n: int) -> dict:
    """A value for every mirrored field that no default and no other line has."""
    values = {
        "site_id": line.site_id,
        "location_id": line.location_id,
        "offering_id": line.offering_id,
        "characteristics": {**line.characteristics, "marker": f"line-{n}"},
        "quantity": 3 + n,
    }
    prices = [f for f in QuotedSiteLine.MIRRORED_FIELDS if f not in values]
    for i, field in enumerate(prices):
        values[field] = Decimal(f"{n}{i + 1}.{i + 11}")
    assert set(values) == set(QuotedSiteLine.MIRRORED_FIELDS)
    return values


def test_signing_and_ordering_copy_every_mirrored_field(
    client,
    users,
    accepted,  # noqa: F811
    signatory,  # noqa: F811
    world,
    django_capture_on_commit_callbacks,
):
    quote = accepted.quote
    expected = {}
    for n, line in enumerate(quote.lines.order_by("pk"), start=1):
        expected[line.pk] = _distinct_values(line, n)
        QuoteLine.objects.filter(pk=line.pk).update(**expected[line.pk])
    assert len(expected) == 2
    _, link = send(users, accepted, signatory, django_capture_on_commit_callbacks)
    sign(client, link, django_capture_on_commit_callbacks)
    for site in world.values():
        ContactFactory(account=site)
    EntitlementRule.objects.create(offering=ProductOffering.objects.get(code="SLA-BRONZE"))

    contract = contract_services.contract_create(actor=users["rep"], quote_id=quote.pk)
    contract_lines = {line.quote_line_id: line for line in contract.lines.all()}
    assert set(contract_lines) == set(expected)
    for quote_line_id, values in expected.items():
        for field, value in values.items():
            assert getattr(contract_lines[quote_line_id], field) == value, field

    contract = contract_services.contract_transition(
        actor=users["contracts"], contract_id=contract.pk, name="activate"
    )
    order = order_services.order_create(
        actor=users["rep"],
        contract_id=contract.pk,
        billing_profile=BillingProfileFactory(account=quote.account),
        requested_date=date.today() + timedelta(days=30),
    )
    order_lines = {line.quote_line_id: line for line in order.lines.all()}
    assert set(order_lines) == set(expected)
    for quote_line_id, values in expected.items():
        line = order_lines[quote_line_id]
        assert line.contract_line == contract_lines[quote_line_id]
        for field in OrderLine.MIRRORED_FIELDS:
            assert getattr(line, field) == values[field], field
