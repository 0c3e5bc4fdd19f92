"""A client's whole course of care: one timeline of intakes, consents, sessions and clearances, paginated in the
database (a client with 500 sessions costs the same queries as one with 5), the pain series and the outcomes."""

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.paginator import Paginator
from django.db import connection
from django.utils import timezone

from clinic.choices import choice_labels
from clinic.models import Client, User
from clinic.raw_values import aware
from intake.models import Complaint, Intake, PhysicianClearance, Screening
from notes.charts import Point, Series
from notes.models import Consent, TreatmentSession
from notes.outcomes import Outcome, Rating, outcome

KINDS = ("intake", "consent", "withdrawal", "session", "clearance")
EVENTS_PER_PAGE = 25
MAX_PAGE = 1_000_000


@dataclass
class Event:
    at: datetime
    kind: str
    record: object


# Each kind of event: its moment, by client. Written as SQL (static fragments, values passed as parameters):
# compiling the ORM's union of five querysets cost more than running it.
EVENT_SOURCES = {
    "intake": "SELECT 'intake' AS event_kind, id AS pk, taken_at AS at FROM intake_intake WHERE client_id = %(client)s",
    "consent": "SELECT 'consent' AS event_kind, id AS pk, signed_at AS at FROM notes_consent "
    "WHERE client_id = %(client)s",
    "withdrawal": "SELECT 'withdrawal' AS event_kind, id AS pk, withdrawn_at AS at FROM notes_consent "
    "WHERE client_id = %(client)s AND withdrawn_at IS NOT NULL",
    "session": "SELECT 'session' AS event_kind, id AS pk, started_at AS at FROM notes_treatmentsession "
    "WHERE client_id = %(client)s",
    "clearance": "SELECT 'clearance' AS event_kind, id AS pk, recorded_at AS at FROM intake_physicianclearance "
    "WHERE client_id = %(client)s",
}
# A session's counts, for the page's rows only (evaluated after the LIMIT).
PAGE_OF_EVENTS = """
SELECT e.event_kind, e.pk, e.at, e.total,
  CASE WHEN e.event_kind = 'session' THEN (SELECT COUNT(*) FROM notes_addendum a WHERE a.session_id = e.pk) END,
  CASE WHEN e.event_kind = 'session' THEN (SELECT COUNT(*) FROM notes_abdominalsegment g WHERE g.session_id = e.pk) END
FROM (
  SELECT event_kind, pk, at, COUNT(*) OVER () AS total FROM ({events}) events {where}
  ORDER BY at DESC, pk DESC LIMIT %(limit)s OFFSET %(offset)s
) e
ORDER BY e.at DESC, e.pk DESC
"""


def _events_sql(kinds: set[str], start: date | None, end: date | None) -> tuple[str, str, dict] | None:
    """The union of the chosen kinds' events, the filter on their moment, and the filter's parameters."""
    chosen = [EVENT_SOURCES[kind] for kind in KINDS if kind in kinds]
    if not chosen:
        return None
    conditions, params = [], {}
    if start:
        conditions.append("at >= %(start)s")
        params["start"] = connection.ops.adapt_datetimefield_value(
            timezone.make_aware(datetime.combine(start, time.min))
        )
    if end:
        conditions.append("at < %(end)s")
        params["end"] = connection.ops.adapt_datetimefield_value(
            timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min))
        )
    where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
    return " UNION ALL ".join(chosen), where, params


class _CountedPaginator(Paginator):
    """A paginator told its count by the query that fetched the page (COUNT(*) OVER ()), not by one more query."""

    def __init__(self, count: int, per_page: int):
        super().__init__([], per_page)
        self._count = count

    @property
    def count(self) -> int:
        return self._count


def _page_of_events(client: Client, events_sql, number: int) -> tuple[list[tuple], int]:
    """The rows of page `number`, newest first (kind, pk, moment, addenda, segments), and the number of events in
    all: one query."""
    events, where, params = events_sql
    params = {**params, "client": client.pk, "limit": EVENTS_PER_PAGE, "offset": (number - 1) * EVENTS_PER_PAGE}
    with connection.cursor() as cursor:
        cursor.execute(PAGE_OF_EVENTS.format(events=events, where=where), params)
        fetched = cursor.fetchall()
        if fetched:
            rows = [(kind, pk, aware(at), addenda, segments) for kind, pk, at, _total, addenda, segments in fetched]
            return rows, fetched[0][3]
        if number == 1:
            return [], 0
        # Past the last page: the count alone. Only this module's fixed fragments go into the statement.
        cursor.execute(f"SELECT COUNT(*) FROM ({events}) events {where}", params)  # noqa: S608  # nosec B608
        return [], cursor.fetchone()[0]


# A page's sessions as their rows show them, with the therapist's name and each complaint's ratings (the region and
# the two numbers, in the complaints' order): one statement, read as plain rows. Through the ORM, the sessions and
# their prefetched ratings were two queries whose compiling cost more than running them.
SESSION_ROWS_SQL = """
SELECT s.id, s.public_id, s.client_id, s.started_at, s.status, u.id, u.username, u.first_name, u.last_name,
  c.region, cp.before, cp.after
FROM notes_treatmentsession s JOIN clinic_user u ON u.id = s.therapist_id
LEFT JOIN notes_complaintpain cp ON cp.session_id = s.id
LEFT JOIN intake_complaint c ON c.id = cp.complaint_id
WHERE s.id IN ({ids})
ORDER BY s.id, c.position, c.id
"""

# The client page's latest sessions, as their list shows them (the same columns, without the ratings).
RECENT_SESSIONS_SQL = """
SELECT s.id, s.public_id, s.client_id, s.started_at, s.status, u.id, u.username, u.first_name, u.last_name
FROM notes_treatmentsession s JOIN clinic_user u ON u.id = s.therapist_id
WHERE s.client_id = %s
ORDER BY s.started_at DESC, s.id DESC
LIMIT %s
"""


@dataclass(frozen=True)
class Named:
    display_name: str


@dataclass
class SessionRow:
    """A session as a list shows it (the history's timeline, the client page's latest sessions), with its
    therapist's name: plain values, not a model instance (40 µs a row to build, with its therapist's)."""

    pk: int
    public_id: uuid.UUID
    started_at: datetime
    status: str
    therapist: Named
    pain_rows: list = field(default_factory=list)  # (region label, before, after), for the history's rows
    addenda_count: int = 0
    segment_count: int = 0

    @property
    def is_signed(self) -> bool:
        return self.status == TreatmentSession.Status.SIGNED

    get_absolute_url = TreatmentSession.get_absolute_url  # the session's own address, by its public id


def _session_row(pk, public_id, _client_id, started, status, _therapist_id, username, first_name, last_name):
    """A session from a row of SESSION_ROWS_SQL or RECENT_SESSIONS_SQL."""
    if not isinstance(public_id, uuid.UUID):  # SQLite keeps it as 32 hex digits
        public_id = uuid.UUID(public_id)
    therapist = Named(User.name_from(first_name, last_name, username))
    return SessionRow(pk, public_id, aware(started), status, therapist)


def recent_sessions(client: Client, limit: int) -> list[SessionRow]:
    """The client's latest `limit` sessions, newest first, each with its therapist's name: one plain
    statement."""
    with connection.cursor() as cursor:
        cursor.execute(RECENT_SESSIONS_SQL, [client.pk, limit])
        return [_session_row(*row) for row in cursor.fetchall()]


def session_rows(ids: list[int]) -> dict[int, SessionRow]:
    """The sessions with these ids, each with its therapist's name and `pain_rows`: (region label, before, after)
    per rated complaint."""
    if not ids:
        return {}
    region_label = choice_labels(Complaint._meta.get_field("region"))
    sessions: dict[int, TreatmentSession] = {}
    with connection.cursor() as cursor:
        # Only placeholders go into the statement: one per id.
        cursor.execute(SESSION_ROWS_SQL.format(ids=", ".join(["%s"] * len(ids))), list(ids))
        for *row, region, before, after in cursor.fetchall():
            session = sessions.get(row[0])
            if session is None:
                session = sessions[row[0]] = _session_row(*row)
            if region is not None:
                session.pain_rows.append((str(region_label.get(region, region)), before, after))
    return sessions


def timeline_page(client: Client, *, kinds: set[str], start=None, end=None, page_number=None):
    """One page of the timeline (with the count, in one query), each record loaded in one query per kind."""
    events_sql = _events_sql(kinds, start, end)
    try:
        # Bounded: a number from the address past any real page shows the last page, not a database error.
        number = min(max(int(page_number), 1), MAX_PAGE)
    except (TypeError, ValueError):
        number = 1
    rows, total = _page_of_events(client, events_sql, number) if events_sql is not None else ([], 0)
    paginator = _CountedPaginator(total, EVENTS_PER_PAGE)
    if not rows and number > paginator.num_pages:  # past the end: the last page, as Paginator.get_page does
        number = paginator.num_pages
        rows, total = _page_of_events(client, events_sql, number) if events_sql is not None and total else ([], total)
    page = paginator.page(number)
    page.object_list = [(kind, pk, at) for kind, pk, at, _addenda, _segments in rows]
    ids = defaultdict(list)
    for kind, pk, _at, _addenda, _segments in rows:
        ids["consent" if kind == "withdrawal" else kind].append(pk)
    loaded = {
        "consent": Consent.objects.filter(pk__in=ids["consent"]).select_related("text", "collected_by", "withdrawn_by"),
        "clearance": PhysicianClearance.objects.filter(pk__in=ids["clearance"]).select_related("recorded_by"),
    }
    records = {kind: {r.pk: r for r in queryset} if ids[kind] else {} for kind, queryset in loaded.items()}
    # What a session's row shows, not its note: the SOAP texts are read on the session's own page.
    records["session"] = session_rows(ids["session"])
    records["intake"] = intake_rows(ids["intake"])
    for kind, pk, _at, addenda, segments in rows:
        if kind == "session" and pk in records["session"]:
            records["session"][pk].addenda_count, records["session"][pk].segment_count = addenda, segments
    events = [
        Event(at=at, kind=kind, record=records["consent" if kind == "withdrawal" else kind].get(pk))
        for kind, pk, at, _addenda, _segments in rows
    ]
    return page, events


# A page's intakes as their rows show them: who took them, and their latest screening's judgement (not the answers).
INTAKE_ROWS_SQL = """
SELECT i.id, i.public_id, i.client_id, i.taken_at, u.id, u.username, u.first_name, u.last_name,
  s.id, s.iliopsoas, s.abdominal_work, s.refer, s.score, s.reasons
FROM intake_intake i JOIN clinic_user u ON u.id = i.taken_by_id
LEFT JOIN intake_screening s ON s.id = (
  SELECT latest.id FROM intake_screening latest WHERE latest.intake_id = i.id
  ORDER BY latest.screened_at DESC, latest.id DESC LIMIT 1
)
WHERE i.id IN ({ids})
"""
INTAKE_ROW_FIELDS = ["id", "public_id", "client_id", "taken_at"]
SCREENING_ROW_FIELDS = ["id", "intake_id", "iliopsoas", "abdominal_work", "refer", "score", "reasons"]


def intake_rows(ids: list[int]) -> dict[int, Intake]:
    """The intakes with these ids, each with its taker (name only) and `latest_screening` (its judgement and
    reasons; None when never screened): one plain statement. Every other field is deferred: read if asked for."""
    if not ids:
        return {}
    public_id = Intake._meta.get_field("public_id")
    reasons = Screening._meta.get_field("reasons")
    intakes: dict[int, Intake] = {}
    with connection.cursor() as cursor:
        # Only placeholders go into the statement: one per id.
        cursor.execute(INTAKE_ROWS_SQL.format(ids=", ".join(["%s"] * len(ids))), list(ids))
        for pk, uuid, client_id, taken_at, *rest in cursor.fetchall():
            taker, (screening_id, iliopsoas, abdominal_work, refer, score, judged) = rest[:4], rest[4:]
            values = [pk, public_id.to_python(uuid), client_id, aware(taken_at)]
            intake = Intake.from_db(connection.alias, INTAKE_ROW_FIELDS, values)
            intake.taken_by = User.from_db(connection.alias, list(User.NAME_FIELDS), taker)
            intake.latest_screening = None
            if screening_id is not None:
                judged = reasons.from_db_value(judged, None, connection)
                values = [screening_id, pk, iliopsoas, abdominal_work, bool(refer), score, judged]
                intake.latest_screening = Screening.from_db(connection.alias, SCREENING_ROW_FIELDS, values)
                intake.latest_screening.intake = intake
            intakes[pk] = intake
    return intakes


def intakes_with_latest_screening(*, client: Client) -> dict[int, Intake]:
    """The client's intakes that were screened, each with `latest_screening`, in one query: read through their
    screenings, newest first (the app screens every intake when it saves it). For the export, which shows them
    whole."""
    screenings = Screening.objects.select_related("intake__taken_by").filter(intake__client=client)
    intakes: dict[int, Intake] = {}
    for screening in screenings.order_by("intake_id", "-screened_at", "-id"):
        if screening.intake_id not in intakes:
            intake = screening.intake
            intake.latest_screening = screening
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


# The statements behind the chart and the outcomes, written as SQL: the ORM spent longer compiling their
# subqueries and windows on every history page than the database spent running them. Signed sessions only, and
# only the complaints rated before or after.
RATED_PAINS_SQL = """
SELECT cp.complaint_id, s.started_at, s.ended_at, cp.before, cp.after
FROM notes_complaintpain cp JOIN notes_treatmentsession s ON s.id = cp.session_id
WHERE s.client_id = %s AND s.status = %s AND (cp.before IS NOT NULL OR cp.after IS NOT NULL)
ORDER BY s.started_at, s.id
"""
# Per complaint and period: the first moment and the mean ratings. The period's truncation goes into {period}: SQL
# written by Django's own DatabaseOperations.datetime_trunc_sql for the database in use.
# Per complaint and period: the first moment, and the ratings before and after summed and counted, kept in
# notes_complaintperiodmean (ComplaintPeriodMean) for each kind of period when a session is signed. The period's
# truncation goes into {period}: SQL written by Django's own DatabaseOperations.datetime_trunc_sql for the database
# in use, in the clinic's time zone. {clients} as for the outcomes below.
KEEP_MEANS_SQL = """
INSERT INTO notes_complaintperiodmean
  (complaint_id, kind, first_at, before_total, before_count, after_total, after_count)
SELECT cp.complaint_id, %s, MIN(s.started_at), COALESCE(SUM(cp.before), 0), COUNT(cp.before),
  COALESCE(SUM(cp.after), 0), COUNT(cp.after)
FROM notes_complaintpain cp JOIN notes_treatmentsession s ON s.id = cp.session_id
WHERE s.status = %s AND (cp.before IS NOT NULL OR cp.after IS NOT NULL) {clients}
GROUP BY cp.complaint_id, {period}
"""
FORGET_MEANS_SQL = """
DELETE FROM notes_complaintperiodmean WHERE complaint_id IN
  (SELECT c.id FROM intake_complaint c JOIN intake_intake i ON i.id = c.intake_id WHERE i.client_id BETWEEN %s AND %s)
"""
# A client's kept period means of one kind.
MEANS_SQL = """
SELECT m.complaint_id, m.first_at, m.before_total, m.before_count, m.after_total, m.after_count
FROM notes_complaintperiodmean m JOIN intake_complaint c ON c.id = m.complaint_id
JOIN intake_intake i ON i.id = c.intake_id
WHERE i.client_id = %s AND m.kind = %s
"""
# Each complaint's outcome over the signed sessions, worked out by the database and kept in notes_complaintoutcome
# (ComplaintOutcome) when a session is signed: its first rating before a session, its latest rating, its number of
# rated sessions. {clients} is empty (every client: the migration, seed_load) or the filter on a range of clients' ids.
OUTCOMES_SQL = """
SELECT complaint_id, first_before, first_at, latest_value, latest_at, rated FROM (
  SELECT cp.complaint_id,
    FIRST_VALUE(cp.before) OVER (PARTITION BY cp.complaint_id
      ORDER BY CASE WHEN cp.before IS NULL THEN 1 ELSE 0 END, s.started_at, s.id) AS first_before,
    FIRST_VALUE(s.started_at) OVER (PARTITION BY cp.complaint_id
      ORDER BY CASE WHEN cp.before IS NULL THEN 1 ELSE 0 END, s.started_at, s.id) AS first_at,
    COALESCE(cp.after, cp.before) AS latest_value,
    COALESCE(s.ended_at, s.started_at) AS latest_at,
    ROW_NUMBER() OVER (PARTITION BY cp.complaint_id ORDER BY s.started_at DESC, s.id DESC) AS newest,
    COUNT(*) OVER (PARTITION BY cp.complaint_id) AS rated
  FROM notes_complaintpain cp JOIN notes_treatmentsession s ON s.id = cp.session_id
  WHERE s.status = %s AND (cp.before IS NOT NULL OR cp.after IS NOT NULL) {clients}
) ranked WHERE newest = 1
"""
SOME_CLIENTS = "AND s.client_id BETWEEN %s AND %s"
FORGET_OUTCOMES_SQL = """
DELETE FROM notes_complaintoutcome WHERE complaint_id IN
  (SELECT c.id FROM intake_complaint c JOIN intake_intake i ON i.id = c.intake_id WHERE i.client_id BETWEEN %s AND %s)
"""
KEEP_OUTCOMES_SQL = """
INSERT INTO notes_complaintoutcome (complaint_id, first_before, first_at, latest_value, latest_at, rated)
{outcomes}
"""
# The client's complaints (and their intake's moment), each with its kept outcome when it was ever rated.
COMPLAINTS_SQL = """
SELECT c.*, i.taken_at AS intake_taken_at, o.first_before, o.first_at, o.latest_value, o.latest_at, o.rated
FROM intake_complaint c JOIN intake_intake i ON i.id = c.intake_id
LEFT JOIN notes_complaintoutcome o ON o.complaint_id = c.id
WHERE i.client_id = %s
ORDER BY c.position, c.id
"""


def refresh_outcomes(first_client: int | None = None, last_client: int | None = None) -> None:
    """Work out again the outcomes and the chart's period means of the complaints of the clients with ids from
    `first_client` to `last_client` (one client: the same id twice; every client: neither) from their signed
    ratings, and keep them. Called when a session is signed, in its transaction, and by seed_load after each
    batch."""
    signed = TreatmentSession.Status.SIGNED.value
    zone = timezone.get_current_timezone_name()
    # Only this module's fixed fragments, and Django's truncation SQL, go into the statements; the values are
    # parameters.
    with connection.cursor() as cursor:
        if first_client is None:
            clients, chosen = "", []
            cursor.execute("DELETE FROM notes_complaintoutcome")
            cursor.execute("DELETE FROM notes_complaintperiodmean")
        else:
            last_client = first_client if last_client is None else last_client
            clients, chosen = SOME_CLIENTS, [first_client, last_client]
            cursor.execute(FORGET_OUTCOMES_SQL, chosen)
            cursor.execute(FORGET_MEANS_SQL, chosen)
        cursor.execute(KEEP_OUTCOMES_SQL.format(outcomes=OUTCOMES_SQL.format(clients=clients)), [signed, *chosen])
        for kind, _length in PERIODS:
            period, period_params = connection.ops.datetime_trunc_sql(kind, "s.started_at", (), zone)
            statement = KEEP_MEANS_SQL.format(clients=clients, period=period)
            cursor.execute(statement, [kind, signed, *chosen, *period_params])


def _signed(client: Client) -> list:
    return [client.pk, TreatmentSession.Status.SIGNED.value]


def _rated_pains(client: Client) -> list[tuple]:
    """(complaint id, started, ended, before, after) for every rated complaint of every signed session."""
    with connection.cursor() as cursor:
        cursor.execute(RATED_PAINS_SQL, _signed(client))
        return [
            (complaint_id, aware(started), aware(ended), before, after)
            for complaint_id, started, ended, before, after in cursor.fetchall()
        ]


def _means_in_database(client: Client, kind: str) -> list[tuple]:
    """(complaint id, first moment, mean before, mean after) per complaint and `kind` of period, in the clinic's
    time zone: the means kept when sessions were signed (one row a period, however many sessions)."""
    with connection.cursor() as cursor:
        cursor.execute(MEANS_SQL, [client.pk, kind])
        return [
            (
                complaint_id,
                aware(at),
                before_total / before_count if before_count else None,
                after_total / after_count if after_count else None,
            )
            for complaint_id, at, before_total, before_count, after_total, after_count in cursor.fetchall()
        ]


def complaints_with_outcome_data(client: Client, *, rated: list[tuple] | None = None) -> list[Complaint]:
    """The client's complaints, each with its first and latest session rating and its count of rated sessions:
    `first_before` and `first_at` (the first signed session with a rating before it), `latest_value` and
    `latest_at` (the latest rating, after the session if given), `rated_sessions`.

    One query, the outcomes worked out by the database. An export passes the `rated` pains of the sessions it
    loaded ((complaint id, session id, started, ended, before, after), oldest first): the same from them."""
    if rated is None:
        complaints = list(Complaint.objects.raw(COMPLAINTS_SQL, [client.pk]))
        for complaint in complaints:
            # The intake as far as the outcomes need it; any other field is read if asked for (deferred).
            complaint.intake = Intake.from_db(
                connection.alias, ["id", "client_id", "taken_at"], [complaint.intake_id, client.pk, None]
            )
            complaint.intake.taken_at = aware(complaint.intake_taken_at)
            if complaint.first_before is None:
                complaint.first_at = None
            else:
                complaint.first_at = aware(complaint.first_at)
            complaint.latest_at = aware(complaint.latest_at)
            complaint.rated_sessions = complaint.rated or 0
        return complaints
    complaints = list(Complaint.objects.filter(intake__client=client).select_related("intake"))
    by_id = {complaint.pk: complaint for complaint in complaints}
    for complaint in complaints:
        complaint.first_before = complaint.first_at = complaint.latest_value = complaint.latest_at = None
    sessions: dict[int, set] = defaultdict(set)
    for complaint_id, session_id, started, ended, before, after in rated:
        complaint = by_id.get(complaint_id)
        if complaint is None:
            continue
        if before is not None and complaint.first_at is None:
            complaint.first_before, complaint.first_at = before, started
        complaint.latest_value = after if after is not None else before
        complaint.latest_at = ended or started
        sessions[complaint_id].add(session_id)
    for complaint in complaints:
        complaint.rated_sessions = len(sessions[complaint.pk])
    return complaints


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
