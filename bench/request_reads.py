"""The two reads of every signed-in request, through the ORM and as clinic/request_reads.py writes them, side by side.

Each round reads one session row through Django's own database store (`Session.objects.get(...)`) and through
`clinic.request_reads.SessionStore` (one fixed statement), then one user through Django's ModelBackend
(`User.objects.get(pk=...)`) and through `clinic.request_reads.UserBackend` (`User.objects.raw()`): the four
alternate, so the machine's moods fall on all of them. Used by bench/run.py (`make bench`).
"""

import statistics
import time

READS = (
    ("the session row", "Django's store: `Session.objects.get(...)`", "one fixed statement"),
    ("the signed-in user", "ModelBackend: `User.objects.get(pk=...)`", "`User.objects.raw()`"),
)


def medians(user, repeat: int = 3000) -> dict[str, float]:
    """Median ms of each read over `repeat` alternating rounds, after a warm-up (PostgreSQL prepares statements a
    connection runs five times)."""
    from django.contrib.auth.backends import ModelBackend  # models: imported once Django is set up
    from django.contrib.sessions.backends import db as django_store

    from clinic import request_reads

    store = request_reads.SessionStore()
    store["bench"] = True
    store.create()
    key = store.session_key
    reads = {
        "session orm": lambda: django_store.SessionStore(key).load(),
        "session sql": lambda: request_reads.SessionStore(key).load(),
        "user orm": lambda: ModelBackend().get_user(user.pk),
        "user sql": lambda: request_reads.UserBackend().get_user(user.pk),
    }
    times: dict[str, list[float]] = {name: [] for name in reads}
    try:
        for index in range(repeat + 20):
            for name, read in reads.items():
                started = time.perf_counter()
                read()
                if index >= 20:
                    times[name].append(time.perf_counter() - started)
    finally:
        store.delete()
    return {name: statistics.median(values) * 1000 for name, values in times.items()}


def table(figures: dict[str, float]) -> list[str]:
    lines = ["| read | through the ORM | ms | in clinic/request_reads.py | ms |", "|---|---|---:|---|---:|"]
    for (what, orm, sql), kind in zip(READS, ("session", "user"), strict=True):
        lines.append(f"| {what} | {orm} | {figures[f'{kind} orm']:.3f} | {sql} | {figures[f'{kind} sql']:.3f} |")
    saved = figures["session orm"] + figures["user orm"] - figures["session sql"] - figures["user sql"]
    lines.append(f"| **both** | | | saved on every request | **{saved:.3f}** |")
    return lines
