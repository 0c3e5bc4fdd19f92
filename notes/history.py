"""A client's whole course of care: one timeline of intakes, consents, sessions and clearances, paginated in the
database (a client with 500 sessions costs the same queries as one with 5), the pain series and the outcomes."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.conf import settings
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Avg, CharField, Count, F, Min, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.functions import Coalesce, Trunc
from django.utils import timezone

from clinic.models import Client
from intake.models import Complaint, Intake, PhysicianClearance, Screening
from notes.charts import Point, Series
from notes.models import ComplaintPain, Consent, TreatmentSession
from notes.outcomes import Outcome, Rating, outcome

KINDS = ("intake", "consent", "withdrawal", "session", "clearance")
EVENTS_PER_PAGE = 25


@dataclass
class Event:
    at: datetime
    kind: str
    record: object


def _events_query(client: Client, kinds: set[str], start: date | None, end: date | None):
    def moments(queryset, kind: str, field: str):
        return queryset.annotate(event_kind=Value(kind, output_field=CharField()), at=F(field)).values_list(
            "event_kind", "pk", "at"
        )

    parts = {
        "intake": moments(Intake.objects.filter(client=client), "intake", "taken_at"),
        "consent": moments(Consent.objects.filter(client=client), "consent", "signed_at"),
        "withdrawal": moments(
            Consent.objects.filter(client=client, withdrawn_at__isnull=False), "withdrawal", "withdrawn_at"
        ),
        "session": moments(TreatmentSession.objects.filter(client=client), "session", "started_at"),
        "clearance": moments(PhysicianClearance.objects.filter(client=client), "clearance", "recorded_at"),
    }
    queries = []
    for kind in KINDS:
        if kind not in kinds:
            continue
        query = parts[kind]
        if start:
            query = query.filter(at__gte=timezone.make_aware(datetime.combine(start, time.min)))
        if end:
            query = query.filter(at__lt=timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min)))
        queries.append(query.order_by())
    if not queries:
        return None
    first, *rest = queries
    return first.union(*rest, all=True)


class _CountedPaginator(Paginator):
    """A paginator told its count by the query that fetched the page (COUNT(*) OVER ()), not by one more query."""

    def __init__(self, count: int, per_page: int):
        super().__init__([], per_page)
        self._count = count

    @property
    def count(self) -> int:
        return self._count


def _page_of_events(events, number: int) -> tuple[list[tuple], int]:
    """The rows of page `number`, newest first, and the number of events in all: one query."""
    sql, params = events.query.sql_with_params()
    offset = (number - 1) * EVENTS_PER_PAGE
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT event_kind, pk, at, COUNT(*) OVER () FROM ({sql}) events "  # noqa: S608 (the ORM's own SQL)  # nosec B608
            "ORDER BY at DESC, pk DESC LIMIT %s OFFSET %s",
            [*params, EVENTS_PER_PAGE, offset],
        )
        fetched = cursor.fetchall()
    if fetched:
        return [(kind, pk, _aware(at)) for kind, pk, at, _total in fetched], fetched[0][3]
    return [], events.count() if number > 1 else 0


def _aware(at) -> datetime:
    """A moment as SQLite returns it from a raw query (text, UTC) or PostgreSQL does (aware)."""
    if isinstance(at, str):
        at = datetime.fromisoformat(at)
    return timezone.make_aware(at, UTC) if timezone.is_naive(at) else at


def timeline_page(client: Client, *, kinds: set[str], start=None, end=None, page_number=None):
    """One page of the timeline (with the count, in one query), each record loaded in one query per kind."""
    events = _events_query(client, kinds, start, end)
    try:
        number = max(int(page_number), 1)
    except (TypeError, ValueError):
        number = 1
    rows, total = _page_of_events(events, number) if events is not None else ([], 0)
    paginator = _CountedPaginator(total, EVENTS_PER_PAGE)
    if not rows and number > paginator.num_pages:  # past the end: the last page, as Paginator.get_page does
        number = paginator.num_pages
        rows, total = _page_of_events(events, number) if events is not None and total else ([], total)
    page = paginator.page(number)
    page.object_list = rows
    ids = defaultdict(list)
    for kind, pk, _at in rows:
        ids["consent" if kind == "withdrawal" else kind].append(pk)
    loaded = {
        "consent": Consent.objects.filter(pk__in=ids["consent"]).select_related("text", "collected_by", "withdrawn_by"),
        "session": TreatmentSession.objects.filter(pk__in=ids["session"])
        .select_related("therapist")
        .prefetch_related(Prefetch("pains", queryset=ComplaintPain.objects.select_related("complaint")))
        .annotate(addenda_count=Count("addenda", distinct=True), segment_count=Count("segments", distinct=True)),
        "clearance": PhysicianClearance.objects.filter(pk__in=ids["clearance"]).select_related("recorded_by"),
    }
    records = {kind: {r.pk: r for r in queryset} if ids[kind] else {} for kind, queryset in loaded.items()}
    records["intake"] = intakes_with_latest_screening(ids=ids["intake"])
    events = [
        Event(at=at, kind=kind, record=records["consent" if kind == "withdrawal" else kind].get(pk))
        for kind, pk, at in rows
    ]
    return page, events


def intakes_with_latest_screening(*, ids=None, client: Client | None = None) -> dict[int, Intake]:
    """Intakes (those with these ids, or all the client's), each with `latest_screening`, in one query: read
    through their screenings, newest first (the app screens every intake when it saves it)."""
    if ids is not None and not ids:
        return {}
    screenings = Screening.objects.select_related("intake__taken_by")
    screenings = screenings.filter(intake_id__in=ids) if ids is not None else screenings.filter(intake__client=client)
    intakes: dict[int, Intake] = {}
    for screening in screenings.order_by("intake_id", "-screened_at", "-id"):
        if screening.intake_id not in intakes:
            intake = screening.intake
            intake.latest_screening = screening
            intakes[intake.pk] = intake
    if ids is not None:
        for intake in Intake.objects.filter(pk__in=set(ids) - set(intakes)).select_related("taken_by"):
            intake.latest_screening = None  # never screened: not made by the app, but shown all the same
            intakes[intake.pk] = intake
    return intakes


def complaint_label(complaint: Complaint) -> str:
    return f"{complaint.get_region_display()} ({complaint.get_side_display().lower()})"


# Up to this many signed sessions, the chart shows every rating; past it, one mean per complaint and period
# (week, month, quarter or year: the shortest that keeps the chart under CHART_MAX_PERIODS points a line).
CHART_EXACT_SESSIONS = 60
CHART_MAX_PERIODS = 80
PERIODS = (("week", 7), ("month", 31), ("quarter", 92), ("year", 366))


def pain_series(client: Client, *, complaints=None, rows=None) -> tuple[list[Series], dict[str, Outcome]]:
    """Every pain rating of the client, per complaint region and side: at intake, and before and after each
    signed session. Returns the chart's series and each complaint's outcome.

    The work is bounded whatever the length of the course of care: the outcomes come from per-complaint
    aggregates and the chart from at most CHART_MAX_PERIODS means a line once there are more than
    CHART_EXACT_SESSIONS sessions, computed by the database. An export, which loads every signed session anyway,
    passes its `rows` (complaint id, started, ended, before, after) and the means are taken from them."""
    if complaints is None:
        complaints = complaints_with_outcome_data(client)
    label_of = {c.pk: complaint_label(c) for c in complaints}
    ratings: dict[str, list[Point]] = defaultdict(list)
    for complaint in complaints:
        ratings[label_of[complaint.pk]].append(Point(complaint.intake.taken_at, complaint.pain_now, "intake"))
    rated = ComplaintPain.objects.filter(
        Q(before__isnull=False) | Q(after__isnull=False),
        session__client=client,
        session__status=TreatmentSession.Status.SIGNED,
    )
    exact = max((c.rated_sessions or 0 for c in complaints), default=0) <= CHART_EXACT_SESSIONS
    if exact:
        if rows is None:
            rows = rated.values_list("complaint_id", "session__started_at", "session__ended_at", "before", "after")
        for complaint_id, started, ended, before, after in rows:
            label = label_of[complaint_id]
            if before is not None:
                ratings[label].append(Point(started, before, "before"))
            if after is not None:
                ratings[label].append(Point(ended or started, after, "after"))
    else:
        kind = _period_for(min(c.first_at for c in complaints if c.first_at is not None))
        if rows is None:
            means = (
                rated.annotate(period=Trunc("session__started_at", kind))
                .values("complaint_id", "period")
                .annotate(at=Min("session__started_at"), before=Avg("before"), after=Avg("after"))
                .values_list("complaint_id", "at", "before", "after")
            )
        else:
            means = _means_by_period(rows, kind)
        for complaint_id, at, before, after in means:
            label = label_of[complaint_id]
            if before is not None:
                ratings[label].append(Point(at, round(before, 1), "before"))
            if after is not None:
                ratings[label].append(Point(at, round(after, 1), "after"))
    series = [Series(label, tuple(sorted(points, key=lambda p: p.at))) for label, points in sorted(ratings.items())]
    outcomes = _outcomes(complaints, label_of)
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


def complaints_with_outcome_data(client: Client) -> list[Complaint]:
    """The client's complaints, each with its first and latest session rating and its count of rated sessions."""
    pains = ComplaintPain.objects.filter(complaint=OuterRef("pk"), session__status=TreatmentSession.Status.SIGNED)
    first = pains.filter(before__isnull=False).order_by("session__started_at", "session_id")
    latest = pains.filter(Q(before__isnull=False) | Q(after__isnull=False)).order_by(
        "-session__started_at", "-session_id"
    )
    return list(
        Complaint.objects.filter(intake__client=client)
        .select_related("intake")
        .annotate(
            first_before=Subquery(first.values("before")[:1]),
            first_at=Subquery(first.values("session__started_at")[:1]),
            latest_value=Subquery(latest.annotate(value=Coalesce("after", "before")).values("value")[:1]),
            latest_at=Subquery(
                latest.annotate(moment=Coalesce("session__ended_at", "session__started_at")).values("moment")[:1]
            ),
            rated_sessions=Subquery(
                pains.filter(Q(before__isnull=False) | Q(after__isnull=False))
                .order_by()
                .values("complaint")
                .annotate(n=Count("session", distinct=True))
                .values("n")[:1]
            ),
        )
    )


def _outcomes(complaints, label_of) -> dict[str, Outcome]:
    """Each complaint label's outcome from its earliest and latest rating (intake, or a session's)."""
    firsts: dict[str, list[Rating]] = defaultdict(list)
    latests: dict[str, list[Rating]] = defaultdict(list)
    sessions: dict[str, int] = defaultdict(int)
    for complaint in complaints:
        label = label_of[complaint.pk]
        intake_rating = Rating(complaint.intake.taken_at, complaint.pain_now)
        firsts[label].append(intake_rating)
        latests[label].append(intake_rating)
        if complaint.first_at is not None:
            firsts[label].append(Rating(complaint.first_at, complaint.first_before))
        if complaint.latest_at is not None:
            latests[label].append(Rating(complaint.latest_at, complaint.latest_value))
        sessions[label] += complaint.rated_sessions or 0
    outcomes = {}
    for label in sorted(firsts):
        known_first = [r for r in firsts[label] if r.value is not None]
        known_latest = [r for r in latests[label] if r.value is not None]
        ends = []
        if known_first:
            ends.append(min(known_first, key=lambda r: r.at))
        if known_latest:
            ends.append(max(known_latest, key=lambda r: r.at))
        outcomes[label] = outcome(
            ends,
            sessions=sessions[label],
            points=settings.PAIN_MCID_POINTS,
            percent=settings.PAIN_MCID_PERCENT,
            rule=settings.PAIN_MCID_RULE,
        )
    return outcomes
