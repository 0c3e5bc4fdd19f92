"""What the notes app shows on the client page and the home page: consent status, sessions, drafts to sign."""

from datetime import timedelta
from html import escape as _escape

from django import template
from django.db import connection
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from clinic.audit import record_views
from clinic.raw_values import aware
from intake.access import is_on_care_team
from notes.charts import feedback_sparkline_svg
from notes.history import recent_sessions
from notes.models import Consent, ConsentKind, ConsentText, TreatmentSession

register = template.Library()

STALE_DRAFT_AGE = timedelta(hours=24)
# Each kind's latest consent, as its status shows it (not the signed text and the drawn signature): when signed
# and withdrawn, its text's version, and the id of the current version of that kind's text.
CONSENT_STATUS_SQL = """
SELECT c.id, c.public_id, c.client_id, c.kind, c.signed_at, c.withdrawn_at, c.text_id, t.version,
  (SELECT current.id FROM notes_consenttext current WHERE current.kind = c.kind
   ORDER BY current.version DESC LIMIT 1)
FROM notes_consent c JOIN notes_consenttext t ON t.id = c.text_id
WHERE c.client_id = %s AND c.id = (
  SELECT latest.id FROM notes_consent latest WHERE latest.client_id = c.client_id AND latest.kind = c.kind
  ORDER BY latest.signed_at DESC, latest.id DESC LIMIT 1
)
"""
CONSENT_STATUS_FIELDS = ["id", "public_id", "client_id", "kind", "text_id", "signed_at", "withdrawn_at"]


def latest_consent_by_kind(client) -> dict:
    """The client's latest consent of each kind, with `text` (its version) and `current_text_id`: one plain
    statement (as a queryset with the current text as a subquery, it cost more to compile than to run)."""
    public_id = Consent._meta.get_field("public_id")
    latest = {}
    with connection.cursor() as cursor:
        cursor.execute(CONSENT_STATUS_SQL, [client.pk])
        for pk, uuid, client_id, kind, signed_at, withdrawn_at, text_id, version, current_id in cursor.fetchall():
            values = [pk, public_id.to_python(uuid), client_id, kind, text_id, aware(signed_at), aware(withdrawn_at)]
            consent = Consent.from_db(connection.alias, CONSENT_STATUS_FIELDS, values)
            consent.text = ConsentText.from_db(connection.alias, ["id", "kind", "version"], [text_id, kind, version])
            consent.client = client
            consent.current_text_id = current_id
            latest[kind] = consent
    return latest


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
    latest_consents = latest_consent_by_kind(client)
    rows = []
    record_views(latest_consents.values())
    for kind in ConsentKind:
        consent = latest_consents.get(kind.value)
        outdated = consent is not None and consent.current_text_id not in (None, consent.text_id)
        rows.append((kind.label, kind.value, consent, outdated))
    sessions = []
    if may_read_sessions:
        sessions = recent_sessions(client, 10)  # what the list shows of them, not their notes
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


def _clock(moment, zone) -> str:
    """A moment as H:M:S in the time zone `zone` (the `date:"H:i:s"` filter, without its 30 µs a call)."""
    local = moment.astimezone(zone)
    return f"{local.hour:02d}:{local.minute:02d}:{local.second:02d}"


@register.simple_tag
def timeline_rows(events):
    """The session timeline's rows: its entries, and the re-confirmations and stops between them.

    Written here rather than in the template: a window of 50 entries took 8 ms to render through template tags,
    a third of the session page."""
    rows = []
    zone = timezone.get_current_timezone()  # the clinic's
    pressure_text, pain_text = _("pressure %(p)s"), _("pain %(n)s/10")
    for at, kind, record, warnings in events:
        if kind == "entry":
            # An f-string with every piece of text escaped as format_html escapes it (html.escape, quotes included),
            # at a third of its cost; tests/test_timeline_rows.py holds the two to the same markup.
            note = f" — {_escape(record.note)}" if record.note else ""
            cautions = "".join(
                f'<div class="text-danger small pacing-warning">⚠ {_escape(str(warning))}</div>' for warning in warnings
            )
            rows.append(
                f'<li class="list-group-item timeline-entry response-row-{_escape(record.response)}">\n'
                f"        <strong>{_clock(record.at, zone)}</strong> · {_escape(record.get_side_display())} · "
                f"{_escape(record.get_technique_display())} ·\n"
                f"        {_escape(pressure_text % {'p': record.pressure})} · "
                f"{_escape(pain_text % {'n': record.pain})} ·\n"
                f'        <span class="fw-semibold">{_escape(record.get_response_display())}</span>{note}\n'
                f"        {cautions}\n"
                "      </li>"
            )
        elif kind == "opened":
            reviewed = format_html(" ({})", _("precautions reviewed")) if record.precautions_reviewed else ""
            rows.append(
                format_html(
                    '<li class="list-group-item timeline-segment"><strong>{}</strong> · {}{}</li>',
                    _clock(at, zone),
                    _("client re-confirmed out loud: abdominal work opened"),
                    reviewed,
                )
            )
        else:
            rows.append(
                format_html(
                    '<li class="list-group-item timeline-segment-end"><strong>{}</strong> · {}</li>',
                    _clock(at, zone),
                    _("abdominal work closed: %(reason)s") % {"reason": record.get_end_reason_display()},
                )
            )
    return mark_safe("\n      ".join(rows))  # noqa: S308  # nosec B308 B703 (every row's text escaped)
