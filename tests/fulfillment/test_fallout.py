"""R22 fall-out and R24 closure: a failed task opens a fall-out that holds up only what
waits for it; retry, manual completion, skip and cancel the line resolve it; closure runs
bottom-up to a completed or partial order."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from cmdb.models import ProductInventory
from fulfillment import services
from fulfillment.models import Fallout, SubFlow, Task
from orders.models import DomainOrder, Order, OrderLine
from telcrm.fsm import DomainError
from tests.concurrency import at_once

from .conftest import approve, start_with_the_agent, task_of, work_through


def _reject(users, order, code="order-circuit", reason="Carrier says the address is unknown"):
    task = task_of(order, code)
    services.task_claim(actor=users["agent"], task_id=task.pk)
    return services.task_reject(
        actor=users["agent"], task_id=task.pk, category="data", reason=reason
    )


def test_r22_agent_rejection_opens_a_fallout_with_category_detail_and_attempts(users, started):
    fallout = _reject(users, started)
    task = task_of(started, "order-circuit")
    assert task.state == "failed"
    assert (fallout.state, fallout.category, fallout.detail, fallout.order_id) == (
        "open",
        "data",
        "Carrier says the address is unknown",
        started.pk,
    )
    assert fallout.number.startswith("FO-") and fallout.opened_by == users["agent"]
    assert fallout.due_at > fallout.opened_at


def test_r22_rejecting_needs_a_reason_and_changes_nothing(users, started):
    task = task_of(started, "order-circuit")
    services.task_claim(actor=users["agent"], task_id=task.pk)
    with pytest.raises(DomainError, match="Say why"):
        services.task_reject(actor=users["agent"], task_id=task.pk, category="data", reason=" ")
    task.refresh_from_db()
    assert task.state == "ready" and not Fallout.objects.exists()


def test_r22_fallout_blocks_only_its_dependants(users, started, approved):
    _reject(users, started)  # the access circuit cannot be ordered
    # The rest of the order goes on: the CPE and the SIP trunk are worked to the end.
    work_through(started, users["agent"])
    assert task_of(started, "install-ntu").state == "waiting"
    assert task_of(started, "allocate-ip").state == "waiting"  # waits for the access line
    assert task_of(started, "install-cpe").state == "completed"
    sip = SubFlow.objects.get(
        domain_order__order=started, child_line__specification__code="SIP-TRUNK"
    )
    assert sip.state == "completed"
    assert Order.objects.get(pk=started.pk).state == "in_progress"


def test_r22_retry_puts_the_task_back_in_its_queue(users, started):
    fallout = _reject(users, started)
    services.fallout_retry(actor=users["orders"], fallout_id=fallout.pk, note="Address fixed")
    fallout.refresh_from_db()
    task = task_of(started, "order-circuit")
    assert (fallout.state, fallout.resolution, fallout.resolved_by) == (
        "resolved",
        "retried",
        users["orders"],
    )
    assert task.state == "ready" and task.due_at > fallout.opened_at
    with pytest.raises(DomainError, match="resolved a moment ago"):
        services.fallout_skip(actor=users["orders"], fallout_id=fallout.pk, note="again")


def test_r22_manual_completion_needs_the_outputs_and_readies_dependants(users, started):
    fallout = _reject(users, started)
    with pytest.raises(DomainError, match="circuit_id"):
        services.fallout_complete(actor=users["orders"], fallout_id=fallout.pk, outputs={})
    assert Fallout.objects.get(pk=fallout.pk).state == "open"
    services.fallout_complete(
        actor=users["orders"], fallout_id=fallout.pk, outputs={"circuit_id": "DE-HAM-0099"}
    )
    task = task_of(started, "order-circuit")
    assert task.state == "completed" and task.outputs == {"circuit_id": "DE-HAM-0099"}
    assert task_of(started, "install-ntu").state == "ready"
    assert Fallout.objects.get(pk=fallout.pk).resolution == "completed"


def test_r22_skip_lets_what_waits_go_on(users, started):
    fallout = _reject(users, started)
    with pytest.raises(DomainError, match="Say why"):
        services.fallout_skip(actor=users["orders"], fallout_id=fallout.pk, note="")
    services.fallout_skip(
        actor=users["orders"],
        fallout_id=fallout.pk,
        note="Circuit already exists from the old contract",
    )
    assert task_of(started, "order-circuit").state == "skipped"
    assert task_of(started, "install-ntu").state == "ready"


def test_r22_cancel_line_is_for_order_managers(users, started):
    fallout = _reject(users, started)
    with pytest.raises(DomainError, match="Only an order manager"):
        services.fallout_cancel_line(actor=users["agent"], fallout_id=fallout.pk, note="no")
    assert OrderLine.objects.filter(order=started, state="cancelled").count() == 0


def test_r24_cancelling_a_line_ends_the_order_partial(users, started):
    fallout = _reject(users, started)
    services.fallout_cancel_line(
        actor=users["orders"], fallout_id=fallout.pk, note="Customer withdrew the HQ site"
    )
    hq = OrderLine.objects.get(order=started, child_lines__specification__code="ACCESS-LINE")
    assert hq.state == "cancelled"
    assert ProductInventory.objects.get(pk=hq.product_id).status == "cancelled"
    assert set(
        Task.objects.filter(sub_flow__child_line__order_line=hq).values_list("state", flat=True)
    ) <= {"cancelled", "completed"}
    assert Order.objects.get(pk=started.pk).state == "in_progress"  # the SIP line goes on
    work_through(started, users["agent"])
    order = Order.objects.get(pk=started.pk)
    assert order.state == "partial"
    metro = order.lines.exclude(pk=hq.pk).get()
    assert metro.state == "completed"
    assert Fallout.objects.get(pk=fallout.pk).resolution == "line_cancelled"


def test_r24_closure_runs_bottom_up(users, started):
    # Everything but the last test of the access line: nothing above its sub flow closes.
    work_through(started, users["agent"], skip=["test-circuit"])
    access = SubFlow.objects.get(
        domain_order__order=started, child_line__specification__code="ACCESS-LINE"
    )
    assert access.state == "in_progress"
    assert access.domain_order.state == "in_progress"
    assert SubFlow.objects.get(child_line__specification__code="SIP-TRUNK").state == "completed"
    assert Order.objects.get(pk=started.pk).state == "in_progress"
    work_through(started, users["agent"])
    assert set(
        SubFlow.objects.filter(domain_order__order=started).values_list("state", flat=True)
    ) == {"completed"}
    assert set(DomainOrder.objects.filter(order=started).values_list("state", flat=True)) == {
        "completed"
    }
    assert set(OrderLine.objects.filter(order=started).values_list("state", flat=True)) == {
        "completed"
    }
    assert Order.objects.get(pk=started.pk).state == "completed"


def test_r24_a_domain_order_starts_with_its_first_ready_task(users, started):
    states = dict(DomainOrder.objects.filter(order=started).values_list("domain", "state"))
    assert states["access"] == "in_progress" and states["ip_core"] == "acknowledged"


def test_r22_a_fallout_is_resolved_only_while_its_task_is_failed(users, started):
    fallout = _reject(users, started)
    task = Task.objects.get(pk=fallout.task_id)
    task.skip()  # as if resolved meanwhile by a path that left the fall-out open
    task.save()
    with pytest.raises(DomainError, match="no longer needs resolving"):
        services.fallout_retry(actor=users["orders"], fallout_id=fallout.pk)
    assert Fallout.objects.get(pk=fallout.pk).state == "open"


def test_r22_resolving_needs_a_resolver_of_the_tasks_group(users, started):
    fallout = _reject(users, started)
    with pytest.raises(DomainError, match="is resolved by"):
        services.fallout_retry(actor=users["technician"], fallout_id=fallout.pk)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_r24_two_tasks_finishing_at_once_ready_what_waits_for_both(
    roles, users, contract, billing, rep_account
):
    order = start_with_the_agent(users, approve(users, contract, billing, rep_account))
    agent = users["agent"]
    # Everything before the circuit test and the CPE installation, which the IP block's
    # allocation waits for (two domain orders).
    work_through(order, agent, skip=["test-circuit", "install-cpe"])
    visit = task_of(order, "install-cpe").work_order
    now = timezone.now()
    services.work_order_dispatch(
        actor=users["orders"],
        work_order_id=visit.pk,
        technician=agent,
        window_start=now,
        window_end=now + timedelta(hours=1),
    )
    services.work_order_arrive(actor=agent, work_order_id=visit.pk)
    test = task_of(order, "test-circuit")
    outcomes = at_once(
        lambda act: act(),
        [
            lambda: services.task_complete(actor=agent, task_id=test.pk),
            lambda: services.work_order_complete(
                actor=agent, work_order_id=visit.pk, outputs={"cpe_serial": "FGL-1"}
            ),
        ],
    )
    assert outcomes == ["ok", "ok"]
    assert task_of(order, "allocate-ip").state == "ready"
    flows = SubFlow.objects.filter(
        domain_order__order=order, child_line__specification__code__in=["ACCESS-LINE", "CPE-ROUTER"]
    )
    assert set(flows.values_list("state", flat=True)) == {"completed"}
    work_through(order, agent)
    assert Order.objects.get(pk=order.pk).state == "completed"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_r31_two_resolving_one_fallout_at_once_one_wins(
    roles, users, contract, billing, rep_account
):
    order = start_with_the_agent(users, approve(users, contract, billing, rep_account))
    fallout = _reject(users, order)
    outcomes = at_once(
        lambda act: act(),
        [
            lambda: services.fallout_retry(actor=users["orders"], fallout_id=fallout.pk),
            lambda: services.fallout_skip(actor=users["agent"], fallout_id=fallout.pk, note="n/a"),
        ],
    )
    assert outcomes.count("ok") == 1
    assert "resolved a moment ago" in next(o for o in outcomes if o != "ok")
    assert (
        Fallout.history.filter(
            id=fallout.pk, history_change_reason__in=["Retried", "Skipped"]
        ).count()
        == 1
    )
