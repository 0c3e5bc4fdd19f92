"""Exports of a client's record: the PDF (WeasyPrint) and the FHIR R4 bundle."""

from collections import defaultdict

from django.conf import settings
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from clinic.models import Client
from intake.models import PhysicianClearance
from notes import disposal
from notes.charts import pain_trend_svg
from notes.history import complaints_with_outcome_data, intakes_with_latest_screening, pain_series
from notes.models import Addendum, AdverseEffect, ComplaintPain, Consent, TreatmentPlan, TreatmentSession
from notes.outcomes import within_session_change


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
            "entries",
            Prefetch("addenda", queryset=Addendum.objects.select_related("author")),
            # What the chart came to record later: one query each, however many sessions.
            "segments",
            "areas",
            "pulses",
            Prefetch("adverse_effects", queryset=AdverseEffect.objects.select_related("reported_by")),
        )
        .order_by("started_at", "id")
    )
    sessions = list(sessions)
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
    for intake in intakes:
        intake.complaint_list = [c for c in by_intake[intake.pk] if c.removed_at is None]
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
        "plans": list(TreatmentPlan.objects.filter(client=client).select_related("written_by").order_by("-id")),
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
