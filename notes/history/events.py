"""A client's whole course of care as one timeline of intakes, consents, sessions, clearances and adverse effects
after treatment, paginated in the database: a client with 500 sessions costs the same queries as one with 5."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.core.paginator import Paginator

from clinic.models import Client, User
from intake.models import ClinicalJudgement, Intake, PhysicianClearance, current_judgement
from notes.history import sql
from notes.models import AdverseEffect, ComplaintPain, Consent, TreatmentSession

EVENTS_PER_PAGE = 25
MAX_PAGE = 1_000_000


@dataclass
class Event:
    at: datetime
    kind: str
    record: object
    # A session's addenda and stretches of abdominal work, counted by the page's query, and each complaint's
    # ratings before and after (ComplaintPain, in the complaints' order, with `region`).
    addenda: int = 0
    segments: int = 0
    pains: list = field(default_factory=list)


class _CountedPaginator(Paginator):
    """A paginator told its count by the query that fetched the page (COUNT(*) OVER ()), not by one more query."""

    def __init__(self, count: int, per_page: int):
        super().__init__([], per_page)
        self._count = count

    @property
    def count(self) -> int:
        return self._count


def intake_rows(ids: list[int], *, with_judgements: bool = False) -> dict[int, Intake]:
    """The intakes with these ids, each with its taker's name and `latest_screening` (absent if never screened): one
    QuerySet."""
    if not ids:
        return {}
    intakes = {
        intake.pk: intake
        for intake in Intake.objects.filter(pk__in=ids)
        .with_latest_screening()
        .select_related("taken_by")
        .only("public_id", "client_id", "taken_at", "taken_by_id", *User.name_fields("taken_by"))
    }
    # The clinical judgement standing beside each latest screening, if any: one query for the page's intakes, only
    # for a client ever judged otherwise (Client.last_judgement_at).
    judgements = list(ClinicalJudgement.objects.for_intakes(ids)) if with_judgements else []
    for intake in intakes.values():
        intake.judgement = current_judgement(getattr(intake, "latest_screening", None), judgements)
    return intakes


def timeline_page(client: Client, *, kinds: set[str], start=None, end=None, page_number=None):
    """One page of the timeline (with the count, in one query), each record loaded in one query per kind."""
    statement = sql.events_statement(kinds, start, end)
    try:
        # Bounded: a number from the address past any real page shows the last page, not a database error.
        number = min(max(int(page_number), 1), MAX_PAGE)
    except (TypeError, ValueError):
        number = 1
    rows, total = sql.page_of_events(client.pk, statement, number, EVENTS_PER_PAGE) if statement else ([], 0)
    paginator = _CountedPaginator(total, EVENTS_PER_PAGE)
    if not rows and number > paginator.num_pages:  # past the end: the last page, as Paginator.get_page does
        number = paginator.num_pages
        if statement is not None and total:
            rows, total = sql.page_of_events(client.pk, statement, number, EVENTS_PER_PAGE)
    page = paginator.page(number)
    page.object_list = [(row.kind, row.pk, row.at) for row in rows]
    ids = defaultdict(list)
    for row in rows:
        ids["consent" if row.kind == "withdrawal" else row.kind].append(row.pk)
    loaded = {
        "consent": Consent.objects.filter(pk__in=ids["consent"]).select_related("text", "collected_by", "withdrawn_by"),
        "clearance": PhysicianClearance.objects.filter(pk__in=ids["clearance"]).select_related("recorded_by"),
        "adverse_effect": AdverseEffect.objects.filter(pk__in=ids["adverse_effect"]).select_related(
            "session", "reported_by"
        ),
    }
    records = {kind: {r.pk: r for r in queryset} if ids[kind] else {} for kind, queryset in loaded.items()}
    # What a session's row shows, not its note (the SOAP texts are read on the session's own page): when, by whom,
    # draft or signed, its addenda and stretches of abdominal work counted, and each complaint's ratings (two
    # queries).
    sessions = TreatmentSession.objects.filter(pk__in=ids["session"]).listed()
    records["session"] = {session.pk: session for session in sessions} if ids["session"] else {}
    pains = defaultdict(list)
    for pain in ComplaintPain.objects.filter(session_id__in=ids["session"]).with_region() if ids["session"] else ():
        pains[pain.session_id].append(pain)
    records["intake"] = intake_rows(ids["intake"], with_judgements=client.last_judgement_at is not None)
    events = [
        Event(
            at=row.at,
            kind=row.kind,
            record=records["consent" if row.kind == "withdrawal" else row.kind].get(row.pk),
            addenda=row.addenda or 0,
            segments=row.segments or 0,
            pains=pains.get(row.pk, []) if row.kind == "session" else [],
        )
        for row in rows
    ]
    return page, events
