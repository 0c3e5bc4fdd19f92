"""Exports of a client's record: the PDF (WeasyPrint) and the FHIR R4 bundle."""

from collections import defaultdict

from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch, prefetch_related_objects
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from clinic.models import Client
from intake import health_history
from intake.models import ClinicalJudgement, PhysicianClearance, current_judgement
from notes import disposal
from notes.charts import pain_trend_svg
from notes.history import complaints_with_outcome_data, intakes_with_latest_screening, pain_series
from notes.models import (
    AbdominalSegment,
    Addendum,
    AdverseEffect,
    AreaTreated,
    ComplaintPain,
    Consent,
    FeedbackEntry,
    PulseEvent,
    TreatmentPlan,
    TreatmentSession,
)
from notes.outcomes import within_session_change

# Each kind recorded within a session that the chart came to hold later, and the flag saying a session has some: one
# query a kind when any session holds it, none otherwise (the PDF of a record without them costs what it did).
LATER_RECORDS = (
    ("segments", "has_bare_segments"),
    ("areas", "has_areas"),
    ("pulses", "has_pulses"),
    (Prefetch("adverse_effects", queryset=AdverseEffect.objects.select_related("reported_by")), "has_effects"),
)


def _stretches(session) -> list:
    """The session's stretches of abdominal work in order: those of its entries, and, when some had none, all."""
    if session.has_bare_segments:
        return list(session.segments.all())
    seen = {entry.segment_id: entry.segment for entry in session.entries.all()}
    return sorted(seen.values(), key=lambda g: (g.reconfirmed_at, g.pk))


def record_for_export(client: Client, *, drafts: int | None = None) -> dict:
    """Everything the exports show: demographics, intakes and screenings, consents, signed sessions, clearances.
    A bounded number of queries however long the record (`drafts`: the count, when the caller has it)."""
    intakes = sorted(intakes_with_latest_screening(client=client).values(), key=lambda i: (i.taken_at, i.pk))
    sessions = (
        TreatmentSession.objects.for_client(client)
        .signed()
        .select_related("therapist")
        .prefetch_related(
            Prefetch("pains", queryset=ComplaintPain.objects.select_related("complaint")),
            # Each entry with its stretch: the stretches' details without a query of their own.
            Prefetch("entries", queryset=FeedbackEntry.objects.select_related("segment")),
            Prefetch("addenda", queryset=Addendum.objects.select_related("author")),
        )
        # What the chart came to record later, read only for the sessions that hold some (below).
        .annotate(
            # A stretch closed before any entry (rare): the session's stretches are read on their own.
            has_bare_segments=Exists(
                AbdominalSegment.objects.filter(session=OuterRef("pk")).exclude(
                    Exists(FeedbackEntry.objects.filter(segment=OuterRef("pk")))
                )
            ),
            client_has_plan=Exists(TreatmentPlan.objects.filter(client_id=OuterRef("client_id"))),
            has_areas=Exists(AreaTreated.objects.filter(session=OuterRef("pk"))),
            has_pulses=Exists(PulseEvent.objects.filter(session=OuterRef("pk"))),
            has_effects=Exists(AdverseEffect.objects.filter(session=OuterRef("pk"))),
        )
        .order_by("started_at", "id")
    )
    sessions = list(sessions)
    for related, flag in LATER_RECORDS:
        prefetch_related_objects([s for s in sessions if getattr(s, flag)], related)
    for session in sessions:
        session.stretches = _stretches(session)
    # The plan's versions: read when the client has one (known from the sessions' query when there are sessions).
    plans = []
    if not sessions or sessions[0].client_has_plan:
        plans = list(TreatmentPlan.objects.filter(client=client).order_by("-id"))
    for session in sessions:
        for pain in session.pains.all():  # shown with the session, never as an outcome
            pain.within_session = within_session_change(pain.before, pain.after)
    rated = [  # as history._rated_pains reads them, from the sessions loaded anyway
        (pain.complaint_id, session.pk, session.started_at, session.ended_at, pain.before, pain.after)
        for session in sessions
        for pain in session.pains.all()
        if pain.before is not None or pain.after is not None
    ]
    rows = [(complaint, started, ended, before, after) for complaint, _s, started, ended, before, after in rated]
    complaints = complaints_with_outcome_data(client, rated=rated)
    by_intake = defaultdict(list)
    for complaint in complaints:
        by_intake[complaint.intake_id].append(complaint)
    judgements = list(ClinicalJudgement.objects.for_client(client)) if client.last_judgement_at is not None else []
    for intake in intakes:
        intake.complaint_list = [c for c in by_intake[intake.pk] if c.removed_at is None]
        intake.health_parts = health_history.describe(intake.health_history)
        intake.judgements = [j for j in judgements if j.screening.intake_id == intake.pk]
        intake.judgement = current_judgement(intake.latest_screening, intake.judgements)
    series, outcomes = pain_series(client, complaints=complaints, rows=rows)
    if drafts is None:
        drafts = TreatmentSession.objects.for_client(client).drafts().count()
    return {
        "client": client,
        "care_team": client.care_team_members,
        "intakes": intakes,
        "consents": list(
            Consent.objects.filter(client=client).select_related("text", "collected_by").order_by("signed_at")
        ),
        "sessions": sessions,
        "drafts": drafts,
        "clearances": list(PhysicianClearance.objects.filter(client=client).order_by("cleared_on")),
        "plans": plans,
        "series": series,
        "outcomes": outcomes,
        "retention": disposal.retention_for(client),
    }


def client_record_pdf(client: Client, *, base_url: str, drafts: int | None = None) -> bytes:
    from weasyprint import HTML  # heavy: import only when exporting

    record = record_for_export(client, drafts=drafts)
    html = render_to_string(
        "notes/export_pdf.html",
        {
            **record,
            "outcomes": record["outcomes"].items(),
            # notes.charts builds the SVG and escapes every text and attribute it puts in.
            "chart": mark_safe(pain_trend_svg(record["series"], width=680, height=280)),  # noqa: S308  # nosec B308 B703
            "clinic_name": settings.CLINIC_NAME,
            "exported_at": timezone.localtime(),
        },
    )
    return HTML(string=html, base_url=base_url).write_pdf()
