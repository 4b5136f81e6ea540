"""R25: closing an order builds its configuration items from what the tasks captured, with
their relationships, each linked back to its order line; captured resources (circuit ids, IP
blocks, number blocks, VLANs) are held by one product at a time, by a database constraint."""

import pytest
from django.db import connection, transaction

from cmdb.models import ConfigurationItem, ProductInventory, Relationship, ResourceAllocation
from cmdb.services import resources_allocate
from fulfillment import services
from orders.models import Order
from telcrm.fsm import DomainError
from tests.concurrency import at_once

from .conftest import agent_in_every_group, approve, finish, task_of, work_through


def _deliver(order, agent):
    finish(task_of(order, "order-circuit"), agent, {"circuit_id": "DE-HH-0042"})
    work_through(order, agent, skip=["allocate-ip"])
    finish(task_of(order, "allocate-ip"), agent, {"ip_block": "198.51.100.8/29"})
    work_through(order, agent)
    assert Order.objects.get(pk=order.pk).state == "completed"


def _related(item):
    return {(r.kind, r.target.kind, r.target.name) for r in item.outgoing.select_related("target")}


def test_r25_closing_creates_the_cis_with_their_relationships_and_captured_values(users, started):
    _deliver(started, users["agent"])
    hq = ProductInventory.objects.get(
        order_line__order=started, services__specification__code="ACCESS-LINE"
    )
    items = {item.kind: item for item in ConfigurationItem.objects.filter(site=hq.site)}
    assert set(items) == {"site", "circuit", "cpe", "ip_service"}
    circuit, cpe, ip, site = items["circuit"], items["cpe"], items["ip_service"], items["site"]
    # Identified by what delivery captured, and carrying the ordered configuration too.
    assert circuit.identifier == "DE-HH-0042"
    assert circuit.attributes["ntu_serial"].startswith("ntu_serial-TSK-")
    assert ip.identifier == "198.51.100.8/29"
    assert cpe.identifier.startswith("cpe_serial-TSK-")
    assert site.name == hq.site.name and site.location == hq.location
    city = hq.location.city
    assert _related(cpe) == {("located_at", "site", site.name)}
    assert _related(circuit) == {
        ("terminates_at", "site", site.name),
        ("terminates_at", "pop", f"POP {city}"),
    }
    assert _related(ip) == {
        ("depends_on", "circuit", circuit.name),
        ("depends_on", "cpe", cpe.name),
    }
    # Every item links back to its order line (through its product).
    for item in (circuit, cpe, ip, site):
        assert item.product.order_line.order == started
        assert item.operational_status == "operational"
    assert circuit.service.specification.code == "ACCESS-LINE"
    # The SIP site has no circuit of its own here: its trunk is located at its site.
    trunk = ConfigurationItem.objects.get(kind="voice_trunk")
    assert trunk.product.order_line.order == started
    assert _related(trunk) == {("located_at", "site", trunk.site.name)}


def test_r25_captured_resources_are_held_by_the_items(users, started):
    _deliver(started, users["agent"])
    held = {(a.kind, a.value): a for a in ResourceAllocation.objects.select_related("item")}
    assert held[("circuit_id", "DE-HH-0042")].item.kind == "circuit"
    assert held[("ip_block", "198.51.100.8/29")].item.kind == "ip_service"
    assert {a.state for a in held.values()} == {"in_use"}
    vlan = next(a for a in held.values() if a.kind == "vlan")
    assert vlan.scope == vlan.product.site.number  # unique per site, not network-wide
    assert {a.product.order_line.order for a in held.values()} == {started}


def test_r25_activation_twice_builds_nothing_twice(users, started):
    _deliver(started, users["agent"])
    counts = ConfigurationItem.objects.count(), Relationship.objects.count()
    from fulfillment.services import _activate

    _activate(Order.objects.get(pk=started.pk), users["agent"])
    assert (ConfigurationItem.objects.count(), Relationship.objects.count()) == counts


def test_r25_a_resource_in_use_is_refused_to_another_product(users, started):
    agent = users["agent"]
    finish(task_of(started, "order-circuit"), agent, {"circuit_id": "DE-HH-0042"})
    metro = (
        ProductInventory.objects.filter(order_line__order=started)
        .exclude(allocations__value="DE-HH-0042")
        .get()
    )
    with pytest.raises(DomainError, match=r"Circuit id DE-HH-0042 is already in use by PRD-"):
        resources_allocate(
            actor=agent, product_id=metro.pk, outputs={"circuit_id": "DE-HH-0042"}, holder="manual"
        )
    assert not metro.allocations.exists()
    # The same product capturing it again (a task done twice) is fine.
    hq = ProductInventory.objects.get(allocations__value="DE-HH-0042")
    resources_allocate(
        actor=agent,
        product_id=hq.pk,
        outputs={"circuit_id": "DE-HH-0042"},
        holder=task_of(started, "order-circuit").number,
    )
    assert ResourceAllocation.objects.filter(value="DE-HH-0042").count() == 1


def test_r25_a_task_capturing_a_number_block_in_use_is_not_completed(users, started):
    agent = users["agent"]
    hq = ProductInventory.objects.get(
        order_line__order=started, order_line__child_lines__specification__code="ACCESS-LINE"
    )
    resources_allocate(
        actor=agent, product_id=hq.pk, outputs={"number_block": "+49 40 1234 0"}, holder="legacy"
    )
    task = task_of(started, "reserve-numbers")
    with pytest.raises(DomainError, match="Phone number block"):
        services.task_complete(
            actor=agent, task_id=task.pk, outputs={"number_block": "+49 40 1234 0"}
        )
    task.refresh_from_db()
    assert task.state == "ready" and task.outputs == {}
    services.task_complete(actor=agent, task_id=task.pk, outputs={"number_block": "+49 40 5678 0"})
    assert ResourceAllocation.objects.get(value="+49 40 5678 0").holder == task.number


def test_r25_a_cancelled_line_frees_its_resources(users, started):
    agent = users["agent"]
    finish(task_of(started, "order-circuit"), agent, {"circuit_id": "DE-HH-0042"})
    task = task_of(started, "install-ntu")
    fallout = services.task_fail(
        actor=None, task_id=task.pk, category="data", detail="Building demolished"
    )
    services.fallout_cancel_line(actor=users["orders"], fallout_id=fallout.pk, note="withdrawn")
    allocation = ResourceAllocation.objects.get(value="DE-HH-0042")
    assert allocation.state == "released" and allocation.released_at is not None
    work_through(started, agent)
    hq = allocation.product
    assert hq.status == "cancelled" and not hq.items.exists()
    # Free for the next order.
    metro = ProductInventory.objects.filter(order_line__order=started).exclude(pk=hq.pk).get()
    resources_allocate(
        actor=agent, product_id=metro.pk, outputs={"circuit_id": "DE-HH-0042"}, holder="reuse"
    )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the race needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_r25_two_orders_allocating_one_resource_at_once_get_one_winner(
    roles, users, contract, billing, rep_account
):
    order = approve(users, contract, billing, rep_account)
    agent_in_every_group(users)
    products = list(ProductInventory.objects.filter(order_line__order=order))
    assert len(products) == 2

    def allocate(product):
        with transaction.atomic():
            resources_allocate(
                actor=users["agent"],
                product_id=product.pk,
                outputs={"ip_block": "203.0.113.0/29"},
                holder="race",
            )

    outcomes = at_once(allocate, products)
    assert outcomes.count("ok") == 1
    assert "IP block 203.0.113.0/29 is already in use" in next(o for o in outcomes if o != "ok")
    assert ResourceAllocation.objects.filter(value="203.0.113.0/29", state="in_use").count() == 1
