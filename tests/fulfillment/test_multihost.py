"""The multi-host layout (README, "Running on several hosts"), run for real with the
Procfile: one app host runs web twice (two gunicorns), two worker hosts run worker once
each (a qcluster on Redis), all on the test database. 500 API tasks go through the workers;
one qcluster is killed (SIGKILL) mid-run; every task still ends with exactly one effect
(R32: the jobs lost with it are sent again, the ledger keeps each task to one effect)."""

import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection
from django.db.models import Count, Q
from django.urls import reverse

from fulfillment import automation, services
from fulfillment.models import AdapterCall, Task
from tests.fulfillment.conftest import approve, copies, task_of
from tests.processes import database_url, free_port, kill_group, wait_for

ROOT = Path(__file__).resolve().parents[2]
TASKS = 500
# Per domain (two here): how many API tasks are out at once, as the workers see it too.
CONCURRENCY = 12
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="several hosts share one PostgreSQL"
    ),
    pytest.mark.django_db(transaction=True),
]


class Host:
    """``honcho start`` of some of the Procfile's processes, as one host would run them,
    with its output in a log file."""

    def __init__(self, name: str, args: list[str], env: dict[str, str], folder: Path) -> None:
        self.name, self.log = name, folder / f"{name}.log"
        honcho = Path(sys.executable).with_name("honcho")
        with self.log.open("w") as out:
            self.process = subprocess.Popen(
                [str(honcho), "--procfile", "Procfile", "start", *args],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def pids(self) -> dict[str, int]:
        """Each started process's id (honcho starts each in a process group of its own)."""
        found = re.findall(r"(\w+\.\d+) started \(pid=(\d+)\)", self.log.read_text())
        return {name: int(pid) for name, pid in found}

    def serves(self, port: int) -> bool:
        return get(port, "/login/")[0] == 200

    def cluster_running(self) -> bool:
        return bool(re.search(r"Q Cluster .* running", self.log.read_text()))

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()  # honcho stops its processes, SIGKILL after 5 s

    def reap(self) -> None:
        """A few seconds to stop, then SIGKILL: a qcluster may take long to stop gracefully,
        and honcho waits for it."""
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            kill_group(self.process.pid)
        for pgid in self.pids().values():
            kill_group(pgid)
        self.process.wait(timeout=10)


def get(port: int, path: str, session: str = "") -> tuple[int, str]:
    """Status and page; status 0 when nothing answered."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", headers={"Cookie": f"sessionid={session}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, ""
    except (ConnectionError, urllib.error.URLError, TimeoutError):
        return 0, ""


def work_queue(port: int, session: str) -> int:
    """The work queue page through one gunicorn: 200 when it showed the page."""
    status, page = get(port, reverse("fulfillment:task_queue"), session)
    return status if status != 200 or ">Work</h1>" in page else -1


@pytest.fixture
def redis_queue():
    """A cluster name of this run's own: its Redis keys collide with nobody's."""
    name = f"telcrm-test-{uuid.uuid4().hex[:12]}"
    client = redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.RedisError as error:
        pytest.fail(f"The multi-host test needs Redis at {REDIS_URL} (TEST_REDIS_URL): {error}")
    yield name
    for key in client.scan_iter(f"django_q:{name}:*"):
        client.delete(key)
    client.close()


@pytest.fixture
def redis_broker(redis_queue, monkeypatch):
    """Calling it sends this process's jobs to the workers' Redis queue (not run inline)."""
    from django_q.conf import Conf

    def switch() -> None:
        for name, value in {
            "SYNC": False,
            "ORM": None,
            "REDIS": REDIS_URL,
            "PREFIX": redis_queue,
            "CLUSTER_NAME": redis_queue,
        }.items():
            monkeypatch.setattr(Conf, name, value)

    return switch


@pytest.fixture
def layout(redis_queue, tmp_path):
    """Web twice on one host (two consecutive ports), worker once on each of two hosts;
    every process stopped at the end, whatever happened."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTEST", "DJANGO_", "TELCRM_", "REDIS_", "DATABASE_", "Q_"))
    }
    env.update(
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
        PYTHONUNBUFFERED="1",
        DATABASE_URL=database_url(),
        REDIS_URL=REDIS_URL,
        Q_NAME=redis_queue,
        # Sessions made by the test are read by the gunicorns.
        SECRET_KEY=settings.SECRET_KEY,
        ALLOWED_HOSTS="127.0.0.1",
        WEB_CONCURRENCY="2",
        Q_WORKERS="3",
        FULFILLMENT_ADAPTER_LATENCY_MS="200",
        FULFILLMENT_ADAPTER_FAILURE_RATE="0",
        FULFILLMENT_ADAPTER_CONCURRENCY=str(CONCURRENCY),
        # A lost job's task goes again after 8 s without progress (180 s in production).
        FULFILLMENT_API_STUCK_SECONDS="8",
        LOG_LEVEL="INFO",  # the qcluster says when it runs
    )
    port = free_port(2)
    hosts = [Host("app", ["--port", str(port), "--concurrency", "web=2", "web"], env, tmp_path)]
    hosts += [Host(f"workers{n}", ["worker"], env, tmp_path) for n in (1, 2)]
    try:
        yield {"ports": (port, port + 1), "hosts": hosts}
    finally:
        for host in hosts:
            host.stop()
        for host in hosts:
            host.reap()


def test_r32_multihost_500_api_tasks_one_qcluster_killed_each_one_effect(
    roles, users, contract, billing, rep_account, layout, redis_broker, client, settings
):
    order = approve(users, contract, billing, rep_account)
    services.order_fulfillment_start(actor=users["orders"], order_id=order.pk)  # adapters off
    circuit, numbers = task_of(order, "order-circuit"), task_of(order, "reserve-numbers")
    half = TASKS // 2
    ids = [t.pk for t in (circuit, *copies(circuit, half - 1), numbers, *copies(numbers, half - 1))]
    assert len(ids) == TASKS

    client.force_login(users["orders"])
    session = client.cookies["sessionid"].value
    app, workers1, workers2 = layout["hosts"]
    ports = layout["ports"]
    answers: dict[int, list[int]] = {port: [] for port in ports}
    asked = [0.0]

    def ask_both() -> None:
        """The proxy's job, done by hand: each gunicorn in turn, every 2 s."""
        if time.monotonic() - asked[0] < 2:
            return
        asked[0] = time.monotonic()
        for port in ports:
            answers[port].append(work_queue(port, session))

    wait_for(lambda: all(app.serves(port) for port in ports), 60, app.log, "for gunicorn")
    for host in (workers1, workers2):
        wait_for(host.cluster_running, 60, host.log, f"for the qcluster of {host.name}")

    # The test sends the first jobs, as a web process would: to the workers' Redis queue.
    redis_broker()
    settings.FULFILLMENT_ADAPTERS = {
        "default": {"latency_ms": 200, "failure_rate": 0, "concurrency": CONCURRENCY}
    }
    began = time.monotonic()
    assert len(automation.dispatch(ids)) == 2 * CONCURRENCY

    tasks = Task.objects.filter(pk__in=ids)
    done = tasks.filter(state="completed")
    killed_at = 0.0

    def progress(target: int):
        def reached() -> bool:
            ask_both()
            return done.count() >= target

        return reached

    # Kill one worker host's qcluster, with its workers, when 30 % of the work is done.
    wait_for(progress(TASKS * 3 // 10), 90, workers1.log, "for 30 % of the tasks")
    in_flight = tasks.filter(state="in_progress").count()
    kill_group(workers1.pids()["worker.1"])
    killed_at = time.monotonic() - began
    workers1.process.wait(timeout=20)
    answered_before = {port: list(seen) for port, seen in answers.items()}

    def states() -> str:
        counts = tasks.values("state").annotate(n=Count("pk")).values_list("state", "n")
        return f"{dict(counts)} after {time.monotonic() - began:.0f} s; killed at {killed_at:.0f}"

    deadline = began + 120
    while not (all_done := done.count() == TASKS) and time.monotonic() < deadline:
        ask_both()
        time.sleep(0.5)
    elapsed = time.monotonic() - began
    assert all_done, f"Not every task completed: {states()}\n{workers2.log.read_text()[-3000:]}"

    # Exactly one effect each: one successful ledger row, and it is the task's outputs.
    effects = Count("adapter_calls", filter=Q(adapter_calls__succeeded=True))
    per_task = dict(tasks.annotate(effects=effects).values_list("pk", "effects"))
    assert sorted(per_task.values()) == [1] * TASKS
    responses = dict(
        AdapterCall.objects.filter(task__in=ids, succeeded=True).values_list("task", "response")
    )
    assert all(responses[task.pk] == task.outputs for task in tasks)
    resent = Task.history.filter(id__in=ids, history_change_reason__startswith="sent again")
    resent_ids = set(resent.values_list("id", flat=True))
    assert resent_ids, "the killed qcluster held no job: the kill proved nothing"

    # Both gunicorns served the work queue, before the kill and after it.
    for port in ports:
        assert 200 in answered_before[port], (port, answered_before[port])
        assert 200 in answers[port][len(answered_before[port]) :], (port, answers[port])
    assert workers2.process.poll() is None and app.process.poll() is None

    calls = AdapterCall.objects.filter(task__in=ids).count()
    print(
        f"\n{TASKS} API tasks through two qclusters (3 workers each) in {elapsed:.1f} s: "
        f"{TASKS / elapsed:.1f} tasks/s; one killed at {killed_at:.1f} s with {in_flight} "
        f"tasks in progress, {len(resent_ids)} sent again; {calls} adapter calls recorded, "
        f"{TASKS} effects; pages served {sum(map(len, answers.values()))}"
    )
