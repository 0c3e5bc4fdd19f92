"""The history page's reads and the outcome store's writes that stay SQL, each for a measured reason.

- The timeline's page of events: a union of five kinds of record, filtered, counted and paginated in one statement.
  The ORM's union of five querysets with a window count cost more to compile than to run: on 20,000 clients /
  200,000 sessions the history page in plain ORM took 2.1-2.4x as long (+26 to 37 ms) and throughput under load
  fell to 0.69x at 40 users, mostly in compiling this union (measured for issue 14's review; bench/RESULTS.md).
- The outcome store (`refresh_outcomes`): INSERT ... SELECT with window functions, run by the database in the
  signing transaction; where the database is the point (1,000,000 ratings in seconds in the migration). Keeping
  the latest rating before treatment instead of the latest of any kind (migration 0012) costs one more window:
  on PostgreSQL, 5,000 clients with 20 sessions each, its SELECT took 0.51 ms for one client (0.37 before) and
  0.10 s for every client (0.09).

Only this module's fixed fragments and Django's own truncation SQL go into the statements; values are parameters.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.db import connection
from django.utils import timezone

KINDS = ("intake", "consent", "withdrawal", "session", "clearance", "adverse_effect")

# Each kind of event: its moment, by client.
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
    "adverse_effect": "SELECT 'adverse_effect' AS event_kind, e.id AS pk, e.reported_at AS at "
    "FROM notes_adverseeffect e JOIN notes_treatmentsession s ON s.id = e.session_id WHERE s.client_id = %(client)s",
}
# One page of events, newest first, with the number of events in all; for a session, its addenda and stretches of
# abdominal work counted (for the page's rows only: evaluated after the LIMIT).
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


@dataclass(frozen=True)
class EventRow:
    kind: str
    pk: int
    at: datetime
    addenda: int | None = None  # a session's; None for other kinds
    segments: int | None = None


def aware(moment) -> datetime | None:
    """A moment as a plain statement returns it: aware from PostgreSQL, UTC text (or naive UTC) from SQLite."""
    if moment is None:
        return None
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return timezone.make_aware(moment, UTC) if timezone.is_naive(moment) else moment


def events_statement(kinds: set[str], start: date | None, end: date | None) -> tuple[str, str, dict] | None:
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


def page_of_events(client_id: int, statement, number: int, per_page: int) -> tuple[list[EventRow], int]:
    """The rows of page `number`, newest first, and the number of events in all: one query."""
    events, where, params = statement
    params = {**params, "client": client_id, "limit": per_page, "offset": (number - 1) * per_page}
    with connection.cursor() as cursor:
        cursor.execute(PAGE_OF_EVENTS.format(events=events, where=where), params)
        fetched = cursor.fetchall()
        if fetched:
            rows = [EventRow(kind, pk, aware(at), addenda, segments) for kind, pk, at, _n, addenda, segments in fetched]
            return rows, fetched[0][3]
        if number == 1:
            return [], 0
        # Past the last page: the count alone.
        cursor.execute(f"SELECT COUNT(*) FROM ({events}) events {where}", params)  # noqa: S608  # nosec B608
        return [], cursor.fetchone()[0]


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
# What each complaint's outcome needs of the signed sessions: its first rating before a session (the baseline's
# candidate besides the intake's), its latest rating before a session (the current rating's), each with the moment
# the session started, and its number of rated sessions. Ratings after a session never count (notes/outcomes.py).
# {clients} is empty (every client: seed_load) or a range of clients' ids.
OUTCOMES_SQL = """
SELECT complaint_id, first_before, first_at, latest_before, latest_before_at, rated FROM (
  SELECT cp.complaint_id,
    FIRST_VALUE(cp.before) OVER oldest AS first_before,
    FIRST_VALUE(CASE WHEN cp.before IS NOT NULL THEN s.started_at END) OVER oldest AS first_at,
    FIRST_VALUE(cp.before) OVER newest_rated AS latest_before,
    FIRST_VALUE(CASE WHEN cp.before IS NOT NULL THEN s.started_at END) OVER newest_rated AS latest_before_at,
    ROW_NUMBER() OVER (PARTITION BY cp.complaint_id ORDER BY s.started_at DESC, s.id DESC) AS newest,
    COUNT(*) OVER (PARTITION BY cp.complaint_id) AS rated
  FROM notes_complaintpain cp JOIN notes_treatmentsession s ON s.id = cp.session_id
  WHERE s.status = %s AND (cp.before IS NOT NULL OR cp.after IS NOT NULL) {clients}
  WINDOW
    oldest AS (PARTITION BY cp.complaint_id ORDER BY CASE WHEN cp.before IS NULL THEN 1 ELSE 0 END, s.started_at, s.id),
    newest_rated AS (PARTITION BY cp.complaint_id
      ORDER BY CASE WHEN cp.before IS NULL THEN 1 ELSE 0 END, s.started_at DESC, s.id DESC)
) ranked WHERE newest = 1
"""
SOME_CLIENTS = "AND s.client_id BETWEEN %s AND %s"
FORGET_OUTCOMES_SQL = """
DELETE FROM notes_complaintoutcome WHERE complaint_id IN
  (SELECT c.id FROM intake_complaint c JOIN intake_intake i ON i.id = c.intake_id WHERE i.client_id BETWEEN %s AND %s)
"""
KEEP_OUTCOMES_SQL = """
INSERT INTO notes_complaintoutcome (complaint_id, first_before, first_at, latest_before, latest_before_at, rated)
{outcomes}
"""


def keep_outcomes(*, signed: str, periods, first_client: int | None, last_client: int | None) -> None:
    """Work out again, in the database, the outcomes and period means of the clients' complaints (every client
    when `first_client` is None), and keep them."""
    zone = timezone.get_current_timezone_name()
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
        for kind in periods:
            period, period_params = connection.ops.datetime_trunc_sql(kind, "s.started_at", (), zone)
            statement = KEEP_MEANS_SQL.format(clients=clients, period=period)
            cursor.execute(statement, [kind, signed, *chosen, *period_params])
