"""The long-course demo client for `manage.py seed_demo`: Diane Kowalski, a whole chart a newcomer can read.

A whole-body intake with a filled health history (ruleset 2026.12), referred for night pain and cleared by her
family physician for massage including abdominal work, a clinical judgement to consider iliopsoas work, both
consents, then twelve signed weekly-ish sessions over three months with abdominal work in detail (a stop, a pulse
felt, an adverse effect in one note), her pain falling from 7 to 3; today, a soreness reported against the last
session, an addendum, the treatment plan and today's health check.

Everything is written through the services, as the app writes it. The services stamp records "now", so each is
moved back to its day as tests/history_helpers.py does: a draft's records before it is signed (the seal covers
them), the rest after. Records the database never lets change keep today's date (a plan, an adverse effect, an
addendum, and the signature moment of each note), except the consents, written with their day.
"""

import uuid
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from clinic import services as clinic_services
from clinic.models import Client, User
from intake import labels
from intake import services as intake_services
from intake.models import ClearanceScope, Intake
from notes import course_services, services
from notes.demo_long_course_work import NAUSEA_VISIT, Stretch, areas, stretches
from notes.demo_questionnaires import answer_questionnaires
from notes.models import (
    AbdominalSegment,
    AreaConfirmation,
    Consent,
    ConsentKind,
    ConsentText,
    SensitiveArea,
    TreatmentSession,
)

# The sensitive areas the demo clients agree to: all but the breast (treated only at a client's own request).
DEMO_AREAS = [SensitiveArea.ABDOMEN, SensitiveArea.FRONT_HIP, SensitiveArea.GLUTEAL, SensitiveArea.CHEST_WALL]

CLIENT = {
    "first_name": "Diane",
    "last_name": "Kowalski",
    "pronouns": "she/her",
    "date_of_birth": date(1971, 3, 15),
    "phone": "416-555-0113",
    "email": "diane.kowalski@example.com",
    "family_physician_name": "Dr. Marcus Bell",
    "family_physician_contact": "Danforth Family Health, 416-555-0190",
    "referral_source": "physician",
    "referral_detail": "Dr. Marcus Bell, after the night pain was investigated",
    "desk_notes": "Long-course demo client: twelve sessions over three months. Latex allergy: nitrile gloves.",
}
COMPLAINTS = [
    {"region": "low_back", "side": "central", "pain_now": 7, "pain_worst": 9, "onset": "chronic"},
    {"region": "anterior_hip_groin", "side": "right", "pain_now": 5, "pain_worst": 7, "onset": "subacute"},
    # Charted on the body chart, not scored by the screening.
    {"region": "shoulder", "side": "left", "pain_now": 4, "pain_worst": 6, "onset": "chronic"},
]
HEALTH_HISTORY = {
    "conditions": ["arthritis"],
    "conditions_other": "Hypothyroidism, treated",
    "surgeries": [{"what": "Appendectomy", "when": "1989-07"}, {"what": "Right knee arthroscopy", "when": "2015-04"}],
    "medications": [
        {"name": "Levothyroxine", "dose": "75 mcg daily", "anticoagulant": False},
        {"name": "Ibuprofen", "dose": "400 mg as needed", "anticoagulant": False},
    ],
    "allergies": ["latex"],
    "allergies_other": "",
    "devices": [],
    "devices_other": "",
}
TESTS = {
    "resisted_hip_flexion": {"result": "positive_pain", "side": "right"},
    "hip_flexor_stretch_thomas": {"result": "positive_pain", "side": "right"},
    "iliopsoas_palpation": {"result": "positive_pain", "side": "right"},
    "slr": {"result": "negative", "side": "both"},
    "passive_hip_internal_rotation": {"result": "normal", "side": "both"},
}
INTAKE_DAYS_AGO, CLEARED_DAYS_AGO = 98, 94

# Days ago; (low back, right groin, left shoulder) before and after treatment; what the client said.
VISITS = [
    (91, (7, 5, 4), (5, 3, 3), "First visit since Dr. Bell's clearance. Back worst after a day at the ledger."),
    (84, (7, 5, 4), (4, 3, 3), "Slept through two nights after the first visit; groin sore after weeding."),
    (77, (6, 5, 3), (4, 3, 2), "Mornings stiff, evenings easier. Wary of the belly work after last week's ache."),
    (70, (6, 4, 3), (4, 3, 2), "Walked to the market and back without stopping."),
    (63, (5, 4, 3), (3, 2, 2), "Back ache only after long sitting now; stairs easier."),
    (57, (5, 3, 2), (3, 2, 1), "Gardened two hours at the weekend, sore next morning only."),
    (49, (5, 3, 2), (3, 2, 1), "A stiff day after a long drive; otherwise steady."),
    (42, (4, 3, 2), (2, 2, 1), "Doing the hip flexor stretch most days."),
    (35, (4, 2, 2), (2, 1, 1), "Groin barely noticed this week; shoulder fine after painting a fence."),
    (28, (3, 2, 1), (2, 1, 1), "Good week; off for two weeks to visit family."),
    (14, (4, 2, 1), (2, 1, 1), "Back stiffer after the flights and a soft bed; settling."),
    (7, (3, 2, 1), (1, 1, 0), "Walked 30 minutes every day this week without back pain."),
]

# Early, middle and late in the course: objective, assessment, plan, home care.
PHASES = [
    (
        "Lumbar paraspinals hypertonic L3-L5; right Thomas test reproduces the groin pain; left infraspinatus "
        "trigger points.",
        "Mechanical low back pain with right iliopsoas involvement; night pain investigated and cleared by Dr. Bell.",
        "Weekly: lumbar and gluteal work, iliacus then psoas release as tolerated, left shoulder trigger points.",
        "Supine psoas release with a soft ball, 2 x 60 s daily; stand and walk after each hour of sitting.",
    ),
    (
        "Paraspinal tone reduced; right Thomas test tight without groin pain; infraspinatus less tender.",
        "Improving as expected; tolerates psoas work at pressure 3 on the exhale.",
        "Continue weekly; add pin-and-stretch with active hip extension.",
        "Half-kneeling hip flexor stretch 3 x 30 s daily; ball release as before.",
    ),
    (
        "Lumbar flexion full and pain-free; Thomas test negative on the right; left shoulder clear.",
        "Low back and groin reduced to a mild ache; goals of the plan nearly met.",
        "Reassess at the twelve-week visit; space visits to every two weeks.",
        "Keep the hip flexor stretch; walk 30 minutes daily.",
    ),
]


def at(days_ago: int, hour: int, minute: int = 0) -> datetime:
    day = timezone.localdate() - timedelta(days=days_ago)
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def seed_long_course(*, users: dict[str, User]) -> int:
    """Create the long-course client and their chart unless they exist; return how many clients were created."""
    if Client.objects.named_exactly(
        first_name=CLIENT["first_name"], last_name=CLIENT["last_name"], date_of_birth=CLIENT["date_of_birth"]
    ).exists():
        return 0
    desk, therapist = users["frontdesk"], users["therapist"]
    client = clinic_services.create_client(created_by=desk, care_team=[therapist], **CLIENT)
    intake = take_intake(client, desk=desk, therapist=therapist)
    for kind in ConsentKind.values:
        # As consent_services.record_consent writes it, with the day it was signed: a consent row is never updated (the
        # database refuses it), so it cannot be moved back afterwards.
        Consent(
            client=client,
            kind=kind,
            text=ConsentText.objects.current(kind),
            signed_name=client.full_name,
            collected_by=desk,
            signed_at=at(INTAKE_DAYS_AGO, 10, 5),
            areas=DEMO_AREAS if kind == ConsentKind.ABDOMINAL else None,
            support_person_offered=True,
        ).save()
    complaints = list(intake.complaints.current())
    sessions = [treat(client, visit, complaints, therapist=therapist, desk=desk) for visit in range(len(VISITS))]
    after_the_course(client, sessions, therapist=therapist, desk=desk)
    answer_questionnaires(client, desk=desk, therapist=therapist, at=at)
    return 1


def take_intake(client: Client, *, desk: User, therapist: User) -> Intake:
    """The whole-body intake, referred for night pain, assessed, cleared and judged; all on their days."""
    history = {name: False for name in labels.HISTORY_FLAGS} | {name: "none" for name in labels.HISTORY_CHOICES}
    intake = intake_services.record_intake(
        client=client,
        taken_by=desk,
        complaints=COMPLAINTS,
        sex="F",
        aggravating=["prolonged_sitting", "rising_from_sitting", "stairs_leg_lift", "hip_extension"],
        history=history,
        red_flags={name: False for name in labels.RED_FLAGS} | {"night_pain_unrelieved": True},
        health_history=HEALTH_HISTORY,
        notes="Bookkeeper and keen gardener. Referred by Dr. Bell; night pain to be checked before treatment.",
    )
    intake_services.record_assessment(intake=intake, by=therapist, tests=TESTS)
    intake.taken_at, intake.assessed_at = at(INTAKE_DAYS_AGO, 10), at(INTAKE_DAYS_AGO, 10, 40)
    intake.save()
    for n, screening in enumerate(intake.screenings.order_by("id")):  # at the desk, then with the tests
        screening.screened_at = intake.assessed_at if n else intake.taken_at
        screening.save()
    clearance = intake_services.record_clearance(
        intake=intake,
        by=therapist,
        cleared_on=timezone.localdate() - timedelta(days=CLEARED_DAYS_AGO),
        clinician_name="Dr. Marcus Bell (family physician)",
        clinician_practice="Danforth Family Health",
        what_was_cleared="Night pain investigated (X-ray and bloods normal): mechanical low back pain. Cleared for "
        "massage including abdominal work.",
        scope=ClearanceScope.INCLUDING_ABDOMINAL,
    )
    clearance.recorded_at = at(CLEARED_DAYS_AGO, 14)
    clearance.save()
    judgement = intake_services.record_clinical_judgement(
        screening_result=intake.screenings.order_by("-id").first(),
        by=therapist,
        judgement="consider",
        reason="Night pain cleared by Dr. Bell; resisted hip flexion, Thomas test and palpation reproduce her groin "
        "pain on the right.",
    )
    judgement.recorded_at = at(CLEARED_DAYS_AGO, 14, 10)
    judgement.save()
    client.screened_at, client.last_judgement_at = intake.assessed_at, judgement.recorded_at
    client.save(update_fields=["screened_at", "last_judgement_at"])
    return intake


def treat(client: Client, visit: int, complaints: list, *, therapist: User, desk: User) -> TreatmentSession:
    """One visit: the day's health check, the session with its abdominal work, signed; moved back to its day."""
    days_ago, before, after, said = VISITS[visit]
    started = at(days_ago, 16)
    check = intake_services.record_health_check(
        client=client, by=desk, no_change=True, anticoagulant=False, pregnant=False, menstruating_today=False
    )
    session = services.start_session(
        client=client,
        therapist=therapist,
        pain_before={c.pk: pain for c, pain in zip(complaints, before, strict=True)},
        subjective=said,
        abdominal_planned=True,
    )
    session.started_at = started
    session.save()
    initial_areas(session, by=therapist, at=started + timedelta(minutes=5))
    objective, assessment, plan, home_care = PHASES[visit // 4]
    services.update_session(
        session=session,
        version=session.version,
        pain_after={c.pk: pain for c, pain in zip(complaints, after, strict=True)},
        areas=areas(visit),
        objective=objective,
        assessment=assessment,
        plan=plan,
        home_care=home_care,
    )
    moment = started + timedelta(minutes=35)
    for stretch in stretches(visit, groin=before[1]):
        moment = work(session, stretch, by=therapist, opens_at=moment) + timedelta(minutes=3)
    if visit == NAUSEA_VISIT:
        course_services.record_adverse_effect(
            session=session,
            by=therapist,
            kind="nausea",
            note="Brief nausea during right psoas work; settled in side-lying within ten minutes.",
            onset_on=started.date(),
            at=moment,
        )
    # Signed at the end of the visit, as the therapist did that day (not the day the demo was seeded).
    signed = services.sign_session(
        session=TreatmentSession.objects.get(pk=session.pk), by=therapist, at=moment + timedelta(minutes=10)
    )
    check.visit_day, check.recorded_at = started.date(), started - timedelta(minutes=10)
    check.save()
    return signed


# The sensitive areas of each visit's work (areas(visit): the gluteals, the abdomen), as the consent names them.
INITIALLED = (SensitiveArea.ABDOMEN, SensitiveArea.GLUTEAL)


def initial_areas(session: TreatmentSession, *, by: User, at: datetime) -> None:
    """The client's initials typed on the tablet at the visit, before the work, for each area of INITIALLED: as
    notes.visit_consent.confirm_areas writes them (against the consent in force naming the area), at the visit's
    moment: a confirmation row is never updated (the database refuses it), so it cannot be moved back afterwards."""
    in_force = Consent.objects.in_force_per_area(session.client)
    initials = f"{CLIENT['first_name'][0]}{CLIENT['last_name'][0]}"
    for area in INITIALLED:
        AreaConfirmation(
            session=session,
            consent=in_force[area],
            area=area,
            agreed=True,
            method=AreaConfirmation.Method.INITIALS_TYPED,
            initials=initials,
            confirmed_at=at,
            recorded_by=by,
        ).save()


def work(session: TreatmentSession, stretch: Stretch, *, by: User, opens_at: datetime) -> datetime:
    """A stretch of abdominal work on the client's re-confirmation, its entries two minutes apart from `opens_at`;
    returns when it ended."""
    segment = services.request_abdominal_work(
        session=session,
        by=by,
        reconfirmed=True,
        precautions_reviewed=True,
        position=stretch.position,
        approach=stretch.approach,
        landmark=stretch.landmark,
    )
    moment, stopped = opens_at, False
    for n, (side, technique, pressure, pain, response, breath, hold, note) in enumerate(stretch.entries):
        moment += timedelta(minutes=2)
        entry, _created = services.record_feedback(
            session=session,
            token=uuid.uuid4(),
            side=side,
            technique=technique,
            pressure=pressure,
            pain=pain,
            response=response,
            note=note,
            breath_phase=breath,
            hold_seconds=hold,
        )
        entry.at = moment
        entry.save()
        stopped = response == "stop"
        if stretch.pulse_after == n:
            moment += timedelta(seconds=40)
            event, _created = services.record_pulse_felt(session=session, token=uuid.uuid4())
            event.at = moment
            event.save()
    if not stopped:
        services.finish_abdominal_work(session=session)
    segment = AbdominalSegment.objects.get(pk=segment.pk)  # as finishing left it
    segment.reconfirmed_at = opens_at
    segment.ended_at = moment if stopped else moment + timedelta(minutes=1)
    segment.save()
    return segment.ended_at


def after_the_course(client: Client, sessions: list, *, therapist: User, desk: User) -> None:
    """Today's visit: the health check, a soreness reported against the last session, a correction, the plan."""
    intake_services.record_health_check(
        client=client, by=desk, no_change=True, anticoagulant=False, pregnant=False, menstruating_today=False
    )
    last = sessions[-1]
    course_services.record_adverse_effect(
        session=last,
        by=therapist,
        kind="soreness_48h",
        note="Right groin sore for three days after the last visit; eased with heat.",
        onset_on=timezone.localdate(last.started_at) + timedelta(days=1),
    )
    services.add_addendum(
        session=sessions[8],
        author=therapist,
        reason="Correction",
        text="Home care given was the half-kneeling hip flexor stretch only; the ball release had stopped a week "
        "before. Confirmed with the client at the twelve-week reassessment.",
    )
    course_services.write_treatment_plan(
        client=client,
        by=therapist,
        goals="Sit through a working day and walk 30 minutes without low back pain; climb stairs without groin "
        "pain; keep the left shoulder clear for gardening.",
        reassess_on=timezone.localdate() + timedelta(weeks=6),
        visits=1,
        per="two_weeks",
        for_weeks=6,
        frequency_note="Weekly for the first twelve weeks (done); now every two weeks.",
    )
