"""R21 special projects: an order with an offering flagged for it, or with more sites than
configured, runs as a project with milestones and steps; the order closes only with it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fulfillment import services
from fulfillment.models import ProjectTask, SpecialProject
from orders.models import Order
from telcrm.fsm import DomainError
from tests.factories import UserFactory

from .conftest import start_with_the_agent, work_through


@pytest.fixture
def project_order(users, approved):
    """The approved order, its HQ offering flagged for a project, its work started."""
    line = approved.lines.filter(offering__code="DIA").first() or approved.lines.first()
    line.offering.requires_project = True
    line.offering.save()
    return start_with_the_agent(users, approved)


def _tick_all(project, actor):
    for step in ProjectTask.objects.filter(project=project, state="open"):
        services.project_task_done(actor=actor, task_id=step.pk)


def test_r21_an_offering_flagged_for_a_project_opens_one(users, project_order):
    project = SpecialProject.objects.get(order=project_order)
    assert project.number.startswith("PRJ-") and "runs as a special project" in project.reason
    assert [m.name for m in project.milestones.all()] == [
        "Kick-off",
        "Every site ready",
        "Customer acceptance",
    ]
    sites = sorted({line.site.name for line in project_order.lines.all()})
    readiness = project.milestones.get(name="Every site ready").tasks.all()
    assert [t.name for t in readiness] == [f"Confirm site readiness at {s}" for s in sites]
    assert project.milestones.get(name="Customer acceptance").due_date == (
        project_order.requested_date
    )
    # Starting again opens nothing twice.
    services.order_fulfillment_start(actor=users["orders"], order_id=project_order.pk)
    assert SpecialProject.objects.filter(order=project_order).count() == 1


def test_r21_more_sites_than_configured_open_a_project(users, approved, settings):
    settings.SPECIAL_PROJECT_SITES = 1
    services.order_fulfillment_start(actor=users["orders"], order_id=approved.pk)
    project = SpecialProject.objects.get(order=approved)
    assert project.reason == "2 sites: more than 1 run as a special project."


def test_r21_a_small_order_needs_no_project(users, started):
    assert not SpecialProject.objects.filter(order=started).exists()


def test_r21_order_closes_only_with_its_project(users, project_order):
    work_through(project_order, users["agent"])
    order = Order.objects.get(pk=project_order.pk)
    assert set(order.lines.values_list("state", flat=True)) == {"completed"}
    assert order.state == "in_progress"  # the project is still running
    project = SpecialProject.objects.get(order=order)
    services.project_take(actor=users["pm"], project_id=project.pk)
    _tick_all(project, users["pm"])
    project.refresh_from_db()
    assert project.state == "completed" and project.completed_at
    assert all(m.reached_at for m in project.milestones.all())
    assert Order.objects.get(pk=order.pk).state == "completed"


def test_r21_project_done_first_the_order_closes_with_its_last_line(users, project_order):
    project = SpecialProject.objects.get(order=project_order)
    services.project_take(actor=users["pm"], project_id=project.pk)
    _tick_all(project, users["pm"])
    assert Order.objects.get(pk=project_order.pk).state == "in_progress"
    work_through(project_order, users["agent"])
    assert Order.objects.get(pk=project_order.pk).state == "completed"


def test_r21_only_the_projects_manager_ticks_off_steps(users, project_order):
    project = SpecialProject.objects.get(order=project_order)
    step = ProjectTask.objects.filter(project=project).first()
    with pytest.raises(DomainError, match="take the project first"):
        services.project_task_done(actor=users["pm"], task_id=step.pk)
    services.project_take(actor=users["pm"], project_id=project.pk)
    other = UserFactory(username="pm2", role="project_manager")
    with pytest.raises(DomainError, match="is run by"):
        services.project_take(actor=other, project_id=project.pk)
    with pytest.raises(DomainError, match="Only the manager"):
        services.project_task_done(actor=other, task_id=step.pk)
    services.project_task_done(actor=users["pm"], task_id=step.pk, note="Kick-off on site")
    with pytest.raises(DomainError, match="was done a moment ago"):
        services.project_task_done(actor=users["pm"], task_id=step.pk)
    step.refresh_from_db()
    assert (step.state, step.note, step.done_by) == ("done", "Kick-off on site", users["pm"])


def test_r21_project_page_take_and_tick(login, users, project_order):
    project = SpecialProject.objects.get(order=project_order)
    client = login(users["pm"])
    home = client.get(reverse("home")).content.decode()
    assert "My projects" in home and project.number in home and "no manager" in home
    page = client.get(project.get_absolute_url()).content.decode()
    assert "Take the project" in page and page.count('data-testid="milestone"') == 3
    response = client.post(
        reverse("fulfillment:project_take", args=[project.pk]), {"action": "take"}, follow=True
    )
    assert f"You run {project.number} now." in response.content.decode()
    step = ProjectTask.objects.filter(project=project).first()
    response = client.post(
        reverse("fulfillment:project_step_done", args=[project.pk]),
        {"task": step.pk, "note": "ok"},
        follow=True,
    )
    assert f"Done: {step.name}." in response.content.decode()
    for bad in ("abc", "", "999999"):
        response = client.post(
            reverse("fulfillment:project_step_done", args=[project.pk]), {"task": bad}, follow=True
        )
        assert "That step is not part of this project" in response.content.decode()
    # The agent may look but not act.
    agent = login(users["agent"])
    assert "Take the project" not in agent.get(project.get_absolute_url()).content.decode()
    assert (
        agent.post(
            reverse("fulfillment:project_take", args=[project.pk]), {"action": "take"}
        ).status_code
        == 403
    )
    order_page = login(users["orders"]).get(project_order.get_absolute_url()).content.decode()
    assert 'data-testid="order-project"' in order_page and "the order closes with it" in (
        order_page
    )


def test_project_list_query_count_is_fixed(login, users, project_order, settings):
    client = login(users["pm"])
    url = reverse("fulfillment:projects")
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        page = client.get(url).content.decode()
    assert page.count('data-testid="project"') == 1
    other = SpecialProject.objects.create(
        order=Order.objects.create(
            sales_contract=project_order.sales_contract,
            quote=project_order.quote,
            account=project_order.account,
            billing_profile=project_order.billing_profile,
            requested_date=project_order.requested_date,
            owner=project_order.owner,
        ),
        reason="test",
    )
    with CaptureQueriesContext(connection) as two:
        page = client.get(url).content.decode()
    assert page.count('data-testid="project"') == 2 and other.number in page
    assert len(one) == len(two) == 7


def test_r27_project_page_shows_its_history(login, users, project_order):
    project = SpecialProject.objects.get(order=project_order)
    services.project_take(actor=users["pm"], project_id=project.pk)
    page = login(users["pm"]).get(project.get_absolute_url()).content.decode()
    history = page[page.index('data-testid="history"') :]
    assert project.number in history and "Manager" in history and "Kick-off" in history
