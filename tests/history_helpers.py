"""Building a client's course of care through the services, for the history and export tests."""

import uuid
from datetime import date, datetime

from intake import services as intake_services
from intake.models import Complaint, Intake, PhysicianClearance
from notes import services
from notes.models import Consent, ConsentText, TreatmentSession

LOW_BACK = {"region": "low_back", "side": "central", "pain_now": 6}
NIGHT_PAIN = "Night pain not eased by rest or position"


def take_intake(client, *, by, complaints=(LOW_BACK,), taken_at: datetime | None = None, **answers) -> Intake:
    intake = intake_services.record_intake(client=client, taken_by=by, complaints=list(complaints), **answers)
    if taken_at is not None:
        intake.taken_at = taken_at  # auto_now_add only fills it on the first save
        intake.save()
    return intake


def first_complaint(intake: Intake) -> Complaint:
    return intake.complaints.order_by("position").first()


def give_consent(client, *, by, kind="abdominal", signed_at: datetime | None = None) -> Consent:
    consent = services.record_consent(
        client=client,
        kind=kind,
        text=ConsentText.objects.current(kind),
        signed_name=client.full_name,
        collected_by=by,
    )
    if signed_at is not None:
        consent.signed_at = signed_at
        consent.save()
    return consent


def withdraw(consent: Consent, *, by, reason="Changed their mind") -> Consent:
    return services.withdraw_consent(consent=consent, by=by, reason=reason)


def refer_and_clear(
    client, *, by, cleared_on=date(2026, 2, 1), what="Cleared for soft-tissue work"
) -> PhysicianClearance:
    """An intake whose screening refers the client (night pain), then the physician's clearance of it."""
    intake = take_intake(client, by=by, red_flags={"night_pain_unrelieved": True})
    return intake_services.record_clearance(
        intake=intake, by=by, cleared_on=cleared_on, clinician_name="Dr. Okafor", what_was_cleared=what
    )


def draft_session(
    client, *, therapist, before=6, after=None, subjective="", started_at: datetime | None = None
) -> TreatmentSession:
    complaints = Complaint.objects.filter(intake__client=client, removed_at__isnull=True)
    session = services.start_session(
        client=client, therapist=therapist, pain_before={c.pk: before for c in complaints}, subjective=subjective
    )
    if started_at is not None:
        session.started_at = started_at
        session.save()
    if after is not None:
        session = services.update_session(
            session=session, version=session.version, pain_after={c.pk: after for c in complaints}
        )
    return session


def abdominal_work(session: TreatmentSession, *, by, pains=(3,), response="tender") -> None:
    services.request_abdominal_work(session=session, by=by, reconfirmed=True)
    for pain in pains:
        services.record_feedback(
            session=session,
            token=uuid.uuid4(),
            side="right",
            technique="sustained_pressure",
            pressure=2,
            pain=pain,
            response=response,
        )


def signed_session(
    client,
    *,
    therapist,
    before=6,
    after=3,
    subjective="",
    abdominal=False,
    started_at: datetime | None = None,
) -> TreatmentSession:
    session = draft_session(
        client, therapist=therapist, before=before, after=after, subjective=subjective, started_at=started_at
    )
    if abdominal:
        abdominal_work(session, by=therapist)
    return services.sign_session(session=session, by=therapist)


def add_addendum(session, *, by, text="Client phoned: soreness gone next day.") -> None:
    services.add_addendum(session=session, author=by, reason="Follow-up call", text=text)


SIGNED_NOTE = "Hip flexor guarding eased after slow release"
DRAFT_NOTE = "Unsigned musings about a zebra named Quillon"
ADDENDUM_NOTE = "Client phoned: soreness gone next day."


def full_course(client, *, therapist, desk) -> dict:
    """Every kind of record: a referred-then-cleared intake, consents given and one withdrawn, a signed session
    with abdominal work and an addendum, a signed session without, and a draft."""
    clearance = refer_and_clear(client, by=desk)
    abdominal = give_consent(client, by=desk, kind="abdominal")
    treatment = give_consent(client, by=desk, kind="treatment")
    withdraw(treatment, by=desk, reason="Moving abroad")
    signed = signed_session(client, therapist=therapist, before=6, after=3, subjective=SIGNED_NOTE, abdominal=True)
    add_addendum(signed, by=therapist, text=ADDENDUM_NOTE)
    plain = signed_session(client, therapist=therapist, before=4, after=4)
    draft = draft_session(client, therapist=therapist, before=5, subjective=DRAFT_NOTE)
    return {
        "clearance": clearance,
        "abdominal_consent": abdominal,
        "treatment_consent": treatment,
        "signed": signed,
        "plain": plain,
        "draft": draft,
    }
