"""R20: sub flows and tasks from the flow templates; dependencies order the tasks, inside a
flow and across domain orders; independent branches are ready at once."""

import pytest

from fulfillment import services
from fulfillment.models import FlowTemplate, SubFlow, Task, TaskDependency
from telcrm.fsm import DomainError

from .conftest import finish


def _task(order, spec, code):
    return Task.objects.get(
        sub_flow__domain_order__order=order,
        sub_flow__child_line__specification__code=spec,
        template__code=code,
    )


def test_r20_every_child_line_gets_a_sub_flow_with_its_tasks(users, approved):
    flows = services.order_fulfillment_start(actor=users["orders"], order_id=approved.pk)
    # HQ: access line, IP service, CPE router; Metro: SIP trunk.
    assert sorted(f.child_line.specification.code for f in flows) == [
        "ACCESS-LINE",
        "CPE-ROUTER",
        "IP-INTERNET",
        "SIP-TRUNK",
    ]
    assert Task.objects.filter(sub_flow__domain_order__order=approved).count() == 9
    task = _task(approved, "ACCESS-LINE", "order-circuit")
    assert (task.kind, task.group.name, task.required_outputs) == (
        "api",
        "Access provisioning",
        ["circuit_id"],
    )


def test_r20_independent_branches_start_in_parallel_and_the_rest_waits(users, approved):
    services.order_fulfillment_start(actor=users["orders"], order_id=approved.pk)
    ready = set(
        Task.objects.filter(sub_flow__domain_order__order=approved, state="ready").values_list(
            "template__code", flat=True
        )
    )
    # First tasks of the access line, the CPE and the SIP trunk: nothing to wait for.
    assert ready == {"order-circuit", "stage-cpe", "reserve-numbers"}
    waiting = _task(approved, "ACCESS-LINE", "install-ntu")
    assert waiting.state == "waiting" and waiting.due_at is None
    assert all(t.due_at for t in Task.objects.filter(state="ready"))


def test_r20_dependencies_order_tasks_inside_a_flow_and_across_domain_orders(users, started):
    approved = started  # the agent is in every group
    services.order_fulfillment_start(actor=users["orders"], order_id=approved.pk)
    agent = users["agent"]
    # The IP service waits for the access line and the CPE router (IP-INTERNET requires
    # both): its first task waits for the last task of each.
    allocate = _task(approved, "IP-INTERNET", "allocate-ip")
    waits_for = set(
        TaskDependency.objects.filter(task=allocate).values_list(
            "depends_on__template__code", flat=True
        )
    )
    assert waits_for == {"test-circuit", "install-cpe"}
    services.task_complete(
        actor=agent,
        task_id=_task(approved, "ACCESS-LINE", "order-circuit").pk,
        outputs={"circuit_id": "DE-HAM-0042"},
    )
    assert _task(approved, "ACCESS-LINE", "install-ntu").state == "ready"
    finish(_task(approved, "ACCESS-LINE", "install-ntu"), agent, {"ntu_serial": "NTU-1"})
    services.task_complete(actor=agent, task_id=_task(approved, "ACCESS-LINE", "test-circuit").pk)
    assert _task(approved, "IP-INTERNET", "allocate-ip").state == "waiting"  # CPE not done
    services.task_complete(
        actor=agent,
        task_id=_task(approved, "CPE-ROUTER", "stage-cpe").pk,
        outputs={"cpe_serial": "FGT60F-123"},
    )
    finish(_task(approved, "CPE-ROUTER", "install-cpe"), agent)
    assert _task(approved, "IP-INTERNET", "allocate-ip").state == "ready"


def test_r20_completing_needs_the_required_outputs(users, approved):
    services.order_fulfillment_start(actor=users["orders"], order_id=approved.pk)
    task = _task(approved, "ACCESS-LINE", "order-circuit")
    with pytest.raises(DomainError) as refused:
        services.task_complete(actor=users["agent"], task_id=task.pk, outputs={"circuit_id": " "})
    assert refused.value.errors == ["circuit_id is required."]
    task.refresh_from_db()
    assert task.state == "ready" and task.outputs == {}
    waiting = _task(approved, "ACCESS-LINE", "install-ntu")
    with pytest.raises(DomainError, match="only a ready or started task"):
        services.task_complete(
            actor=users["agent"], task_id=waiting.pk, outputs={"ntu_serial": "x"}
        )


def test_r20_starting_twice_creates_nothing_twice(users, approved):
    services.order_fulfillment_start(actor=users["orders"], order_id=approved.pk)
    counts = (SubFlow.objects.count(), Task.objects.count(), TaskDependency.objects.count())
    assert services.order_fulfillment_start(actor=users["orders"], order_id=approved.pk) == []
    assert (SubFlow.objects.count(), Task.objects.count(), TaskDependency.objects.count()) == counts


def test_r20_a_missing_flow_template_is_named_and_nothing_starts(users, approved):
    FlowTemplate.objects.filter(specification__code="SIP-TRUNK").delete()
    with pytest.raises(DomainError, match="No flow template for SIP-TRUNK"):
        services.order_fulfillment_start(actor=users["orders"], order_id=approved.pk)
    assert not SubFlow.objects.exists()


def test_r20_only_an_approved_order_is_fulfilled(users, contract, billing):
    from orders import services as order_services
    from tests.fulfillment.conftest import LATER

    order = order_services.order_create(
        actor=users["rep"], contract_id=contract.pk, billing_profile=billing, requested_date=LATER
    )
    with pytest.raises(DomainError, match="only an approved, decomposed order"):
        services.order_fulfillment_start(actor=users["orders"], order_id=order.pk)
