"""`manage.py seed_demo`: the demo users with their roles, a dozen clients and the long-course client with a
whole chart, idempotent."""

import io
from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command
from django.utils import timezone

from clinic.models import Client, User
from intake.models import ClearanceScope, HealthCheck, Intake, PhysicianClearance
from notes.models import (
    AbdominalSegment,
    Addendum,
    AdverseEffect,
    FeedbackEntry,
    PulseEvent,
    TreatmentPlan,
    TreatmentSession,
)
from tests.test_client_history import outcome_rows

pytestmark = pytest.mark.django_db


def seed():
    call_command("seed_demo", stdout=io.StringIO())


def test_seed_demo_creates_the_four_demo_users_with_their_roles(settings):
    settings.DEBUG = True

    seed()

    roles_of = {u.username: set(u.role_names) for u in User.objects.prefetch_related("groups")}
    assert roles_of == {
        "frontdesk": {"Front desk"},
        "therapist": {"Therapist"},
        "therapist2": {"Therapist"},
        "admin": {"Clinic admin"},
    }
    assert User.objects.get(username="therapist").check_password("demo")


def test_seed_demo_uses_the_demo_password_from_the_environment(settings, monkeypatch):
    settings.DEBUG = True
    monkeypatch.setenv("DEMO_PASSWORD", "another-demo-pass")

    seed()

    assert User.objects.get(username="frontdesk").check_password("another-demo-pass")


def test_seed_demo_creates_a_dozen_clients_and_the_long_course_client_one_only_in_therapist2s_care(settings):
    settings.DEBUG = True

    seed()

    assert Client.objects.count() == 13
    only_t2 = [
        c
        for c in Client.objects.prefetch_related("care_team")
        if [m.username for m in c.care_team.all()] == ["therapist2"]
    ]
    assert len(only_t2) >= 1


def test_running_seed_demo_twice_changes_nothing(settings):
    settings.DEBUG = True
    seed()
    before = stored()

    seed()

    assert stored() == before


def stored():
    counted = (Intake, HealthCheck, TreatmentSession, FeedbackEntry, PulseEvent, AdverseEffect, Addendum, TreatmentPlan)
    return (
        list(Client.objects.order_by("pk").values()),
        list(User.objects.order_by("pk").values()),
        LogEntry.objects.count(),
        [model.objects.count() for model in counted],
    )


# -- The long-course client ----------------------------------------------------------------------------------------


@pytest.fixture
def kowalski(settings):
    settings.DEBUG = True
    seed()
    return Client.objects.get(first_name="Diane", last_name="Kowalski")


def test_the_long_course_client_has_twelve_signed_sessions_over_three_months(kowalski):
    sessions = list(TreatmentSession.objects.for_client(kowalski).order_by("started_at"))

    assert [s.status for s in sessions] == ["signed"] * 12
    assert timedelta(days=80) <= sessions[-1].started_at - sessions[0].started_at <= timedelta(days=95)
    assert all(s.segments.exists() and s.entries.exists() and s.areas.exists() for s in sessions)


def test_each_long_course_visit_is_signed_and_initialled_the_day_it_happened(kowalski):
    sessions = list(TreatmentSession.objects.for_client(kowalski).order_by("started_at"))
    in_notes = AdverseEffect.objects.filter(session__client=kowalski, reported_later=False)

    for session in sessions:
        day = timezone.localdate(session.started_at)
        assert timezone.localdate(session.signed_at) == day, session
        assert session.started_at <= session.ended_at <= session.signed_at, session
        assert {timezone.localdate(row.confirmed_at) for row in session.area_confirmations.all()} == {day}
    assert all(timezone.localdate(e.reported_at) == timezone.localdate(e.session.started_at) for e in in_notes)


def test_the_long_course_chart_holds_every_kind_of_record(kowalski):
    intake = Intake.objects.get(client=kowalski)
    entries = FeedbackEntry.objects.filter(session__client=kowalski)

    assert {c.region for c in intake.complaints.all()} == {"low_back", "anterior_hip_groin", "shoulder"}
    assert intake.health_history["medications"] and intake.history["kidney_transplant"] is False
    assert AbdominalSegment.objects.filter(session__client=kowalski, end_reason="stop").count() == 1
    assert entries.filter(response="stop").count() == 1
    assert not entries.filter(breath_phase=None).exists() and entries.exclude(hold_seconds=None).exists()
    assert AbdominalSegment.objects.filter(session__client=kowalski).exclude(approach=None).exists()
    assert PulseEvent.objects.filter(session__client=kowalski).count() == 1
    assert sorted(AdverseEffect.objects.filter(session__client=kowalski).values_list("reported_later", flat=True)) == [
        False,
        True,
    ]
    assert PhysicianClearance.objects.get(client=kowalski).scope == ClearanceScope.INCLUDING_ABDOMINAL
    assert Addendum.objects.filter(session__client=kowalski).count() == 1
    assert TreatmentPlan.objects.filter(client=kowalski).count() == 1


def test_every_demo_note_verifies_against_its_seal(kowalski):
    out = io.StringIO()

    call_command("verify_notes", stdout=out)

    assert out.getvalue().startswith("OK: 13 signed session(s)")


def test_the_long_course_history_shows_a_meaningful_change(kowalski, client):
    client.force_login(User.objects.get(username="therapist"))

    rows = outcome_rows(client.get(f"/clients/{kowalski.public_id}/history/"))

    low_back = next(row for row in rows if row[0].startswith("Low back"))
    assert (low_back[1][:1], low_back[2][:1], low_back[4], low_back[5]) == ("7", "3", "yes", "12")
    assert all(row[4] == "yes" for row in rows)


def test_one_demo_client_filled_in_the_forms_before_the_first_visit_and_one_waits_for_review(settings):
    from intake.models import ClientSubmission, Screening

    settings.DEBUG = True
    seed()

    accepted = ClientSubmission.objects.get(status="accepted")
    pending = ClientSubmission.objects.get(status="submitted")
    assert accepted.client.last_name == "Tremblay" and accepted.intake.client == accepted.client
    assert Screening.objects.filter(intake=accepted.intake).exists()
    assert accepted.client.phone == "514-555-0111"
    assert pending.client.last_name == "O'Sullivan" and not pending.client.intakes.exists()


def test_the_client_who_filled_in_her_forms_first_answered_two_questionnaires_with_them_and_twice_since(settings):
    from intake.models import ClientSubmission, QuestionnaireResponse

    settings.DEBUG = True
    seed()

    accepted = ClientSubmission.objects.get(status="accepted")
    answered = list(QuestionnaireResponse.objects.filter(client=accepted.client).order_by("taken_at", "instrument"))
    with_the_forms = [r for r in answered if r.source == "client"]
    assert {r.instrument for r in with_the_forms} == {"rmdq", "nprs"}
    assert all(r.taken_at == accepted.submitted_at < accepted.reviewed_at for r in with_the_forms)
    since = [r for r in answered if r.taken_at > accepted.submitted_at]
    assert len({timezone.localdate(r.taken_at) for r in since}) == 2 and {r.instrument for r in since} == {
        "rmdq",
        "nprs",
    }
    assert [r.score for r in answered if r.instrument == "rmdq"] == [7, 4, 2]
