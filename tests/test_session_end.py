"""When a session ended, as the note says: a therapist who signs after the visit gives the end (the sign page asks,
filled in with what signing would otherwise record), so a 10:00 session signed at 18:00 does not read as eight
hours long, with its after-treatment pains taken at 18:00. The end is sealed with the note. Bad ends are refused
and nothing is signed."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from notes import services
from notes.models import AbdominalSegment, TreatmentSession
from tests import history_helpers as h
from tests.factories import screened_intake
from tests.record_helpers import GROIN

pytestmark = pytest.mark.django_db

TORONTO = ZoneInfo("America/Toronto")


def toronto(hour, minute=0, second=0):
    return datetime(2026, 12, 4, hour, minute, second, tzinfo=TORONTO)


@pytest.fixture
def clock():
    with time_machine.travel(toronto(10), tick=False) as traveller:
        yield traveller


@pytest.fixture
def session(clock, care_client, therapist, front_desk):
    screened_intake(care_client, by=front_desk, complaints=[GROIN])
    h.give_consent(care_client, by=front_desk)
    h.check_in(care_client, by=front_desk)
    return h.draft_session(care_client, therapist=therapist, started_at=toronto(10))


def sign_url(session):
    return f"/sessions/{session.public_id}/sign/"


def with_a_timeline(session, clock, therapist):
    """A stretch of abdominal work opened at 10:20, one entry at 10:35:20, the stretch finished at 10:40."""
    clock.move_to(toronto(10, 20))
    h.open_abdominal_work(session, by=therapist)
    clock.move_to(toronto(10, 35, 20))
    h.feedback_entry(session)
    finish_at(session, clock, toronto(10, 40))


def finish_at(session, clock, moment):
    clock.move_to(moment)
    services.finish_abdominal_work(session=session)


def test_signed_after_the_visit_the_note_keeps_the_end_given(clock, as_user, therapist, session):
    clock.move_to(toronto(18))
    browser = as_user(therapist)

    response = browser.post(sign_url(session), {"ended_at": "2026-12-04 11:00"})

    session.refresh_from_db()
    assert response.status_code == 302
    assert session.status == TreatmentSession.Status.SIGNED
    assert session.ended_at == toronto(11) == datetime(2026, 12, 4, 16, 0, tzinfo=UTC)
    assert session.signed_at == toronto(18)
    page = browser.get(session.get_absolute_url()).content.decode()
    assert "duration 1:00:00" in page
    call_command("verify_notes")  # the end given is what was sealed: the check of every signed note passes


def test_without_an_end_signing_records_what_it_always_did(clock, as_user, therapist, session):
    clock.move_to(toronto(10, 55))

    as_user(therapist).post(sign_url(session))

    session.refresh_from_db()
    assert (session.status, session.ended_at) == (TreatmentSession.Status.SIGNED, toronto(10, 55))


def test_the_sign_page_offers_what_signing_would_record(clock, as_user, therapist, session):
    clock.move_to(toronto(10, 50))
    assert 'value="2026-12-04 10:50"' in as_user(therapist).get(sign_url(session)).content.decode()  # none: now

    with_a_timeline(session, clock, therapist)
    clock.move_to(toronto(12, 5))
    page = as_user(therapist).get(sign_url(session)).content.decode()  # signed in again after the idle time
    assert 'name="ended_at"' in page and 'value="2026-12-04 10:40"' in page  # the timeline's last moment


def test_a_stretch_still_open_is_offered_now_and_closes_at_the_end_given(clock, as_user, therapist, session):
    clock.move_to(toronto(10, 20))
    h.open_abdominal_work(session, by=therapist)
    clock.move_to(toronto(10, 30))
    h.feedback_entry(session)
    clock.move_to(toronto(16, 45))
    browser = as_user(therapist)
    assert 'value="2026-12-04 16:45"' in browser.get(sign_url(session)).content.decode()

    browser.post(sign_url(session), {"ended_at": "2026-12-04 10:50"})

    session.refresh_from_db()
    stretch = AbdominalSegment.objects.get(session=session)
    assert session.ended_at == stretch.ended_at == toronto(10, 50)
    assert stretch.end_reason == AbdominalSegment.EndReason.FINISHED


def test_the_minute_of_the_last_entry_keeps_the_entrys_second(clock, as_user, therapist, session):
    clock.move_to(toronto(10, 20))
    h.open_abdominal_work(session, by=therapist)
    clock.move_to(toronto(10, 35, 20))
    h.feedback_entry(session)
    finish_at(session, clock, toronto(10, 35, 40))
    clock.move_to(toronto(15))

    as_user(therapist).post(sign_url(session), {"ended_at": "2026-12-04 10:35"})

    session.refresh_from_db()
    assert session.ended_at == toronto(10, 35, 40)  # not 10:35:00, before what the timeline holds


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("2026-12-04 09:59", "That is before the session started (2026-12-04 10:00)."),
        ("2026-12-04 10:39", "That is before the last moment on the timeline (2026-12-04 10:40)."),
        ("2026-12-04 18:01", "That is later than now (2026-12-04 18:00)."),
        ("2026-12-05 09:00", "That is later than now (2026-12-04 18:00)."),
        ("12/04/2026 11:00", "Enter the day and the time as YYYY-MM-DD HH:MM"),
        ("11:00", "Enter the day and the time as YYYY-MM-DD HH:MM"),
        ("2026-12-04", "Enter the day and the time as YYYY-MM-DD HH:MM"),
        ("2026-12-04 11:00'; DROP TABLE notes_treatmentsession; --", "Enter the day and the time as YYYY-MM-DD HH:MM"),
    ],
)
def test_an_end_it_cannot_take_is_refused_and_nothing_is_signed(clock, as_user, therapist, session, typed, message):
    with_a_timeline(session, clock, therapist)
    clock.move_to(toronto(18))

    response = as_user(therapist).post(sign_url(session), {"ended_at": typed})

    session.refresh_from_db()
    page = response.content.decode()
    assert response.status_code == 200
    assert message in page.replace("&#x27;", "'")
    assert "The session was not signed" in page
    assert session.status == TreatmentSession.Status.DRAFT and session.ended_at is None
    assert AbdominalSegment.objects.get(session=session).ended_at == toronto(10, 40)
