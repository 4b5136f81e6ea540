"""Issue 19: decomposition, approval and fulfillment start of a large multi-site order take a
number of queries that does not grow with its lines."""

from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from cmdb.models import ProductInventory
from fulfillment import services as fulfillment_services
from fulfillment.demo import load_templates
from fulfillment.models import SubFlow, Task, TaskDependency, TaskTemplate
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
# insert 2), lines started (the new state 1, each its inventory 1, history 1), domain
# orders (read 1, sequence 4, insert 2), dependencies (read 1, insert 2), child lines
# (read 1, insert 2); the order marked decomposed (its references checked 7, saved 2);
# savepoints around each write (18); the audit chain (6): each change's history write
# locks its records' chains and reads their newest hashes (a creation begins its chain).
APPROVE_QUERIES = 72


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


def _approved(users, large, lines: int):
    order = large(lines)
    services.order_approve(actor=users["orders"], order_id=order.pk)
    return order


# Starting the work of any order with these nine domain orders: lock the order (1), its
# domain orders with their child lines, specifications and dependencies (4), the flow
# templates with their tasks, task dependencies and groups (4), the sub flows already made
# (1); sub flows (insert 2), tasks (sequence 4, insert 2), their dependencies from the
# templates (insert 2); across domain orders: the tasks and links (2), the new links
# (insert 2); the special project's check (1); the inventory started (lines 1, lock 1,
# update 2); the tasks that may start (1; the new state 1, each its due time 1, history 1)
# and their domain orders (1, update 2); savepoints around each write (19); the audit chain
# (6): each change's history write locks its records' chains and reads their newest hashes
# (a creation begins its chain).
START_QUERIES = 63


@pytest.mark.parametrize("lines", [5, 60])
def test_fulfillment_start_queries_do_not_grow_with_the_lines(users, large, lines):
    order = _approved(users, large, lines)
    queries = _count(
        lambda: fulfillment_services.order_fulfillment_start(
            actor=users["orders"], order_id=order.pk
        )
    )
    assert queries == START_QUERIES


def _template_shape(code: str) -> tuple[int, int, int, int]:
    """Tasks, links inside the flow, entry tasks and exit tasks of a specification's flow."""
    templates = list(TaskTemplate.objects.filter(flow__specification__code=code))
    links = [(t.pk, b.pk) for t in templates for b in t.depends_on.all()]
    entries = [t for t in templates if not any(a == t.pk for a, _ in links)]
    exits = [t for t in templates if not any(b == t.pk for _, b in links)]
    return len(templates), len(links), len(entries), len(exits)


def test_fulfillment_start_of_60_lines_makes_every_record_with_its_history(users, large):
    order = _approved(users, large, 60)
    made = fulfillment_services.order_fulfillment_start(actor=users["orders"], order_id=order.pk)
    shape = {code: _template_shape(code) for code in ("ACCESS-LINE", "IP-INTERNET", "CPE-ROUTER")}
    shape["SIP-TRUNK"] = _template_shape("SIP-TRUNK")
    flows_per_spec = {"ACCESS-LINE": 24, "IP-INTERNET": 24, "CPE-ROUTER": 24, "SIP-TRUNK": 36}
    tasks = Task.objects.filter(sub_flow__domain_order__order=order)
    flows = SubFlow.objects.filter(domain_order__order=order)
    assert len(made) == flows.count() == 108
    assert sorted(flows.values_list("child_line_id", flat=True)) == sorted(
        ChildLine.objects.filter(order_line__order=order).values_list("pk", flat=True)
    )
    assert tasks.count() == sum(n * shape[code][0] for code, n in flows_per_spec.items())
    assert len(set(tasks.values_list("number", flat=True))) == tasks.count()
    inside = sum(n * shape[code][1] for code, n in flows_per_spec.items())
    # Across domain orders, at HQ and at Metro (12 Internet access lines each): every entry
    # task of a line's IP flow waits for every exit task of that line's access and CPE
    # flows, not for the other lines' (the links grow with the lines, not their square).
    across = 2 * 12 * shape["IP-INTERNET"][2] * (shape["ACCESS-LINE"][3] + shape["CPE-ROUTER"][3])
    links = TaskDependency.objects.filter(task__sub_flow__domain_order__order=order)
    assert links.count() == inside + across
    assert (
        links.exclude(task__sub_flow=F("depends_on__sub_flow"))
        .exclude(task__sub_flow__domain_order__domain="ip_core")
        .count()
        == 0
    )
    # Never across sites, nor across lines where the line has its own access and CPE.
    assert not links.exclude(
        task__sub_flow__domain_order__site=F("depends_on__sub_flow__domain_order__site")
    ).exists()
    assert not links.exclude(
        task__sub_flow__child_line__order_line=F("depends_on__sub_flow__child_line__order_line")
    ).exists()
    # Every record has its history row, naming the order manager.
    who = {"history_user": users["orders"]}
    assert (
        SubFlow.history.filter(history_change_reason__startswith="started DOM-", **who).count()
        == 108
    )
    assert Task.history.filter(history_type="+", **who).count() == tasks.count()
    assert (
        TaskDependency.history.filter(history_change_reason="flow template", **who).count()
        == inside
    )
    assert (
        TaskDependency.history.filter(
            history_change_reason__startswith="domain order dependency: IP-INTERNET requires", **who
        ).count()
        == across
    )
    # What waits for nothing is ready (the first tasks of every flow but the IP ones, which
    # wait for access and CPE), each with its history row and due time.
    ready = tasks.filter(state="ready")
    assert ready.count() == sum(
        n * shape[code][2] for code, n in flows_per_spec.items() if code != "IP-INTERNET"
    )
    assert not ready.filter(due_at__isnull=True).exists()
    assert Task.history.filter(history_change_reason="ready", state="ready").count() == (
        ready.count()
    )
    assert sorted(
        order.domain_orders.filter(state="in_progress").values_list("domain", flat=True)
    ) == ["access", "access", "cpe", "cpe", "voice", "voice", "voice"]
    assert ProductInventory.objects.filter(status="pending_active").count() == 60
    assert (
        ProductInventory.history.filter(
            history_change_reason="fulfillment started", status="pending_active"
        ).count()
        == 60
    )
    # Starting again creates nothing twice.
    counts = (flows.count(), tasks.count(), links.count())
    fulfillment_services.order_fulfillment_start(actor=users["orders"], order_id=order.pk)
    assert (flows.count(), tasks.count(), links.count()) == counts


def test_r20_a_line_without_its_own_awaited_work_waits_for_all_of_it_at_the_site(users, large):
    """An IP service whose line has no access of its own (here its access child line was
    moved to a voice line at HQ) waits for every access line at the site, and still only
    for its own line's router."""
    order = _approved(users, large, 10)
    hq_dia = order.lines.filter(site__name="HQ", offering__code="DIA").order_by("pk").first()
    hq_sip = order.lines.filter(site__name="HQ", offering__code="SIP").order_by("pk").first()
    moved = ChildLine.objects.get(order_line=hq_dia, specification__code="ACCESS-LINE")
    moved.order_line = hq_sip
    moved.save()
    fulfillment_services.order_fulfillment_start(actor=users["orders"], order_id=order.pk)
    ip_entry = Task.objects.get(
        sub_flow__child_line__order_line=hq_dia,
        sub_flow__child_line__specification__code="IP-INTERNET",
        template__depends_on__isnull=True,
    )
    awaited = TaskDependency.objects.filter(task=ip_entry).values_list(
        "depends_on__sub_flow__child_line__specification__code",
        "depends_on__sub_flow__child_line__order_line",
    )
    access_lines = set(
        OrderLine.objects.filter(
            order=order,
            site__name="HQ",
            child_lines__specification__code="ACCESS-LINE",
        ).values_list("pk", flat=True)
    )
    assert hq_sip.pk in access_lines and len(access_lines) >= 2
    assert {line for code, line in awaited if code == "ACCESS-LINE"} == access_lines
    assert {line for code, line in awaited if code == "CPE-ROUTER"} == {hq_dia.pk}
