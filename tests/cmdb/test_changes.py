"""R26: change requests against configuration items: draft -> assessment -> approved (by
someone other than the requester) -> scheduled in a future window -> implemented -> closed, or
rejected with a reason."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cmdb import services
from cmdb.models import ChangeRequest
from telcrm.fsm import DomainError


def window(hours_from_now: float = 24, length: float = 2):
    start = timezone.now() + timedelta(hours=hours_from_now)
    return start, start + timedelta(hours=length)


def typed(moment) -> str:
    """As the browser's date-and-time picker sends it: local time."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def raise_change(user, item, **kwargs) -> ChangeRequest:
    start, end = window()
    data = {
        "title": "Upgrade CPE firmware",
        "description": "Firmware 7.2 on the edge router.",
        "risk": "medium",
        "planned_start": start,
        "planned_end": end,
        **kwargs,
    }
    return services.change_request_create(actor=user, item_id=item.pk, **data)


def run(user, change, name, reason="") -> ChangeRequest:
    return services.change_request_transition(
        actor=user, change_id=change.pk, name=name, reason=reason
    )


def in_assessment(users, item, **kwargs) -> ChangeRequest:
    change = raise_change(users["ops"], item, **kwargs)
    return run(users["ops"], change, "submit")


def fresh(change) -> ChangeRequest:
    return ChangeRequest.objects.get(pk=change.pk)


def post(client, change, name, **data):
    return client.post(reverse(f"cmdb:changerequest_{name}", args=[change.pk]), data, follow=True)


def test_r26_change_request_runs_draft_to_closed(login, users, items):
    change = raise_change(users["ops"], items["hq"])
    assert (change.number[:4], change.state, change.requested_by) == ("CHG-", "draft", users["ops"])
    ops = login(users["ops"])
    page = ops.get(change.get_absolute_url()).content.decode()
    assert "Submit for assessment" in page and items["hq"].number in page
    post(ops, change, "submit")
    assert fresh(change).state == "assessment"
    approver = login(users["ops2"])
    page = post(approver, change, "approve").content.decode()
    assert "approved" in page
    assert (fresh(change).state, fresh(change).approved_by) == ("approved", users["ops2"])
    ops = login(users["ops"])
    post(ops, change, "schedule")
    assert fresh(change).state == "scheduled"
    post(ops, change, "implement", reason="Firmware 7.2 installed, router rebooted.")
    assert fresh(change).implementation_note == "Firmware 7.2 installed, router rebooted."
    page = post(ops, change, "close").content.decode()
    assert fresh(change).state == "closed"
    assert "Firmware 7.2 installed" in page and "approved" in page.lower()
    # R27: every step is in the history with its user and transition name.
    steps = list(
        ChangeRequest.history.filter(id=change.pk)
        .order_by("history_id")
        .values_list("history_change_reason", "history_user__username")
    )
    assert steps == [
        (f"raised against {items['hq'].number}", "ops"),
        ("submit", "ops"),
        ("approve", "ops2"),
        ("schedule", "ops"),
        ("implement", "ops"),
        ("close", "ops"),
    ]


def test_r26_change_cannot_be_approved_by_its_requester(login, users, items):
    change = in_assessment(users, items["hq"])
    with pytest.raises(DomainError, match="someone else must approve it"):
        run(users["ops"], change, "approve")
    assert (fresh(change).state, fresh(change).approved_by) == ("assessment", None)
    page = post(login(users["ops"]), change, "approve").content.decode()
    assert "someone else must approve it (four-eyes)" in page
    assert fresh(change).state == "assessment"
    run(users["ops2"], change, "approve")
    assert fresh(change).approved_by == users["ops2"]


def test_r26_change_reject_needs_reason(login, users, items):
    change = in_assessment(users, items["hq"])
    with pytest.raises(DomainError, match="Give the reason for rejecting it"):
        run(users["ops2"], change, "reject", reason="   ")
    assert fresh(change).state == "assessment"
    client = login(users["ops2"])
    page = client.get(change.get_absolute_url()).content.decode()
    assert 'name="reason"' in page  # the reject button asks for the reason
    post(client, change, "reject", reason="Clashes with the customer's quarter-end freeze.")
    change = fresh(change)
    assert change.state == "rejected"
    assert change.rejection_reason == "Clashes with the customer's quarter-end freeze."
    assert "quarter-end freeze" in client.get(change.get_absolute_url()).content.decode()


def test_r26_change_schedule_needs_future_window(users, items):
    unplanned = in_assessment(users, items["hq"], planned_start=None, planned_end=None)
    run(users["ops2"], unplanned, "approve")
    with pytest.raises(DomainError, match="starts in the future"):
        run(users["ops"], unplanned, "schedule")
    past_start, past_end = window(hours_from_now=-3)
    late = in_assessment(users, items["hq"], planned_start=past_start, planned_end=past_end)
    run(users["ops2"], late, "approve")
    with pytest.raises(DomainError, match="starts in the future"):
        run(users["ops"], late, "schedule")
    assert (fresh(unplanned).state, fresh(late).state) == ("approved", "approved")
    planned = in_assessment(users, items["hq"])
    run(users["ops2"], planned, "approve")
    assert run(users["ops"], planned, "schedule").state == "scheduled"


def test_r26_change_illegal_transitions_refused_and_nothing_changed(login, users, items):
    change = raise_change(users["ops"], items["hq"])
    before = (fresh(change).updated_at, ChangeRequest.history.filter(id=change.pk).count())
    for name, message in [
        ("approve", "Approve is not possible while the record is Draft"),
        ("schedule", "Schedule is not possible while the record is Draft"),
        ("implement", "Mark implemented is not possible while the record is Draft"),
        ("close", "Close is not possible while the record is Draft"),
        ("delete", "is not an action of change request"),
    ]:
        with pytest.raises(DomainError, match=message):
            run(users["ops2"], change, name, reason="x")
    page = post(login(users["ops2"]), change, "close").content.decode()
    assert "Close is not possible while the record is Draft" in page
    after = (fresh(change).updated_at, ChangeRequest.history.filter(id=change.pk).count())
    assert fresh(change).state == "draft" and after == before
    run(users["ops"], change, "submit")
    with pytest.raises(DomainError, match="Submit for assessment is not possible"):
        run(users["ops"], change, "submit")
    # A role that only reads changes may take no transition at all.
    with pytest.raises(DomainError, match="not allowed to approve"):
        run(users["contracts"], change, "approve")
    assert (
        login(users["contracts"])
        .post(reverse("cmdb:changerequest_approve", args=[change.pk]))
        .status_code
        == 403
    )
    assert fresh(change).state == "assessment"


def test_r26_change_plan_editable_until_scheduled(login, users, items):
    change = in_assessment(users, items["hq"])
    client = login(users["ops"])
    edit = reverse("cmdb:change_edit", args=[change.pk])
    form = client.get(edit)
    assert form.status_code == 200
    start, end = window(hours_from_now=48, length=1)
    response = client.post(
        edit,
        {
            "item": items["pop"].pk,
            "title": "Something else",
            "description": "Now with rollback.",
            "risk": "high",
            "planned_start": typed(start),
            "planned_end": typed(end),
            "version": form.context["form"]["version"].value(),
        },
    )
    assert response.status_code == 302
    change = fresh(change)
    # The item and title stay as raised; the plan changed.
    assert (change.item, change.title) == (items["hq"], "Upgrade CPE firmware")
    assert (change.risk, change.description) == ("high", "Now with rollback.")
    assert typed(change.planned_start) == typed(start)
    run(users["ops2"], change, "approve")
    # Approved: the window may move (a missed window), the approved scope and risk not.
    with pytest.raises(DomainError, match="approved: only its window can move"):
        services.change_request_update(
            actor=users["ops"], change_id=change.pk, description="x", risk="low"
        )
    later, later_end = window(hours_from_now=72, length=1)
    services.change_request_update(
        actor=users["ops"],
        change_id=change.pk,
        description=change.description,
        risk=change.risk,
        planned_start=later,
        planned_end=later_end,
    )
    assert typed(fresh(change).planned_start) == typed(later)
    run(users["ops"], change, "schedule")
    page = client.get(edit, follow=True).content.decode()
    assert "scheduled: its plan is fixed" in page


def test_r26_change_raised_from_an_item(login, users, items):
    client = login(users["ops"])
    url = reverse("cmdb:change_create")
    form = client.get(f"{url}?item={items['metro'].pk}")
    assert form.context["form"].initial["item"] == items["metro"].pk
    assert f'value="{items["metro"].pk}" selected' in form.content.decode()
    start, end = window()
    response = client.post(
        url,
        {
            "item": items["metro"].pk,
            "title": "Move trunk to SBC 2",
            "description": "Capacity.",
            "risk": "low",
            "planned_start": typed(start),
            "planned_end": typed(end),
        },
    )
    change = ChangeRequest.objects.get()
    assert response.status_code == 302 and response.url == change.get_absolute_url()
    assert (change.item, change.requested_by, change.state) == (
        items["metro"],
        users["ops"],
        "draft",
    )


@pytest.mark.parametrize(
    "data, error",
    [
        (
            {"planned_start": "2031-05-02T10:00", "planned_end": "2031-05-02T09:00"},
            "The planned window must end after it starts.",
        ),
        (
            {"planned_start": "2031-05-02T10:00", "planned_end": ""},
            "Give both the start and the end of the planned window, or neither.",
        ),
        ({"planned_start": "tomorrow"}, "Enter a valid date/time."),
        ({"title": ""}, "This field is required."),
        ({"risk": "extreme"}, "Select a valid choice."),
        ({"item": "999999"}, "Select a valid choice."),
    ],
)
def test_change_form_bad_input_gives_form_error_and_stores_nothing(
    login, users, items, data, error
):
    payload = {
        "item": items["hq"].pk,
        "title": "Upgrade",
        "description": "Firmware.",
        "risk": "low",
        "planned_start": "",
        "planned_end": "",
        **data,
    }
    response = login(users["ops"]).post(reverse("cmdb:change_create"), payload)
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not ChangeRequest.objects.exists()


def test_change_pages_for_the_outsider_and_other_team(login, users, items):
    change = raise_change(users["ops"], items["hq"])
    urls = [
        reverse("cmdb:change_list"),
        change.get_absolute_url(),
        reverse("cmdb:change_create"),
        reverse("cmdb:change_edit", args=[change.pk]),
    ]
    outsider = login(users["outsider"])
    for url in urls:
        assert outsider.get(url).status_code == 403, url
    assert outsider.post(reverse("cmdb:changerequest_submit", args=[change.pk])).status_code == 403
    # A rep of another team reads changes, but not those of team A's customer.
    other = login(users["other_rep"])
    listing = other.get(reverse("cmdb:change_list"))
    assert listing.status_code == 200 and change.number not in listing.content.decode()
    assert other.get(change.get_absolute_url()).status_code == 404
    assert other.get(reverse("cmdb:change_create")).status_code == 403
    assert other.post(reverse("cmdb:changerequest_submit", args=[change.pk])).status_code == 403
    # The account's own rep reads it, with no buttons.
    page = login(users["rep"]).get(change.get_absolute_url()).content.decode()
    assert change.number in page and "Submit for assessment" not in page
    # Service operations may not raise a change on an item they cannot reach: none here, so
    # the service checks it (a rep has no permission at all).
    with pytest.raises(DomainError, match="not allowed to raise change requests"):
        raise_change(users["rep"], items["hq"])
    assert fresh(change).state == "draft"


def test_change_list_filters(login, users, items):
    open_one = raise_change(users["ops"], items["hq"], risk="high")
    rejected = in_assessment(users, items["metro"], title="Re-home trunk")
    run(users["ops2"], rejected, "reject", reason="Not needed.")
    client = login(users["ops"])
    url = reverse("cmdb:change_list")
    page = client.get(url).content.decode()
    assert open_one.number in page and rejected.number not in page  # open ones by default
    page = client.get(url, {"state": "rejected"}).content.decode()
    assert rejected.number in page and open_one.number not in page
    assert open_one.number not in client.get(url, {"risk": "low"}).content.decode()
    page = client.get(url, {"q": "CIR-HH"}).content.decode()
    assert open_one.number in page
    page = client.get(url, {"q": "Südlicht"}).content.decode()
    assert open_one.number not in page


def test_r26_home_shows_changes_awaiting_my_approval(login, users, items):
    change = in_assessment(users, items["hq"])
    page = login(users["ops2"]).get(reverse("home")).content.decode()
    assert 'data-testid="home-changes"' in page and change.number in page
    # Not to its requester (four-eyes), and not to roles that cannot approve.
    assert (
        'data-testid="home-changes"'
        not in login(users["ops"]).get(reverse("home")).content.decode()
    )
    assert (
        'data-testid="home-changes"'
        not in login(users["rep"]).get(reverse("home")).content.decode()
    )


def test_change_list_query_count_does_not_grow_with_rows(
    login, users, items, django_assert_num_queries
):
    for n in range(3):
        raise_change(users["ops"], items["hq"] if n % 2 else items["metro"])
    client = login(users["ops"])
    url = reverse("cmdb:change_list")
    client.get(url)
    # Session, user, the user's groups (role), its permissions (user, group), the count for
    # the pager, and the page of changes with their items, accounts, sites and people.
    with django_assert_num_queries(QUERIES_CHANGE_LIST):
        client.get(url)
    for _ in range(3):
        raise_change(users["ops2"], items["pop"])
    with django_assert_num_queries(QUERIES_CHANGE_LIST):
        page = client.get(url).content.decode()
    assert page.count('data-testid="change"') == 6


def test_change_detail_query_count_does_not_grow_with_history(
    login, users, items, django_assert_num_queries
):
    change = in_assessment(users, items["hq"])
    client = login(users["ops2"])
    client.get(change.get_absolute_url())
    # Session, user, its permissions (user, group), its groups (role), the change with its
    # item, account, site and people, its history rows with their users, their predecessors,
    # and the items named in the changes (one query for all of them).
    with django_assert_num_queries(QUERIES_CHANGE_DETAIL):
        client.get(change.get_absolute_url())
    for n in range(4):
        services.change_request_update(
            actor=users["ops"], change_id=change.pk, description=f"Take {n}", risk="low"
        )
    run(users["ops2"], change, "approve")
    with django_assert_num_queries(QUERIES_CHANGE_DETAIL):
        page = client.get(change.get_absolute_url()).content.decode()
    assert "Take 3" in page


QUERIES_CHANGE_LIST = 7
QUERIES_CHANGE_DETAIL = 9
