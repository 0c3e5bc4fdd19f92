"""A client's whole course of care as one timeline of intakes, consents, sessions, clearances and adverse effects
after treatment, paginated in the database: a client with 500 sessions costs the same queries as one with 5."""

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.core.paginator import Paginator

from clinic.choices import choice_labels
from clinic.models import Client, User
from intake.models import Complaint, PhysicianClearance
from notes.history import sql
from notes.history.sql import Named
from notes.models import AdverseEffect, Consent, TreatmentSession

EVENTS_PER_PAGE = 25
MAX_PAGE = 1_000_000


@dataclass
class Event:
    at: datetime
    kind: str
    record: object


class _CountedPaginator(Paginator):
    """A paginator told its count by the query that fetched the page (COUNT(*) OVER ()), not by one more query."""

    def __init__(self, count: int, per_page: int):
        super().__init__([], per_page)
        self._count = count

    @property
    def count(self) -> int:
        return self._count


@dataclass
class SessionRow:
    """A session as the timeline shows it, with its therapist's name and each complaint's ratings."""

    pk: int
    public_id: uuid.UUID
    started_at: datetime
    status: str
    therapist: Named
    pain_rows: list = field(default_factory=list)  # (region label, before, after)
    addenda_count: int = 0
    segment_count: int = 0

    @property
    def is_signed(self) -> bool:
        return self.status == TreatmentSession.Status.SIGNED

    get_absolute_url = TreatmentSession.get_absolute_url  # the session's own address, by its public id


# What a session's row shows, with each complaint's ratings in the complaints' order: one query, the sessions
# repeated once per rated complaint.
SESSION_ROW_VALUES = ("pk", "public_id", "started_at", "status", "therapist__username", "therapist__first_name")
SESSION_ROW_VALUES += ("therapist__last_name", "pains__complaint__region", "pains__before", "pains__after")


def session_rows(ids: list[int]) -> dict[int, SessionRow]:
    """The sessions with these ids, each with its therapist's name and `pain_rows`."""
    if not ids:
        return {}
    region_label = choice_labels(Complaint._meta.get_field("region"))
    rows = (
        TreatmentSession.objects.filter(pk__in=ids)
        .order_by("pk", "pains__complaint__position", "pains__complaint_id")
        .values_list(*SESSION_ROW_VALUES)
    )
    sessions: dict[int, SessionRow] = {}
    for pk, public_id, started, status, username, first, last, region, before, after in rows:
        session = sessions.get(pk)
        if session is None:
            therapist = Named(User.name_from(first, last, username))
            session = sessions[pk] = SessionRow(pk, public_id, started, status, therapist)
        if region is not None:
            session.pain_rows.append((str(region_label.get(region, region)), before, after))
    return sessions


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
    # What a session's row shows, not its note: the SOAP texts are read on the session's own page.
    records["session"] = session_rows(ids["session"])
    records["intake"] = sql.intake_rows(ids["intake"], with_judgements=client.last_judgement_at is not None)
    for row in rows:
        if row.kind == "session" and row.pk in records["session"]:
            records["session"][row.pk].addenda_count = row.addenda
            records["session"][row.pk].segment_count = row.segments
    events = [
        Event(at=row.at, kind=row.kind, record=records["consent" if row.kind == "withdrawal" else row.kind].get(row.pk))
        for row in rows
    ]
    return page, events
