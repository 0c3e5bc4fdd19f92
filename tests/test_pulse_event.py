""" "Pulse felt, hands moved": an event of its own, one tap on the live panel while a stretch of abdominal work is
open, recorded with its time, shown in red on the timeline, sealed with the note and frozen once signed."""

import io
import uuid

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from pypdf import PdfReader

from notes.models import PulseEvent
from tests import history_helpers as h
from tests.factories import screened_intake
from tests.record_helpers import run_sql

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_stretch(care_client, therapist, front_desk):
    screened_intake(care_client, by=front_desk, complaints=[h.LOW_BACK])
    h.give_consent(care_client, by=front_desk)
    session = h.draft_session(care_client, therapist=therapist)
    h.open_abdominal_work(session, by=therapist)
    return session


def test_one_tap_records_the_pulse_and_the_timeline_shows_it_in_red(as_user, therapist, open_stretch):
    response = as_user(therapist).post(
        f"/sessions/{open_stretch.public_id}/pulse/", {"token": str(uuid.uuid4())}, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200
    event = PulseEvent.objects.get(session=open_stretch)
    assert event.segment == open_stretch.segments.get()
    assert 'class="list-group-item timeline-pulse text-danger"' in response.content.decode()
    assert "pulse felt, hands moved" in response.content.decode()


def test_the_same_tap_sent_twice_is_one_event(as_user, therapist, open_stretch):
    token = str(uuid.uuid4())
    browser = as_user(therapist)

    browser.post(f"/sessions/{open_stretch.public_id}/pulse/", {"token": token})
    browser.post(f"/sessions/{open_stretch.public_id}/pulse/", {"token": token})

    assert PulseEvent.objects.count() == 1


def test_no_pulse_is_recorded_without_an_open_stretch(as_user, therapist, open_stretch):
    h.services.finish_abdominal_work(session=open_stretch)

    response = as_user(therapist).post(
        f"/sessions/{open_stretch.public_id}/pulse/", {"token": str(uuid.uuid4())}, HTTP_HX_REQUEST="true"
    )

    assert "No stretch of abdominal work is open" in response.content.decode()
    assert not PulseEvent.objects.exists()


@pytest.mark.parametrize(("who", "status"), [("front_desk", 403), ("clinic_admin", 403), ("outsider_therapist", 404)])
def test_only_the_sessions_therapist_records_a_pulse(request, as_user, open_stretch, who, status):
    response = as_user(request.getfixturevalue(who)).post(
        f"/sessions/{open_stretch.public_id}/pulse/", {"token": str(uuid.uuid4())}
    )

    assert response.status_code == status
    assert not PulseEvent.objects.exists()


def test_the_seal_covers_the_pulse_events(therapist, open_stretch):
    event = h.pulse_felt(open_stretch)
    h.services.sign_session(session=open_stretch, by=therapist)
    lift = {
        "sqlite": "DROP TRIGGER notes_pulseevent_signed_no_update",
        "postgresql": "DROP TRIGGER notes_pulseevent_guard ON notes_pulseevent",
    }
    run_sql(lift[connection.vendor])
    run_sql("UPDATE notes_pulseevent SET at = %s WHERE id = %s", [open_stretch.started_at, event.pk])
    errors = io.StringIO()

    with pytest.raises(CommandError):
        call_command("verify_notes", stdout=io.StringIO(), stderr=errors)

    assert f"ALTERED: session {open_stretch.public_id}" in errors.getvalue()


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE notes_pulseevent SET at = at WHERE session_id = %s",
        "DELETE FROM notes_pulseevent WHERE session_id = %s",
    ],
)
def test_the_database_freezes_a_signed_sessions_pulse_events(therapist, open_stretch, sql):
    h.pulse_felt(open_stretch)
    h.services.sign_session(session=open_stretch, by=therapist)

    with pytest.raises(DatabaseError), transaction.atomic():
        run_sql(sql, [open_stretch.pk])

    assert PulseEvent.objects.filter(session=open_stretch).count() == 1


def test_a_pulse_cannot_be_slipped_into_a_signed_session(therapist, open_stretch):
    segment = open_stretch.segments.get()
    h.services.sign_session(session=open_stretch, by=therapist)

    with pytest.raises(DatabaseError), transaction.atomic():
        run_sql(
            "INSERT INTO notes_pulseevent (session_id, segment_id, at, token) VALUES (%s, %s, %s, %s)",
            [open_stretch.pk, segment.pk, open_stretch.started_at, uuid.uuid4().hex],
        )

    assert not PulseEvent.objects.exists()


def test_the_exports_hold_the_pulse_events(as_user, therapist, open_stretch):
    h.pulse_felt(open_stretch)
    h.services.sign_session(session=open_stretch, by=therapist)

    bundle = as_user(therapist).get(f"/clients/{open_stretch.client.public_id}/export.fhir.json").json()
    pdf = as_user(therapist).get(f"/clients/{open_stretch.client.public_id}/export.pdf")

    (pulse,) = [
        e["resource"] for e in bundle["entry"] if e["resource"].get("code", {}).get("text") == "Pulse felt, hands moved"
    ]
    (stretch,) = [e["resource"] for e in bundle["entry"] if e["resource"]["id"] == pulse["partOf"][0]["reference"][9:]]
    assert pulse["resourceType"] == "Observation" and pulse["effectiveDateTime"]
    assert stretch["resourceType"] == "Procedure" and "iliopsoas" in stretch["code"]["text"]
    assert "Pulse felt, hands moved" in " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
