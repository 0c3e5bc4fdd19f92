"""Abdominal work in detail: a stretch's position, approach and landmark (chosen when it opens, or changed while it
is open) and an entry's breath phase and hold time, all optional, nothing pre-selected; shown on the timeline and
the PDF, sealed with the note."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from notes.models import AbdominalSegment, FeedbackEntry
from tests import history_helpers as h
from tests.factories import feedback_form_data, screened_intake
from tests.record_helpers import run_sql

pytestmark = pytest.mark.django_db

DETAILS = {"position": "supine_knees_bent", "approach": "iliacus_iliac_fossa", "landmark": "asis_iliac_fossa"}


@pytest.fixture
def ready(care_client, therapist, front_desk):
    """A draft whose abdominal work the gate lets through, once re-confirmed."""
    screened_intake(care_client, by=front_desk, complaints=[h.LOW_BACK])
    h.give_consent(care_client, by=front_desk)
    session = h.draft_session(care_client, therapist=therapist)
    h.check_in(care_client, by=therapist)
    return session


def entry(**extra) -> dict:
    return feedback_form_data(**extra)


def test_the_stretch_opens_with_its_position_approach_and_landmark(as_user, therapist, ready):
    response = as_user(therapist).post(
        f"/sessions/{ready.public_id}/abdominal/", {"reconfirmed": "on", "action": "start"} | DETAILS
    )

    assert response.status_code == 302
    segment = AbdominalSegment.objects.get(session=ready)
    assert (segment.position, segment.approach, segment.landmark) == tuple(DETAILS.values())
    page = as_user(therapist).get(ready.get_absolute_url()).content.decode()
    assert "Supine, knees bent; Iliacus along the iliac fossa; Medial to the ASIS, into the iliac fossa" in page


def test_a_stretch_opens_without_any_detail(as_user, therapist, ready):
    as_user(therapist).post(f"/sessions/{ready.public_id}/abdominal/", {"reconfirmed": "on", "action": "start"})

    segment = AbdominalSegment.objects.get(session=ready)
    assert (segment.position, segment.approach, segment.landmark) == (None, None, None)


def test_the_details_change_while_the_stretch_is_open(as_user, therapist, ready):
    h.open_abdominal_work(ready, by=therapist)

    response = as_user(therapist).post(f"/sessions/{ready.public_id}/stretch/", DETAILS | {"position": "side_lying"})

    assert response.status_code == 302
    assert AbdominalSegment.objects.get(session=ready).position == "side_lying"


@pytest.mark.parametrize(("who", "status"), [("front_desk", 403), ("clinic_admin", 403), ("outsider_therapist", 404)])
def test_only_the_sessions_therapist_changes_the_details(request, as_user, therapist, ready, who, status):
    h.open_abdominal_work(ready, by=therapist)

    response = as_user(request.getfixturevalue(who)).post(f"/sessions/{ready.public_id}/stretch/", DETAILS)

    assert response.status_code == status
    assert AbdominalSegment.objects.get(session=ready).position is None


def test_an_entry_records_its_breath_phase_and_hold(as_user, therapist, ready):
    h.open_abdominal_work(ready, by=therapist)

    as_user(therapist).post(f"/sessions/{ready.public_id}/feedback/", entry(breath_phase="exhale", hold_seconds="90"))

    recorded = FeedbackEntry.objects.get(session=ready)
    assert (recorded.breath_phase, recorded.hold_seconds) == ("exhale", 90)
    page = as_user(therapist).get(ready.get_absolute_url()).content.decode()
    assert "Exhale" in page and "held 90 s" in page


def test_an_entry_needs_neither_breath_nor_hold(as_user, therapist, ready):
    h.open_abdominal_work(ready, by=therapist)

    as_user(therapist).post(f"/sessions/{ready.public_id}/feedback/", entry())

    recorded = FeedbackEntry.objects.get(session=ready)
    assert (recorded.breath_phase, recorded.hold_seconds) == (None, None)


def test_a_hold_too_long_is_refused_beside_its_field(as_user, therapist, ready):
    h.open_abdominal_work(ready, by=therapist)

    response = as_user(therapist).post(f"/sessions/{ready.public_id}/feedback/", entry(hold_seconds="900"))

    assert "A hold is at most 600 seconds." in response.content.decode()
    assert not FeedbackEntry.objects.exists()


def test_the_live_form_preselects_no_breath_phase(as_user, therapist, ready):
    h.open_abdominal_work(ready, by=therapist)

    page = as_user(therapist).get(ready.get_absolute_url()).content.decode()

    assert 'name="breath_phase"' in page and "checked" not in page.split('name="breath_phase"')[1].split(">")[0]


@pytest.mark.parametrize(
    ("table", "sql"),
    [
        ("abdominalsegment", "UPDATE notes_abdominalsegment SET landmark = 'umbilicus_level' WHERE session_id = %s"),
        ("feedbackentry", "UPDATE notes_feedbackentry SET hold_seconds = 5 WHERE session_id = %s"),
    ],
)
def test_the_seal_covers_the_stretch_and_entry_details(therapist, ready, table, sql):
    services = h.services
    services.request_abdominal_work(session=ready, by=therapist, reconfirmed=True, **DETAILS)
    h.feedback_entry(
        ready, side="left", pressure=2, pain=2, response="comfortable", breath_phase="exhale", hold_seconds=60
    )
    services.sign_session(session=ready, by=therapist)
    lift = {
        "sqlite": f"DROP TRIGGER notes_{table}_signed_no_update",
        "postgresql": f"DROP TRIGGER notes_{table}_guard ON notes_{table}",
    }
    run_sql(lift[connection.vendor])
    run_sql(sql, [ready.pk])
    errors = io.StringIO()

    with pytest.raises(CommandError):
        call_command("verify_notes", stdout=io.StringIO(), stderr=errors)

    assert f"ALTERED: session {ready.public_id}" in errors.getvalue()


def test_a_note_signed_before_these_details_still_verifies(therapist, ready):
    """Nothing new recorded, nothing new in the sealed content: notes sealed before these fields verify."""
    h.abdominal_work(ready, by=therapist)
    signed = h.services.sign_session(session=ready, by=therapist)

    content = h.services.hashing.session_content(signed)

    assert "areas" not in content and "pulses" not in content and "adverse_effects" not in content
    assert "position" not in content["segments"][0] and "breath_phase" not in content["entries"][0]
    call_command("verify_notes", stdout=io.StringIO(), stderr=io.StringIO())
