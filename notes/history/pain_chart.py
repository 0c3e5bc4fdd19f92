"""A client's pain over time: every rating at intake and before and after each signed session, per complaint, for
the history page's chart and the exports. Bounded whatever the length of the course: past CHART_EXACT_SESSIONS
sessions, the means kept per period (ComplaintPeriodMean) stand for the ratings."""

from collections import defaultdict
from datetime import date, datetime, timedelta

from django.db.models import Q
from django.utils import timezone

from clinic.models import Client
from notes.charts import Point, Series
from notes.history.outcome_store import PERIODS, complaint_label, complaints_with_outcome_data, outcomes_of
from notes.models import ComplaintPain, ComplaintPeriodMean, TreatmentSession
from notes.outcomes import Outcome

# Up to this many signed sessions, the chart shows every rating; past it, one mean per complaint and period
# (week, month, quarter or year: the shortest that keeps the chart under CHART_MAX_PERIODS points a line).
CHART_EXACT_SESSIONS = 60
CHART_MAX_PERIODS = 80


def pain_series(client: Client, *, complaints=None, rows=None) -> tuple[list[Series], dict[str, Outcome]]:
    """Every pain rating of the client, per complaint region and side: at intake, and before and after each
    signed session. Returns the chart's series and each complaint's outcome.

    The work is bounded whatever the length of the course of care: the outcomes come from one row per complaint,
    and the chart shows every rating up to CHART_EXACT_SESSIONS sessions, then at most CHART_MAX_PERIODS means a
    line, computed by the database. An export, which loads every signed session anyway, passes its `complaints`
    and `rows` (complaint id, started, ended, before, after) and everything is taken from them."""
    if complaints is None:
        complaints = complaints_with_outcome_data(client)
    label_of = {c.pk: complaint_label(c) for c in complaints}
    ratings: dict[str, list[Point]] = defaultdict(list)
    for complaint in complaints:
        ratings[label_of[complaint.pk]].append(Point(complaint.intake.taken_at, complaint.pain_now, "intake"))
    exact = max((c.rated_sessions or 0 for c in complaints), default=0) <= CHART_EXACT_SESSIONS
    if exact:
        for complaint_id, started, ended, before, after in _rated_pains(client) if rows is None else rows:
            label = label_of[complaint_id]
            if before is not None:
                ratings[label].append(Point(started, before, "before"))
            if after is not None:
                ratings[label].append(Point(ended or started, after, "after"))
    else:
        kind = _period_for(min(c.first_at for c in complaints if c.first_at is not None))
        means = _means_in_database(client, kind) if rows is None else _means_by_period(rows, kind)
        for complaint_id, at, before, after in means:
            label = label_of[complaint_id]
            if before is not None:
                ratings[label].append(Point(at, round(before, 1), "before"))
            if after is not None:
                ratings[label].append(Point(at, round(after, 1), "after"))
    series = [Series(label, tuple(sorted(points, key=lambda p: p.at))) for label, points in sorted(ratings.items())]
    outcomes = outcomes_of(complaints, label_of)
    return series, outcomes


def _period_start(at: datetime, kind: str) -> date:
    """The first day of `at`'s week (Monday), month, quarter or year in the clinic's time zone, as SQL's Trunc."""
    day = timezone.localtime(at).date()
    if kind == "week":
        return day - timedelta(days=day.weekday())
    if kind == "month":
        return day.replace(day=1)
    if kind == "quarter":
        return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return date(day.year, 1, 1)


def _means_by_period(rows, kind: str) -> list[tuple]:
    """(complaint id, first moment, mean before, mean after) per complaint and period, from rows already loaded."""
    groups: dict[tuple, list] = defaultdict(list)
    for complaint_id, started, _ended, before, after in rows:
        groups[(complaint_id, _period_start(started, kind))].append((started, before, after))
    means = []
    for (complaint_id, _period), ratings in groups.items():
        befores = [b for _s, b, _a in ratings if b is not None]
        afters = [a for _s, _b, a in ratings if a is not None]
        means.append(
            (
                complaint_id,
                min(started for started, _b, _a in ratings),
                sum(befores) / len(befores) if befores else None,
                sum(afters) / len(afters) if afters else None,
            )
        )
    return means


def _period_for(first: datetime) -> str:
    days = max((timezone.now() - first).days, 1)
    for kind, length in PERIODS:
        if days / length <= CHART_MAX_PERIODS:
            return kind
    return "year"


def _rated_pains(client: Client) -> list[tuple]:
    """(complaint id, started, ended, before, after) for every rated complaint of every signed session."""
    return list(
        ComplaintPain.objects.filter(session__client=client, session__status=TreatmentSession.Status.SIGNED)
        .filter(Q(before__isnull=False) | Q(after__isnull=False))
        .order_by("session__started_at", "session_id")
        .values_list("complaint_id", "session__started_at", "session__ended_at", "before", "after")
    )


def _means_in_database(client: Client, kind: str) -> list[tuple]:
    """(complaint id, first moment, mean before, mean after) per complaint and `kind` of period, in the clinic's
    time zone: the means kept when sessions were signed (one row a period, however many sessions)."""
    kept = ComplaintPeriodMean.objects.filter(complaint__intake__client=client, kind=kind).values_list(
        "complaint_id", "first_at", "before_total", "before_count", "after_total", "after_count"
    )
    return [
        (
            complaint_id,
            at,
            before_total / before_count if before_count else None,
            after_total / after_count if after_count else None,
        )
        for complaint_id, at, before_total, before_count, after_total, after_count in kept
    ]
