"""Writes of treatment sessions. Each is one transaction; the gate guards every abdominal write. Consent is written
by notes/consent_services.py, the course of treatment beside the notes by notes/course_services.py."""

import uuid
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from clinic.models import Client, User
from intake.abdominal_status import status_today
from intake.models import Intake, Screening
from notes import hashing
from notes.gate import check_abdominal_work, gate_state
from notes.history import refresh_outcomes
from notes.models import (
    AbdominalSegment,
    Addendum,
    AreaConfirmation,
    AreaTreated,
    ComplaintPain,
    Consent,
    FeedbackEntry,
    PulseEvent,
    TreatmentSession,
)


class StaleDraft(Exception):
    """The draft was saved elsewhere (another tab) since this form was opened."""


class SessionNotSigned(Exception):
    pass


class AreaNotAgreed(Exception):
    """A sensitive area charted as treated that the client does not agree to: no active consent names it, or the
    client has not agreed to it at this visit (notes/visit_consent.py)."""

    def __init__(self, areas):
        self.areas = sorted(areas)
        super().__init__(", ".join(self.areas))


class EndsBeforeTimeline(Exception):
    """The end given for a session is before something its timeline holds (an entry, a stretch of abdominal work):
    nothing is signed. `moment` is the latest such moment."""

    def __init__(self, moment: datetime):
        super().__init__(moment)
        self.moment = moment


class SessionSigned(Exception):
    """The session is signed (perhaps by another request while this one was on its way): nothing is added to it
    or changed in it. Views keep what was typed and say so."""


def _lock_session(session: TreatmentSession) -> TreatmentSession:
    """The session's row as the database has it now, locked until the transaction ends.

    Every write to a session (an entry, an edit, a stretch of abdominal work, the signature) takes this lock first,
    so they run one after another: an entry either lands before the signature (and is hashed with the note) or is
    refused after it, never against the triggers that protect a signed note (a 500)."""
    rows = TreatmentSession.objects.select_for_update(of=("self",)).select_related("client", "therapist", "intake")
    return rows.get(pk=session.pk)


def lock_draft(session: TreatmentSession) -> TreatmentSession:
    """`_lock_session`, and SessionSigned if the session is signed."""
    locked = _lock_session(session)
    if locked.is_signed:
        raise SessionSigned
    return locked


class NoOpenStretch(Exception):
    """Nothing is recorded against a stretch of abdominal work when none is open."""


SESSION_FIELDS = ("subjective", "objective", "objective_tests", "assessment", "plan", "home_care", "abdominal_planned")


# -- Sessions -----------------------------------------------------------------------------------------------------


def latest_intake(client: Client) -> Intake | None:
    return Intake.objects.for_client(client).first()


@transaction.atomic
def start_session(
    *,
    client: Client,
    therapist: User,
    pain_before: dict[int, int | None],
    subjective: str = "",
    abdominal_planned: bool = False,
) -> TreatmentSession:
    """Open a draft session, with the pre-session pain of each complaint of the latest intake."""
    intake = latest_intake(client)
    session = TreatmentSession(
        client=client,
        therapist=therapist,
        intake=intake,
        subjective=subjective,
        abdominal_planned=abdominal_planned,
    )
    session.save()
    if intake is not None:
        for complaint in intake.complaints.current():
            ComplaintPain(session=session, complaint=complaint, before=pain_before.get(complaint.pk)).save()
    return session


@transaction.atomic
def update_session(
    *,
    session: TreatmentSession,
    version: int,
    pain_after: dict[int, int | None] | None = None,
    areas: list[dict] | None = None,
    **fields: Any,
) -> TreatmentSession:
    """Save a draft's SOAP fields, post-session pain and areas treated (`areas`: each {"area", "side",
    "techniques", "note"}, in order; given, they replace the draft's), refusing a form opened before the last save
    (StaleDraft), a session signed meanwhile (SessionSigned), or a sensitive area newly charted that the client
    does not agree to (AreaNotAgreed)."""
    current = lock_draft(session)
    if current.version != version:
        raise StaleDraft
    if areas is not None:
        new = {a["area"] for a in areas} - set(current.areas.values_list("area", flat=True))
        refused = Consent.objects.not_agreed(current.client, new) | AreaConfirmation.objects.not_confirmed(current, new)
        if refused:
            raise AreaNotAgreed(refused)
    for name, value in fields.items():
        if name not in SESSION_FIELDS:
            raise ValueError(f"not a session field: {name}")
        setattr(current, name, value)
    current.version += 1
    current.save()
    for pain in current.pains.all():
        if pain_after is not None and pain.complaint_id in pain_after and pain.after != pain_after[pain.complaint_id]:
            pain.after = pain_after[pain.complaint_id]
            pain.save()
    if areas is not None:
        _replace_areas(current, areas)
    return current


def _replace_areas(session: TreatmentSession, areas: list[dict]) -> None:
    """The draft's areas treated become `areas`: rows that did not change are kept, the others written again."""
    wanted = [
        {"area": a["area"], "side": a.get("side", ""), "techniques": list(a["techniques"]), "note": a.get("note", "")}
        for a in areas
    ]
    stored = list(session.areas.all())
    kept = [{"area": row.area, "side": row.side, "techniques": row.techniques, "note": row.note} for row in stored]
    if kept == wanted:
        return
    for row in stored:
        row.delete()
    for position, area in enumerate(wanted):
        AreaTreated(session=session, position=position, **area).save()


@transaction.atomic
def request_abdominal_work(
    *,
    session: TreatmentSession,
    by: User,
    reconfirmed: bool,
    precautions_reviewed: bool = False,
    position: str | None = None,
    approach: str | None = None,
    landmark: str | None = None,
) -> AbdominalSegment:
    """Open a stretch of abdominal work, with the client's verbal re-confirmation recorded now, and how it will be
    worked (position, approach, landmark) when chosen. Refused, with every unmet condition listed (a signed session
    among them), unless the gate lets it through."""
    session = _lock_session(session)
    state = check_abdominal_work(
        session, opening=True, reconfirmed_now=reconfirmed, precautions_reviewed=precautions_reviewed
    )
    if state.open_segment is not None:
        return state.open_segment
    segment = AbdominalSegment(
        session=session,
        reconfirmed_by=by,
        precautions_reviewed=state.cautions if precautions_reviewed else [],
        position=position or None,
        approach=approach or None,
        landmark=landmark or None,
    )
    segment.gate_passed = state  # checked just now: the model need not ask the gate again
    segment.save()
    return segment


@transaction.atomic
def record_feedback(
    *,
    session: TreatmentSession,
    token: uuid.UUID,
    side: str,
    technique: str,
    pressure: int,
    pain: int,
    response: str,
    note: str = "",
    breath_phase: str | None = None,
    hold_seconds: int | None = None,
) -> tuple[FeedbackEntry, bool]:
    """Add one entry to the live timeline; returns (entry, created). The same form token twice makes one entry.
    A "stop" ends the stretch of abdominal work. Refused by the gate once the session is signed."""
    session = _lock_session(session)
    existing = FeedbackEntry.objects.filter(session=session, token=token).first()
    if existing is not None:
        return existing, False
    state = check_abdominal_work(session)
    entry = FeedbackEntry(
        session=session,
        segment=state.open_segment,
        token=token,
        side=side,
        technique=technique,
        pressure=pressure,
        pain=pain,
        response=response,
        note=note,
        breath_phase=breath_phase or None,
        hold_seconds=hold_seconds,
    )
    entry.gate_passed = state  # checked just now: the model need not ask the gate again
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError:
        # The same form posted twice at once: the other request stored it.
        return FeedbackEntry.objects.get(session=session, token=token), False
    if response == FeedbackEntry.Response.STOP:
        _close_segment(state.open_segment, AbdominalSegment.EndReason.STOP, at=entry.at)
    return entry, True


@transaction.atomic
def describe_stretch(
    *, session: TreatmentSession, position: str | None, approach: str | None, landmark: str | None
) -> AbdominalSegment:
    """Record how the open stretch is worked (position, approach, landmark; each optional), while it is open.
    NoOpenStretch when none is; SessionSigned once signed."""
    session = lock_draft(session)
    segment = gate_state(session).open_segment
    if segment is None:
        raise NoOpenStretch
    segment.position, segment.approach, segment.landmark = position or None, approach or None, landmark or None
    segment.save()
    return segment


@transaction.atomic
def record_pulse_felt(*, session: TreatmentSession, token: uuid.UUID) -> tuple[PulseEvent, bool]:
    """ "Pulse felt, hands moved", now, in the open stretch; returns (event, created), one event per token. Never
    refused by the gate while a stretch is open: it records what the hands did for safety. NoOpenStretch when none
    is open; SessionSigned once signed."""
    session = lock_draft(session)
    existing = PulseEvent.objects.filter(session=session, token=token).first()
    if existing is not None:
        return existing, False
    segment = gate_state(session).open_segment
    if segment is None:
        raise NoOpenStretch
    event = PulseEvent(session=session, segment=segment, token=token)
    event.save()
    return event, True


@transaction.atomic
def finish_abdominal_work(*, session: TreatmentSession) -> None:
    session = _lock_session(session)
    if session.is_signed:  # signing closed every stretch
        return
    segment = gate_state(session).open_segment
    if segment is not None:
        _close_segment(segment, AbdominalSegment.EndReason.FINISHED, at=timezone.now())


def _close_segment(segment: AbdominalSegment, reason: str, *, at) -> None:
    segment.ended_at = at
    segment.end_reason = reason
    segment.save()


def timeline_end(session: TreatmentSession, *, otherwise: datetime | None = None):
    """When the session's timeline ends: its last entry or stretch of abdominal work, else `otherwise` (now)."""
    moments = [e.at for e in session.entries.all()] + [s.ended_at or s.reconfirmed_at for s in session.segments.all()]
    return max(moments) if moments else (otherwise or timezone.now())


def _frozen_values(session: TreatmentSession) -> dict:
    """What the note shows that lives elsewhere, as it is now: the names, the complaints' labels, the screening's
    line the draft page showed. A signed note shows these ever after, whatever changes in the intake or accounts."""
    client, therapist = session.client, session.therapist
    screening = Screening.objects.latest_for_client(client)
    clearances = list(screening.intake.clearances.all()) if screening is not None and screening.refer else []
    status = status_today(screening, clearances)
    return {
        "client_name": client.full_name,
        "client_display_name": client.display_name,
        "therapist_name": therapist.display_name,
        "complaints": {
            str(pain.complaint_id): {
                "region": pain.complaint.region,
                "region_label": str(pain.complaint.get_region_display()),
                "side": pain.complaint.side,
                "side_label": str(pain.complaint.get_side_display()),
            }
            for pain in session.pains.select_related("complaint")
        },
        "screening": {"level": status.level, "line": str(status.line)} if status else None,
    }


@transaction.atomic
def sign_session(
    *, session: TreatmentSession, by: User, at: datetime | None = None, ended_at: datetime | None = None
) -> TreatmentSession:
    """Sign: the note becomes read-only, what it shows of the client, the therapist, the complaints and the screening
    is frozen, and its seal is stored (notes/hashing.py). SessionSigned if it already is (signed from another tab,
    or by a request that got the lock first). `at`: the moment of signing, now unless given (the demo's past visits,
    signed the day they happened; never from a request).

    `ended_at`: when the session ended, as the therapist gives it (a note signed after the visit): a stretch of
    abdominal work still open ends then too. Its minute may hold the timeline's last moment (the page shows
    minutes), so the later of the two is kept; an earlier minute raises EndsBeforeTimeline. Without it, the session
    ends with its timeline's last moment, or at the signing."""
    at = at or timezone.now()
    session = lock_draft(session)
    if ended_at is not None:
        latest = timeline_end(session, otherwise=session.started_at)
        if ended_at < latest.replace(second=0, microsecond=0):
            raise EndsBeforeTimeline(latest)
        ended_at = max(ended_at, latest)
    for segment in session.segments.filter(ended_at__isnull=True):
        _close_segment(segment, AbdominalSegment.EndReason.FINISHED, at=ended_at or at)
    session.ended_at = ended_at or timeline_end(session, otherwise=at)
    session.signed_at = at
    session.signed_as = _frozen_values(session)
    hashing.seal_session(session)
    session.status = TreatmentSession.Status.SIGNED
    session.save()
    client = session.client
    if client.last_session_at is None or client.last_session_at < session.started_at:
        client.last_session_at = session.started_at
        client.save(update_fields=["last_session_at"])
    refresh_outcomes(client.pk)  # its ratings now count in the complaints' outcomes
    return session


@transaction.atomic
def add_addendum(*, session: TreatmentSession, author: User, reason: str, text: str) -> Addendum:
    """Add a correction to a signed note, with the author's name as it is now, sealed in a chain: its seal covers
    the one before it (the note's, or the previous addendum's)."""
    if not session.is_signed:
        raise SessionNotSigned
    # One addendum at a time per note, so that each chains to the one really before it.
    session = _lock_session(session)
    previous = session.addenda.order_by("-id").values_list("content_hash", flat=True).first()
    addendum = Addendum(session=session, author=author, reason=reason, text=text, author_name=author.display_name)
    hashing.seal_addendum(addendum, session=session, previous=session.content_hash if previous is None else previous)
    addendum.save()
    return addendum


def complaint_pains(session: TreatmentSession) -> list[ComplaintPain]:
    return list(session.pains.select_related("complaint"))
