"""Building a client's course of care through the services, for the history and export tests."""

import uuid
from datetime import date, datetime, timedelta

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import F
from django.utils import timezone

from clinic.models import Client
from intake import services as intake_services
from intake.models import Complaint, Intake, PhysicianClearance
from notes import services
from notes.history import refresh_outcomes
from notes.models import AbdominalSegment, ComplaintPain, Consent, ConsentText, FeedbackEntry, TreatmentSession

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


# -- Volume, in bulk ---------------------------------------------------------------------------------------------
# For tests that need a lot of records fast (query counts at scale): written through each model's base manager,
# which bypasses the audited managers' refusal of bulk writes, as seed_load does. Not through the services.


def bulk_feedback(session, segment, *, count, after) -> None:
    """Feedback entries in a stretch of abdominal work of a draft session, ten seconds apart after `after`."""
    FeedbackEntry._base_manager.bulk_create(
        [
            FeedbackEntry(
                session=session,
                segment=segment,
                at=after + timedelta(seconds=10 * (n + 1)),
                side="right",
                technique="sustained_pressure",
                pressure=1 + n % 4,
                pain=2 + n % 5,
                response=["comfortable", "tender", "referred"][n % 3],
                token=uuid.uuid4(),
            )
            for n in range(count)
        ]
    )


def bulk_signed_sessions(client, *, therapist, intakes, count) -> None:
    """Signed sessions, a week apart before today, each with its pains and a short stretch of abdominal work.
    Written in bulk (as seed_load does), as drafts and then signed in one UPDATE: the database refuses rows
    added to a signed session. Hundreds through the services would take most of a minute."""
    if not count:
        return
    now = timezone.now()
    starts = [now - timedelta(days=7 * (count - n) + 1) for n in range(count)]
    sessions = TreatmentSession._base_manager.bulk_create(
        [
            TreatmentSession(
                client=client,
                therapist=therapist,
                intake=intakes[n % len(intakes)],
                started_at=started,
                ended_at=started + timedelta(minutes=55),
                subjective=f"Visit {n}",
                content_hash=f"{n:064x}",
            )
            for n, started in enumerate(starts)
        ]
    )
    if sessions[0].pk is None:  # a database that returns no ids from a bulk insert
        sessions = list(TreatmentSession._base_manager.filter(client=client, subjective__startswith="Visit "))
    complaints = {i.pk: list(Complaint.objects.filter(intake=i)) for i in intakes}
    ComplaintPain._base_manager.bulk_create(
        [ComplaintPain(session=s, complaint=c, before=6, after=3) for s in sessions for c in complaints[s.intake_id]]
    )
    segments = AbdominalSegment._base_manager.bulk_create(
        [
            AbdominalSegment(
                session=s,
                reconfirmed_at=s.started_at,
                reconfirmed_by=therapist,
                ended_at=s.started_at + timedelta(minutes=5),
                end_reason="finished",
            )
            for s in sessions
        ]
    )
    if segments[0].pk is None:
        segments = list(AbdominalSegment._base_manager.select_related("session").filter(session__in=sessions))
    for segment in segments:
        bulk_feedback(segment.session, segment, count=2, after=segment.reconfirmed_at)
    TreatmentSession._base_manager.filter(pk__in=[s.pk for s in sessions]).update(
        status=TreatmentSession.Status.SIGNED, signed_at=F("ended_at")
    )
    refresh_outcomes(client.pk)  # as signing through the app does


def bulk_clients(*, count, team, first_names=("Maya", "Robert")) -> list[Client]:
    """Clients with screening summaries (every other one referred) and `team` as their care team."""
    now = timezone.now()
    clients = Client._base_manager.bulk_create(
        [
            Client(
                first_name=first_names[n % len(first_names)],
                last_name=f"Okonkwo{n:03d}",
                date_of_birth=timezone.localdate().replace(year=1980) - timedelta(days=n),
                phone=f"416-555-{n:04d}",
                phone_digits=f"416555{n:04d}",
                screening_iliopsoas="consider" if n % 3 else "not_indicated",
                screening_abdominal_work=["ok", "caution", "contraindicated"][n % 3],
                screening_refer=n % 2 == 0,
                screened_at=now,
            )
            for n in range(count)
        ]
    )
    if clients and clients[0].pk is None:  # a database that returns no ids from a bulk insert
        clients = list(Client._base_manager.filter(last_name__startswith="Okonkwo"))
    through = Client.care_team.through
    through._base_manager.bulk_create([through(client=c, user=u) for c in clients for u in team])
    return clients


def bulk_audit_entries(*, count, users, clients) -> None:
    """Reads and changes by several people about several clients, over the last days."""
    now = timezone.now()
    kinds = [ContentType.objects.get_for_model(model) for model in (Client, Intake, TreatmentSession)]
    LogEntry.objects.bulk_create(
        [
            LogEntry(
                content_type=kinds[n % 3],
                object_pk=str(n),
                object_id=n,
                object_repr=f"Record {n}",
                action=LogEntry.Action.ACCESS if n % 4 else LogEntry.Action.UPDATE,
                changes={} if n % 4 else {"phone": ["416-555-0000", f"416-555-{n:04d}"]},
                actor=users[n % len(users)],
                remote_addr=f"10.0.0.{n % 250 + 1}",
                timestamp=now - timedelta(minutes=7 * n),
                additional_data={"client": str(clients[n % len(clients)].public_id)},
            )
            for n in range(count)
        ]
    )
