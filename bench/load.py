"""Load test: gunicorn on loopback, the clinic's roles browsing and therapists adding live feedback.

`make load` runs it. It creates a throwaway PostgreSQL database (LOAD_DB, default clinic_load), migrates it,
seeds it with `seed_load` plus a few clients ready for abdominal work (real intake, screening, today's health
check and both consents through the services), collects static files to a temporary STATIC_ROOT, then runs two
phases, each bounded in time (LOAD_SECONDS, default 60):

1. one gunicorn with 2 workers (LOAD_WORKERS), DEBUG off, plain http on loopback;
2. two gunicorns on two ports (1 worker each, LOAD_PAIR_WORKERS) on the same database, every virtual user's
   requests alternating between them: signed in on one, its session cookie, CSRF token and live feedback
   timeline carried on the other.

Virtual users (closed loop, no think time) sign in through the real form: front desk (client list, search,
client page), therapists (a live session: start, verbal re-confirmation, feedback entries through htmx with a
"stop" now and then and a new re-confirmation after it, sign; between entries their clients' pages, signed
sessions and history), clinic admin (a TOTP second factor, audit log, history). Any unexpected status, a
refused or missing entry is an error. After each phase the database is asked how many entries it stored, against
the posts the server acknowledged. Writes bench/LOAD.md, then drops the database (LOAD_KEEP_DB=1 keeps it).
"""

import argparse
import http.client
import os
import platform
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess  # nosec B404
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PG = os.environ.get("LOAD_PG", "postgres://postgres@127.0.0.1:5432")
PASSWORD = "load-test-password-" + secrets.token_hex(4)  # noqa: S105 (a throwaway database's accounts)
TOKEN = re.compile(r'name="token" value="([0-9a-f-]{36})"')
SESSION_URL = re.compile(r"/sessions/([0-9a-f-]{36})/$")
TOTP_STEPS_USED: dict[str, int] = {}
SEARCHES = ["okonk", "chen", "nakam", "maya", "tremb", "Singh", "Loadtest"]


# -- Setup: database, data, static files --------------------------------------------------------------------------


def create_database(name: str) -> str:
    if "load" not in name:
        sys.exit(f"Refusing to drop and recreate {name!r}: the load test's database name must contain 'load'.")
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{PG}/{name}"


def drop_database(name: str) -> None:
    from django.db import connections

    connections.close_all()
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def seed(*, clients: int, sessions: int, entries: int, therapists: int, desks: int, admins: int) -> dict:
    """Bulk data from seed_load, then sign-in accounts and clients ready for abdominal work. Returns the plan
    the virtual users follow (who signs in, which records they open)."""
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.db import transaction
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from clinic import roles, services
    from clinic.models import Client, User
    from intake.services import record_health_check, record_intake
    from notes.models import ConsentKind, ConsentText, TreatmentSession
    from notes.services import record_consent

    call_command("migrate", verbosity=0)
    call_command(
        "seed_load",
        clients=clients,
        sessions_per_client=sessions,
        entries_per_session=entries,
        therapists=max(therapists, 1),
        force=True,
    )
    hashed = make_password(PASSWORD)
    plan = {"therapists": [], "desks": [], "admins": [], "totp_keys": {}}
    with transaction.atomic():
        for role, prefix, count, key in (
            (roles.FRONT_DESK, "load-desk", desks, "desks"),
            (roles.CLINIC_ADMIN, "load-admin", admins, "admins"),
        ):
            for n in range(count):
                user = User.objects.create(username=f"{prefix}-{n}", first_name="Load", last_name=f"{role} {n}")
                user.password = hashed
                user.save(update_fields=["password"])
                user.groups.add(Group.objects.get(name=role))
                plan[key].append(user.username)
                if role == roles.CLINIC_ADMIN:
                    # The audit log asks clinic admins for a second factor: an authenticator app set up already.
                    device = TOTPDevice.objects.create(user=user, name="Load test authenticator", confirmed=True)
                    plan["totp_keys"][user.username] = device.key
        desk = User.objects.get(username="load-desk-0") if desks else User.objects.filter(is_active=True).first()
        for n in range(therapists):
            therapist = User.objects.get(username=f"load-therapist-{n}")
            therapist.password = hashed
            therapist.save(update_fields=["password"])
            live = []
            for k in range(3):
                client = services.create_client(
                    created_by=desk,
                    care_team=[therapist],
                    first_name="Live",
                    last_name=f"Loadtest-{n}-{k}",
                    date_of_birth=date(1990, 1, 1 + k),
                    phone="416-555-0199",
                )
                record_intake(
                    client=client,
                    taken_by=desk,
                    complaints=[{"region": "anterior_hip_groin", "side": "right", "pain_now": 6, "onset": "subacute"}],
                    aggravating=["hip_extension", "stairs_leg_lift"],
                    history={"athlete_repetitive_hip_flexion": True},
                )
                for kind in ConsentKind.values:
                    record_consent(
                        client=client,
                        kind=kind,
                        text=ConsentText.objects.current(kind),
                        signed_name=client.full_name,
                        collected_by=desk,
                    )
                # The front desk's health check as the client arrives: abdominal work waits for today's.
                record_health_check(client=client, by=desk, no_change=True, anticoagulant=False, pregnant=False)
                live.append(str(client.public_id))
            seeded = list(
                Client.objects.filter(care_team=therapist, last_name__contains="-")
                .exclude(pk__in=Client.objects.filter(public_id__in=live))
                .order_by("pk")
                .values_list("public_id", flat=True)[:20]
            )
            signed = list(
                TreatmentSession.objects.filter(client__public_id__in=seeded, status="signed")
                .order_by("pk")
                .values_list("public_id", flat=True)[:40]
            )
            plan["therapists"].append(
                {
                    "username": therapist.username,
                    "live_clients": live,
                    "clients": [str(p) for p in seeded],
                    "sessions": [str(p) for p in signed],
                }
            )
    sample = list(Client.objects.order_by("?").values_list("public_id", flat=True)[:300])
    plan["clients"] = [str(p) for p in sample]
    plan["sessions"] = [s for t in plan["therapists"] for s in t["sessions"]]
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return plan


def data_size() -> str:
    from auditlog.models import LogEntry

    from clinic.models import Client
    from notes.models import FeedbackEntry, TreatmentSession

    return (
        f"{Client.objects.count():,} clients, {TreatmentSession.objects.count():,} sessions, "
        f"{FeedbackEntry.objects.count():,} feedback entries, {LogEntry.objects.count():,} audit entries"
    )


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


# -- App servers --------------------------------------------------------------------------------------------------


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


# -- Virtual users ------------------------------------------------------------------------------------------------


class RequestFailed(Exception):
    pass


@dataclass
class Stats:
    lock: threading.Lock = field(default_factory=threading.Lock)
    samples: list = field(default_factory=list)  # (label, ms, ok, port)
    errors: list = field(default_factory=list)
    acknowledged: set = field(default_factory=set)  # feedback tokens the server answered for with the entry shown
    posted: int = 0
    sessions: set = field(default_factory=set)  # live sessions this phase started

    def record(self, label, ms, ok, port, detail=""):
        with self.lock:
            self.samples.append((label, ms, ok, port))
            if not ok:
                self.errors.append(f"{label} on :{port}: {detail}")


class Browser:
    """One person's browser: a cookie jar, and requests that alternate between the app servers."""

    def __init__(self, ports: list[int], stats: Stats):
        self.ports = ports
        self.stats = stats
        self.cookies: dict[str, str] = {}
        self.count = 0

    def request(self, label, path, form=None, *, htmx=False, expect=(200,)):
        port = self.ports[self.count % len(self.ports)]
        self.count += 1
        headers = {"Host": f"127.0.0.1:{port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            form = {**form, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")}
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if htmx:
            headers["HX-Request"] = "true"
        start = time.perf_counter()
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            conn.request("POST" if form is not None else "GET", path, body, headers)
            response = conn.getresponse()
            text = response.read().decode()
        except OSError as error:
            self.stats.record(label, (time.perf_counter() - start) * 1000, False, port, repr(error))
            raise RequestFailed(label) from error
        finally:
            conn.close()
        ms = (time.perf_counter() - start) * 1000
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        ok = response.status in expect
        detail = f"status {response.status} {response.getheader('Location') or ''} for {path}"
        self.stats.record(label, ms, ok, port, detail)
        if not ok:
            raise RequestFailed(detail)
        return response, text

    def sign_in(self, username: str) -> None:
        self.cookies.clear()
        self.request("sign-in page", "/accounts/login/")
        self.request("sign in", "/accounts/login/", {"username": username, "password": PASSWORD}, expect=(302,))
        if "sessionid" not in self.cookies:
            raise RequestFailed(f"{username}: no session cookie after signing in")

    def check(self, label, condition, detail):
        if not condition:
            port = self.ports[(self.count - 1) % len(self.ports)]
            with self.stats.lock:
                self.stats.errors.append(f"{label} on :{port}: {detail}")
            raise RequestFailed(detail)


def front_desk(browser: Browser, plan: dict, username: str, rng: random.Random, until: float) -> None:
    browser.sign_in(username)
    while time.monotonic() < until:
        browser.request("client list", "/clients/")
        # The search form posts its text, kept in the session; the results page is named by a token. With two
        # servers the post and the results page land on different ones.
        text = rng.choice(SEARCHES)
        response, _ = browser.request("client search (post)", "/clients/", {"q": text}, expect=(302,))
        _, page = browser.request("client search (results)", response.getheader("Location", ""))
        browser.check("client search (results)", f'value="{text}"' in page, f"the search for {text!r} was lost")
        browser.request("client page", f"/clients/{rng.choice(plan['clients'])}/")


def clinic_admin(browser: Browser, plan: dict, username: str, rng: random.Random, until: float) -> None:
    from django_otp.oath import totp

    browser.sign_in(username)
    browser.request("second factor page", "/account/two-factor/verify/?next=/audit/")
    # A code is good once: after a sign-in in the same 30 s step (the previous phase), wait for the next code.
    step = int(time.time() // 30)
    if step <= TOTP_STEPS_USED.get(username, -1):
        time.sleep((step + 1) * 30 - time.time() + 0.5)
        step = int(time.time() // 30)
    TOTP_STEPS_USED[username] = step
    code = f"{totp(bytes.fromhex(plan['totp_keys'][username])):06d}"
    browser.request("second factor", "/account/two-factor/verify/", {"code": code, "next": "/audit/"}, expect=(302,))
    while time.monotonic() < until:
        browser.request("audit log", "/audit/")
        browser.request("history page", f"/clients/{rng.choice(plan['clients'])}/history/")
        browser.request("session page", f"/sessions/{rng.choice(plan['sessions'])}/")


def therapist(browser: Browser, me: dict, rng: random.Random, until: float, entries_per_visit: int) -> None:
    """One treatment session after another on the therapist's live clients, reading other records between
    feedback entries."""
    browser.sign_in(me["username"])
    stats = browser.stats
    while time.monotonic() < until:
        client = rng.choice(me["live_clients"])
        browser.request("client page", f"/clients/{client}/")
        browser.request("new session page", f"/clients/{client}/sessions/new/")
        response, _ = browser.request(
            "start session",
            f"/clients/{client}/sessions/new/",
            {"subjective": "Load test", "abdominal_planned": "on"},
            expect=(302,),
        )
        match = SESSION_URL.search(response.getheader("Location", ""))
        browser.check("start session", match, f"no session in {response.getheader('Location')!r}")
        session = f"/sessions/{match[1]}/"
        with stats.lock:
            stats.sessions.add(match[1])
        acked = window = 0
        token = reconfirm(browser, session)
        for n in range(entries_per_visit):
            if time.monotonic() >= until:
                break
            stop = n % 10 == 9
            form = {
                "token": token,
                "side": rng.choice(["left", "right"]),
                "technique": rng.choice(["sustained_pressure", "pin_and_stretch", "breathing_release"]),
                "pressure": str(rng.randint(1, 4)),
                "pain": str(rng.randint(1, 6)),
                "response": "stop" if stop else rng.choice(["comfortable", "tender", "referred"]),
                "note": "",
            }
            with stats.lock:
                stats.posted += 1
            _, panel = browser.request("feedback entry (htmx)", f"{session}feedback/", form, htmx=True)
            browser.check("feedback entry (htmx)", "Entry refused" not in panel, "entry refused by the gate")
            # The panel shows the newest entries: one more each time, until the page's window is full.
            shown = panel.count("timeline-entry response-row-")
            grew = shown == acked + 1 or (shown == window and window >= 10)
            browser.check("feedback entry (htmx)", grew, f"timeline shows {shown} entries after {acked + 1} posts")
            window = shown
            acked += 1
            with stats.lock:
                stats.acknowledged.add(token)
            next_token = TOKEN.search(panel)
            browser.check("feedback entry (htmx)", next_token, "no fresh form token in the live panel")
            token = next_token[1]
            if stop:
                token = reconfirm(browser, session)
            elif rng.random() < 0.5:
                browse_own(browser, me, rng)
        browser.request("sign page", f"{session}sign/")
        browser.request("sign session", f"{session}sign/", {}, expect=(302,))


def reconfirm(browser: Browser, session: str) -> str:
    """The client's verbal re-confirmation, then the session page: the segment must show open. Returns the
    feedback form's token."""
    browser.request(
        "re-confirmation",
        f"{session}abdominal/",
        {"reconfirmed": "on", "precautions_reviewed": "on", "action": "start"},
        expect=(302,),
    )
    _, page = browser.request("session page (own draft)", session)
    browser.check("session page (own draft)", "segment-open" in page, "abdominal work did not open")
    token = TOKEN.search(page)
    browser.check("session page (own draft)", token, "no form token on the session page")
    return token[1]


def browse_own(browser: Browser, me: dict, rng: random.Random) -> None:
    pick = rng.random()
    if pick < 0.4 and me["sessions"]:
        browser.request("session page", f"/sessions/{rng.choice(me['sessions'])}/")
    elif pick < 0.7:
        browser.request("history page", f"/clients/{rng.choice(me['clients'])}/history/")
    else:
        browser.request("client page", f"/clients/{rng.choice(me['clients'])}/")


def run_phase(ports: list[int], plan: dict, seconds: float, entries_per_visit: int) -> tuple[Stats, float]:
    stats = Stats()
    until = time.monotonic() + seconds
    jobs = []
    for username in plan["desks"]:
        jobs.append(lambda b, r, u=username: front_desk(b, plan, u, r, until))
    for me in plan["therapists"]:
        jobs.append(lambda b, r, me=me: therapist(b, me, r, until, entries_per_visit))
    for username in plan["admins"]:
        jobs.append(lambda b, r, u=username: clinic_admin(b, plan, u, r, until))

    def person(job, seed):
        rng = random.Random(seed)  # nosec B311
        while time.monotonic() < until:
            browser = Browser(ports, stats)
            # Start each person on a different server, so sign-ins land on both.
            browser.count = seed
            try:
                job(browser, rng)
            except RequestFailed:
                time.sleep(0.5)  # counted as an error; start over signed in afresh

    threads = [threading.Thread(target=person, args=(job, n)) for n, job in enumerate(jobs)]
    start = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return stats, time.monotonic() - start


# -- Report -------------------------------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))] if ordered else 0.0


def stored_entries(stats: Stats) -> tuple[int, int]:
    """(entries stored with an acknowledged token, all entries stored in this phase's sessions)."""
    from notes.models import FeedbackEntry

    acked = FeedbackEntry.objects.filter(token__in=stats.acknowledged).count()
    total = FeedbackEntry.objects.filter(session__public_id__in=stats.sessions).count()
    return acked, total


def phase_report(title: str, stats: Stats, elapsed: float, stored: tuple[int, int], log_errors: list[str]) -> list:
    times = [ms for _label, ms, _ok, _port in stats.samples]
    errors = len(stats.errors) + len(log_errors)
    by_port = defaultdict(int)
    for _label, _ms, _ok, port in stats.samples:
        by_port[port] += 1
    lines = [
        f"## {title}",
        "",
        f"- {len(times):,} requests in {elapsed:.0f} s: **{len(times) / elapsed:.1f} requests/s**, "
        f"p50 {percentile(times, 0.5):.0f} ms, **p95 {percentile(times, 0.95):.0f} ms**, "
        f"**errors {errors}**",
        f"- Requests per server: {', '.join(f':{p} {n:,}' for p, n in sorted(by_port.items()))}",
        f"- Feedback entries: {stats.posted:,} posted, **{len(stats.acknowledged):,} acknowledged**, "
        f"**{stored[0]:,} stored** with an acknowledged token, {stored[1]:,} stored in all "
        f"{len(stats.sessions)} live sessions of the phase",
        "",
        "| request | count | p50 ms | p95 ms | errors |",
        "|---|---:|---:|---:|---:|",
    ]
    labels = defaultdict(list)
    failures = defaultdict(int)
    for label, ms, ok, _port in stats.samples:
        labels[label].append(ms)
        failures[label] += not ok
    for label, values in sorted(labels.items(), key=lambda item: -len(item[1])):
        lines.append(
            f"| {label} | {len(values):,} | {percentile(values, 0.5):.0f} | {percentile(values, 0.95):.0f} "
            f"| {failures[label]} |"
        )
    if stats.errors or log_errors:
        lines += ["", "Errors (first 10):", ""] + [f"- `{e}`" for e in (stats.errors + log_errors)[:10]]
    return lines + [""]


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
            f"- Date: {started}; `make load` (bench/load.py)",
            f"- Machine: {machine()}, PostgreSQL {pg_version // 10000}.{pg_version % 10000} on the same host; "
            f"load average before the run {load[0]:.2f} (a machine shared with other work: figures are "
            "indicative)",
            f"- Data at the start: {size}",
            f"- Virtual users (closed loop, no think time): {len(plan['desks'])} front desk, "
            f"{len(plan['therapists'])} therapists, {len(plan['admins'])} clinic admin; each signs in through "
            "the login form (the admin then passes the TOTP second factor). Therapists run live sessions (start, "
            "verbal re-confirmation, "
            f"{args.entries_per_visit} feedback entries through htmx with a stop and a new re-confirmation every "
            "10, sign) and read their clients' pages, signed sessions and history between entries.",
            "- gunicorn sync workers, DEBUG off, static files collected (WhiteNoise), sessions in PostgreSQL.",
            f"- Code: {revision()}",
            "",
        ]
        for phase in phases:
            workers = args.workers if phase == "single" else args.pair_workers
            servers = [start_server(env, workers, tmp) for _ in range(1 if phase == "single" else 2)]
            sys.stderr.write(f"Phase {phase}: {len(servers)} server(s) x {workers} worker(s), {args.seconds} s\n")
            try:
                stats, elapsed = run_phase([s.port for s in servers], plan, args.seconds, args.entries_per_visit)
            finally:
                log_errors = [line for server in servers for line in stop_server(server)]
            stored = stored_entries(stats)
            connections.close_all()
            if stored != (len(stats.acknowledged), len(stats.acknowledged)):
                stats.errors.append(
                    f"feedback entries: {len(stats.acknowledged)} acknowledged, {stored[0]} stored with those "
                    f"tokens, {stored[1]} in the phase's sessions"
                )
            title = (
                f"One server: 1 gunicorn x {workers} workers, {args.seconds:.0f} s"
                if phase == "single"
                else f"Beyond one server: 2 gunicorns x {workers} worker on two ports, requests alternating, "
                f"{args.seconds:.0f} s"
            )
            report += phase_report(title, stats, elapsed, stored, log_errors)
            if phase == "pair":
                report.insert(
                    -1,
                    "Each person's requests alternate between the two servers: signed in on one, the session "
                    "cookie, the CSRF token, the searches kept in the session and the live feedback timeline "
                    "(re-confirmation on one server, the next entry on the other) carry on across both; the "
                    "entry counts come from the database after the servers stopped.\n",
                )
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
