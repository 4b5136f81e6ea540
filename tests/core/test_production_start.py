"""The production start as the README describes it: DEBUG off, collectstatic with the
manifest storage, gunicorn behind a TLS-terminating proxy. Run as real processes, because
the test settings use plain static storage and would hide a missing manifest entry."""

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.processes import free_port

ROOT = Path(__file__).resolve().parents[2]


def production_env(tmp_path: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTEST", "DJANGO_", "TELCRM_"))
    }
    env.update(
        DEBUG="0",
        SECRET_KEY="production-start-test-" + "x" * 40,
        ALLOWED_HOSTS="127.0.0.1",
        STATIC_ROOT=str(tmp_path / "static"),
        # The pages fetched below read nothing from the database.
        DATABASE_URL=f"sqlite:///{tmp_path / 'unused.sqlite3'}",
        PYTHONPATH=str(ROOT),
    )
    return env


def fetch(url: str) -> tuple[int, bytes]:
    # The proxy terminates TLS and says so; without the header the app redirects to https.
    request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@pytest.fixture
def collected(tmp_path):
    env = production_env(tmp_path)
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return env


def test_collectstatic_with_production_settings_writes_a_manifest(collected, tmp_path):
    manifest = tmp_path / "static" / "staticfiles.json"
    assert manifest.exists()
    assert "vendor/bootstrap/bootstrap.min.css" in manifest.read_text()


def test_gunicorn_serves_the_login_page_and_its_static_files(collected):
    port = free_port()
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(
        [str(gunicorn), "telcrm.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=ROOT,
        env=collected,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        status, body = 0, b""
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                status, body = fetch(f"http://127.0.0.1:{port}/login/")
                break
            except (ConnectionError, urllib.error.URLError):
                time.sleep(0.3)
        assert status == 200, body[-2000:]
        page = body.decode()
        assert "Sign in" in page or "Log in" in page
        # The page links the hashed file names of the manifest, and they are served.
        hrefs = [part.split('"')[0] for part in page.split('href="/static/')[1:]]
        css = next(href for href in hrefs if href.startswith("vendor/bootstrap/bootstrap.min."))
        assert css != "vendor/bootstrap/bootstrap.min.css"
        status, _ = fetch(f"http://127.0.0.1:{port}/static/{css}")
        assert status == 200
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0].decode(errors="replace")
    assert "Traceback" not in output, output[-3000:]
