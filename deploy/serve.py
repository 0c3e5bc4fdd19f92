"""`make serve`: run the app as a clinic runs it in production, on the machine it is on.

Refuses to start, naming each missing variable on a line of its own, without SECRET_KEY, ALLOWED_HOSTS and a
PostgreSQL DATABASE_URL (NOTE_SIGNING_KEYS is optional: without it the notes' seals use a key derived from
SECRET_KEY, clinic/settings.py). Then, with DEBUG off: applies the migrations, collects the static
files (served by WhiteNoise), runs `check --deploy`, starts the task worker (`manage.py db_worker`, the long PDF
exports) beside gunicorn (gunicorn.conf.py: workers from the core count unless WEB_CONCURRENCY says), and stops
both together. A service manager can run the same pieces apart (deploy/*.service).
"""

import os
import signal
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
REQUIRED = {
    "SECRET_KEY": "a long random string (python -c 'import secrets; print(secrets.token_urlsafe(50))')",
    "ALLOWED_HOSTS": "the host names the clinic reaches the app by, comma-separated (clinic.example.org)",
    "DATABASE_URL": "a PostgreSQL database, postgres://user:password@host:5432/name",
}


def missing(environ) -> list[str]:
    """One line per variable that is missing or wrong."""
    lines = [f"{name} is not set: {what}." for name, what in REQUIRED.items() if not environ.get(name, "").strip()]
    url = environ.get("DATABASE_URL", "").strip()
    if url and not url.startswith(("postgres://", "postgresql://")):
        lines.append("DATABASE_URL is not PostgreSQL: production runs on PostgreSQL (postgres://...).")
    return lines


def manage(*args: str, environ) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=environ, check=True)  # noqa: S603  # nosec B603


def main() -> int:
    environ = {**os.environ, "DEBUG": "0"}
    problems = missing(environ)
    if problems:
        print("make serve: not starting.", *problems, sep="\n", file=sys.stderr)  # noqa: T201
        return 2
    manage("migrate", "--noinput", environ=environ)
    manage("collectstatic", "--noinput", "-v0", environ=environ)
    manage("check", "--deploy", "--fail-level", "WARNING", environ=environ)
    worker = subprocess.Popen([PYTHON, "manage.py", "db_worker", "--no-reload"], cwd=ROOT, env=environ)  # noqa: S603  # nosec B603
    server = subprocess.Popen([PYTHON, "-m", "gunicorn"], cwd=ROOT, env=environ)  # noqa: S603  # nosec B603

    def stop(signum, _frame):
        for process in (server, worker):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    status = server.wait()
    stop(signal.SIGTERM, None)
    worker.wait()
    return status


if __name__ == "__main__":
    sys.exit(main())
