"""A client's whole course of care: one timeline of intakes, consents, sessions and clearances, paginated in the
database (a client with 500 sessions costs the same queries as one with 5), the pain series and the outcomes."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import CharField, Count, F, Value
from django.utils import timezone

from clinic.models import Client
from intake.models import Complaint, Intake, PhysicianClearance
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
        return Intake.objects.none().values_list("pk", "pk", "taken_at")
    first, *rest = queries
    return first.union(*rest, all=True).order_by("-at", "-pk")


def timeline_page(client: Client, *, kinds: set[str], start=None, end=None, page_number=None):
    """One page of the timeline, with each record loaded in one query per kind."""
    page = Paginator(_events_query(client, kinds, start, end), EVENTS_PER_PAGE).get_page(page_number)
    rows = list(page.object_list)
    ids = defaultdict(list)
    for kind, pk, _at in rows:
        ids["consent" if kind == "withdrawal" else kind].append(pk)
    loaded = {
        "intake": Intake.objects.filter(pk__in=ids["intake"]).select_related("taken_by").with_latest_screening(),
        "consent": Consent.objects.filter(pk__in=ids["consent"]).select_related("text", "collected_by", "withdrawn_by"),
        "session": TreatmentSession.objects.filter(pk__in=ids["session"])
        .select_related("therapist")
        .prefetch_related("pains__complaint")
        .annotate(addenda_count=Count("addenda", distinct=True), segment_count=Count("segments", distinct=True)),
        "clearance": PhysicianClearance.objects.filter(pk__in=ids["clearance"]).select_related("recorded_by"),
    }
    records = {kind: {r.pk: r for r in queryset} if ids[kind] else {} for kind, queryset in loaded.items()}
    events = [
        Event(at=at, kind=kind, record=records["consent" if kind == "withdrawal" else kind].get(pk))
        for kind, pk, at in rows
    ]
    return page, events


def complaint_label(complaint: Complaint) -> str:
    return f"{complaint.get_region_display()} ({complaint.get_side_display().lower()})"


def pain_series(client: Client) -> tuple[list[Series], dict[str, Outcome]]:
    """Every pain rating of the client, per complaint region and side: at intake, and before and after each
    signed session. Returns the chart's series and each complaint's outcome."""
    ratings: dict[str, list[Point]] = defaultdict(list)
    sessions: dict[str, set[int]] = defaultdict(set)
    for complaint in Complaint.objects.filter(intake__client=client).select_related("intake"):
        ratings[complaint_label(complaint)].append(Point(complaint.intake.taken_at, complaint.pain_now, "intake"))
    pains = ComplaintPain.objects.filter(
        session__client=client, session__status=TreatmentSession.Status.SIGNED
    ).select_related("complaint", "session")
    for pain in pains:
        label = complaint_label(pain.complaint)
        if pain.before is not None:
            ratings[label].append(Point(pain.session.started_at, pain.before, "before"))
        if pain.after is not None:
            ratings[label].append(Point(pain.session.ended_at or pain.session.started_at, pain.after, "after"))
        if pain.before is not None or pain.after is not None:
            sessions[label].add(pain.session_id)
    series = [Series(label, tuple(sorted(points, key=lambda p: p.at))) for label, points in sorted(ratings.items())]
    outcomes = {
        one.label: outcome(
            [Rating(p.at, p.value) for p in one.points],
            sessions=len(sessions[one.label]),
            points=settings.PAIN_MCID_POINTS,
            percent=settings.PAIN_MCID_PERCENT,
            rule=settings.PAIN_MCID_RULE,
        )
        for one in series
    }
    return series, outcomes
