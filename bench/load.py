"""Load test: gunicorn on loopback, the clinic's roles browsing and therapists adding live feedback.

`make load` runs it. It creates a throwaway PostgreSQL database (LOAD_DB, default clinic_load), migrates it,
seeds it with `seed_load` plus a few clients ready for abdominal work (real intake, screening, today's health
check and both consents through the services), collects static files to a temporary STATIC_ROOT, then runs two
phases, each bounded in time (LOAD_SECONDS, default 60):

1. one gunicorn with 2 workers (LOAD_WORKERS), DEBUG off, plain http on loopback;
2. two gunicorns on two ports (1 worker each, LOAD_PAIR_WORKERS) on the same database, every virtual user's
   requests alternating between them: signed in on one, its session cookie, CSRF token and live feedback
   timeline carried on the other.

The virtual users are Locust's (bench/locustfile.py), run headless in a process of their own for each phase,
the servers and accounts handed over in a plan file. Locust's statistics (per request: count, p50, p95, failures;
the totals and requests/s) and the tokens of the feedback entries the servers acknowledged come back; the database
is then asked how many entries it stored against those. Writes bench/LOAD.md, then drops the database
(LOAD_KEEP_DB=1 keeps it).
"""

import argparse
import http.client
import json
import os
import platform
import resource
import secrets
import shutil
import signal
import socket
import subprocess  # nosec B404
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.load_data import (  # noqa: E402
    PASSWORD,
    create_database,
    data_size,
    drop_database,
    seed,
    stored_entries,
    totp_steps_used,
)

# -- Setup: the servers' settings, static files ------------------------------------------------------------------------


def server_env(database_url: str, tmp: Path) -> dict:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "load-test-" + secrets.token_hex(24),
        "NOTE_SIGNING_KEYS": "load:" + secrets.token_hex(24),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        # Plain http on loopback: no HTTPS redirect, no Secure-only cookies.
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "SECURE_HSTS_SECONDS": "0",
        "STATIC_ROOT": str(tmp / "static"),
        "MEDIA_ROOT": str(tmp / "media"),
        "LOG_LEVEL": "WARNING",
    }
    env.pop("DEBUG", None)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


def collect_static(env: dict) -> None:
    subprocess.run(  # noqa: S603  # nosec B603
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )


# -- App servers -------------------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    port: int
    process: subprocess.Popen
    log: Path


def start_server(env: dict, workers: int, tmp: Path) -> Server:
    port = free_port()
    log = tmp / f"gunicorn-{port}.log"
    gunicorn = Path(sys.executable).with_name("gunicorn")
    with log.open("w") as out:
        process = subprocess.Popen(  # noqa: S603  # nosec B603
            [str(gunicorn), "clinic.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(workers)],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/accounts/login/")
            if conn.getresponse().status == 200:
                return Server(port, process, log)
        except OSError:
            time.sleep(0.3)
        if process.poll() is not None:
            break
    process.kill()
    sys.exit(f"gunicorn on port {port} did not start:\n{log.read_text()[-3000:]}")


def stop_server(server: Server) -> list[str]:
    """Stop it; return the log's lines that tell of a failure."""
    server.process.send_signal(signal.SIGTERM)
    try:
        server.process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.process.kill()
    lines = server.log.read_text().splitlines()
    return [line for line in lines if "ERROR" in line or "Traceback" in line or "CRITICAL" in line]


# -- Locust, one headless run per phase --------------------------------------------------------------------------------


def run_phase(servers: list[str], plan: dict, seconds: float, tmp: Path, phase: str) -> dict:
    """Locust in a process of its own (gevent's monkey-patching stays out of this Django process), headless, all
    the people spawned at once, stopped after `seconds`; a person's step in hand then finishes (a therapist's open
    session is signed). Returns Locust's final statistics and what the users saw (bench/locustfile.py's results),
    with Locust's log."""
    plan_file = tmp / f"{phase}-plan.json"
    results = tmp / f"{phase}-results.json"
    plan_file.write_text(json.dumps({**plan, "servers": servers, "results": str(results)}))
    users = len(plan["desks"]) + len(plan["therapists"]) + len(plan["admins"])
    locust = Path(sys.executable).with_name("locust")
    command = [
        str(locust),
        "-f",
        str(ROOT / "bench" / "locustfile.py"),
        "--headless",
        "--only-summary",
        "--users",
        str(users),
        "--spawn-rate",
        str(users),
        "--run-time",
        f"{max(1, round(seconds))}s",
        "--stop-timeout",
        "60",
        "--host",
        servers[0],
    ]
    log = tmp / f"{phase}-locust.log"
    # The CPU time of children that ended: Locust's alone (the servers are still running), on the same cores.
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with log.open("w") as out:
        # Locust exits 1 when a request failed: its statistics tell which, read below.
        subprocess.run(  # noqa: S603  # nosec B603
            command, cwd=ROOT, env={**os.environ, "LOAD_PLAN": str(plan_file)}, stdout=out, stderr=subprocess.STDOUT
        )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    text = log.read_text()
    sys.stderr.write(text)
    if not results.exists():
        sys.exit(f"Locust did not finish the {phase} phase:\n{text[-3000:]}")
    return {**json.loads(results.read_text()), "log": text, "cpu_seconds": cpu}


# -- Report ------------------------------------------------------------------------------------------------------------


def phase_report(title: str, result: dict, stored: tuple[int, int], problems: list[str]) -> list:
    total = result["total"]
    exceptions = sum(e["count"] for e in result["exceptions"])
    errors = total["failures"] + exceptions + len(problems)
    lines = [
        f"## {title}",
        "",
        f"- {total['count']:,} requests in {total['seconds']:.0f} s: **{total['rps']:.1f} requests/s**, "
        f"p50 {total['p50']} ms, **p95 {total['p95']} ms**, **errors {errors}**",
        f"- Requests per server: {', '.join(f':{p} {n:,}' for p, n in sorted(result['per_server'].items()))}",
        f"- Feedback entries: {result['posted']:,} posted, **{len(result['acknowledged']):,} acknowledged**, "
        f"**{stored[0]:,} stored** with an acknowledged token, {stored[1]:,} stored in all "
        f"{len(result['sessions'])} live sessions of the phase",
        f"- Locust's own process (start to end) used {result['cpu_seconds']:.1f} s of CPU, on the same cores",
        "",
        "| request | count | p50 ms | p95 ms | errors |",
        "|---|---:|---:|---:|---:|",
    ]
    if "CPU usage above" in result["log"]:
        lines.insert(6, "- Locust warned that its process went above 90% of a core: its timings may run long")
    for row in sorted(result["requests"], key=lambda row: -row["count"]):
        lines.append(f"| {row['name']} | {row['count']:,} | {row['p50']} | {row['p95']} | {row['failures']} |")
    details = [f"{e['name']}: {e['error']} (x{e['occurrences']})" for e in result["failures"]]
    details += [f"exception (x{e['count']}): {e['message']}" for e in result["exceptions"]]
    if details or problems:
        lines += ["", "Errors (first 10):", ""] + [f"- `{e}`" for e in (details + problems)[:10]]
    return lines + [""]


def locust_version() -> str:
    from importlib.metadata import version

    return version("locust")


def revision() -> str:
    def git(*args):
        command = ["git", *args]
        return subprocess.run(command, cwd=ROOT, capture_output=True, text=True).stdout.strip()  # noqa: S603  # nosec B603

    dirty = " with uncommitted changes" if git("status", "--porcelain", "--untracked-files=no") else ""
    return f"commit {git('rev-parse', '--short', 'HEAD') or 'unknown'}{dirty}"


def machine() -> str:
    cpu = ""
    try:
        cpu = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    except (OSError, StopIteration):
        cpu = platform.processor()
    return f"{platform.machine()} {cpu}, {os.cpu_count()} cores, Python {platform.python_version()}"


def main():  # noqa: PLR0915
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=float(os.environ.get("LOAD_SECONDS", "60")))
    parser.add_argument("--workers", type=int, default=int(os.environ.get("LOAD_WORKERS", "2")))
    parser.add_argument("--pair-workers", type=int, default=int(os.environ.get("LOAD_PAIR_WORKERS", "1")))
    parser.add_argument("--clients", type=int, default=int(os.environ.get("LOAD_CLIENTS", "4000")))
    parser.add_argument("--sessions", type=int, default=int(os.environ.get("LOAD_SESSIONS", "10")))
    parser.add_argument("--entries", type=int, default=int(os.environ.get("LOAD_ENTRIES", "5")))
    parser.add_argument("--therapists", type=int, default=4)
    parser.add_argument("--desks", type=int, default=2)
    parser.add_argument("--admins", type=int, default=1)
    parser.add_argument("--entries-per-visit", type=int, default=25)
    parser.add_argument("--phases", default="single,pair", help="single, pair, or both (the default)")
    parser.add_argument("--db", default=os.environ.get("LOAD_DB", "clinic_load"))
    parser.add_argument("--keep-db", action="store_true", default=os.environ.get("LOAD_KEEP_DB") == "1")
    parser.add_argument("--out", default=str(ROOT / "bench" / "LOAD.md"))
    args = parser.parse_args()
    phases = [p.strip() for p in args.phases.split(",") if p.strip()]

    database_url = create_database(args.db)
    # This process seeds and counts through the ORM; the app servers run with DEBUG off (server_env).
    os.environ.update({"DATABASE_URL": database_url, "DEBUG": "1", "DJANGO_SETTINGS_MODULE": "clinic.settings"})
    import django

    django.setup()
    from django.db import connection, connections

    tmp = Path(tempfile.mkdtemp(prefix="clinic-load-"))
    try:
        started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
        t0 = time.monotonic()
        plan = seed(
            clients=args.clients,
            sessions=args.sessions,
            entries=args.entries,
            therapists=args.therapists,
            desks=args.desks,
            admins=args.admins,
        )
        size = data_size()
        pg_version = connection.cursor().connection.info.server_version
        connections.close_all()
        sys.stderr.write(f"Seeded in {time.monotonic() - t0:.0f} s: {size}\n")
        env = server_env(database_url, tmp)
        collect_static(env)
        load = os.getloadavg()
        report = [
            "# Load test: gunicorn on loopback",
            "",
            f"- Date: {started}; `make load` (bench/load.py running Locust {locust_version()}, bench/locustfile.py)",
            f"- Machine: {machine()}, PostgreSQL {pg_version // 10000}.{pg_version % 10000} on the same host; "
            f"load average before the run {load[0]:.2f} (a machine shared with other work: figures are "
            "indicative)",
            f"- Data at the start: {size}",
            f"- Virtual users (closed loop, no think time): {len(plan['desks'])} front desk, "
            f"{len(plan['therapists'])} therapists, {len(plan['admins'])} clinic admin; each signs in through "
            "the login form (the admin then passes the TOTP second factor). Therapists run live sessions (start, "
            "the client's initials for the abdomen on the tablet handed over and back, verbal re-confirmation, "
            f"{args.entries_per_visit} feedback entries through htmx with a stop and a new re-confirmation every "
            "10, sign) and read their clients' pages, signed sessions and history between entries.",
            "- gunicorn sync workers, DEBUG off, static files collected (WhiteNoise), sessions in PostgreSQL.",
            "- Counts, latencies, requests/s and failures are Locust's statistics (its percentiles round times over "
            "100 ms to 10 ms); a failure is a response with an unexpected status or one that fails its check (a "
            "search lost, an entry refused or missing from the live panel). Errors add Locust's exceptions, the "
            "servers' logged errors and stored entries that differ from the acknowledged ones.",
            f"- Code: {revision()}",
            "",
        ]
        plan.update(password=PASSWORD, entries_per_visit=args.entries_per_visit)
        for phase in phases:
            workers = args.workers if phase == "single" else args.pair_workers
            servers = [start_server(env, workers, tmp) for _ in range(1 if phase == "single" else 2)]
            sys.stderr.write(f"Phase {phase}: {len(servers)} server(s) x {workers} worker(s), {args.seconds} s\n")
            plan["totp_last_step"] = totp_steps_used(plan["admins"])
            connections.close_all()
            try:
                urls = [f"http://127.0.0.1:{s.port}" for s in servers]
                result = run_phase(urls, plan, args.seconds, tmp, phase)
            finally:
                problems = [line for server in servers for line in stop_server(server)]
            stored = stored_entries(result)
            connections.close_all()
            acknowledged = len(result["acknowledged"])
            if stored != (acknowledged, acknowledged):
                problems.append(
                    f"feedback entries: {acknowledged} acknowledged, {stored[0]} stored with those tokens, "
                    f"{stored[1]} in the phase's sessions"
                )
            title = (
                f"One server: 1 gunicorn x {workers} workers, {args.seconds:.0f} s"
                if phase == "single"
                else f"Beyond one server: 2 gunicorns x {workers} worker on two ports, requests alternating, "
                f"{args.seconds:.0f} s"
            )
            report += phase_report(title, result, stored, problems)
            if phase == "pair":
                report += [
                    "Each person's requests alternate between the two servers: signed in on one, the session "
                    "cookie, the CSRF token, the searches kept in the session and the live feedback timeline "
                    "(re-confirmation on one server, the next entry on the other) carry on across both; the "
                    "entry counts come from the database after the servers stopped.",
                    "",
                ]
        Path(args.out).write_text("\n".join(report))
        sys.stdout.write("\n".join(report) + f"\nWritten to {args.out}\n")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        if args.keep_db:
            connections.close_all()
        else:
            drop_database(args.db)


if __name__ == "__main__":
    main()
