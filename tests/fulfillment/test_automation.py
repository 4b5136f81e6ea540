"""R20, R22, R32: API tasks run in django-q2 workers against simulated domain adapters,
through a ledger that keeps every task to one effect, a per-domain concurrency limit, and a
fall-out after the attempts are used up. Under tests Q_CLUSTER runs jobs inline (sync), so
capturing the on-commit callbacks runs the workers' jobs too."""

import ipaddress
import os
import re
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.db import IntegrityError, OperationalError, connection, transaction
from django.urls import reverse

from fulfillment import automation, services
from fulfillment.adapters import (
    DOC_NETWORKS,
    FAILURES,
    AdapterError,
    SimulatedAdapter,
    adapter_for,
)
from fulfillment.models import AdapterCall, AssignmentGroup, Fallout, Task
from tests.fulfillment.conftest import copies, task_of, work_through
from tests.processes import database_url, kill, wait_for

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def adapters(settings):
    """Adapters switched on, instant and never failing; ``configure`` changes the default
    entry and adds per-domain ones."""

    def configure(default=None, **domains):
        settings.FULFILLMENT_ADAPTERS = {
            "default": {"latency_ms": 0, "failure_rate": 0.0, "concurrency": 5, **(default or {})},
            **domains,
        }

    settings.FULFILLMENT_ADAPTER_SEED = "test"
    settings.FULFILLMENT_API_MAX_ATTEMPTS = 3
    configure()
    return configure


class CountingAdapter:
    """Answers every call with a new circuit id and counts its effects."""

    name = "counting"

    def __init__(self):
        self.calls = 0

    def execute(self, task, attempt):
        self.calls += 1
        return {"circuit_id": f"ACC-TST-{self.calls:06d}"}


class WorkerKilled(BaseException):
    """A worker dying: nothing in the job catches it."""


def _start(users, order, capture):
    with capture(execute=True):
        services.order_fulfillment_start(actor=users["orders"], order_id=order.pk)


def test_r20_api_task_runs_through_its_adapter_and_readies_dependants(
    users, approved, adapters, django_capture_on_commit_callbacks
):
    _start(users, approved, django_capture_on_commit_callbacks)

    circuit = task_of(approved, "order-circuit")
    assert (circuit.state, circuit.attempts) == ("completed", 1)
    # The circuit id names the site's city (Hamburg), as the carrier's would.
    assert circuit.sub_flow.domain_order.location.city == "Hamburg"
    assert re.fullmatch(r"ACC-HAM-\d{6}", circuit.outputs["circuit_id"])
    call = circuit.adapter_calls.get()
    assert (call.adapter, call.operation, call.attempt, call.succeeded) == (
        "simulated-access",
        "order-circuit",
        1,
        True,
    )
    assert call.response == circuit.outputs and call.request["idempotency_key"] == circuit.number
    assert task_of(approved, "install-ntu").state == "ready"  # its dependant
    numbers = task_of(approved, "reserve-numbers")  # the SIP trunk's branch, in parallel
    assert numbers.state == "completed"
    assert re.fullmatch(r"\+49 \d+ \d{7}-\d{7}", numbers.outputs["number_block"])
    assert task_of(approved, "configure-trunk").state == "ready"
    assert Task.history.filter(id=circuit.pk, history_change_reason="complete").exists()

    # The IP block waits for the access line and the CPE (across domain orders); once they
    # are done by hand, its adapter runs and the PE configuration is ready.
    assert task_of(approved, "allocate-ip").state == "waiting"
    for group in AssignmentGroup.objects.all():  # the agent does the field visits too
        group.members.add(users["agent"])
    with django_capture_on_commit_callbacks(execute=True):
        work_through(approved, users["agent"], skip=("allocate-ip",))
    allocate = task_of(approved, "allocate-ip")
    assert allocate.state == "completed"
    block = ipaddress.ip_network(allocate.outputs["ip_block"])
    assert block.prefixlen == 29
    assert any(block.subnet_of(ipaddress.ip_network(n)) for n in DOC_NETWORKS)
    assert task_of(approved, "configure-pe").state == "ready"


def test_r20_adapter_ledger_repeated_call_has_no_second_effect(
    users, approved, adapters, monkeypatch, django_capture_on_commit_callbacks
):
    services.order_fulfillment_start(actor=users["orders"], order_id=approved.pk)
    task = Task.objects.select_related("template").get(pk=task_of(approved, "order-circuit").pk)
    adapter = CountingAdapter()

    # The same call twice, or a later attempt: the recorded effect, no second call.
    first = automation.ledger_call(task, 1, adapter)
    assert automation.ledger_call(task, 1, adapter) == first
    assert automation.ledger_call(task, 2, adapter) == first
    assert adapter.calls == 1 and task.adapter_calls.count() == 1
    # Two workers racing past the check: the database refuses a second effect.
    with pytest.raises(IntegrityError), transaction.atomic():
        AdapterCall.objects.create(
            task=task, attempt=3, adapter="counting", operation="order-circuit", succeeded=True
        )

    # A worker killed after the effect, before completing the task: redelivered, the job
    # completes the task with the recorded result and calls nobody.
    other = copies(task, 1)[0]
    adapter = CountingAdapter()
    monkeypatch.setattr(automation, "adapter_for", lambda domain: adapter)
    real_complete = services.task_complete

    def killed(**kwargs):
        raise WorkerKilled

    monkeypatch.setattr(services, "task_complete", killed)
    with pytest.raises(WorkerKilled):
        automation.run_api_task(other.pk)
    other.refresh_from_db()
    assert (other.state, other.attempts, adapter.calls) == ("in_progress", 1, 1)
    monkeypatch.setattr(services, "task_complete", real_complete)
    with django_capture_on_commit_callbacks(execute=True):
        assert automation.run_api_task(other.pk) == "completed"
        assert automation.run_api_task(other.pk) == "completed"  # delivered once more
    other.refresh_from_db()
    assert other.outputs == {"circuit_id": "ACC-TST-000001"}
    assert (other.attempts, adapter.calls, other.adapter_calls.count()) == (1, 1, 1)


def test_r20_concurrency_limit_staggers_api_tasks(
    users, approved, adapters, monkeypatch, django_capture_on_commit_callbacks
):
    # On-commit callbacks are not run here: starting dispatches nothing.
    services.order_fulfillment_start(actor=users["orders"], order_id=approved.pk)
    first = task_of(approved, "order-circuit")
    tasks = [first, *copies(first, 2)]
    numbers = task_of(approved, "reserve-numbers")
    adapters(access={"concurrency": 2})
    sent = []  # the broker: jobs wait here until the test runs them
    monkeypatch.setattr(automation, "async_task", lambda func, task_id, **kw: sent.append(task_id))

    def states():
        return [Task.objects.get(pk=t.pk).state for t in tasks]

    with django_capture_on_commit_callbacks(execute=True):
        assert automation.dispatch([t.pk for t in tasks]) == [tasks[0].pk, tasks[1].pk]
    assert sent == [tasks[0].pk, tasks[1].pk]  # the two oldest
    assert states() == ["in_progress", "in_progress", "ready"]
    assert Task.objects.get(pk=numbers.pk).state == "ready"  # another domain: not sent
    with django_capture_on_commit_callbacks(execute=True):
        assert automation.dispatch([tasks[2].pk]) == []  # no place free

    ran = []
    while sent:
        task_id = sent.pop(0)
        running = Task.objects.filter(
            kind="api", state="in_progress", sub_flow__domain_order__domain="access"
        ).count()
        assert running <= 2
        ran.append(task_id)
        with django_capture_on_commit_callbacks(execute=True):
            automation.run_api_task(task_id)
        if task_id == tasks[0].pk:  # one finished: the third takes its place
            assert states() == ["completed", "in_progress", "in_progress"]
    assert ran == [t.pk for t in tasks]
    assert states() == ["completed"] * 3


def test_r22_adapter_failure_after_attempts_opens_fallout(
    users, approved, adapters, django_capture_on_commit_callbacks
):
    adapters(access={"failure_rate": 1.0})
    _start(users, approved, django_capture_on_commit_callbacks)

    circuit = task_of(approved, "order-circuit")
    assert (circuit.state, circuit.attempts) == ("failed", 3)
    calls = list(circuit.adapter_calls.order_by("attempt"))
    assert [(c.attempt, c.succeeded) for c in calls] == [(1, False), (2, False), (3, False)]
    assert all(c.error for c in calls)
    fallout = Fallout.objects.get(task=circuit)
    assert (fallout.state, fallout.attempts) == ("open", 3)
    assert fallout.category in {category for category, _ in FAILURES["access"]}
    assert "simulated-access failed 3 times in a row (attempt 3 of 3)" in fallout.detail
    assert calls[-1].error in fallout.detail
    assert task_of(approved, "install-ntu").state == "waiting"  # only its dependants wait
    assert task_of(approved, "reserve-numbers").state == "completed"  # other branches go on
    assert task_of(approved, "configure-trunk").state == "ready"


def test_r22_retried_fallout_goes_back_to_its_adapter_with_fresh_attempts(
    users, approved, adapters, django_capture_on_commit_callbacks
):
    adapters(access={"failure_rate": 1.0})
    _start(users, approved, django_capture_on_commit_callbacks)
    fallout = Fallout.objects.get(task=task_of(approved, "order-circuit"))
    adapters()  # the carrier is back
    with django_capture_on_commit_callbacks(execute=True):
        services.fallout_retry(actor=users["orders"], fallout_id=fallout.pk)
    circuit = task_of(approved, "order-circuit")
    assert (circuit.state, circuit.attempts) == ("completed", 4)
    assert circuit.adapter_calls.filter(succeeded=True).get().attempt == 4
    assert task_of(approved, "install-ntu").state == "ready"


def test_r32_attempt_failed_on_a_busy_database_is_retried_soon_and_completes(
    users, approved, adapters, monkeypatch, django_capture_on_commit_callbacks
):
    """``database is locked`` in the worker (SQLite, ``make run``) no longer leaves the task
    in progress until django-q2's retry (300 s): the job goes back to the queue at once,
    after a pause of a second or so, and the task completes."""
    services.order_fulfillment_start(actor=users["orders"], order_id=approved.pk)
    circuit = task_of(approved, "order-circuit")
    pauses: list[float] = []
    monkeypatch.setattr(automation.time, "sleep", pauses.append)
    real_save, busy = automation.save, []

    def locked_once(obj, *, actor, reason=None, **options):
        if reason and reason.startswith("adapter call") and not busy:
            busy.append(reason)
            raise OperationalError("database is locked")
        real_save(obj, actor=actor, reason=reason, **options)

    monkeypatch.setattr(automation, "save", locked_once)
    with django_capture_on_commit_callbacks(execute=True):
        automation.dispatch([circuit.pk])

    circuit.refresh_from_db()
    assert busy == ["adapter call, attempt 1"]
    assert (circuit.state, circuit.attempts) == ("completed", 1)
    assert circuit.adapter_calls.get().succeeded
    assert 0 < sum(pauses) <= 1


def test_r32_stuck_api_task_is_flagged_on_the_order_page_and_the_work_queue(
    login, users, started, adapters, settings
):
    """A started API task with no progress for longer than an attempt takes says so."""
    circuit = task_of(started, "order-circuit")
    circuit.start()
    circuit.save()
    client = login(users["orders"])
    assert 'data-testid="task-stuck"' not in client.get(started.get_absolute_url()).content.decode()

    long_ago = circuit.updated_at - timedelta(seconds=settings.FULFILLMENT_API_STUCK_SECONDS + 60)
    Task.objects.filter(pk=circuit.pk).update(updated_at=long_ago)
    page = client.get(started.get_absolute_url()).content.decode()
    assert page.count('data-testid="task-stuck"') == 1 and "1 stuck" in page
    assert "stuck for 4" in page  # minutes
    queue = client.get(reverse("fulfillment:task_queue")).content.decode()
    assert queue.count('data-testid="task-stuck"') == 1
    assert list(Task.objects.stuck()) == [circuit]


def test_r32_api_task_whose_job_was_lost_goes_again_and_has_one_effect(
    users, started, adapters, settings, django_capture_on_commit_callbacks
):
    """The Redis broker hands a job over once: a worker killed with it leaves its task in
    progress. The next dispatch of the domain (or the watchdog) sends it again once it has
    made no progress for FULFILLMENT_API_STUCK_SECONDS; a task started a moment ago waits."""
    from fulfillment import tasks as jobs

    circuit, numbers = task_of(started, "order-circuit"), task_of(started, "reserve-numbers")
    for task in (circuit, numbers):  # sent to a worker that died with the job
        task.start()
        task.save()
    long_ago = circuit.updated_at - timedelta(seconds=settings.FULFILLMENT_API_STUCK_SECONDS + 1)
    Task.objects.filter(pk=circuit.pk).update(updated_at=long_ago)

    with django_capture_on_commit_callbacks(execute=True):
        assert automation.dispatch([circuit.pk, numbers.pk]) == [circuit.pk]
    circuit.refresh_from_db()
    assert circuit.state == "completed" and circuit.attempts == 1
    assert circuit.outputs == circuit.adapter_calls.get(succeeded=True).response
    reasons = list(circuit.history.values_list("history_change_reason", flat=True))
    assert f"sent again: no progress for {settings.FULFILLMENT_API_STUCK_SECONDS} s" in reasons
    assert Task.objects.get(pk=numbers.pk).state == "in_progress"  # started a moment ago

    # Nobody finishes a task in the voice domain: the watchdog's run sends it.
    Task.objects.filter(pk=numbers.pk).update(updated_at=long_ago)
    with django_capture_on_commit_callbacks(execute=True):
        assert "sent 1 API task(s)" in jobs.watchdog()
    numbers.refresh_from_db()
    assert numbers.state == "completed"
    assert numbers.adapter_calls.filter(succeeded=True).count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert "sent 0 API task(s)" in jobs.watchdog()  # safe to run twice


def test_r20_simulated_circuit_id_names_the_sites_city():
    from fulfillment.adapters import city_code

    assert [
        city_code(c)
        for c in ("Hamburg", "München", "Frankfurt am Main", "Köln", "Graz", "Saint-Étienne", "")
    ] == ["HAM", "MUC", "FRA", "CGN", "GRA", "SAI", "XXX"]
    site = SimpleNamespace(location=SimpleNamespace(city="Wien"))
    task = SimpleNamespace(
        number="TSK-000042",
        required_outputs=["circuit_id"],
        sub_flow=SimpleNamespace(domain_order=site),
    )
    for attempt in range(1, 6):
        assert (
            SimulatedAdapter("access").execute(task, attempt)["circuit_id"].startswith("ACC-VIE-")
        )


def test_r20_simulated_adapter_is_deterministic_by_seed(settings):
    task = SimpleNamespace(
        number="TSK-000042",
        required_outputs=[
            "circuit_id",
            "ip_block",
            "vlan",
            "number_block",
            "cpe_serial",
            "trunk_id",
        ],
    )

    def outcomes(adapter, attempts=range(1, 41)):
        results = []
        for attempt in attempts:
            try:
                results.append(adapter.execute(task, attempt))
            except AdapterError as error:
                results.append((error.category, error.message))
        return results

    same = outcomes(SimulatedAdapter("access", failure_rate=0.3, seed="demo"))
    assert same == outcomes(SimulatedAdapter("access", failure_rate=0.3, seed="demo"))
    assert same != outcomes(SimulatedAdapter("access", failure_rate=0.3, seed="other"))
    failed = [r for r in same if isinstance(r, tuple)]
    assert 0 < len(failed) < len(same)  # about 30 % of 40
    assert all(r in FAILURES["access"] for r in failed)
    assert not any(isinstance(r, tuple) for r in outcomes(SimulatedAdapter("ip_core")))
    assert all(isinstance(r, tuple) for r in outcomes(SimulatedAdapter("ip_core", failure_rate=1)))
    answer = next(r for r in same if isinstance(r, dict))
    assert list(answer) == task.required_outputs and all(answer.values())
    assert 100 <= int(answer["vlan"]) <= 3999 and answer["cpe_serial"].startswith("FGL")

    began = time.monotonic()
    SimulatedAdapter("voice", latency_ms=50).execute(task, 1)
    assert time.monotonic() - began >= 0.05

    settings.FULFILLMENT_ADAPTER_SEED = "demo"
    settings.FULFILLMENT_ADAPTERS = {
        "default": {"latency_ms": 10, "failure_rate": 0.3, "concurrency": 4},
        "voice": {"failure_rate": 1.0},
    }
    access, voice = adapter_for("access"), adapter_for("voice")
    assert (access.latency_ms, access.failure_rate, access.seed) == (10, 0.3, "demo")
    assert (voice.name, voice.latency_ms, voice.failure_rate) == ("simulated-voice", 10, 1.0)
    assert outcomes(access, range(1, 4)) == same[:3]


# A real cluster, killed mid-task (R32) ------------------------------------------------


def _cluster(log: Path) -> subprocess.Popen:
    """``manage.py qcluster`` on the test database: ORM broker, jobs not run inline, every
    adapter call 2 s long, a killed job redelivered 5 s after it was taken."""
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL")}
    env.update(
        {
            "DATABASE_URL": database_url(),
            "TELCRM_TESTING": "0",
            "Q_WORKERS": "3",
            "Q_TIMEOUT": "4",
            "Q_RETRY": "5",
            "FULFILLMENT_ADAPTER_LATENCY_MS": "2000",
            "FULFILLMENT_ADAPTER_FAILURE_RATE": "0",
            "FULFILLMENT_ADAPTER_CONCURRENCY": "10",
            "FULFILLMENT_API_MAX_ATTEMPTS": "3",
            "LOG_LEVEL": "INFO",
        }
    )
    with log.open("a") as out:
        return subprocess.Popen(
            [sys.executable, "manage.py", "qcluster"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a real cluster needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_r32_worker_killed_mid_task_still_one_effect(
    roles, users, contract, billing, rep_account, settings, monkeypatch, tmp_path
):
    from django_q.conf import Conf

    from tests.fulfillment.conftest import approve

    order = approve(users, contract, billing, rep_account)
    services.order_fulfillment_start(actor=users["orders"], order_id=order.pk)  # adapters off
    circuit, numbers = task_of(order, "order-circuit"), task_of(order, "reserve-numbers")
    ids = [t.pk for t in (circuit, *copies(circuit, 3), numbers, *copies(numbers, 1))]

    # Jobs go to the database broker, for the cluster to take.
    monkeypatch.setattr(Conf, "SYNC", False)
    settings.FULFILLMENT_ADAPTERS = {
        "default": {"latency_ms": 2000, "failure_rate": 0, "concurrency": 10}
    }
    assert sorted(automation.dispatch(ids)) == sorted(ids)

    log = tmp_path / "qcluster.log"
    clusters = [_cluster(log)]
    try:
        # Kill the cluster while three adapter calls are under way (2 s each).
        calling = Task.objects.filter(pk__in=ids, attempts__gte=1)
        wait_for(lambda: calling.count() >= 3, 30, log)
        time.sleep(0.5)
        kill(clusters[0])
        mid_call = set(calling.exclude(adapter_calls__succeeded=True).values_list("pk", flat=True))
        assert mid_call, "the cluster was killed after the calls, not during them"

        clusters.append(_cluster(log))
        done = Task.objects.filter(pk__in=ids, state="completed")
        wait_for(lambda: done.count() == len(ids), 45, log)
    finally:
        for cluster in clusters:
            kill(cluster)

    for task in Task.objects.filter(pk__in=ids):
        assert task.state == "completed"
        effect = task.adapter_calls.get(succeeded=True)  # exactly one
        assert task.outputs == effect.response
        if task.pk in mid_call:  # its killed call left no effect; the redelivered one did
            assert task.attempts >= 2 and effect.attempt >= 2
