"""Exports of a client's record: the PDF (WeasyPrint) and the FHIR R4 bundle."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from clinic.models import Client
from intake.models import Intake, PhysicianClearance
from notes.charts import pain_trend_svg
from notes.history import pain_series
from notes.models import Consent, TreatmentSession


def record_for_export(client: Client) -> dict:
    """Everything the exports show: demographics, intakes and screenings, consents, signed sessions, clearances."""
    series, outcomes = pain_series(client)
    sessions = (
        TreatmentSession.objects.for_client(client)
        .signed()
        .select_related("therapist")
        .prefetch_related("pains__complaint", "entries", "addenda__author")
        .order_by("started_at", "id")
    )
    return {
        "client": client,
        "care_team": list(client.care_team.all()),
        "intakes": list(
            Intake.objects.for_client(client)
            .order_by("taken_at")
            .select_related("taken_by")
            .prefetch_related("complaints", "screenings")
        ),
        "consents": list(
            Consent.objects.filter(client=client).select_related("text", "collected_by").order_by("signed_at")
        ),
        "sessions": list(sessions),
        "drafts": TreatmentSession.objects.for_client(client).drafts().count(),
        "clearances": list(PhysicianClearance.objects.filter(client=client).order_by("cleared_on")),
        "series": series,
        "outcomes": outcomes,
    }


def client_record_pdf(client: Client, *, base_url: str) -> bytes:
    from weasyprint import HTML  # heavy: import only when exporting

    record = record_for_export(client)
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
