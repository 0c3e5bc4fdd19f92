"""The benchmark suite: seed PostgreSQL, then measure each main page in one run.

For each page: SQL queries per request, median and p95 latency through the Django test client, and the ratio of
the median to the floor view's (an authenticated page rendering the base template with one indexed query),
measured in the same run. Writes bench/RESULTS.md.

Run with `make bench` (it sets DATABASE_URL to a throwaway PostgreSQL database). Sizes: BENCH_CLIENTS and
BENCH_SESSIONS (per client); defaults keep a run to a few minutes on 2 cores.
"""

import os
import platform
import statistics
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinic.settings")
os.environ.setdefault("DEBUG", "1")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client as Browser  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402
from django.utils import timezone  # noqa: E402

from clinic.models import Client, User  # noqa: E402
from intake.models import Intake  # noqa: E402
from notes import hashing  # noqa: E402
from notes.models import AbdominalSegment, ComplaintPain, FeedbackEntry, TreatmentSession  # noqa: E402

CLIENTS = int(os.environ.get("BENCH_CLIENTS", "20000"))
SESSIONS = int(os.environ.get("BENCH_SESSIONS", "10"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "25"))


def seed():
    if Client.objects.count() < CLIENTS:
        call_command("seed_load", clients=CLIENTS, sessions_per_client=SESSIONS, therapists=20)
    big = Client.objects.filter(last_name="Bench-Longcourse").first()
    if big is None:
        call_command("seed_load", clients=1, sessions_per_client=500, entries_per_session=0, therapists=20)
        big = Client.objects.order_by("-pk").first()
        big.last_name = "Bench-Longcourse"
        big.save(update_fields=["last_name"])
    session = TreatmentSession.objects.filter(client=big).order_by("-started_at").first()
    big.care_team.add(session.therapist)
    if not session.entries.exists():
        session = seed_timeline_session(big, session.therapist)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return big, session


def seed_timeline_session(client, therapist):
    """A session with 200 feedback entries, written as the app would: a draft with its rows, then signed with its
    content hash (the database refuses rows added to a signed session), so verify_notes finds it intact."""
    started = timezone.now()
    session = TreatmentSession(client=client, therapist=therapist, started_at=started, abdominal_planned=True)
    session.save()
    (segment,) = AbdominalSegment._base_manager.bulk_create(
        [AbdominalSegment(session=session, reconfirmed_at=started, reconfirmed_by=therapist)]
    )
    FeedbackEntry._base_manager.bulk_create(
        [
            FeedbackEntry(
                session=session,
                segment=segment,
                at=started + timedelta(seconds=15 * n),
                side="right",
                technique="sustained_pressure",
                pressure=1 + n % 4,
                pain=2 + n % 5,
                response="tender",
                token=uuid.uuid4(),
            )
            for n in range(200)
        ]
    )
    session.ended_at = started + timedelta(seconds=15 * 200)
    session.signed_at = session.ended_at
    session.content_hash = hashing.content_hash(session)
    TreatmentSession._base_manager.filter(pk=session.pk).update(
        status=TreatmentSession.Status.SIGNED,
        ended_at=session.ended_at,
        signed_at=session.signed_at,
        content_hash=session.content_hash,
    )
    session.refresh_from_db()
    return session


def measure(browser, url, repeat=REPEAT):
    browser.get(url)  # warm up
    reset_queries()  # the query log is a bounded deque: a full one would count nothing
    with CaptureQueriesContext(connection) as queries:
        response = browser.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}")
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        browser.get(url)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
    return len(queries.captured_queries), statistics.median(times), p95


def main():
    if connection.vendor != "postgresql":
        sys.exit("The benchmark runs on PostgreSQL: set DATABASE_URL (make bench does).")
    big, session = seed()
    admin = User.objects.filter(is_superuser=True).first() or User.objects.create_superuser("bench-admin", None, None)
    therapist = session.therapist
    browser = Browser()
    browser.force_login(therapist)
    admin_browser = Browser()
    admin_browser.force_login(admin)
    intake = Intake.objects.filter(client=big).first()
    pages = [
        ("floor (base template, one indexed query)", browser, "/bench/floor/"),
        ("client list", browser, "/clients/"),
        ("client search by name", browser, "/clients/?q=okonk"),
        ("client page", browser, f"/clients/{big.public_id}/"),
        ("intake page", browser, f"/intakes/{intake.public_id}/"),
        ("session page, 200 feedback entries", browser, f"/sessions/{session.public_id}/"),
        ("history page, 500 sessions", browser, f"/clients/{big.public_id}/history/"),
        ("PDF export, 500 sessions", admin_browser, f"/clients/{big.public_id}/export.pdf"),
    ]
    rows = []
    with override_settings(ROOT_URLCONF="bench.urls", ALLOWED_HOSTS=["testserver"]):
        for name, who, url in pages:
            repeat = 3 if url.endswith(".pdf") else REPEAT
            rows.append((name, *measure(who, url, repeat)))
    floor = rows[0][2]
    sizes = (
        f"{Client.objects.count():,} clients, {TreatmentSession.objects.count():,} sessions, "
        f"{FeedbackEntry.objects.count():,} feedback entries, {ComplaintPain.objects.count():,} pain ratings"
    )
    cpu = len(os.sched_getaffinity(0))  # what nproc reports, without running it
    lines = [
        "# Benchmark results",
        "",
        f"- Date: {timezone.localtime():%Y-%m-%d %H:%M %Z}",
        f"- Machine: {platform.machine()}, {cpu} cores, Python {platform.python_version()}, "
        f"PostgreSQL {connection.cursor().connection.info.server_version}",
        f"- Data: {sizes}",
        f"- Each page: {REPEAT} timed requests after one warm-up, through Django's test client (PDF: 3).",
        "",
        "| page | SQL queries | median ms | p95 ms | median / floor |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, queries, median, p95 in rows:
        lines.append(f"| {name} | {queries} | {median:.1f} | {p95:.1f} | {median / floor:.2f} |")
    (ROOT / "bench" / "RESULTS.md").write_text("\n".join(lines) + "\n")
    sys.stdout.write("\n".join(lines) + f"\n\nDEBUG={settings.DEBUG}; written to bench/RESULTS.md\n")


if __name__ == "__main__":
    main()
