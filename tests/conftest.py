"""Shared fixtures: one user per role plus an outsider and an administrator (STYLE.md 11)."""

import copy
import os

import pytest
from django.conf import settings

from tests.factories import AccountFactory, TeamFactory, UserFactory, located, sites_at

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROLE_USERS = {
    "rep": "sales_rep",
    "other_rep": "sales_rep",
    "manager": "sales_manager",
    "contracts": "contract_manager",
    "orders": "order_manager",
    "agent": "fulfillment_agent",
    "technician": "field_technician",
    "pm": "project_manager",
    "ops": "service_operations",
    "ops2": "service_operations",
    "finance": "finance",
}


@pytest.fixture(autouse=True)
def audit_chain_holds(request):
    """After every test that wrote to the database, every history chain still verifies
    (R27): each journey of the suite is a test of the chaining of what it wrote. Tests that
    tamper with the history on purpose are marked ``audit_tampered``."""
    names = [
        name for name in ("transactional_db", "db", "live_server") if name in request.fixturenames
    ]
    marked = request.node.get_closest_marker("django_db") is not None
    if request.node.get_closest_marker("audit_tampered") or not (names or marked):
        yield
        return
    # Set up first, so that the check below runs before the database is cleaned up.
    for name in names:
        request.getfixturevalue(name)
    if marked:
        request.getfixturevalue("_django_db_helper")
    yield
    from telcrm.audit_chain import chained_models, verify_model

    for history_model in chained_models():
        broken = verify_model(history_model).broken
        where = f"{history_model.__name__} row {broken and broken.history_id}"
        assert broken is None, f"{where}: {broken.reason}"


@pytest.fixture
def users(db):
    """Named users: rep and manager in team A, other_rep in team B, back-office roles,
    an outsider (no role) and an admin (staff)."""
    people = {key: UserFactory(username=key, role=role) for key, role in ROLE_USERS.items()}
    people["outsider"] = UserFactory(username="outsider")
    people["admin"] = UserFactory(username="admin", is_staff=True, is_superuser=True)
    people["team_a"] = TeamFactory(
        name="Team A", manager=people["manager"], members=[people["rep"]]
    )
    people["team_b"] = TeamFactory(name="Team B", members=[people["other_rep"]])
    return people


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Documents rendered by tests go to a temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def rep_account(users):
    """A legal account owned by the rep in team A."""
    return AccountFactory(name="Nordwind Logistik GmbH", owner=users["rep"], team=users["team_a"])


@pytest.fixture
def other_account(users):
    """A legal account of team B: outside the rep's and the manager's view."""
    return AccountFactory(name="Südlicht AG", owner=users["other_rep"], team=users["team_b"])


@pytest.fixture
def login(client):
    def as_user(user):
        client.force_login(user)
        return client

    return as_user


# Browser tests: Debian's chromium, never a downloaded browser (DESIGN.md section 3).
@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


def pytest_sessionfinish(session, exitstatus):
    """In CI a skipped test fails the run: every test must really run there."""
    if os.environ.get("FAIL_ON_SKIP") != "1":
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = len(reporter.stats.get("skipped", [])) if reporter else 0
    if skipped and exitstatus == 0:
        reporter.write_line(f"FAIL_ON_SKIP: {skipped} test(s) were skipped.", red=True)
        session.exitstatus = 1


def restore_migration_data() -> None:
    """Transactional tests empty every table. The flush sends post_migrate, so the role
    groups come back by themselves (telcrm.roles.sync_roles); the rows that data migrations
    made (the default discount threshold, the schedules) do not: run those data migrations
    again when they are gone."""
    from importlib import import_module
    from pathlib import Path

    from django.apps import apps
    from django.db.migrations import RunPython

    from sales.models import DiscountThreshold

    if DiscountThreshold.objects.filter(offering_kind="").exists():
        return
    for app in ("telcrm", *settings.TELCRM_APPS):
        folder = Path(apps.get_app_config(app).path) / "migrations"
        for path in sorted(folder.glob("[0-9]*.py")):
            migration = import_module(f"{app}.migrations.{path.stem}").Migration
            for operation in migration.operations:
                if isinstance(operation, RunPython) and not operation.hints.get("schema_only"):
                    operation.code(apps, None)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """A test database kept from the last run (--reuse-db) was emptied by that run's last
    transactional test: give it back what the data migrations made."""
    with django_db_blocker.unblock():
        restore_migration_data()


@pytest.fixture
def roles(transactional_db):
    """The role groups and the data migrations' rows, after an earlier transactional test
    emptied the database."""
    restore_migration_data()


@pytest.fixture
def world(users, rep_account):
    """The demo catalog, and a customer with three sites: on-net Hamburg, Hamburg metro
    (fiber with a build surcharge) and Kiel (no fiber)."""
    from sales.catalog_io import catalog_import
    from sales.demo.catalog import CATALOG

    catalog_import(actor=users["admin"], data=copy.deepcopy(CATALOG))
    located(rep_account)
    return sites_at(
        rep_account,
        [
            ("HQ", "Am Sandtorkai 50", "20457", "Hamburg"),
            ("Metro", "Mönckebergstr. 7", "20095", "Hamburg"),
            ("Kiel", "Schulstr. 3", "24103", "Kiel"),
        ],
    )
