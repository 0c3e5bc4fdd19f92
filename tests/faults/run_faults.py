"""Fault drill: the database stops and a worker dies under load; every acknowledged write must survive, once.

`make faults` runs it (not part of `make test`: it needs PostgreSQL's server binaries and takes about a minute).

1. A throwaway PostgreSQL cluster (initdb from /usr/lib/postgresql/*/bin, run as the `postgres` system user when
   started as root) in a temporary folder, on a free loopback port; the cluster at 5432 is never touched.
2. The app migrated and seeded there (per therapist: a client ready for abdominal work and a draft session with
   abdominal work open), then gunicorn (gunicorn.conf.py, 2 workers, DEBUG off: tests/faults/settings.py, which
   only serves static files from the apps' folders) on 127.0.0.1.
3. Load: FAULTS_THREADS (4) therapists' browsers signed in through the real login form (with CSRF), each adding
   feedback entries to their draft session, every entry with its own one-time form token and a unique marker in
   its note. A write that gets a 503 or a broken connection is sent again with the same token, until the server
   acknowledges it with its redirect (302). Meanwhile: PostgreSQL is stopped (immediate mode: a crash) for a few
   seconds and started again; later one gunicorn worker is killed with SIGKILL.
4. Checks: every acknowledged entry is stored exactly once, none twice, each with its audit entry; every
   request made while the database was down got a 503 with an incident id and no traceback; no 500 at all;
   requests succeed again once the database is back and after the worker was killed. The size of the app
   server's log is reported (its error logging is rate-limited).

Prints the figures and exits 0 when every check holds, 1 otherwise. Bounded in time (FAULTS_MAX_SECONDS, 170 s),
loopback only; the cluster, its folder and every process it started are removed on exit.
"""

import argparse
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.faults.servers import Answer, Browser, Cluster, server_env, start_app_server  # noqa: E402

# The seeding child process reads the same password from the environment.
PASSWORD = os.environ.setdefault("FAULTS_PASSWORD", "faults-" + secrets.token_hex(8))
THREADS = int(os.environ.get("FAULTS_THREADS", "4"))
OUTAGE_SECONDS = float(os.environ.get("FAULTS_OUTAGE_SECONDS", "5"))
MAX_SECONDS = int(os.environ.get("FAULTS_MAX_SECONDS", "170"))
INCIDENT = re.compile(r"[0-9A-F]{10}")
SUPPRESSED = re.compile(r"suppressed \d+ similar messages")


def say(message: str) -> None:
    print(message, flush=True)  # noqa: T201 - this script reports on standard output


# -- Seeding (runs in a child process with Django set up on the throwaway database) -------------------------------


def seed() -> dict:
    import django

    django.setup()
    from datetime import date

    from django.contrib.auth.models import Group

    from clinic import roles, services
    from clinic.models import User
    from intake.services import record_intake
    from notes import services as notes
    from notes.consent_services import record_consent
    from notes.models import ConsentKind, ConsentText

    therapists = []
    for n in range(THREADS):
        user = User.objects.create(username=f"faults-therapist-{n}", first_name="Fault", last_name=f"Drill {n}")
        user.set_password(PASSWORD)
        user.save()
        user.groups.add(Group.objects.get(name=roles.THERAPIST))
        therapists.append(user)
    sessions = []
    for n, therapist in enumerate(therapists):
        client = services.create_client(
            created_by=therapist,
            care_team=[therapist],
            first_name="Drill",
            last_name=f"Client {n}",
            date_of_birth=date(1985, 1, 1 + n),
            phone="416-555-0100",
        )
        record_intake(
            client=client,
            taken_by=therapist,
            complaints=[{"region": "anterior_hip_groin", "side": "right", "pain_now": 6, "onset": "subacute"}],
            aggravating=["hip_extension"],
        )
        for kind in ConsentKind.values:
            record_consent(
                client=client,
                kind=kind,
                text=ConsentText.objects.current(kind),
                signed_name=client.full_name,
                collected_by=therapist,
            )
        session = notes.start_session(client=client, therapist=therapist, pain_before={})
        notes.request_abdominal_work(session=session, by=therapist, reconfirmed=True)
        for k in range(3):
            notes.record_feedback(
                session=session,
                token=uuid.uuid4(),
                side="right",
                technique="sustained_pressure",
                pressure=2,
                pain=3,
                response="comfortable",
                note=f"seeded {k}",
            )
        sessions.append(str(session.public_id))
    return {"users": [u.username for u in therapists], "sessions": sessions}


# -- The load, with its record of every request -------------------------------------------------------------------


@dataclass
class Record:
    started: float
    ended: float
    kind: str  # "write" or "read"
    status: int  # 0: the connection broke
    incident: bool = False
    traceback: bool = False


@dataclass
class Drill:
    port: int
    stop: threading.Event = field(default_factory=threading.Event)
    records: list[Record] = field(default_factory=list)
    acknowledged: dict[str, str] = field(default_factory=dict)  # token -> marker
    attempted: dict[str, str] = field(default_factory=dict)
    retried: int = 0
    unexpected: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def call(self, browser: Browser, kind: str, method: str, path: str, form: dict | None = None) -> Answer | None:
        started = time.monotonic()
        try:
            answer = browser.send(method, path, form)
        except (OSError, http.client.HTTPException):
            answer = None
        record = Record(started, time.monotonic(), kind, answer.status if answer else 0)
        if answer is not None:
            record.incident = bool(INCIDENT.fullmatch(answer.headers.get("X-Incident-Id", "")))
            record.traceback = "Traceback" in answer.body or 'File "' in answer.body
        with self.lock:
            self.records.append(record)
        return answer

    def therapist(self, username: str, session: str, number: int) -> None:
        browser = Browser(self.port)
        browser.sign_in(username, PASSWORD)
        path = f"/sessions/{session}/feedback/"
        written = 0
        while not self.stop.is_set():
            token, marker = str(uuid.uuid4()), f"drill {number}-{written}-{secrets.token_hex(3)}"
            with self.lock:
                self.attempted[token] = marker
            form = {
                "csrfmiddlewaretoken": browser.cookies.get("csrftoken", ""),
                "token": token,
                "side": "right",
                "technique": "sustained_pressure",
                "pressure": "2",
                "pain": "3",
                "response": "comfortable",
                "note": marker,
            }
            tries = 0
            # Sent again with the same token until acknowledged: the token makes the retry safe.
            while True:
                answer = self.call(browser, "write", "POST", path, form)
                tries += 1
                if answer is not None and answer.status == 302:
                    with self.lock:
                        self.acknowledged[token] = marker
                        self.retried += tries > 1
                    break
                if answer is not None and answer.status not in (502, 503):
                    with self.lock:
                        self.unexpected.append(f"write answered {answer.status}: {answer.body[:200]!r}")
                    break
                if self.stop.is_set() and tries > 40:
                    break
                time.sleep(0.2)
            written += 1
            if written % 5 == 0:
                answer = self.call(browser, "read", "GET", f"/sessions/{session}/")
                if answer is not None and answer.status not in (200, 502, 503):
                    with self.lock:
                        self.unexpected.append(f"read answered {answer.status}")


# -- The drill ----------------------------------------------------------------------------------------------------


def database_rows(cluster: Cluster) -> dict:
    import psycopg

    with psycopg.connect(f"{cluster.url}/clinic_faults", connect_timeout=10) as conn:
        entries = conn.execute("SELECT token::text, note FROM notes_feedbackentry").fetchall()
        unaudited = conn.execute(
            """SELECT count(*) FROM notes_feedbackentry e WHERE NOT EXISTS (
                 SELECT 1 FROM auditlog_logentry l JOIN django_content_type t ON t.id = l.content_type_id
                 WHERE t.app_label = 'notes' AND t.model = 'feedbackentry' AND l.object_pk = e.id::text
                   AND l.action = 0)"""
        ).fetchone()[0]
    return {"entries": entries, "unaudited": unaudited}


def run(folder: Path) -> bool:
    started = time.monotonic()
    cluster = Cluster(folder)
    server = None
    try:
        say(f"PostgreSQL ({cluster.bin.parent.name}) throwaway cluster at 127.0.0.1:{cluster.port} in {folder}")
        cluster.create()
        cluster.start()
        import psycopg

        with psycopg.connect(f"{cluster.url}/postgres", autocommit=True) as conn:
            conn.execute("CREATE DATABASE clinic_faults")
        env = server_env(cluster, folder)
        manage = [sys.executable, "manage.py"]
        subprocess.run([*manage, "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True, timeout=120)  # noqa: S603
        seeded = subprocess.run(  # noqa: S603
            [sys.executable, str(Path(__file__).resolve()), "--seed"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        plan = json.loads(seeded.stdout.strip().splitlines()[-1])
        before = database_rows(cluster)
        say(f"migrated and seeded in {time.monotonic() - started:.0f} s: {len(before['entries'])} feedback entries")

        server = start_app_server(env, folder)
        original_workers = server.workers()
        say(f"gunicorn on 127.0.0.1:{server.port}, workers {original_workers}; {THREADS} therapists writing")
        drill = Drill(server.port)
        threads = [
            threading.Thread(target=drill.therapist, args=(user, session, n), daemon=True)
            for n, (user, session) in enumerate(zip(plan["users"], plan["sessions"], strict=True))
        ]
        for thread in threads:
            thread.start()

        time.sleep(5)
        outage_began = time.monotonic()
        cluster.stop("immediate")
        outage_stopped = time.monotonic()
        say(f"PostgreSQL stopped (immediate) at +{outage_stopped - outage_began:.1f} s; down for {OUTAGE_SECONDS} s")
        time.sleep(OUTAGE_SECONDS)
        restarting = time.monotonic()
        cluster.start()
        database_back = time.monotonic()
        say(f"PostgreSQL accepting connections again after {database_back - restarting:.1f} s of recovery")

        time.sleep(4)
        victim = server.workers()[0]
        os.kill(victim, signal.SIGKILL)
        killed_at = time.monotonic()
        replaced_after = None
        while time.monotonic() - killed_at < 20:
            workers = server.workers()
            if victim not in workers and len(workers) == len(original_workers):
                replaced_after = time.monotonic() - killed_at
                break
            time.sleep(0.1)
        say(f"worker {victim} killed with SIGKILL; replaced after {replaced_after or float('nan'):.1f} s")

        time.sleep(8)
        drill.stop.set()
        for thread in threads:
            thread.join(timeout=30)
        # After the faults: a read and a write of a fresh browser must succeed.
        browser = Browser(server.port)
        browser.sign_in(plan["users"][0], PASSWORD)
        final_read = drill.call(browser, "read", "GET", f"/sessions/{plan['sessions'][0]}/")
        server.stop()
        after = database_rows(cluster)
        log = server.log.read_text(errors="replace")
        return report(
            drill=drill,
            before=before,
            after=after,
            log=log,
            window=(outage_stopped, database_back),
            killed_at=killed_at,
            replaced_after=replaced_after,
            final_read=final_read,
            elapsed=time.monotonic() - started,
        )
    finally:
        if server is not None:
            server.stop()
        if cluster.running or (cluster.data / "postmaster.pid").exists():
            cluster.stop("immediate")


def report(*, drill, before, after, log, window, killed_at, replaced_after, final_read, elapsed) -> bool:
    down_from, back_at = window
    records = drill.records
    statuses = Counter(r.status for r in records)
    during = [r for r in records if r.started >= down_from and r.ended <= back_at]
    after_back = [r for r in records if r.started >= back_at]
    first_success = min((r.ended for r in after_back if r.status in (200, 302)), default=None)
    stored = Counter(token for token, _note in after["entries"])
    markers = Counter(note for _token, note in after["entries"] if note.startswith("drill "))
    acknowledged = drill.acknowledged
    missing = [t for t in acknowledged if stored[t] == 0]
    duplicated = [t for t, n in stored.items() if n > 1] + [m for m, n in markers.items() if n > 1]
    unacknowledged_stored = [t for t in drill.attempted if t not in acknowledged and stored[t]]
    new_rows = len(after["entries"]) - len(before["entries"])

    checks = {
        "every acknowledged write is stored": not missing,
        "nothing stored twice (token or marker)": not duplicated,
        "new rows = acknowledged + stored-but-unacknowledged": new_rows
        == len(acknowledged) + len(unacknowledged_stored),
        "every feedback entry has its audit entry": after["unaudited"] == 0,
        "requests made while the database was down: all 503": bool(during) and all(r.status == 503 for r in during),
        "every 503 carries an incident id": all(r.incident for r in records if r.status == 503),
        "no 500 at all": statuses[500] == 0,
        "no traceback text in any response": not any(r.traceback for r in records),
        "writes succeed again after the database is back": any(
            r.kind == "write" and r.status == 302 for r in after_back
        ),
        "writes succeed after the worker was killed": any(
            r.kind == "write" and r.status == 302 and r.started > killed_at for r in records
        ),
        "the killed worker was replaced": replaced_after is not None,
        "a fresh sign-in and read after the faults: 200": final_read is not None and final_read.status == 200,
        "no unexpected answers": not drill.unexpected,
        "bounded in time": elapsed < MAX_SECONDS,
    }
    say("")
    say("== Figures")
    say(
        f"requests: {len(records)} in total ({sum(r.kind == 'write' for r in records)} writes, "
        f"{sum(r.kind == 'read' for r in records)} reads)"
    )
    by_status = ", ".join(f"{s or 'connection broken'}: {n}" for s, n in sorted(statuses.items()))
    say(f"by status: {by_status}")
    say(
        f"database down {back_at - down_from:.1f} s: {len(during)} requests made meanwhile, "
        f"{sum(r.status == 503 for r in during)} answered 503"
    )
    if first_success is not None:
        say(f"recovery: first success {first_success - back_at:.2f} s after PostgreSQL accepted connections again")
    say(
        f"writes: {len(acknowledged)} acknowledged ({drill.retried} of them after a retry with the same token), "
        f"{len(missing)} acknowledged but missing, {len(duplicated)} duplicated, "
        f"{len(unacknowledged_stored)} stored without an acknowledgement"
    )
    say(
        f"rows (feedback entries): {len(before['entries'])} before, {len(after['entries'])} after (+{new_rows}); "
        f"without an audit entry: {after['unaudited']}"
    )
    summaries = len(SUPPRESSED.findall(log))
    say(f"app server log: {len(log.encode()):,} bytes, {log.count('Traceback')} tracebacks, {summaries} summaries")
    for problem in drill.unexpected[:5]:
        say(f"unexpected: {problem}")
    say(f"elapsed: {elapsed:.0f} s")
    say("")
    say("== Checks")
    for name, ok in checks.items():
        say(f"{'PASS' if ok else 'FAIL'}  {name}")
    return all(checks.values())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (logs) for a post-mortem")
    args = parser.parse_args()
    if args.seed:
        say(json.dumps(seed()))
        return 0

    def give_up(signum, frame):
        raise TimeoutError(f"the drill ran past {MAX_SECONDS} s (or was interrupted)")

    signal.signal(signal.SIGALRM, give_up)
    signal.signal(signal.SIGTERM, give_up)
    signal.alarm(MAX_SECONDS)
    folder = Path(tempfile.mkdtemp(prefix="clinic-faults-"))
    try:
        passed = run(folder)
    finally:
        signal.alarm(0)
        if args.keep:
            say(f"kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    say("RESULT: " + ("PASS" if passed else "FAIL"))
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
