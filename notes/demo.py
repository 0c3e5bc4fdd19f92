"""Demo consents and sessions for `manage.py seed_demo`: ready to run the whole flow from the demo data."""

from clinic.models import Client, User
from notes import consent_services, services
from notes.demo_long_course import DEMO_AREAS, seed_long_course
from notes.models import ConsentKind, ConsentText, TreatmentSession

# Clients (by last name) who signed both consents at the desk.
CONSENTING = ("Chen", "Okonkwo", "Fitzgerald", "Nakamura", "Mensah", "Raman")


def seed_demo_notes(*, users: dict[str, User]) -> str:
    desk, therapist = users["frontdesk"], users["therapist"]
    consents = 0
    for last_name in CONSENTING:
        client = Client.objects.filter(last_name=last_name).first()
        if client is None or client.consents.exists():
            continue
        for kind in ConsentKind.values:
            consent_services.record_consent(
                client=client,
                kind=kind,
                text=ConsentText.objects.current(kind),
                signed_name=client.full_name,
                collected_by=desk,
                areas=DEMO_AREAS if kind == ConsentKind.ABDOMINAL else None,
                support_person_offered=True,
            )
            consents += 1
    sessions = 0
    okonkwo = Client.objects.filter(last_name="Okonkwo").first()
    if okonkwo is not None and not okonkwo.sessions.exists():
        pains = {c.pk: 5 for c in services.latest_intake(okonkwo).complaints.current()}
        session = services.start_session(
            client=okonkwo,
            therapist=therapist,
            pain_before=pains,
            subjective="Low back ache after long rides; stiff getting up in the morning.",
        )
        services.update_session(
            session=session,
            version=session.version,
            pain_after={pk: 3 for pk in pains},
            objective="Hip flexors tight bilaterally on Thomas test, no pain reproduced.",
            assessment="Low back pain with tight hip flexors; iliopsoas not indicated by screening.",
            plan="Lumbar and gluteal work; review in two weeks.",
            home_care="Half-kneeling hip flexor stretch, 3 x 30 s daily.",
        )
        services.sign_session(session=TreatmentSession.objects.get(pk=session.pk), by=therapist)
        sessions += 1
    long_course = seed_long_course(users=users)
    return (
        f"{consents} new demo consent(s), {sessions} new demo session(s), "
        f"{long_course} new long-course client(s) (Diane Kowalski, twelve signed sessions)"
    )
