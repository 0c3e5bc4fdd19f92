"""The clinic's day, not UTC's: every test here runs with the clock frozen at 23:30 in the clinic (Toronto), when
UTC is already on the next day. Dates shown or compared are the clinic's whatever hour the suite runs."""

import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from intake.models import Intake
from notes import services
from notes.gate import AbdominalWorkRefused
from notes.models import TreatmentSession
from tests import factories, record_helpers
from tests import history_helpers as h
from tests.test_notes_core import LIFT_ENTRY_UPDATE_TRIGGER

TORONTO = ZoneInfo("America/Toronto")
# 23:30 on 3 December in the clinic is 04:30 on 4 December in UTC.
EVENING = datetime(2026, 12, 3, 23, 30, tzinfo=TORONTO)
CLINIC_DAY = "2026-12-03"
UTC_DAY = "2026-12-04"


@pytest.fixture(autouse=True)
def evening(settings):
    settings.TIME_ZONE = "America/Toronto"
    with time_machine.travel(EVENING, tick=True):
        assert timezone.now().astimezone(ZoneInfo("UTC")).date() == date(2026, 12, 4)
        yield


def test_the_clock_is_at_the_hour_when_the_days_differ():
    assert timezone.localdate() == date(2026, 12, 3)
    assert timezone.now().date() == date(2026, 12, 4)


def test_an_intake_taken_in_the_evening_is_labelled_with_the_clinic_day(as_user, front_desk, care_client):
    response = as_user(front_desk).post(
        f"/clients/{care_client.public_id}/intakes/new/", factories.intake_form_data(), follow=True
    )

    intake = Intake.objects.get()
    assert response.status_code == 200
    assert str(intake) == f"Intake of Maya Chen on {CLINIC_DAY}"
    assert timezone.localtime(intake.taken_at).date() == timezone.localdate()
    page = as_user(front_desk).get(intake.get_absolute_url()).content.decode()
    assert CLINIC_DAY in page
    assert UTC_DAY not in page


def test_the_age_screened_is_the_age_on_the_clinic_day(therapist, front_desk):
    # Born on 4 December: 35 on the clinic's 3 December, though UTC is already on their birthday.
    client = factories.ClientFactory(date_of_birth=date(1990, 12, 4), care_team=[therapist])
    intake = factories.screened_intake(client, by=front_desk)

    assert intake.answers()["age"] == 35


def test_session_consent_and_addendum_labels_use_the_clinic_day(care_client, therapist, front_desk):
    record = record_helpers.clinical_record(care_client, therapist=therapist, front_desk=front_desk)
    addendum = record.signed.addenda.get()

    labels = [str(record.consent), str(record.signed), str(addendum)]

    assert all(CLINIC_DAY in label for label in labels), labels
    assert not any(UTC_DAY in label for label in labels), labels
    entry = record.signed.entries.first()
    assert str(entry).startswith(timezone.localtime(entry.at).strftime("%H:%M:%S"))
    assert str(entry).startswith("23:")


def test_a_withdrawal_refusal_gives_the_clinic_time(care_client, therapist, front_desk):
    factories.screened_intake(care_client, by=front_desk, complaints=[record_helpers.GROIN])
    consent = h.give_consent(care_client, by=front_desk)
    h.withdraw(consent, by=front_desk, reason="Changed my mind")
    session = h.draft_session(care_client, therapist=therapist, before=None)

    with pytest.raises(AbdominalWorkRefused) as refused:
        services.request_abdominal_work(session=session, by=therapist, reconfirmed=True)

    assert f"{CLINIC_DAY} 23:3" in str(refused.value.reason)
    assert UTC_DAY not in str(refused.value.reason)


def test_the_history_chart_dates_the_ratings_on_the_clinic_day(as_user, care_client, therapist, front_desk):
    record = record_helpers.clinical_record(care_client, therapist=therapist, front_desk=front_desk)

    page = as_user(therapist).get(f"/clients/{care_client.public_id}/history/").content.decode()

    assert record.signed.status == TreatmentSession.Status.SIGNED
    # The chart's description for screen readers, and each point's title: "<day> before 6", "(before, <day>)".
    assert f"{CLINIC_DAY} before 6" in page
    assert f"(before, {CLINIC_DAY})" in page
    assert f"{UTC_DAY} before" not in page
    assert f"(before, {UTC_DAY})" not in page


def test_verify_notes_names_the_session_by_the_clinic_day(care_client, therapist, front_desk):
    record = record_helpers.clinical_record(care_client, therapist=therapist, front_desk=front_desk)
    # Changed behind the app's back, past the trigger that refuses it (as tests/test_notes_core.py does).
    record_helpers.run_sql(LIFT_ENTRY_UPDATE_TRIGGER[connection.vendor])
    record_helpers.run_sql("UPDATE notes_feedbackentry SET pain = 9 WHERE session_id = %s", [record.signed.pk])
    errors = io.StringIO()

    with pytest.raises(CommandError):
        call_command("verify_notes", stdout=io.StringIO(), stderr=errors)

    assert f"of {CLINIC_DAY} " in errors.getvalue()
    assert UTC_DAY not in errors.getvalue()
