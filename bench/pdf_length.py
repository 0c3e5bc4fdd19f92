"""The PDF export's cost against the length of the record: a fully filled chart with one signed session beside the
same chart with 99 more signed sessions (each with its pains and a stretch of abdominal work with two feedback
entries), rendered one after the other (HTML and WeasyPrint's layout, as the export view does). The target: the
100-session record under 3x the one-session record; the long record is laid out in parts at the same time, in
EXPORT_PDF_PROCESSES processes (notes/pdf_parts.py). Writes bench/PDF_LENGTH.md; `make bench` runs it first.

Standalone (no big seed): `python bench/pdf_length.py` builds a throwaway SQLite database (or the database of
DATABASE_URL, which it must be allowed to create a test database in) and removes it afterwards. BENCH_REPEAT sets
the timed renders of each record (default 5)."""

import os
import platform
import secrets
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "bench-" + secrets.token_hex(24))
os.environ.setdefault("NOTE_SIGNING_KEYS", "bench:" + secrets.token_hex(24))
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

REPEAT = int(os.environ.get("BENCH_REPEAT", "5"))


def build():
    from intake.models import Intake
    from tests import factories
    from tests import history_helpers as h

    desk, therapist = factories.front_desk_user(username="desk"), factories.therapist_user(username="theo")
    records = {}
    for sessions in (1, 100):
        client = factories.ClientFactory(first_name="Maya", last_name=f"Chen{sessions}", care_team=[therapist])
        h.complete_chart(client, therapist=therapist, desk=desk)
        intakes = list(Intake.objects.filter(client=client))
        h.bulk_signed_sessions(client, therapist=therapist, intakes=intakes, count=sessions - 1)
        records[sessions] = client
    return records


def timed(client) -> tuple[float, int]:
    from notes.exports import client_record_pdf

    times, size = [], 0
    for _ in range(REPEAT):
        started = time.perf_counter()
        pdf = client_record_pdf(client, base_url="http://localhost/")
        times.append((time.perf_counter() - started) * 1000)
        size = len(pdf)
    return statistics.median(times), size


def pages(pdf_size_client) -> int:
    import io

    from pypdf import PdfReader

    from notes.exports import client_record_pdf

    return len(PdfReader(io.BytesIO(client_record_pdf(pdf_size_client, base_url="http://localhost/"))).pages)


def main() -> None:
    from notes.exports import PARTS_FROM_SESSIONS

    load = os.getloadavg()[0]
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        records = build()
        timed(records[1])  # warm up: templates, fonts
        # Alternate the two, round by round, so a slow moment of the machine hits both.
        rounds = {1: [], 100: []}
        for _ in range(3):
            for sessions, client in records.items():
                rounds[sessions].append(timed(client)[0])
        short, long = statistics.median(rounds[1]), statistics.median(rounds[100])
        lines = [
            "# PDF export against the length of the record",
            "",
            f"- Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
            f"{connection.vendor}; load average {load:.2f} before the run (other work on the machine slows both).",
            f"- Each figure: the median over 3 alternating rounds of the median of {REPEAT} renders "
            "(HTML and WeasyPrint layout, as the export view renders a short record).",
            f"- The 100-session record is laid out in parts at the same time, in {settings.EXPORT_PDF_PROCESSES} "
            f"processes (notes/pdf_parts.py: EXPORT_PDF_PROCESSES, from {PARTS_FROM_SESSIONS} sessions); the "
            "1-session record in one.",
            "",
            "| record | pages | median ms |",
            "|---|---:|---:|",
            f"| complete chart, 1 signed session | {pages(records[1])} | {short:.0f} |",
            f"| complete chart, 100 signed sessions | {pages(records[100])} | {long:.0f} |",
            "",
            f"100 sessions / 1 session: **{long / short:.2f}x** (target: under 3x).",
        ]
        (ROOT / "bench" / "PDF_LENGTH.md").write_text("\n".join(lines) + "\n")
        sys.stdout.write("\n".join(lines) + "\n")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
