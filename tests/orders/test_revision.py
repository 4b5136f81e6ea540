"""R16: commercial changes are refused on the order; the quote is reopened as a new version,
the order is held, and the accepted, signed and contracted version revises it."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from contracts import services as contract_services
from contracts.models import Document, SalesContract
from orders import services
from orders.models import Order, OrderLine
from sales import services as sales_services
from sales.models import QuoteLine
from telcrm.fsm import DomainError
from tests.contracts.conftest import send, sign
from tests.sales.test_quotes import place

LATER = date.today() + timedelta(days=30)


@pytest.fixture
def order(users, contract, billing):
    return services.order_create(
        actor=users["rep"], contract_id=contract.pk, billing_profile=billing, requested_date=LATER
    )


def test_r16_commercial_change_is_refused_with_reopen_quote(login, users, order, world):
    line = order.lines.get(site=world["HQ"])
    url = reverse("orders:orderline_update", args=[order.pk, line.pk])
    data = {"site_contact": line.site_contact_id, "quantity": 3, "access_notes": "Gate 3"}
    reopen = reverse("orders:order_reopen_quote", args=[order.pk])
    # The order manager is told why and who reopens the quote.
    html = login(users["orders"]).post(url, data).content.decode()
    assert "The quantity of a line is commercial" in html and "its owner" in html
    assert reopen not in html
    # Someone who may revise quotes (here an administrator) gets the action with it.
    html = login(users["admin"]).post(url, data).content.decode()
    assert "The quantity of a line is commercial" in html and reopen in html
    # The rep finds it on the order page.
    assert reopen in login(users["rep"]).get(order.get_absolute_url()).content.decode()
    line.refresh_from_db()
    assert (line.quantity, line.access_notes) == (1, "")  # nothing stored
    with pytest.raises(DomainError, match="price"):
        line.net_recurring += 1
        services.order_line_details_save(actor=users["rep"], line=line)


def _accept_sign_contract(client, users, quote, signatory, capture):
    sales_services.quote_transition(actor=users["rep"], quote_id=quote.pk, name="finalise")
    with capture(execute=True):
        contract_services.quote_accept(actor=users["rep"], quote_id=quote.pk)
    document = Document.objects.get(quote=quote, kind="quote_summary")
    _, link = send(users, document, signatory, capture)
    sign(client, link, capture)
    contract = contract_services.contract_create(actor=users["contracts"], quote_id=quote.pk)
    return contract_services.contract_transition(
        actor=users["contracts"], contract_id=contract.pk, name="activate"
    )


def test_r16_reopen_and_revise_cycle(
    client, login, users, order, world, signatory, django_capture_on_commit_callbacks
):
    first_contract = order.sales_contract
    rep = login(users["rep"])
    response = rep.post(reverse("orders:order_reopen_quote", args=[order.pk]), follow=True)
    order.refresh_from_db()
    new = order.quote.__class__.objects.get(number=order.quote.number, is_current=True)
    assert order.state == "held" and new.version == order.quote.version + 1
    assert new.state == "draft" and "is held until then" in response.content.decode()
    page = rep.get(order.get_absolute_url()).content.decode()
    assert "must be accepted and signed by the customer first" in page
    with pytest.raises(DomainError, match="cannot be revised yet"):
        services.order_revise(actor=users["rep"], order_id=order.pk)
    # The new version: two HQ lines instead of one, Metro's SIP trunk gone, Kiel added.
    hq = new.lines.get(site=world["HQ"])
    hq.quantity = 2
    sales_services.quote_lines_save(actor=users["rep"], quote=new, lines=[hq])
    sales_services.quote_line_delete(actor=users["rep"], line=new.lines.get(site=world["Metro"]))
    place(users, new, world["Kiel"], code="SIP")
    second_contract = _accept_sign_contract(
        rep, users, new, signatory, django_capture_on_commit_callbacks
    )
    first_contract.refresh_from_db()
    assert first_contract.state == "terminated"
    assert "Superseded by " + second_contract.number in first_contract.termination_reason
    page = login(users["rep"]).get(order.get_absolute_url()).content.decode()
    assert "Revise the order from" in page
    rep.post(reverse("orders:order_revise", args=[order.pk]))
    order = Order.objects.get(pk=order.pk)
    assert order.state == "acknowledged" and not order.validation
    assert (order.quote, order.sales_contract) == (new, second_contract)
    changes = sorted((c["change"], c["line"]) for c in order.revision)
    assert changes == [
        ("added", "SIP Trunking at Kiel"),
        ("changed", "Dedicated Internet Access at HQ"),
        ("removed", "SIP Trunking at Metro"),
    ]
    changed = next(c for c in order.revision if c["change"] == "changed")
    assert "quantity: 1 → 2" in changed["fields"]
    lines = list(order.lines.select_related("quote_line", "contract_line"))
    assert sorted(line.site.name for line in lines) == ["HQ", "Kiel"]
    for line in lines:
        assert line.quote_line.quote == new and line.contract_line.contract == second_contract
        assert line.quantity == line.contract_line.quantity == line.quote_line.quantity
    html = login(users["rep"]).get(order.get_absolute_url()).content.decode()
    assert 'data-testid="revision-change"' in html and "quantity: 1 → 2" in html
    # The revised order validates and goes for approval like any other.
    assert services.order_submit(actor=users["rep"], order_id=order.pk).state == "pending"


def test_r16_only_an_order_not_yet_submitted_reopens_its_quote(users, order):
    services.order_submit(actor=users["rep"], order_id=order.pk)
    with pytest.raises(DomainError, match="only an order not yet submitted"):
        services.order_reopen_quote(actor=users["rep"], order_id=order.pk)
    assert QuoteLine.objects.filter(quote__number=order.quote.number).count() == (
        order.lines.count()
    )


def test_r16_held_order_blocks_a_second_order_of_the_new_version(users, order, billing):
    services.order_reopen_quote(actor=users["rep"], order_id=order.pk)
    other = SalesContract.objects.get(pk=order.sales_contract_id)
    with pytest.raises(DomainError, match="waits for this quote version"):
        services.order_create(
            actor=users["rep"], contract_id=other.pk, billing_profile=billing, requested_date=LATER
        )
    assert OrderLine.objects.count() == order.lines.count()
