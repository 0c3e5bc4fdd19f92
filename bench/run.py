"""The benchmark suite: seed PostgreSQL, then measure each main page in one run.

For each page: SQL queries per request, median and p95 latency through the Django test client, and the ratio of
the median to the floor view's (an authenticated page rendering the base template with one indexed query),
measured in the same run. Writes bench/RESULTS.md.

Run with `make bench` (it sets DATABASE_URL to the PostgreSQL database clinic_bench, kept between runs). Sizes:
BENCH_CLIENTS, BENCH_SESSIONS (per client) and BENCH_ENTRIES (per session); the defaults are a chain's ten years.
"""

import gc
import os
import platform
import secrets
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinic.settings")
# The configuration a clinic runs: DEBUG off (no query log kept for every statement, the static files' manifest),
# plain http inside the test client. BENCH_DEBUG=1 measures the development setup instead.
STATIC_ROOT = Path(tempfile.mkdtemp(prefix="clinic-bench-static-"))
os.environ.update(
    DEBUG=os.environ.get("BENCH_DEBUG", "0"),
    SECRET_KEY=os.environ.get("SECRET_KEY") or "bench-" + secrets.token_hex(24),
    NOTE_SIGNING_KEYS=os.environ.get("NOTE_SIGNING_KEYS") or "bench:" + secrets.token_hex(24),
    SECURE_SSL_REDIRECT="0",
    SESSION_COOKIE_SECURE="0",
    CSRF_COOKIE_SECURE="0",
    SECURE_HSTS_SECONDS="0",
    STATIC_ROOT=str(STATIC_ROOT),
    LOG_LEVEL=os.environ.get("LOG_LEVEL", "WARNING"),
)

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client as Browser  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench import middleware_costs, request_reads  # noqa: E402
from clinic.models import Client, User  # noqa: E402
from intake.models import Intake  # noqa: E402
from notes import export_jobs, hashing  # noqa: E402
from notes.models import AbdominalSegment, ComplaintPain, FeedbackEntry, RecordExport, TreatmentSession  # noqa: E402

# A chain's ten years: 100,000 clients, 1,000,000 sessions, 10,000,000 feedback entries (minutes to seed).
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "100000"))
SESSIONS = int(os.environ.get("BENCH_SESSIONS", "10"))
ENTRIES = int(os.environ.get("BENCH_ENTRIES", "10"))
# Timed requests a page, after one warm-up: enough for a median that moves by a few percent between runs.
REPEAT = int(os.environ.get("BENCH_REPEAT", "50"))
FLOOR_URL = "/bench/floor/"
# Each page measured in this many rounds (all pages, then again): a page's figures are the medians over the rounds.
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))


def seed():
    if Client.objects.count() < CLIENTS:
        missing = CLIENTS - Client.objects.count()
        call_command(
            "seed_load",
            clients=missing,
            sessions_per_client=SESSIONS,
            entries_per_session=ENTRIES,
            therapists=20,
            force=True,
        )
    big = Client.objects.filter(last_name="Bench-Longcourse").first()
    if big is None:
        call_command("seed_load", clients=1, sessions_per_client=500, entries_per_session=0, therapists=20, force=True)
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


def seed_timeline_session(client, therapist, entries=200):
    """A session with `entries` feedback entries, written as the app would: a draft with its rows, then signed with its
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
            for n in range(entries)
        ]
    )
    session.ended_at = started + timedelta(seconds=15 * entries)
    session.signed_at = session.ended_at
    session.status = TreatmentSession.Status.SIGNED
    session.signed_as = {"therapist_name": therapist.display_name, "client_display_name": client.display_name}
    hashing.seal_session(session)
    TreatmentSession._base_manager.filter(pk=session.pk).update(
        status=TreatmentSession.Status.SIGNED,
        ended_at=session.ended_at,
        signed_at=session.signed_at,
        signed_as=session.signed_as,
        content_hash=session.content_hash,
        hash_key_id=session.hash_key_id,
    )
    session.refresh_from_db()
    return session


def percentile_95(times: list[float]) -> float:
    times = sorted(times)
    return times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]


def timed(browser, url, repeat: int) -> list[float]:
    browser.get(url)  # warm up
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        browser.get(url)
        times.append((time.perf_counter() - start) * 1000)
    return times


def measure(browser, url, repeat=REPEAT, status=200, floor=None, against=FLOOR_URL):
    """Queries of one request, then the median and p95 of `repeat` timed requests. With `floor` (a browser), each
    timed request of the page follows a timed request of the floor view (or of `against`), and that one's median
    is returned too:
    a page's ratio compares requests made a few milliseconds apart, whatever the machine does meanwhile (on a
    shared machine its speed drifts by a fifth within seconds)."""
    browser.get(url)  # warm up: one-time reads (content types...) are not the page's
    reset_queries()  # the query log is a bounded deque: a full one would count nothing
    with CaptureQueriesContext(connection) as queries:
        response = browser.get(url)
    # Read now: every later request starts by emptying the connection's query log.
    count = len(queries.captured_queries)
    if response.status_code != status:
        raise RuntimeError(f"{url} answered {response.status_code}, not {status}")
    gc.collect()
    if floor is None:
        times = timed(browser, url, repeat)
        return count, statistics.median(times), percentile_95(times), None
    floor.get(against)
    floors, times = [], []
    for _ in range(repeat):
        floors.append(timed_once(floor, against))
        times.append(timed_once(browser, url))
    return count, statistics.median(times), percentile_95(times), statistics.median(floors)


def timed_once(browser, url) -> float:
    start = time.perf_counter()
    browser.get(url)
    return (time.perf_counter() - start) * 1000


def seed_course(therapist, *, name: str, sessions: int, entries: int):
    """A client with `sessions` signed sessions, one of them (the latest) with `entries` feedback entries: the small
    sides of the growth check."""
    client = Client.objects.filter(last_name=name).first()
    if client is None:
        call_command(
            "seed_load", clients=1, sessions_per_client=sessions, entries_per_session=0, therapists=20, force=True
        )
        client = Client.objects.order_by("-pk").first()
        client.last_name = name
        client.save(update_fields=["last_name"])
    client.care_team.add(therapist)
    session = TreatmentSession.objects.filter(client=client, entries__isnull=False).first()
    if session is None:
        session = seed_timeline_session(client, therapist, entries=entries)
    return client, session


def search_url(browser, text):
    """The search form posts its text, which stays in the session; the results page is named by a token."""
    response = browser.post("/clients/", {"q": text})
    if response.status_code != 302:
        raise RuntimeError(f"the search answered {response.status_code}")
    return response["Location"]


def prepared_export_url(browser, client):
    """Ask for a long record's PDF (prepared off the request path), render it as the worker does, and time that."""
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        location = browser.get(f"/clients/{client.public_id}/export.pdf")["Location"]
    export = RecordExport.objects.get(public_id=location.strip("/").split("/")[-1])
    start = time.perf_counter()
    if not export_jobs.render_export(export.pk):
        raise RuntimeError("the PDF export did not render")
    return location, (time.perf_counter() - start) * 1000


def main():
    if connection.vendor != "postgresql":
        sys.exit("The benchmark runs on PostgreSQL: set DATABASE_URL (make bench does).")
    big, session = seed()
    call_command("collectstatic", interactive=False, verbosity=0)  # DEBUG off: the pages name files by manifest
    therapist = session.therapist
    short, short_session = seed_course(therapist, name="Bench-Shortcourse", sessions=5, entries=10)
    # A page as full as the long record's: 30 sessions fill the history page's 25 rows, 60 entries the session
    # page's window of 50. Against these, what grows is the record's length alone, not what the page shows.
    full, full_session = seed_course(therapist, name="Bench-Fullpage", sessions=30, entries=60)
    admin = User.objects.filter(is_superuser=True).first() or User.objects.create_superuser("bench-admin", None, None)
    browser = Browser()
    browser.force_login(therapist)
    admin_browser = Browser()
    admin_browser.force_login(admin)
    intake = Intake.objects.filter(client=big).first()
    rows, growth = [], []
    with override_settings(ROOT_URLCONF="bench.urls", ALLOWED_HOSTS=["testserver"]):
        pdf_url, render_ms = prepared_export_url(admin_browser, big)
        gc.collect()  # the PDF's layout leaves garbage behind: collected now, not during the pages' timings
        pages = [
            ("floor (base template, one indexed query)", browser, FLOOR_URL, 200),
            ("client list", browser, "/clients/", 200),
            ("client search by name", browser, search_url(browser, "okonk"), 200),
            ("client page", browser, f"/clients/{big.public_id}/", 200),
            ("intake page", browser, f"/intakes/{intake.public_id}/", 200),
            ("session page, 200 feedback entries", browser, f"/sessions/{session.public_id}/", 200),
            ("history page, 500 sessions", browser, f"/clients/{big.public_id}/history/", 200),
            (
                "PDF export of 500 sessions: the request (prepared in the background)",
                admin_browser,
                f"/clients/{big.public_id}/export.pdf",
                302,
            ),
            ("PDF export of 500 sessions: the download once prepared", admin_browser, pdf_url, 200),
        ]
        with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
            rounds = [[measure(who, url, status=status, floor=browser) for _name, who, url, status in pages]]
            for _ in range(ROUNDS - 1):
                rounds.append([measure(who, url, status=status, floor=browser) for _name, who, url, status in pages])
        for index, (name, _who, _url, _status) in enumerate(pages):
            measured = [each_round[index] for each_round in rounds]
            rows.append(
                (
                    name,
                    measured[0][0],  # queries
                    statistics.median(m[1] for m in measured),  # the page's median, over the rounds
                    statistics.median(m[2] for m in measured),  # its p95, over the rounds
                    statistics.median(m[3] for m in measured),  # the floor's median just before, over the rounds
                    statistics.median(m[1] / m[3] for m in measured),  # the ratio, round by round
                )
            )
        pairs = [
            ("client page", f"/clients/{short.public_id}/", f"/clients/{big.public_id}/", "5 vs 500 sessions"),
            (
                "history page",
                f"/clients/{short.public_id}/history/",
                f"/clients/{big.public_id}/history/",
                "5 vs 500 sessions",
            ),
            (
                "session page",
                f"/sessions/{short_session.public_id}/",
                f"/sessions/{session.public_id}/",
                "10 vs 200 entries",
            ),
            (
                "history page, both pages full",
                f"/clients/{full.public_id}/history/",
                f"/clients/{big.public_id}/history/",
                "30 vs 500 sessions",
            ),
            (
                "session page, both windows full",
                f"/sessions/{full_session.public_id}/",
                f"/sessions/{session.public_id}/",
                "60 vs 200 entries",
            ),
        ]
        for name, small_url, large_url, sizes in pairs:
            # The large record's requests alternate with the small one's, as a page's with the floor's.
            queries, large_median, _p95, small_median = measure(browser, large_url, floor=browser, against=small_url)
            small_queries = measure(browser, small_url, repeat=1)[0]
            growth.append((name, sizes, (small_queries, small_median), (queries, large_median)))
        small_pdf = measure(admin_browser, f"/clients/{short.public_id}/export.pdf", repeat=5)
        per_middleware = middleware_costs.costs(therapist, FLOOR_URL)
        app_floor, django_floor = middleware_costs.against_django_defaults(therapist, FLOOR_URL)
        reads = request_reads.medians(therapist)
    floor = rows[0][2]  # the floor view's own median, for the PDF's sentence
    sizes = (
        f"{Client.objects.count():,} clients, {TreatmentSession.objects.count():,} sessions, "
        f"{FeedbackEntry.objects.count():,} feedback entries, {ComplaintPain.objects.count():,} pain ratings"
    )
    cpu = len(os.sched_getaffinity(0))  # what nproc reports, without running it
    load = os.getloadavg()[0]
    lines = [
        "# Benchmark results",
        "",
        f"- Date: {timezone.localtime():%Y-%m-%d %H:%M %Z}",
        f"- Machine: {platform.machine()}, {cpu} cores, Python {platform.python_version()}, "
        f"PostgreSQL {connection.cursor().connection.info.server_version}; load average at the end {load:.1f}",
        f"- Data: {sizes}",
        f"- Each page: {REPEAT} timed requests after a warm-up, through Django's test client, DEBUG={settings.DEBUG}"
        " (production settings unless BENCH_DEBUG=1).",
        "- Each timed request of a page follows a timed request of the floor view, and the page's ratio is to the",
        "  floor's median over those (its own column): page and floor alternate, milliseconds apart.",
        f"- {ROUNDS} rounds over all the pages; each figure is the median over the rounds (the ratio, round by round).",
        "- SQL queries: every statement of one request, BEGIN and COMMIT included (a page that only reads has none).",
        "",
        "| page | SQL queries | median ms | p95 ms | floor median ms, alternated | median / floor |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, queries, median, p95, floor, ratio in rows:
        lines.append(f"| {name} | {queries} | {median:.1f} | {p95:.1f} | {floor:.1f} | {ratio:.2f} |")
    lines += [
        "",
        "## Growth with the record",
        "",
        "The same page for a short and a long record, their requests alternating: the ratio of the medians stays",
        "near 1.",
        "A short record also shows less (5 sessions fill a few of the history page's 25 rows, 10 entries a fifth of",
        'the session page\'s window of 50); the rows marked "full" compare records that fill the page.',
        "",
        "| page | records | queries small / large | median ms small | median ms large | large / small |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for name, compared, small, large in growth:
        lines.append(
            f"| {name} | {compared} | {small[0]} / {large[0]} | {small[1]:.1f} | {large[1]:.1f} | "
            f"{large[1] / small[1]:.2f} |"
        )
    lines += [
        "",
        "## The PDF itself",
        "",
        f"- A record of 500 signed sessions renders in the background in {render_ms / 1000:.1f} s "
        "(WeasyPrint; not a request: `notes/export_jobs.py`).",
        f"- A record of 5 sessions renders while the person waits: median {small_pdf[1]:.0f} ms, "
        f"{small_pdf[0]} queries ({small_pdf[1] / floor:.0f}x the floor: laying out a PDF is work no page does).",
    ]
    pdf_length = ROOT / "bench" / "PDF_LENGTH.md"
    if pdf_length.exists():  # bench/pdf_length.py, which `make bench` runs just before this
        lines += ["", "### Against the length of the record (bench/pdf_length.py, bench/PDF_LENGTH.md)"]
        lines += pdf_length.read_text().splitlines()[1:]
    lines += [
        "",
        "## What each middleware costs the floor page",
        "",
        "Each middleware's own time (a timing mark between every two; bench/middleware_costs.py), median of 200",
        "requests. The session and the signed-in user are read lazily, by the first middleware that asks: their",
        "queries land on its row.",
        "",
        *middleware_costs.table(per_middleware),
        "",
        "The same floor page with only the middleware `django-admin startproject` writes (security, sessions,",
        "common, CSRF, authentication, messages, clickjacking), the two requests alternating, 1,000 each: what the",
        "app's own middleware adds, beside the least a Django site with signed-in users costs.",
        "",
        "| middleware | floor median ms |",
        "|---|---:|",
        f"| the app's ({len(settings.MIDDLEWARE)}) | {app_floor:.2f} |",
        f"| Django's defaults ({len(middleware_costs.DJANGO_DEFAULT_MIDDLEWARE)}) | {django_floor:.2f} |",
        "",
        "## The two reads of every request",
        "",
        "Every signed-in request reads its session row and its user before any page work; clinic/request_reads.py",
        "writes both as fixed statements, for these figures (bench/request_reads.py: each read through the ORM",
        "and as written there, the four alternating, median of 3,000 each).",
        "",
        *request_reads.table(reads),
    ]
    load = ROOT / "bench" / "LOAD.md"
    if load.exists():  # `make load`'s last figures (gunicorn on loopback), kept beside these
        lines += ["", "## Load test (`make load`, bench/LOAD.md)", ""]
        lines += [
            line.replace("# ", "### ", 1) if line.startswith("#") else line
            for line in load.read_text().splitlines()[1:]
        ]
    (ROOT / "bench" / "RESULTS.md").write_text("\n".join(lines) + "\n")
    sys.stdout.write("\n".join(lines) + "\n\nwritten to bench/RESULTS.md\n")


if __name__ == "__main__":
    try:
        main()
    finally:
        shutil.rmtree(STATIC_ROOT, ignore_errors=True)
