"""The session page's context: the note, the gate, the feedback timeline and the live forms, gathered by the view
(notes/session_views.py) so that its queries are visible and counted where they run; templates only render."""

import uuid

from django.db.models import Count
from django.utils import timezone

from clinic.access import on_care_team
from clinic.models import User
from intake import labels
from notes.forms import AbdominalRequestForm, FeedbackForm, StretchDetailsForm
from notes.gate import gate_state
from notes.models import AreaConfirmation, Consent, FeedbackEntry
from notes.timeline import page_number, session_pains, session_timeline
from notes.visit_consent import areas_today

ADDENDUM_AUTHOR = User.name_fields("author")
REPORTER = User.name_fields("reported_by")


def session_context(
    request, session, *, feedback_form=None, abdominal_form=None, same_as_last=False, stretch_form=None
):
    """What the session page (and the panels its live requests answer with) shows of `session`, for this reader:
    every query the page makes for it runs here, in the view's call."""
    # A signed session is a locked record: its page shows what happened, not today's consent and screening.
    # Once, for the gate, the timeline and the record box; with their pulse events counted, so that a session
    # without any reads none.
    segments = list(session.segments.annotate(pulse_count=Count("pulses")))
    if session.is_signed:
        state, today = None, []
        visit_confirmations = list(session.area_confirmations.select_related("recorded_by"))
    else:
        confirmations = AreaConfirmation.objects.latest_per_area(session)
        consents = Consent.objects.latest_of_each_kind(session.client)
        state = gate_state(session, segments=segments, confirmations=confirmations, consents=consents)
        today, visit_confirmations = areas_today(session, latest=confirmations, consents=consents), []
    timeline = session_timeline(session, page=page_number(request.GET.get("timeline")), segments=segments)
    is_own_draft = not session.is_signed and session.therapist_id == request.user.pk
    segment = state and state.open_segment
    last_segment = max(segments, key=lambda s: (s.reconfirmed_at, s.pk), default=None)
    return {
        "session": session,
        "client": session.client,
        "gate": state,
        "timeline": timeline,
        "pains": session_pains(session),
        "addenda": list(  # .session: `session`; of the author, the name
            session.addenda.select_related("author").only(
                "session_id", "at", "reason", "text", "author_name", *ADDENDUM_AUTHOR
            )
        ),
        "is_own_draft": is_own_draft,
        "is_own": session.therapist_id == request.user.pk,
        "segment_elapsed": (timezone.now() - segment.reconfirmed_at) if segment else None,
        "segment_count": len(segments),
        # Closed: why (the last stretch's end), or never opened in this session.
        "closed_segment": None if segment else last_segment,
        # The live forms, for the therapist writing the draft (nobody else sees them).
        "feedback_form": feedback_form
        or (FeedbackForm.fresh(timeline.newest_entry, same_as_last=same_as_last) if is_own_draft else None),
        "abdominal_form": abdominal_form or (AbdominalRequestForm() if is_own_draft else None),
        # How the open stretch is worked, changeable while it is open; the pulse button's one-time token.
        "stretch_form": stretch_form
        or (StretchDetailsForm(initial=_stretch_details(segment)) if is_own_draft and segment else None),
        "pulse_token": uuid.uuid4() if is_own_draft and segment else None,
        "areas": list(session.areas.all()),
        # The client's word at this visit on each sensitive area: as things stand (a draft), or all of it (signed).
        "areas_today": today,
        "areas_consented": any(area.consented for area in today),
        "visit_confirmations": visit_confirmations,
        "adverse_effects": list(
            session.adverse_effects.select_related("reported_by").only(
                "session_id",
                "kind",
                "note",
                "onset_on",
                "reported_at",
                "reported_later",
                "reported_by_name",
                *REPORTER,
            )
        ),
        # On the draft, its therapist; once signed, any therapist of the care team (reported later).
        "may_report_adverse_effect": (is_own_draft or (session.is_signed and _reader_on_care_team(request, session)))
        and not session.client.is_archived,
        "duration": (session.ended_at or timeline.last_moment or timezone.now()) - session.started_at,
        "response_choices": FeedbackEntry.Response.choices,
        "objective_tests": labels.describe_tests(session.objective_tests),
    }


def _reader_on_care_team(request, session) -> bool:
    """As the access helper read it for this request (`get_session_for`), or asked now."""
    known = getattr(session, "reader_on_care_team", None)
    return on_care_team(request.user, session.client_id) if known is None else known


def _stretch_details(segment) -> dict:
    return {"position": segment.position, "approach": segment.approach, "landmark": segment.landmark}
