"""R27: users, their roles and their team memberships are audited like business records:
who granted a role, deactivated a user or changed a password, with before and after."""

from django.contrib.auth.models import Group
from django.urls import reverse

from telcrm.models import PASSWORD_CHANGED


def _admin_change(client, user, **changes):
    """Post Django admin's user change form with the user's current values and ``changes``."""
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on" if user.is_active else "",
        "groups": list(user.groups.values_list("pk", flat=True)),
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
    }
    data.update(changes)
    data = {k: v for k, v in data.items() if v != ""}
    response = client.post(reverse("admin:auth_user_change", args=[user.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    return response


def _user_entries(client, **query):
    return client.get(reverse("audit_log"), {"kind": "auth.user", **query}).context["entries"]


def test_r27_granting_a_role_is_audited_with_who_did_it(login, users):
    client = login(users["admin"])
    order_manager = Group.objects.get(name="order_manager")
    _admin_change(
        client,
        users["rep"],
        groups=[*users["rep"].groups.values_list("pk", flat=True), order_manager.pk],
    )
    entry = _user_entries(client)[0]
    assert (entry.kind, entry.subject, entry.who) == ("User", "rep", users["admin"].get_full_name())
    [change] = entry.changes
    assert (change.field, change.old, change.new) == (
        "Roles",
        "Sales rep",
        "Order manager, Sales rep",
    )
    page = client.get(reverse("audit_log"), {"kind": "auth.user"}).content.decode()
    assert "order_manager" not in page  # labels, never codes


def test_r27_deactivating_a_user_is_audited(login, users):
    client = login(users["admin"])
    _admin_change(client, users["other_rep"], is_active="")
    [change] = _user_entries(client)[0].changes
    assert (change.field, change.old, change.new) == ("Active", "yes", "no")


def test_r27_password_change_is_audited_without_the_hash(login, users):
    client = login(users["admin"])
    url = reverse("admin:auth_user_password_change", args=[users["rep"].pk])
    response = client.post(
        url,
        {"password1": "A-new-Passw0rd!", "password2": "A-new-Passw0rd!", "usable_password": "true"},
    )
    assert response.status_code == 302
    users["rep"].refresh_from_db()
    entry = _user_entries(client)[0]
    assert (entry.action, entry.subject, entry.who) == (
        PASSWORD_CHANGED,
        "rep",
        users["admin"].get_full_name(),
    )
    page = client.get(reverse("audit_log"), {"kind": "auth.user"}).content.decode()
    assert users["rep"].password not in page and "pbkdf2" not in page
    history_fields = {f.name for f in users["rep"].history.model._meta.fields}
    assert "password" not in history_fields


def test_r27_logging_in_is_not_a_change(client, users):
    before = users["rep"].history.count()
    # Through the sign-in page: sign-in throttling needs the request.
    signed_in = client.post(reverse("login"), {"username": "rep", "password": "pw"})
    assert signed_in.status_code == 302
    assert users["rep"].history.count() == before


def test_r27_team_membership_is_audited_from_either_side(login, users):
    team, rep, other = users["team_b"], users["rep"], users["other_rep"]
    team._history_user = users["admin"]
    team.members.add(rep)
    rep._history_user = users["manager"]
    rep.sales_teams.remove(team)  # from the user's side
    client = login(users["admin"])
    removed, added = client.get(reverse("audit_log"), {"kind": "telcrm.team"}).context["entries"][
        :2
    ]
    both = ", ".join(sorted([rep.get_full_name(), other.get_full_name()]))
    assert [(c.field, c.old, c.new) for c in added.changes] == [
        ("Members", other.get_full_name(), both)
    ]
    assert (added.who, added.subject) == (users["admin"].get_full_name(), "Team B")
    assert [(c.field, c.new) for c in removed.changes] == [("Members", other.get_full_name())]
    assert removed.who == users["manager"].get_full_name()


def test_r27_role_granted_from_the_roles_side_is_audited_on_the_user(login, users):
    outsider = users["outsider"]
    group = Group.objects.get(name="order_manager")
    group._history_user = users["admin"]
    group.user_set.add(outsider)
    entry = _user_entries(login(users["admin"]))[0]
    assert (entry.subject, entry.who) == ("outsider", users["admin"].get_full_name())
    assert [(c.old, c.new) for c in entry.changes] == [("—", "Order manager")]
