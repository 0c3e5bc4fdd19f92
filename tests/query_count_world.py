"""The two worlds tests/test_query_counts.py measures every page in: "small" holds one record of each kind (so both
sizes take the same branches in views and templates), "large" holds many of each. What the pages under test read
is written through the services (intakes and their screening, clearances, consents, the two sessions under test,
emergency accesses); the volume around it (past sessions, feedback entries, other clients, audit entries) in bulk,
by tests/history_helpers.py. `census` counts what a world holds."""

from dataclasses import dataclass
from datetime import timedelta

from auditlog.models import LogEntry
from django.utils import timezone

from clinic import services as clinic_services
from clinic.models import Client
from intake import client_form_services as client_forms
from intake.models import Intake, QuestionnaireResponse
from intake.services import record_questionnaire
from notes import services
from notes.models import TreatmentSession
from tests import factories
from tests import history_helpers as h


@dataclass(frozen=True)
class Size:
    intakes: int  # the last one is the intake under test; every intake refers, the first `clearances` are cleared
    complaints: int  # per intake
    clearances: int
    consents: int  # the last is the active abdominal consent under test
    withdrawn: int  # of the others, this many withdrawn
    past_sessions: int  # signed sessions before the two under test
    entries: int  # feedback entries of each session under test (signed and draft)
    addenda: int  # of the signed session under test
    clients: int  # in the list, the client under test included
    care_team: int
    grants: int  # emergency accesses to the client under test
    audit_entries: int  # besides those the services write
    submissions: int  # forms sent by the client through their links, waiting for review; the last is under test
    questionnaires: int  # of each of two instruments (PSFS and RMDQ), a week apart; the last RMDQ is under test


SIZES = {
    "small": Size(
        intakes=1,
        complaints=1,
        clearances=1,
        consents=2,
        withdrawn=1,
        past_sessions=0,
        entries=2,
        addenda=1,
        clients=3,
        care_team=1,
        grants=1,
        audit_entries=0,
        submissions=1,
        questionnaires=2,
    ),
    "large": Size(
        intakes=6,
        complaints=4,
        clearances=3,
        consents=8,
        withdrawn=3,
        past_sessions=120,
        entries=200,
        addenda=5,
        clients=60,
        care_team=3,
        grants=4,
        audit_entries=300,
        submissions=6,
        questionnaires=15,
    ),
}

COMPLAINTS = [
    {"region": "anterior_hip_groin", "side": "right", "pain_now": 6},
    {"region": "low_back", "side": "central", "pain_now": 5},
    {"region": "buttock", "side": "left", "pain_now": 4},
    {"region": "anterior_thigh", "side": "right", "pain_now": 3},
]
REFERRED = {"night_pain_unrelieved": True}  # refers the client; a clearance opens abdominal work again
LETTER = b"%PDF-1.4\n% Dr. Okafor: cleared for soft-tissue work\n%%EOF\n"
SEARCHED_NAME = "Maya"


@dataclass
class World:
    users: dict
    client: Client
    intake: Intake
    clearance: object
    consent: object
    signed: TreatmentSession
    draft: TreatmentSession
    submission: object
    questionnaire: QuestionnaireResponse


def client_sent_forms(client, *, by):
    """Forms the client sent through a link of their own (made and used through the services)."""
    link, _token = client_forms.create_link(client=client, by=by)
    answers = {"complaints": [dict(COMPLAINTS[0], pain_worst=None, onset="")], "history": {}, "red_flags": {}}
    contact = {"phone": "416-555-0199", "email": "maya@example.org"}
    return client_forms.submit(link=link, data={"contact": contact, "intake": answers, "implied": []})


def live_session(client, *, therapist, entries):
    """A draft session with abdominal work open and `entries` feedback entries (two through the service)."""
    session = h.draft_session(client, therapist=therapist, before=6)
    h.abdominal_work(session, by=therapist, pains=(4, 3))
    segment = session.segments.get()
    last = session.entries.order_by("-at").first().at
    h.bulk_feedback(session, segment, count=entries - 2, after=last)
    return session


def build_world(size: Size) -> World:
    desk = factories.front_desk_user(username="qc-desk")
    therapist = factories.therapist_user(username="qc-theo")
    admin = factories.clinic_admin_user(username="qc-boss")
    outsider = factories.therapist_user(username="qc-outsider")
    team = [therapist] + [factories.therapist_user(username=f"qc-colleague{n}") for n in range(size.care_team - 1)]
    client = factories.ClientFactory(first_name=SEARCHED_NAME, last_name="Chen", care_team=team)

    complaints = COMPLAINTS[: size.complaints]
    intakes = [h.take_intake(client, by=desk, complaints=complaints, red_flags=REFERRED) for _ in range(size.intakes)]
    for n, intake in enumerate(intakes[: size.clearances - 1]):
        h.clear(intake, by=therapist, cleared_on=timezone.localdate(), clinician_name=f"Dr. {n}", what="Massage")
    intake = intakes[-1]
    clearance = h.clear(
        intake,
        by=therapist,
        cleared_on=timezone.localdate(),
        what="Soft-tissue work including the hip flexors",
        letter=LETTER,
    )

    earlier = [
        h.give_consent(client, by=desk, kind="treatment" if n % 2 == 0 else "abdominal")
        for n in range(size.consents - 1)
    ]
    for consent in earlier[: size.withdrawn]:
        h.withdraw(consent, by=desk)
    consent = h.give_consent(client, by=desk, kind="abdominal", signature_drawing=h.SIGNATURE_PNG)

    h.bulk_signed_sessions(client, therapist=therapist, intakes=intakes, count=size.past_sessions)
    signed = live_session(client, therapist=therapist, entries=size.entries)
    signed = services.sign_session(session=signed, by=therapist)
    for n in range(size.addenda):
        h.add_addendum(signed, by=therapist, text=f"Follow-up call {n}: soreness gone next day.")
    draft = live_session(client, therapist=therapist, entries=size.entries)

    for n in range(size.grants):
        visitor = factories.therapist_user(username=f"qc-visitor{n}")
        clinic_services.grant_emergency_access(client=client, user=visitor, reason="Covering for Theo today, urgent")

    for n in range(size.questionnaires):
        taken_at = timezone.now() - timedelta(days=7 * (size.questionnaires - n))
        activities = [{"name": f"activity {a}", "rating": (n + a) % 11} for a in range(3)]
        record_questionnaire(
            client=client, by=desk, instrument="psfs", answers={"activities": activities}, taken_at=taken_at
        )
        ticked = {str(item): True for item in range(1, 2 + n % 20)}
        questionnaire = record_questionnaire(
            client=client, by=therapist, instrument="rmdq", answers=ticked, taken_at=taken_at
        )

    others = h.bulk_clients(count=size.clients - 1, team=team, first_names=(SEARCHED_NAME, "Robert"))
    h.bulk_audit_entries(count=size.audit_entries, users=[desk, therapist, admin, *team], clients=[client, *others])
    submissions = [client_sent_forms(client, by=desk) for _ in range(size.submissions)]
    users = {"desk": desk, "therapist": therapist, "admin": admin, "outsider": outsider}
    return World(users, client, intake, clearance, consent, signed, draft, submissions[-1], questionnaire)


def census(world: World) -> dict:
    """What the world holds, to check that the builder made the sizes it was asked for."""
    client = world.client
    return {
        "intakes": client.intakes.count(),
        "complaints": world.intake.complaints.count(),
        "clearances": client.clearances.count(),
        "consents": client.consents.count(),
        "withdrawn": client.consents.filter(withdrawn_at__isnull=False).count(),
        "past_sessions": client.sessions.filter(status="signed").count() - 1,
        "entries": (world.signed.entries.count(), world.draft.entries.count()),
        "addenda": world.signed.addenda.count(),
        "clients": Client.objects.count(),
        "care_team": client.care_team.count(),
        "grants": client.emergency_accesses.count(),
        "audit_entries": LogEntry.objects.filter(remote_addr__startswith="10.0.0.").count(),
        "submissions": client.form_submissions.count(),
        "questionnaires": client.questionnaire_responses.filter(instrument="rmdq").count(),
    }
