"""`make serve` runs the app as a clinic runs it in production: it refuses to start without its settings, naming
each missing one on a line of its own; with them, on PostgreSQL and with DEBUG off, it migrates, collects the static
files, passes `check --deploy`, and serves the sign-in page and a static file through gunicorn, with the task worker
beside it, both stopped together."""

import os
import re
import secrets
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import psycopg
import pytest

ROOT = Path(__file__).resolve().parent.parent
SERVER = "postgres://postgres@127.0.0.1:5432"


def serve_env(**values) -> dict:
    # The test run's own settings stay out (the browser tests allow Django's async-unsafe calls, which
    # `check --deploy` rightly refuses), and so do the optional seal keys: the three required variables suffice.
    test_only = {"DEBUG", "DJANGO_SETTINGS_MODULE", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    test_only |= {"NOTE_SIGNING_KEYS", "NOTE_SIGNING_KEY_ID", "SECRET_KEY_FALLBACKS"}
    environ = {k: v for k, v in os.environ.items() if k not in test_only}
    return {**environ, **values}


def make_serve(environ, **options) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603
        ["make", "--no-print-directory", "serve"],  # noqa: S607
        cwd=ROOT,
        env=environ,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
        **options,
    )


def test_serve_refuses_to_start_naming_each_missing_setting():
    process = make_serve(serve_env(DATABASE_URL="sqlite:///db.sqlite3", SECRET_KEY="", ALLOWED_HOSTS=""))
    out, _ = process.communicate(timeout=120)

    assert process.returncode != 0
    lines = out.splitlines()
    assert any(line.startswith("SECRET_KEY is not set") for line in lines), out
    assert any(line.startswith("ALLOWED_HOSTS is not set") for line in lines), out
    assert any(line.startswith("DATABASE_URL is not PostgreSQL") for line in lines), out
    assert "Applying" not in out and "gunicorn" not in out.lower()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str) -> tuple[int, str, bytes]:
    """A GET as the clinic's TLS proxy forwards it (X-Forwarded-Proto: https, from loopback)."""
    request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https"})  # noqa: S310
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310  # nosec B310
        return response.status, response.headers.get("Content-Type", ""), response.read()


@pytest.fixture
def database():
    try:
        admin = psycopg.connect(f"{SERVER}/postgres", autocommit=True, connect_timeout=3)
    except psycopg.OperationalError:
        pytest.skip("no PostgreSQL at 127.0.0.1:5432: `make serve` runs on PostgreSQL only")
    name = f"clinic_serve_{secrets.token_hex(4)}"
    admin.execute(f"CREATE DATABASE {name}")
    yield f"{SERVER}/{name}"
    admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    admin.close()


def test_serve_runs_gunicorn_and_the_worker_on_postgresql_with_debug_off(database, tmp_path):
    port = free_port()
    environ = serve_env(
        DATABASE_URL=database,
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        GUNICORN_BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY="2",
        TRUST_X_FORWARDED_FOR="1",
        STATIC_ROOT=str(tmp_path / "static"),
        PYTHONUNBUFFERED="1",  # each process's lines reach the log as they are written
    )
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        process = subprocess.Popen(  # noqa: S603
            ["make", "--no-print-directory", "serve"],  # noqa: S607
            cwd=ROOT,
            env=environ,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline, page = time.monotonic() + 180, None
        while time.monotonic() < deadline and process.poll() is None:
            try:
                page = fetch(f"http://127.0.0.1:{port}/accounts/login/")
                break
            except OSError:
                time.sleep(1)
        output = log.read_text()
        assert page is not None, output
        status, content_type, body = page
        assert status == 200 and content_type.startswith("text/html")
        assert b'name="password"' in body
        stylesheet = re.search(rb'href="(/static/[^"]+\.css)"', body)[1].decode()
        static_status, static_type, _ = fetch(f"http://127.0.0.1:{port}{stylesheet}")
        assert static_status == 200 and static_type.startswith("text/css")
        while "Starting worker" not in output and time.monotonic() < deadline and process.poll() is None:
            time.sleep(1)  # the task worker starts beside gunicorn, not before it
            output = log.read_text()
        assert "System check identified no issues" in output
        assert "Starting gunicorn" in output and "Starting worker" in output
        with psycopg.connect(database) as conn:
            assert conn.execute("SELECT count(*) FROM django_migrations").fetchone()[0] > 30
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=60)
    time.sleep(2)  # gunicorn's workers finish their requests
    with pytest.raises(OSError):
        fetch(f"http://127.0.0.1:{port}/accounts/login/")
    assert "Shutting down" in log.read_text()
