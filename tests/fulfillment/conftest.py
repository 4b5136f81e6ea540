"""An approved, decomposed order (HQ: Internet access with a managed CPE; Metro: SIP) and
the demo flow templates."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from fulfillment import services
from fulfillment.demo import load_templates
from fulfillment.models import AssignmentGroup, Task
from orders import services as order_services
from tests.contracts.conftest import accepted, signatory  # noqa: F401
from tests.orders.conftest import billing, contract  # noqa: F401

LATER = date.today() + timedelta(days=30)


def approve(users, sales_contract, billing_profile, rep_account):
    """Order the contract, submit and approve it (with the demo flow templates): the order
    the fixtures below and the PostgreSQL race tests start from."""
    rep_account.credit_limit = Decimal("100000")
    rep_account.save()
    order = order_services.order_create(
        actor=users["rep"],
        contract_id=sales_contract.pk,
        billing_profile=billing_profile,
        requested_date=LATER,
    )
    order_services.order_submit(actor=users["rep"], order_id=order.pk)
    load_templates()
    return order_services.order_approve(actor=users["orders"], order_id=order.pk)


@pytest.fixture
def approved(users, contract, billing, rep_account):  # noqa: F811
    return approve(users, contract, billing, rep_account)


@pytest.fixture
def started(users, approved):
    """The approved order's work started; the agent is in every assignment group."""
    return start_with_the_agent(users, approved)


def agent_in_every_group(users):
    """The agent joins every assignment group, so that one user can do all of the work."""
    for group in AssignmentGroup.objects.all():
        group.members.add(users["agent"])


def start_with_the_agent(users, order):
    """The order's work started by the order manager, with the agent in every group."""
    agent_in_every_group(users)
    services.order_fulfillment_start(actor=users["orders"], order_id=order.pk)
    return order


def task_of(order, code, spec=None):
    tasks = Task.objects.filter(sub_flow__domain_order__order=order, template__code=code)
    if spec:
        tasks = tasks.filter(sub_flow__child_line__specification__code=spec)
    return tasks.get()


def copies(task, count):
    """More ready API tasks like ``task`` (same sub flow), each readied a minute later."""
    made = []
    for n in range(1, count + 1):
        copy = Task.objects.get(pk=task.pk)
        copy.pk = copy.id = None
        copy.number = ""
        copy.ready_at = task.ready_at + timedelta(minutes=n)
        copy.save()
        made.append(copy)
    return made


def extra_manual_tasks(task, count, **fields):
    """``count`` manual tasks beside ``task`` (same sub flow, template and group), to show
    that a page's query count does not grow with its tasks."""
    for n in range(count):
        Task.objects.create(
            sub_flow=task.sub_flow,
            template=task.template,
            name=f"Extra {n}",
            kind="manual",
            group=task.group,
            **fields,
        )


def finish(task, actor, outputs=None):
    """Complete a task the way its kind is completed: a field-service task on its visit
    (dispatched by the order manager to ``actor``), any other directly."""
    outputs = (
        outputs
        if outputs is not None
        else {name: f"{name}-{task.number}" for name in task.required_outputs}
    )
    if task.kind != "field_service":
        return services.task_complete(actor=actor, task_id=task.pk, outputs=outputs)
    visit = task.work_order
    now = timezone.now()
    services.work_order_dispatch(
        actor=get_user_model().objects.get(username="orders"),
        work_order_id=visit.pk,
        technician=actor,
        window_start=now,
        window_end=now + timedelta(hours=2),
    )
    services.work_order_arrive(actor=actor, work_order_id=visit.pk)
    return services.work_order_complete(actor=actor, work_order_id=visit.pk, outputs=outputs)


def work_through(order, actor, skip=()):
    """Complete every ready task of the order (with made-up outputs) until none is left,
    except the codes in ``skip``."""
    while True:
        ready = list(
            Task.objects.filter(sub_flow__domain_order__order=order, state="ready")
            .exclude(template__code__in=skip)
            .select_related("template")
        )
        if not ready:
            return
        for task in ready:
            finish(task, actor)
