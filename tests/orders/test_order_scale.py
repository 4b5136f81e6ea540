"""Issue 19: decomposition, approval and fulfillment start of a large multi-site order take a
number of queries that does not grow with its lines."""

from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from cmdb.models import ProductInventory
from fulfillment.demo import load_templates
from orders import services
from orders.models import ChildLine, DomainOrder, DomainOrderDependency, OrderLine
from tests.orders.test_approval import pending  # noqa: F401

# Beyond the contract's own two lines (HQ: Internet access with a managed CPE; Metro: SIP),
# copies go round these sites and offerings: four domains (access, IP core, CPE, voice) at HQ
# and Metro, voice at Kiel (no fiber there). Any order of five lines or more has all nine
# domain orders.
ROUND = [("Metro", "DIA"), ("Kiel", "SIP"), ("HQ", "SIP"), ("HQ", "DIA"), ("Metro", "SIP")]


def add_lines_across(order, world, count: int) -> None:
    """``count`` more lines: copies of the order's DIA and SIP lines going round ``ROUND``,
    each with its own contract and quote line."""
    templates = {line.offering.code: line for line in order.lines.select_related("offering")}
    for i in range(count):
        name, code = ROUND[i % len(ROUND)]
        template, site = templates[code], world[name]
        location = site.locations.first()
        copy = OrderLine.objects.get(pk=template.pk)
        copy.pk, copy.site, copy.location = None, site, location
        copy.contract_line = template.contract_line.__class__.objects.create(
            contract=order.sales_contract,
            quote_line=template.quote_line.__class__.objects.create(
                quote=order.quote,
                site=site,
                location=location,
                offering=template.offering,
                characteristics=template.characteristics,
                feasibility="feasible",
            ),
            site=site,
            location=location,
            offering=template.offering,
            characteristics=template.characteristics,
            quantity=template.quantity,
            discount_percent=0,
        )
        copy.save()


@pytest.fixture
def large(pending, world):  # noqa: F811
    """``large(n)``: the pending order grown to ``n`` lines over three sites and four
    domains; the customer's credit covers it."""

    def grow(lines: int):
        add_lines_across(pending, world, lines - pending.lines.count())
        pending.account.credit_limit = Decimal("100000000")
        pending.account.save()
        load_templates()
        return pending

    return grow


def _count(action) -> int:
    with CaptureQueriesContext(connection) as captured:
        action()
    return len(captured.captured_queries)


# Approval of any order with these nine domain orders: lock the order (1), its lines (1),
# their offerings' specifications (1), the catalog's relationships (1), the account, quote
# and billing profile of the checks (3), the exposure of other open orders (1), the
# approver's permissions (2), the approved order and its history (2), the contract (1);
# then each kind of record written at once, with its history: inventory (sequence 4,
# insert 2), lines started (2), domain orders (read 1, sequence 4, insert 2), dependencies
# (read 1, insert 2), child lines (read 1, insert 2); the order marked decomposed (its
# references checked 7, saved 2); savepoints around each write (18).
APPROVE_QUERIES = 65


@pytest.mark.parametrize("lines", [5, 60])
def test_approval_queries_do_not_grow_with_the_lines(users, large, lines):
    order = large(lines)
    queries = _count(lambda: services.order_approve(actor=users["orders"], order_id=order.pk))
    assert queries == APPROVE_QUERIES


def test_approval_of_60_lines_stores_every_record_with_its_history(users, large):
    order = large(60)
    services.order_approve(actor=users["orders"], order_id=order.pk)
    lines = list(order.lines.select_related("product", "offering"))
    dia = sum(line.offering.code == "DIA" for line in lines)
    assert (len(lines), dia) == (60, 24)
    assert all(line.state == "in_progress" and line.product.status == "created" for line in lines)
    assert len({line.product.number for line in lines}) == 60
    assert (
        ProductInventory.history.filter(
            history_change_reason=f"approved {order.number}", history_user=users["orders"]
        ).count()
        == 60
    )
    assert (
        OrderLine.history.filter(
            order_id=order.pk, history_change_reason="approve", state="in_progress"
        ).count()
        == 60
    )
    # HQ and Metro: access, IP core, CPE, voice; Kiel: voice.
    domain_orders = list(order.domain_orders.all())
    assert sorted((d.site.name, d.domain, d.stage) for d in domain_orders) == [
        ("HQ", "access", 1),
        ("HQ", "cpe", 1),
        ("HQ", "ip_core", 2),
        ("HQ", "voice", 1),
        ("Kiel", "voice", 1),
        ("Metro", "access", 1),
        ("Metro", "cpe", 1),
        ("Metro", "ip_core", 2),
        ("Metro", "voice", 1),
    ]
    assert len({d.number for d in domain_orders}) == 9
    assert (
        DomainOrder.history.filter(
            order_id=order.pk, history_change_reason=f"decomposed {order.number}"
        ).count()
        == 9
    )
    assert DomainOrderDependency.objects.filter(domain_order__order=order).count() == 4
    assert DomainOrderDependency.history.filter(history_change_reason="decomposed").count() == 4
    # Three child lines per Internet access line (access, IP, CPE), one per SIP line.
    children = ChildLine.objects.filter(order_line__order=order)
    assert children.count() == 24 * 3 + 36
    assert (
        ChildLine.history.filter(
            history_change_reason="decomposed", history_user=users["orders"]
        ).count()
        == 24 * 3 + 36
    )
    assert not children.exclude(domain_order__site_id=F("order_line__site_id")).exists()
    order.refresh_from_db()
    assert order.decomposed_at is not None
    # Decomposing again creates nothing twice.
    services.order_decompose(actor=users["orders"], order_id=order.pk)
    assert (children.count(), order.domain_orders.count()) == (108, 9)
