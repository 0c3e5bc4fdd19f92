"""One helper per kind of clinical record, each written through its service (screened, audited and kept as the
app writes it): intake, consent (and its withdrawal), physician clearance, session (draft or signed), a stretch of
abdominal work, feedback entry, addendum. Tests build their records with these rather than calling the services
themselves, unless that call is what they test. Then a client's whole course of care built from them, and bulk
builders for volume (query counts at scale)."""

import uuid
from datetime import date, datetime, timedelta

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F
from django.utils import timezone

from clinic.models import Client
from intake import services as intake_services
from intake.models import ClearanceScope, Complaint, HealthCheck, Intake, PhysicianClearance, Screening
from notes import consent_services, course_services, services, visit_consent
from notes.history import refresh_outcomes
from notes.models import (
    AbdominalSegment,
    Addendum,
    AdverseEffect,
    AreaConfirmation,
    AreaTreated,
    ComplaintPain,
    Consent,
    ConsentText,
    FeedbackEntry,
    PulseEvent,
    SensitiveArea,
    TreatmentPlan,
    TreatmentSession,
)
from tests.factories import screened_intake

LOW_BACK = {"region": "low_back", "side": "central", "pain_now": 6}
NIGHT_PAIN = "Night pain not eased by rest or position"


def take_intake(client, *, by, complaints=(LOW_BACK,), taken_at: datetime | None = None, **answers) -> Intake:
    """tests.factories.screened_intake (the intake helper), backdated to `taken_at` when given."""
    intake = screened_intake(client, by=by, complaints=complaints, **answers)
    if taken_at is not None:
        intake.taken_at = taken_at  # auto_now_add only fills it on the first save
        intake.save()
    return intake


def first_complaint(intake: Intake) -> Complaint:
    return intake.complaints.order_by("position").first()


def give_consent(
    client,
    *,
    by,
    kind="abdominal",
    signed_at: datetime | None = None,
    areas: list[str] | None = None,
    signature_drawing: str = "",
) -> Consent:
    """A consent signed by the client; `areas`: the sensitive areas agreed (None: as a consent signed before areas
    were asked one by one)."""
    consent = consent_services.record_consent(
        client=client,
        kind=kind,
        text=ConsentText.objects.current(kind),
        signed_name=client.full_name,
        collected_by=by,
        areas=areas,
        signature_drawing=signature_drawing,
    )
    if signed_at is not None:
        consent.signed_at = signed_at
        consent.save()
    return consent


def withdraw(consent: Consent, *, by, reason="Changed their mind") -> Consent:
    return consent_services.withdraw_consent(consent=consent, by=by, reason=reason)


def clear(
    intake: Intake,
    *,
    by,
    cleared_on=date(2026, 2, 1),
    clinician_name="Dr. Okafor",
    what="Cleared for soft-tissue work",
    letter: bytes | None = None,
    scope=ClearanceScope.INCLUDING_ABDOMINAL,
    valid_until: date | None = None,
) -> PhysicianClearance:
    """The physician's clearance of the referral `intake`'s screening raised (by default for massage including
    abdominal work, with no end date), with a scanned PDF `letter` if given."""
    scan = {}
    if letter is not None:
        scan = {
            "letter": SimpleUploadedFile("letter.pdf", letter, content_type="application/pdf"),
            "letter_content_type": "application/pdf",
        }
    return intake_services.record_clearance(
        intake=intake,
        by=by,
        cleared_on=cleared_on,
        clinician_name=clinician_name,
        what_was_cleared=what,
        scope=scope,
        valid_until=valid_until,
        **scan,
    )


def refer_and_clear(
    client, *, by, cleared_on=date(2026, 2, 1), what="Cleared for soft-tissue work"
) -> PhysicianClearance:
    """An intake whose screening refers the client (night pain), then the physician's clearance of it."""
    intake = take_intake(client, by=by, red_flags={"night_pain_unrelieved": True})
    return clear(intake, by=by, cleared_on=cleared_on, what=what)


def draft_session(
    client,
    *,
    therapist,
    before=6,
    after=None,
    subjective="",
    started_at: datetime | None = None,
    initialled=("abdomen",),
) -> TreatmentSession:
    """A session started on the client's latest intake, every complaint rated `before` (None: not rated), and
    `after` when given; the client's initials at this visit for those of `initialled` their consent names (the
    abdomen, by default: `initialled=()` for a visit where they have not initialled anything yet)."""
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
    initial_if_consented(session, *initialled)
    return session


def check_in(client, *, by, **changes) -> HealthCheck:
    """Today's health check: "no change" (and not menstruating today) unless `changes` gives other answers."""
    latest = Screening.objects.filter(intake__client=client).newest_first().first()
    history = latest.answers.get("history", {}) if latest is not None else {}
    answers = {
        "no_change": not changes,
        "anticoagulant": bool(history.get("anticoagulant_or_bleeding_disorder")),
        "pregnant": bool(history.get("pregnant")),
        "menstruating_today": False,
    }
    return intake_services.record_health_check(client=client, by=by, **(answers | changes))


def initial_areas(session: TreatmentSession, *areas: str, by, agreed=True, initials="MC") -> list[AreaConfirmation]:
    """The client's word at this visit on each of `areas` (SensitiveArea codes), by typed initials on the tablet."""
    return visit_consent.confirm_areas(
        session=session,
        by=by,
        answers=[
            {"area": area, "agreed": agreed, "method": AreaConfirmation.Method.INITIALS_TYPED, "initials": initials}
            for area in areas
        ],
    )


def initial_if_consented(session: TreatmentSession, *areas: str) -> None:
    """The client initials, at this visit, those of `areas` a consent in force names and not yet agreed today: what
    the therapist does before the work when the test is about something else."""
    wanted = set(areas) & set(Consent.objects.in_force_per_area(session.client))
    wanted -= AreaConfirmation.objects.agreed_areas(session)
    if wanted:
        initial_areas(session, *sorted(wanted), by=session.therapist)


def open_abdominal_work(session: TreatmentSession, *, by) -> AbdominalSegment:
    """A stretch of abdominal work opened on the client's spoken re-confirmation, after today's health check and
    the client's initials for the abdomen at this visit."""
    if intake_services.todays_health_check(session.client) is None:
        check_in(session.client, by=by)
    initial_if_consented(session, "abdomen")
    return services.request_abdominal_work(session=session, by=by, reconfirmed=True)


def feedback_entry(
    session: TreatmentSession,
    *,
    pressure=2,
    pain=3,
    response="tender",
    note="",
    side="right",
    technique="sustained_pressure",
    **details,
) -> FeedbackEntry:
    """One tap of live feedback, on the right side with sustained pressure unless told, in the open stretch of
    abdominal work (`details`: the breath phase, the hold in seconds)."""
    entry, _created = services.record_feedback(
        session=session,
        token=uuid.uuid4(),
        side=side,
        technique=technique,
        pressure=pressure,
        pain=pain,
        response=response,
        note=note,
        **details,
    )
    return entry


def pulse_felt(session: TreatmentSession) -> PulseEvent:
    """One tap of "pulse felt, hands moved" in the open stretch of abdominal work."""
    event, _created = services.record_pulse_felt(session=session, token=uuid.uuid4())
    return event


def areas_treated(session: TreatmentSession, *areas: dict) -> list[AreaTreated]:
    """The draft's areas treated, saved with its note (each {"area", "techniques", "side"?, "note"?}); by default the
    low back with Swedish and myofascial release."""
    areas = areas or ({"area": "low_back", "side": "both", "techniques": ["swedish", "myofascial"], "note": ""},)
    # The sensitive ones the client's consent names, initialled at this visit first (as the session page asks).
    initial_if_consented(
        session, *(AreaTreated.SENSITIVE[a["area"]] for a in areas if a["area"] in AreaTreated.SENSITIVE)
    )
    services.update_session(session=session, version=session.version, areas=list(areas))
    return list(session.areas.all())


def adverse_effect(
    session: TreatmentSession, *, by, kind="bruising", note="Small bruise, left iliac fossa", onset_on=None
) -> AdverseEffect:
    """An adverse effect: in the note on a draft, reported later (beside the note) on a signed session."""
    return course_services.record_adverse_effect(session=session, by=by, kind=kind, note=note, onset_on=onset_on)


def write_plan(
    client, *, by, goals="Walk 30 minutes without hip pain", reassess_on: date | None = None, **frequency
) -> TreatmentPlan:
    """A new version of the client's treatment plan: weekly for 6 weeks unless `frequency` says otherwise, reassessed
    in six weeks unless `reassess_on` is given."""
    frequency = {"visits": 1, "per": "week", "for_weeks": 6} | frequency
    reassess_on = reassess_on or timezone.localdate() + timedelta(weeks=6)
    return course_services.write_treatment_plan(client=client, by=by, goals=goals, reassess_on=reassess_on, **frequency)


def abdominal_work(session: TreatmentSession, *, by, pains=(3,), response="tender") -> None:
    """A stretch of abdominal work opened, then a feedback entry for each of `pains`."""
    open_abdominal_work(session, by=by)
    for pain in pains:
        feedback_entry(session, pain=pain, response=response)


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


def weekly_course(
    client, *, therapist, desk, weeks=4, before=6, after=2, complaints=(LOW_BACK,), last_week_ago=1
) -> list[TreatmentSession]:
    """An intake, then a signed session a week for `weeks` weeks (the first a week after the intake, the last
    `last_week_ago` weeks ago), every complaint rated `before` before treatment and `after` after it (each a number,
    or a list of one a week). The intake's `pain_now` is the outcome's baseline."""
    befores = list(before) if isinstance(before, (list, tuple)) else [before] * weeks
    afters = list(after) if isinstance(after, (list, tuple)) else [after] * weeks
    now = timezone.now()
    take_intake(client, by=desk, complaints=complaints, taken_at=now - timedelta(weeks=last_week_ago + weeks))
    return [
        signed_session(
            client,
            therapist=therapist,
            before=befores[week],
            after=afters[week],
            started_at=now - timedelta(weeks=last_week_ago + weeks - 1 - week),
        )
        for week in range(weeks)
    ]


def add_addendum(session, *, by, reason="Follow-up call", text="Client phoned: soreness gone next day.") -> Addendum:
    return services.add_addendum(session=session, author=by, reason=reason, text=text)


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


# -- The complete chart --------------------------------------------------------------------------------------------
# A client with every kind of record and every field filled, each value distinct, for the exports' tests to find.

CLIENT_DETAILS = {
    "preferred_name": "Mae",
    "pronouns": "she/her",
    "phone": "416-555-0142",
    "email": "maya.chen@example.org",
    "address": "12 Larkspur Lane, Toronto",
    "emergency_contact_name": "Wen Chen",
    "emergency_contact_relationship": "Sister",
    "emergency_contact_phone": "416-555-0199",
    "family_physician_name": "Dr. Halvorsen",
    "family_physician_contact": "Bloor Family Practice",
    "referral_source": "physician",
    "referral_detail": "Dr. Halvorsen's note",
}
HEALTH_HISTORY = {
    "conditions": ["diabetes", "hip_replacement"],
    "conditions_other": "Migraine with aura",
    "surgeries": [{"what": "Appendectomy", "when": "2019-05"}],
    "medications": [
        {"name": "Apixaban", "dose": "5 mg twice a day", "anticoagulant": True},
        {"name": "Metformin", "dose": "500 mg", "anticoagulant": False},
    ],
    "allergies": ["latex"],
    "allergies_other": "Lavender oil",
    "devices": ["insulin_pump"],
    "devices_other": "",
}
WHOLE_BODY = (
    {"region": "anterior_hip_groin", "side": "right", "pain_now": 6, "pain_worst": 8, "onset": "subacute"},
    {"region": "low_back", "side": "central", "pain_now": 4, "pain_worst": 7, "onset": "chronic"},
)
TESTS_WITH_SIDES = {
    "resisted_hip_flexion": {"result": "positive_pain", "side": "right"},
    "hip_flexor_stretch_thomas": {"result": "tight_no_pain", "side": "both"},
}
SOAP = {
    "subjective": "Groin ache after long drives",
    "objective": "Guarding of right psoas on palpation",
    "assessment": "Right iliopsoas overactivity likely",
    "plan": "Two more visits, then reassess",
    "home_care": "Half-kneeling hip flexor stretch twice daily",
}
FEEDBACK_NOTES = ("Breathing slowed, eased under the hand", "Sharp twinge near the ASIS")
JUDGEMENT_REASON = "Cleared by the physician; groin pain on resisted flexion points to iliopsoas"
SIGNATURE_PNG = (  # a 1x1 PNG, as the consent page's signature pad sends it
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


def complete_chart(client, *, therapist, desk) -> dict:
    """Every field of every record the chart holds, filled: the client's details, an intake with a health history,
    two complaints with worst pain and onset, aggravating movements, tests with sides and notes (screened, then a
    clinical judgement), a physician's clearance with its scope and end date, consents (one drawn, one withdrawn),
    and a signed session with the visit's health check, the whole SOAP, pains before and after, a stretch of
    abdominal work finished by the therapist and one stopped by the client, and an addendum."""
    from clinic.services import update_client

    update_client(client=client, **CLIENT_DETAILS)
    intake = take_intake(
        client,
        by=desk,
        complaints=WHOLE_BODY,
        aggravating=["hip_extension"],
        health_history=HEALTH_HISTORY,
        red_flags={"night_pain_unrelieved": True},
        notes="Prefers the left side-lying position",
    )
    intake_services.record_assessment(intake=intake, by=therapist, tests=TESTS_WITH_SIDES)
    intake.refresh_from_db()
    screening = Screening.objects.filter(intake=intake).newest_first().first()
    clearance = clear(
        intake,
        by=therapist,
        clinician_name="Dr. Ferreira-Lindqvist",
        what="Night pain investigated; cleared for hip and abdominal massage",
        valid_until=date(2027, 6, 30),
    )
    judgement = intake_services.record_clinical_judgement(  # the referral answered, the flag may be judged
        screening_result=screening,
        by=therapist,
        judgement="not_indicated" if screening.iliopsoas == "consider" else "consider",
        reason=JUDGEMENT_REASON,
    )
    drawn = consent_services.record_consent(
        client=client,
        kind="abdominal",
        text=ConsentText.objects.current("abdominal"),
        signed_name="Maya W. Chen",
        collected_by=desk,
        signature_drawing=SIGNATURE_PNG,
    )
    treatment = give_consent(client, by=desk, kind="treatment")
    withdrawn = withdraw(treatment, by=desk, reason="Wants to think it over")
    give_consent(client, by=desk, kind="treatment")
    check = check_in(client, by=therapist, medication="Started ibuprofen 200 mg", injury="Twisted ankle on stairs")
    session = draft_session(client, therapist=therapist, before=7, after=3)
    session = services.update_session(session=session, version=session.version, **SOAP)
    open_abdominal_work(session, by=therapist)
    first = feedback_entry(session, pressure=2, pain=3, response="comfortable", note=FEEDBACK_NOTES[0])
    services.finish_abdominal_work(session=session)
    open_abdominal_work(session, by=therapist)
    second = feedback_entry(session, pressure=4, pain=7, response="stop", note=FEEDBACK_NOTES[1])
    session.refresh_from_db()
    signed = services.sign_session(session=session, by=therapist)
    addendum = add_addendum(signed, by=therapist, reason="Next-day call", text="Mild bruising right groin, fading")
    return {
        "intake": intake,
        "screening": screening,
        "judgement": judgement,
        "clearance": clearance,
        "drawn_consent": drawn,
        "withdrawn_consent": withdrawn,
        "health_check": check,
        "session": signed,
        "entries": [first, second],
        "addendum": addendum,
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


def consent_form_data(client, kind="abdominal", **overrides) -> dict:
    """What the consent form posts when the client signs for themselves, agreeing to every sensitive area."""
    text = ConsentText.objects.current(kind)
    areas = {f"area_{code}": "agreed" for code in SensitiveArea.values} if kind == "abdominal" else {}
    return {
        "kind": kind,
        "text_version": text.version,
        "has_read": "on",
        "signed_name": client.full_name,
        "support_person_offered": "yes",
        "signed_by": "client",
        **areas,
    } | overrides
