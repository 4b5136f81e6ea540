"""R23: work queues: my groups' tasks, claim (one winner), start, complete with outputs;
starting fulfillment from the order managers' home panel."""

from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from fulfillment import services
from fulfillment.models import Task
from telcrm.fsm import DomainError
from tests.concurrency import at_once


def _ready(order, code):
    return Task.objects.get(sub_flow__domain_order__order=order, template__code=code)


def test_r20_order_managers_start_fulfillment_from_their_home(login, users, approved):
    client = login(users["orders"])
    home = client.get(reverse("home")).content.decode()
    assert approved.number in home and "Start fulfillment" in home
    response = client.post(reverse("fulfillment:order_start", args=[approved.pk]), follow=True)
    assert "Fulfillment of " + approved.number + " started: 4 sub flow(s)" in (
        response.content.decode()
    )
    assert "Start fulfillment" not in client.get(reverse("home")).content.decode()


def test_r20_start_fulfillment_lands_on_the_order_page(login, users, approved):
    client = login(users["orders"])
    response = client.post(reverse("fulfillment:order_start", args=[approved.pk]))
    assert response.url == f"{approved.get_absolute_url()}#fulfillment"
    page = client.get(response.url).content.decode()
    assert "started: 4 sub flow(s)" in page and 'data-testid="order-task"' in page


def test_r23_queue_shows_my_groups_ready_and_started_tasks(login, users, started):
    client = login(users["agent"])
    page = client.get(reverse("fulfillment:task_queue"))
    numbers = {t.number for t in page.context["object_list"]}
    assert numbers == set(Task.objects.filter(state="ready").values_list("number", flat=True))
    assert len(numbers) == 3
    # The technician is in no group here: an empty queue, not somebody else's work.
    assert (
        not login(users["technician"]).get(reverse("fulfillment:task_queue")).context["object_list"]
    )
    home = login(users["agent"]).get(reverse("home")).content.decode()
    assert "My tasks" in home and "Order the access circuit" in home
    # A task past its SLA due time is highlighted, counted on the home panel, and filtered.
    late = _ready(started, "stage-cpe")
    Task.objects.filter(pk=late.pk).update(due_at=timezone.now() - timedelta(hours=1))
    page = client.get(reverse("fulfillment:task_queue"), {"late": "yes"})
    assert [t.number for t in page.context["object_list"]] == [late.number]
    assert "table-danger" in page.content.decode()
    assert "1 late" in client.get(reverse("home")).content.decode()


def test_r23_claim_start_and_complete_through_the_pages(login, users, started):
    client = login(users["agent"])
    task = _ready(started, "order-circuit")
    client.post(reverse("fulfillment:task_claim", args=[task.pk]))
    client.post(reverse("fulfillment:task_start", args=[task.pk]))
    task.refresh_from_db()
    assert (task.assignee, task.state) == (users["agent"], "in_progress")
    url = reverse("fulfillment:task_complete", args=[task.pk])
    response = client.post(url, {"circuit_id": ""})
    assert "This field is required" in response.content.decode()
    task.refresh_from_db()
    assert task.state == "in_progress"
    client.post(url, {"circuit_id": "DE-HAM-0042"})
    task.refresh_from_db()
    assert (task.state, task.outputs) == ("completed", {"circuit_id": "DE-HAM-0042"})
    assert _ready(started, "install-ntu").state == "ready"


def test_r23_api_tasks_run_by_their_adapter_are_never_claimed_by_people(
    login, users, started, settings
):
    """With its domain's adapter on, an API task (ready, or running in a worker) is the
    system's: the queue offers no Claim and claiming it anyway is refused, with the reason."""
    settings.FULFILLMENT_ADAPTERS = {
        "default": {"latency_ms": 0, "failure_rate": 0, "concurrency": 2}
    }
    circuit, stage = _ready(started, "order-circuit"), _ready(started, "stage-cpe")
    client = login(users["agent"])
    page = client.get(reverse("fulfillment:task_queue")).content.decode()
    rows = {
        number: page[page.index(number) :].split("</tr>")[0]
        for number in (circuit.number, stage.number)
    }
    assert ">Claim<" not in rows[circuit.number] and "run by the system" in rows[circuit.number]
    assert ">Claim<" in rows[stage.number]  # a person's task
    response = client.post(reverse("fulfillment:task_claim", args=[circuit.pk]), follow=True)
    assert "is done by the Access system, not by a person" in response.content.decode()
    circuit.refresh_from_db()
    assert circuit.assignee is None
    with pytest.raises(DomainError, match="fall-out queue"):
        services.task_claim(actor=users["agent"], task_id=circuit.pk)


def test_r23_someone_elses_claimed_task_is_theirs(users, started):
    from tests.factories import UserFactory

    other = UserFactory(username="agent2", role="fulfillment_agent")
    task = _ready(started, "order-circuit")
    task.group.members.add(other)
    services.task_claim(actor=users["agent"], task_id=task.pk)
    with pytest.raises(DomainError, match="already claimed by"):
        services.task_claim(actor=other, task_id=task.pk)
    with pytest.raises(DomainError, match="claimed by someone else"):
        services.task_complete(actor=other, task_id=task.pk, outputs={"circuit_id": "X"})
    outsider = UserFactory(username="agent3", role="fulfillment_agent")
    with pytest.raises(DomainError, match="only its members"):
        services.task_claim(actor=outsider, task_id=_ready(started, "stage-cpe").pk)


@pytest.mark.parametrize("extra", [0, 20])
def test_task_queue_query_count(login, users, started, extra, django_assert_num_queries):
    template = _ready(started, "order-circuit")
    for _ in range(extra):
        copy = Task.objects.get(pk=template.pk)
        copy.pk, copy.number = None, ""
        copy.save()
    client = login(users["agent"])
    # 1 session, 2 user, 3-4 permissions, 5 roles, 6 the count (pagination), 7 the group
    # filter's choices, 8 the page's tasks with group, assignee, template, order, domain
    # order, site, account and visit, 9 the counts per group
    with django_assert_num_queries(9):
        client.get(reverse("fulfillment:task_queue"))


def test_r23_queue_counts_and_ages_work_per_group(login, users, started):
    stage = _ready(started, "stage-cpe")
    services.task_claim(actor=users["agent"], task_id=stage.pk)
    services.task_start(actor=users["agent"], task_id=stage.pk)
    Task.objects.filter(pk=_ready(started, "order-circuit").pk).update(
        ready_at=timezone.now() - timedelta(days=3), due_at=timezone.now() - timedelta(days=2)
    )
    rows = {r["group__name"]: r for r in Task.objects.visible_to(users["agent"]).per_group()}
    assert (rows["CPE logistics"]["ready"], rows["CPE logistics"]["started"]) == (0, 1)
    assert (rows["Access provisioning"]["ready"], rows["Access provisioning"]["late"]) == (1, 1)
    page = login(users["agent"]).get(reverse("fulfillment:task_queue")).content.decode()
    assert page.count('data-testid="group-row"') == len(rows) == 3
    assert "3\xa0days" in page  # the oldest access task has waited three days


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_r23_two_agents_claiming_at_once_one_gets_it(roles, users, contract, billing, rep_account):
    from tests.factories import UserFactory
    from tests.fulfillment.conftest import approve

    order = approve(users, contract, billing, rep_account)
    services.order_fulfillment_start(actor=users["orders"], order_id=order.pk)
    task = _ready(order, "order-circuit")
    agents = [users["agent"], UserFactory(username="agent2", role="fulfillment_agent")]
    task.group.members.add(*agents)
    outcomes = at_once(lambda agent: services.task_claim(actor=agent, task_id=task.pk), agents)
    assert outcomes.count("ok") == 1
    assert "already claimed by" in next(o for o in outcomes if o != "ok")
    assert Task.history.filter(id=task.pk, history_change_reason="claim").count() == 1
