"""R30 for fulfillment: the project page reads its step and note by hand; any value is
answered with a message, never a 5xx, and nothing is ticked off."""

from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from fulfillment.models import ProjectTask, SpecialProject
from tests.r30 import nul_texts, post_form, r30_settings, texts

from .test_projects import project_order  # noqa: F401


def _taken(login, users, order):
    project = SpecialProject.objects.get(order=order)
    client = login(users["pm"])
    if not project.manager_id:
        client.post(reverse("fulfillment:project_take", args=[project.pk]), {"action": "take"})
    return project, client


def test_r30_project_page_superscript_step_and_nul_note(login, users, project_order):  # noqa: F811
    project, client = _taken(login, users, project_order)
    step = ProjectTask.objects.filter(project=project).first()
    for bad in ("²", "٣", "9" * 40, "1\x00"):
        response = post_form(
            client,
            reverse("fulfillment:project_step_done", args=[project.pk]),
            {"task": bad},
            follow=True,
        )
        assert "That step is not part of this project" in response.content.decode()
    response = post_form(
        client,
        reverse("fulfillment:project_step_done", args=[project.pk]),
        {"task": step.pk, "note": "done\x00"},
        follow=True,
    )
    assert "The note contains a NUL (zero) character; remove it." in response.content.decode()
    step.refresh_from_db()
    assert step.state == "open"


@given(task=texts | st.sampled_from(["²", "0", "-1"]), note=nul_texts)
@r30_settings
def test_r30_project_page_any_input_is_below_500(
    login,
    users,
    project_order,  # noqa: F811
    task,
    note,
):
    project, client = _taken(login, users, project_order)
    response = post_form(
        client,
        reverse("fulfillment:project_step_done", args=[project.pk]),
        {"task": task, "note": note},
    )
    assert response.status_code == 302
    assert not ProjectTask.objects.filter(project=project).exclude(state="open").exists()
