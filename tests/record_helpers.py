"""A client's whole clinical record built through the services (with the helpers of tests/history_helpers.py):
intake, consent, a signed session with abdominal work and feedback, an addendum, and a draft session. Shared by the
trigger and retention tests."""

from dataclasses import dataclass

from django.db import connection

from clinic.models import Client, User
from intake.models import Intake
from notes import services
from notes.models import Consent, TreatmentSession
from tests import history_helpers as h
from tests.factories import screened_intake

GROIN = {"region": "anterior_hip_groin", "side": "right", "pain_now": 6}


@dataclass
class Record:
    client: Client
    intake: Intake
    consent: Consent
    signed: TreatmentSession
    draft: TreatmentSession


def session_with_feedback(client, therapist, *, entries: int = 1) -> TreatmentSession:
    """A draft session (every complaint rated 6 before) with abdominal work open and `entries` feedback entries."""
    session = h.draft_session(client, therapist=therapist, before=6)
    h.abdominal_work(session, by=therapist, pains=(3,) * entries)
    return session


def clinical_record(client: Client, *, therapist: User, front_desk: User) -> Record:
    intake = screened_intake(client, by=front_desk, complaints=[GROIN])
    given = h.give_consent(client, by=front_desk)
    signed = session_with_feedback(client, therapist)
    signed = services.sign_session(session=signed, by=therapist)
    h.add_addendum(signed, by=therapist, reason="Typo", text="Pressure was 2, not 3.")
    draft = session_with_feedback(client, therapist)
    return Record(client=client, intake=intake, consent=given, signed=signed, draft=draft)


def run_sql(sql: str, params=()) -> int:
    """Run one raw statement and return the number of rows it touched."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount
