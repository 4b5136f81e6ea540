"""Real processes for the tests that start them (a qcluster, gunicorn, the Procfile's
layout): the test database's URL for them, a free port, waiting with their log at hand,
and killing a process with all its children."""

import os
import signal
import socket
import subprocess
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection


def database_url() -> str:
    """The test database, as DATABASE_URL for a process started by the test (PostgreSQL)."""
    db = connection.settings_dict
    user = quote(db["USER"] or "")
    password = f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else ""
    host = db["HOST"] or "localhost"
    return f"postgres://{user}{password}@{host}:{db['PORT'] or 5432}/{quote(db['NAME'])}"


def free_port(count: int = 1) -> int:
    """A port on 127.0.0.1 that nothing listens on, and the ``count - 1`` after it too."""
    for _ in range(50):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            first = sock.getsockname()[1]
        if first + count > 65536:
            continue
        try:
            for port in range(first + 1, first + count):
                with socket.socket() as sock:
                    sock.bind(("127.0.0.1", port))
        except OSError:
            continue
        return first
    raise RuntimeError(f"No {count} free consecutive ports")


def kill_group(pgid: int) -> None:
    """SIGKILL a process group: a process started in a session of its own and its children
    (a qcluster's sentinel, pusher and workers die with it, as with their host)."""
    try:
        os.killpg(pgid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def kill(process: subprocess.Popen) -> None:
    kill_group(process.pid)
    process.wait(timeout=10)


def wait_for(condition, seconds: float, log: Path, what: str = "") -> None:
    """Poll ``condition`` until it holds; after ``seconds`` fail with the log's tail."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"Timed out {what}. Log:\n{log.read_text()[-4000:]}")
        time.sleep(0.1)
