"""What the notes app shows on the client page and the home page: consent status, sessions, drafts to sign."""

from datetime import timedelta

from django import template
from django.utils import timezone
from django.utils.safestring import mark_safe

from clinic.audit import record_views
from intake.access import is_on_care_team
from notes.charts import feedback_sparkline_svg
from notes.models import Consent, ConsentKind, ConsentText, TreatmentSession

register = template.Library()

STALE_DRAFT_AGE = timedelta(hours=24)


@register.filter
def as_clock(value: timedelta | None) -> str:
    """A duration as m:ss (or h:mm:ss)."""
    if value is None:
        return ""
    seconds = max(int(value.total_seconds()), 0)
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


@register.inclusion_tag("notes/_client_notes_panel.html", takes_context=True)
def client_notes_panel(context, client):
    """Consent status at a glance, and the sessions for those who may read them."""
    user = context["request"].user
    on_care_team = is_on_care_team(user, client)
    may_read_sessions = user.is_clinic_admin or on_care_team
    latest_consents, current_texts = {}, {}
    for consent in Consent.objects.filter(client=client).select_related("text", "client").order_by("-signed_at", "-id"):
        latest_consents.setdefault(consent.kind, consent)
    for text in ConsentText.objects.order_by("kind", "-version"):
        current_texts.setdefault(text.kind, text)
    rows = []
    record_views(latest_consents.values())
    for kind in ConsentKind:
        consent, current = latest_consents.get(kind.value), current_texts.get(kind.value)
        outdated = consent is not None and current is not None and consent.text_id != current.pk
        rows.append((kind.label, kind.value, consent, outdated))
    sessions = []
    if may_read_sessions:
        sessions = list(TreatmentSession.objects.for_client(client).select_related("therapist")[:10])
    return {
        "client": client,
        "consent_rows": rows,
        "may_record_consent": not client.is_archived and (user.is_front_desk or user.is_clinic_admin or on_care_team),
        "may_start_session": not client.is_archived and on_care_team,
        "may_read_sessions": may_read_sessions,
        "sessions": sessions,
    }


@register.inclusion_tag("notes/_stale_drafts.html")
def stale_drafts(user):
    """The therapist's unsigned drafts older than 24 hours."""
    drafts = (
        TreatmentSession.objects.drafts()
        .by(user)
        .filter(started_at__lt=timezone.now() - STALE_DRAFT_AGE)
        .select_related("client")
        .order_by("started_at")
    )
    return {"drafts": list(drafts[:20])}


@register.simple_tag
def feedback_sparkline(moments):
    """Pressure and client pain over the minutes of abdominal work (notes/timeline.py gathers the moments)."""
    if not moments:
        return ""
    return mark_safe(feedback_sparkline_svg(moments))  # noqa: S308 (the SVG escapes its own text)  # nosec B308 B703
