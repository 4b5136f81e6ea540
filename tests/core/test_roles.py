"""R29: the role groups hold exactly what ``telcrm.roles.ROLE_PERMISSIONS`` says, after
``migrate`` and after every ``sync_roles`` (which is idempotent and repairs hand edits)."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.core.management.base import CommandError

from telcrm import roles
from telcrm.roles import ROLE_PERMISSIONS, ROLES, MissingPermissions, sync_roles


def held(role: str) -> set[str]:
    group = Group.objects.get(name=role)
    return {
        f"{app}.{codename}"
        for app, codename in group.permissions.values_list("content_type__app_label", "codename")
    }


def test_every_role_has_a_label_and_permissions():
    assert set(ROLE_PERMISSIONS) == set(ROLES)
    for role, perms in ROLE_PERMISSIONS.items():
        assert perms, role
        assert len(perms) == len(set(perms)), f"{role} names a permission twice"


@pytest.mark.django_db
def test_after_migrate_the_groups_hold_exactly_the_map():
    for role, perms in ROLE_PERMISSIONS.items():
        assert held(role) == set(perms), role


@pytest.mark.django_db
def test_sync_roles_is_idempotent():
    sync_roles()
    snapshot = {role: held(role) for role in ROLES}
    assert sync_roles() == {}
    assert {role: held(role) for role in ROLES} == snapshot


@pytest.mark.django_db
def test_sync_roles_re_adds_a_removed_permission_and_removes_an_extra_one():
    group = Group.objects.get(name=roles.ORDER_MANAGER)
    approve = Permission.objects.get(codename="approve_order")
    extra = Permission.objects.get(codename="delete_account")
    group.permissions.remove(approve)
    group.permissions.add(extra)
    assert sync_roles() == {
        roles.ORDER_MANAGER: (["orders.approve_order"], ["sales.delete_account"])
    }
    assert held(roles.ORDER_MANAGER) == set(ROLE_PERMISSIONS[roles.ORDER_MANAGER])


@pytest.mark.django_db
def test_sync_roles_recreates_a_deleted_group_and_leaves_other_groups_alone():
    Group.objects.get(name=roles.FIELD_TECHNICIAN).delete()
    own = Group.objects.create(name="auditors")
    own.permissions.add(Permission.objects.get(codename="view_account"))
    sync_roles()
    assert held(roles.FIELD_TECHNICIAN) == set(ROLE_PERMISSIONS[roles.FIELD_TECHNICIAN])
    assert held("auditors") == {"sales.view_account"}


@pytest.mark.django_db
def test_a_permission_that_does_not_exist_is_named_and_nothing_changes(monkeypatch):
    Group.objects.get(name=roles.SALES_REP).permissions.clear()
    wrong = {**ROLE_PERMISSIONS, roles.SALES_REP: ["sales.fly_account"]}
    monkeypatch.setattr(roles, "ROLE_PERMISSIONS", wrong)
    with pytest.raises(MissingPermissions, match="sales.fly_account"):
        sync_roles()
    with pytest.raises(CommandError, match="sales.fly_account"):
        call_command("sync_roles")
    assert held(roles.SALES_REP) == set()


@pytest.mark.django_db
def test_the_command_says_what_it_changed(capsys):
    Group.objects.get(name=roles.SALES_MANAGER).permissions.remove(
        Permission.objects.get(codename="approve_quote")
    )
    call_command("sync_roles")
    assert "sales_manager:\n  + sales.approve_quote" in capsys.readouterr().out
    call_command("sync_roles")
    assert "Roles are up to date." in capsys.readouterr().out


@pytest.mark.django_db(transaction=True)
def test_the_flush_of_a_transactional_test_brings_the_roles_back():
    """A transactional test empties every table; the flush sends post_migrate, which syncs
    the roles again, so the tests after it still find the groups."""
    Group.objects.all().delete()
    call_command("flush", interactive=False, verbosity=0)
    for role, perms in ROLE_PERMISSIONS.items():
        assert held(role) == set(perms), role
