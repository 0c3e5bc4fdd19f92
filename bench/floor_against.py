"""The floor page of this code against another commit's, on this machine, in one run: `make floor BEFORE=<commit>`.

The floor is bench/run.py's: a signed-in page rendering the base template with one indexed query, through
Django's test client, DEBUG off, on PostgreSQL. Each code runs in a process of its own (the other commit from a
`git worktree`), on a database of its own (migrated by its code and seeded by its `seed_demo`), signed in as the
demo therapist; the processes take turns, 50 timed requests at a time, so the machine's moods fall on both.
Prints each code's median and the ratio. The worktree and the two databases (`clinic_floor_*`) are removed after.

    python bench/floor_against.py 0568baf [--rounds 40]
"""

import argparse
import os
import secrets
import shutil
import statistics
import subprocess  # nosec B404
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SERVER = "postgres://postgres@127.0.0.1:5432"
BATCH = 50


def worker(root: str) -> None:
    """Serve timed floor requests for the code at `root`: a line with N in, a line of N durations (s) out."""
    sys.path.insert(0, root)
    os.chdir(root)
    static_root = tempfile.mkdtemp(prefix="clinic-floor-static-")
    try:
        _serve(static_root)
    finally:
        shutil.rmtree(static_root, ignore_errors=True)


def _serve(static_root: str) -> None:
    os.environ.update(
        DJANGO_SETTINGS_MODULE="clinic.settings",
        DEBUG="0",
        SECRET_KEY="floor-" + secrets.token_hex(24),
        NOTE_SIGNING_KEYS="floor:" + secrets.token_hex(24),
        SECURE_SSL_REDIRECT="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        SECURE_HSTS_SECONDS="0",
        STATIC_ROOT=static_root,
        LOG_LEVEL="WARNING",
    )
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client as Browser
    from django.test.utils import override_settings

    call_command("collectstatic", interactive=False, verbosity=0)
    with override_settings(ROOT_URLCONF="bench.urls", ALLOWED_HOSTS=["testserver"]):
        browser = Browser()
        browser.force_login(get_user_model().objects.get(username="therapist"))
        for _ in range(100):  # warm up: templates loaded, statements prepared
            if browser.get("/bench/floor/").status_code != 200:
                raise SystemExit("the floor page did not answer 200")
        sys.stdout.write("ready\n")
        sys.stdout.flush()
        for line in sys.stdin:
            times = []
            for _ in range(int(line)):
                started = time.perf_counter()
                browser.get("/bench/floor/")
                times.append(time.perf_counter() - started)
            sys.stdout.write(" ".join(f"{t:.7f}" for t in times) + "\n")
            sys.stdout.flush()


def _sql(statement: str) -> None:
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as connection:
        connection.execute(statement)


def _prepare(root: Path, database: str) -> dict:
    _sql(f"DROP DATABASE IF EXISTS {database}")
    _sql(f"CREATE DATABASE {database}")
    env = {**os.environ, "DATABASE_URL": f"{SERVER}/{database}", "DEBUG": "1"}
    for command in (["migrate", "--noinput", "-v0"], ["seed_demo"]):
        subprocess.run(  # noqa: S603  # nosec B603: our own manage.py, fixed arguments
            [sys.executable, "manage.py", *command], cwd=root, env=env, check=True, stdout=subprocess.DEVNULL
        )
    return {**os.environ, "DATABASE_URL": f"{SERVER}/{database}"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", help="the commit to measure against, e.g. 0568baf")
    parser.add_argument("--rounds", type=int, default=40, help=f"turns of {BATCH} requests for each code")
    args = parser.parse_args()
    suffix = secrets.token_hex(3)
    checkout = Path(tempfile.mkdtemp(prefix="clinic-floor-before-"))
    databases = {"before": f"clinic_floor_before_{suffix}", "now": f"clinic_floor_now_{suffix}"}
    processes = {}
    git = shutil.which("git") or "/usr/bin/git"
    subprocess.run(  # noqa: S603  # nosec B603
        [git, "worktree", "add", "--detach", "--force", str(checkout), args.before],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    try:
        for name, root in (("before", checkout), ("now", ROOT)):
            env = _prepare(root, databases[name])
            processes[name] = subprocess.Popen(  # noqa: S603  # nosec B603
                [sys.executable, __file__, "--worker", str(root)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
                env=env,
            )
            if processes[name].stdout.readline().strip() != "ready":
                raise SystemExit(f"the {name} code's floor did not start")
        times: dict[str, list[float]] = {name: [] for name in processes}
        for _ in range(args.rounds):
            for name, process in processes.items():
                process.stdin.write(f"{BATCH}\n")
                process.stdin.flush()
                times[name] += [float(t) for t in process.stdout.readline().split()]
        before, now = (statistics.median(times[name]) * 1000 for name in ("before", "now"))
        sys.stdout.write(
            f"floor median, {len(times['now']):,} requests each, alternating {BATCH} at a time:\n"
            f"  before ({args.before}): {before:.2f} ms\n  now: {now:.2f} ms\n  before / now: {before / now:.2f}x\n"
        )
    finally:
        for process in processes.values():
            process.stdin.close()
            process.wait()
        subprocess.run(  # noqa: S603  # nosec B603
            [git, "worktree", "remove", "--force", str(checkout)],
            cwd=ROOT,
            check=False,
            capture_output=True,
        )
        shutil.rmtree(checkout, ignore_errors=True)
        for database in databases.values():
            _sql(f"DROP DATABASE IF EXISTS {database}")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--worker":
        worker(sys.argv[2])
    else:
        main()
