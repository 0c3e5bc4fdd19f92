"""A client's whole clinical record built through the services: intake, consents, a signed session with
abdominal work and feedback, an addendum, and a draft session. Shared by the trigger and retention tests."""

import uuid
from dataclasses import dataclass

from django.db import connection

from clinic.models import Client, User
from intake.models import Intake
from notes import services
from notes.models import Consent, ConsentText, TreatmentSession
from tests.factories import screened_intake

GROIN = {"region": "anterior_hip_groin", "side": "right", "pain_now": 6}


@dataclass
class Record:
    client: Client
    intake: Intake
    consent: Consent
    signed: TreatmentSession
    draft: TreatmentSession


def consent(client, by, kind="abdominal") -> Consent:
    return services.record_consent(
        client=client, kind=kind, text=ConsentText.objects.current(kind), signed_name=client.full_name, collected_by=by
    )


def session_with_feedback(client, therapist, *, entries: int = 1) -> TreatmentSession:
    intake = client.intakes.first()
    session = services.start_session(
        client=client, therapist=therapist, pain_before={c.pk: 6 for c in intake.complaints.current()}
    )
    services.request_abdominal_work(session=session, by=therapist, reconfirmed=True)
    for _ in range(entries):
        services.record_feedback(
            session=session,
            token=uuid.uuid4(),
            side="right",
            technique="sustained_pressure",
            pressure=2,
            pain=3,
            response="tender",
        )
    return session


def clinical_record(client: Client, *, therapist: User, front_desk: User) -> Record:
    intake = screened_intake(client, by=front_desk, complaints=[GROIN])
    given = consent(client, front_desk)
    signed = session_with_feedback(client, therapist)
    signed = services.sign_session(session=signed, by=therapist)
    services.add_addendum(session=signed, author=therapist, reason="Typo", text="Pressure was 2, not 3.")
    draft = session_with_feedback(client, therapist)
    return Record(client=client, intake=intake, consent=given, signed=signed, draft=draft)


def run_sql(sql: str, params=()) -> int:
    """Run one raw statement and return the number of rows it touched."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount
