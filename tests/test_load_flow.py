"""`make load`'s people do what the app lets people do: a short run of bench/load.py (Locust's virtual front desk,
therapists and clinic admin against gunicorn on PostgreSQL) ends without an error, and the feedback entries the
therapists' live sessions were acknowledged are the ones stored. A change to the gate once refused every load-test
visit's abdominal work and nothing in the suite noticed (issue 19's per-visit initials: 0 entries, 64 errors)."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

ROOT = Path(__file__).resolve().parent.parent
SERVER = "postgres://postgres@127.0.0.1:5432"


@pytest.fixture
def postgresql():
    try:
        psycopg.connect(f"{SERVER}/postgres", connect_timeout=3).close()
    except psycopg.OperationalError:
        pytest.skip("no PostgreSQL at 127.0.0.1:5432: the load test runs on PostgreSQL only")
    return SERVER


def test_a_short_load_run_has_no_error_and_stores_every_acknowledged_entry(postgresql, tmp_path):
    report_file = tmp_path / "LOAD.md"
    # The test run's own database and settings stay out: bench/load.py makes its own database and servers.
    environ = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", "DEBUG"}}
    command = [sys.executable, "bench/load.py", "--seconds", "10", "--phases", "single"]
    command += ["--clients", "40", "--sessions", "2", "--entries", "2", "--entries-per-visit", "12"]
    command += ["--therapists", "2", "--desks", "1", "--admins", "1"]
    command += ["--db", f"clinic_load_test_{secrets.token_hex(4)}", "--out", str(report_file)]

    run = subprocess.run(  # noqa: S603
        command, cwd=ROOT, env={**environ, "LOAD_PG": postgresql}, capture_output=True, text=True, timeout=600
    )

    assert run.returncode == 0, run.stderr[-3000:]
    report = report_file.read_text()
    assert "**errors 0**" in report, report
    entries = re.search(r"([\d,]+) posted, \*\*([\d,]+) acknowledged\*\*, \*\*([\d,]+) stored\*\*", report)
    posted, acknowledged, stored = (int(n.replace(",", "")) for n in entries.groups())
    assert acknowledged > 0, report  # the therapists passed the gate: initials, re-confirmation, entries
    assert acknowledged == stored <= posted, report  # an entry cut off by the end of the phase is not acknowledged
    for request in ("sign in", "second factor", "areas initialled", "re-confirmation", "sign session"):
        assert f"| {request} |" in report, report
