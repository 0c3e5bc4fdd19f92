"""A treatment plan per client: goals, planned frequency, reassessment date. Written by care-team therapists, each
change a new version (the earlier kept); the client page shows it and "reassessment due", the therapist's home lists
the clients whose reassessment is due."""

import io
from datetime import timedelta

import pytest
from django.db import DatabaseError, transaction
from django.utils import timezone
from pypdf import PdfReader

from notes.models import TreatmentPlan
from tests import history_helpers as h
from tests.factories import ClientFactory
from tests.record_helpers import run_sql

pytestmark = pytest.mark.django_db

PLAN = {
    "goals": "Sit through a workday without groin pain",
    "visits": "1",
    "per": "week",
    "for_weeks": "6",
    "frequency_note": "",
    "reassess_on": "2027-01-15",
}


def test_a_care_team_therapist_writes_a_plan(as_user, therapist, care_client):
    response = as_user(therapist).post(f"/clients/{care_client.public_id}/plan/", PLAN)

    assert response.status_code == 302
    plan = TreatmentPlan.objects.get(client=care_client)
    assert plan.goals == PLAN["goals"] and plan.frequency == "1 visit per week for 6 weeks"
    assert plan.written_by == therapist and str(plan.reassess_on) == "2027-01-15"


def test_updating_the_plan_writes_a_new_version_and_keeps_the_earlier(as_user, therapist, care_client):
    first = h.write_plan(care_client, by=therapist, goals="First goals")

    as_user(therapist).post(f"/clients/{care_client.public_id}/plan/", PLAN | {"goals": "Second goals"})

    versions = list(TreatmentPlan.objects.filter(client=care_client).order_by("id"))
    assert [v.goals for v in versions] == ["First goals", "Second goals"]
    assert versions[1].replaces == first
    page = as_user(therapist).get(f"/clients/{care_client.public_id}/plan/").content.decode()
    assert "First goals" in page and "Second goals" in page


def test_a_plan_needs_goals_a_frequency_and_a_date(as_user, therapist, care_client):
    response = as_user(therapist).post(f"/clients/{care_client.public_id}/plan/", {"goals": ""})

    assert response.status_code == 200
    page = response.content.decode()
    assert "Write the goals of the treatment." in page
    assert "Say how often" in page and "Choose the date of the reassessment." in page
    assert not TreatmentPlan.objects.exists()


def test_frequency_in_words_alone_is_enough(as_user, therapist, care_client):
    words = {"goals": "Ease", "frequency_note": "as needed after flare-ups", "reassess_on": "2027-01-15"}

    as_user(therapist).post(f"/clients/{care_client.public_id}/plan/", words)

    assert TreatmentPlan.objects.get().frequency == "as needed after flare-ups"


@pytest.mark.parametrize(("who", "status"), [("front_desk", 403), ("clinic_admin", 403), ("outsider_therapist", 404)])
def test_only_care_team_therapists_write_a_plan(request, as_user, care_client, who, status):
    user = request.getfixturevalue(who)

    response = as_user(user).post(f"/clients/{care_client.public_id}/plan/", PLAN)

    assert response.status_code == status
    assert not TreatmentPlan.objects.exists()


def test_the_client_page_shows_the_plan_and_reassessment_due(as_user, therapist, care_client):
    h.write_plan(care_client, by=therapist, goals="Climb stairs", reassess_on=timezone.localdate())

    page = as_user(therapist).get(care_client.get_absolute_url()).content.decode()

    assert "Climb stairs" in page and "reassessment due" in page


def test_a_reassessment_in_the_future_is_not_due(as_user, therapist, care_client):
    h.write_plan(care_client, by=therapist, reassess_on=timezone.localdate() + timedelta(days=1))

    page = as_user(therapist).get(care_client.get_absolute_url()).content.decode()

    assert "Walk 30 minutes" in page and "reassessment due" not in page


def test_the_front_desk_does_not_see_the_plan(as_user, front_desk, therapist, care_client):
    h.write_plan(care_client, by=therapist)

    page = as_user(front_desk).get(care_client.get_absolute_url()).content.decode()

    assert "Walk 30 minutes" not in page


def test_the_therapists_home_lists_their_clients_whose_reassessment_is_due(as_user, therapist, care_client):
    today = timezone.localdate()
    h.write_plan(care_client, by=therapist, reassess_on=today - timedelta(days=3))
    later = ClientFactory(first_name="Noor", last_name="Haddad", care_team=[therapist])
    h.write_plan(later, by=therapist, reassess_on=today + timedelta(days=10))
    replaced = ClientFactory(first_name="Ivan", last_name="Petrov", care_team=[therapist])
    h.write_plan(replaced, by=therapist, reassess_on=today - timedelta(days=1))
    h.write_plan(replaced, by=therapist, reassess_on=today + timedelta(days=30))  # the new version is not due
    elsewhere = ClientFactory(first_name="Ana", last_name="Lopes")
    h.write_plan(elsewhere, by=therapist, reassess_on=today)

    page = as_user(therapist).get("/").content.decode()

    due = page.split('id="reassessments-heading"')[1].split("</section>")[0]
    assert care_client.display_name in due
    assert "Noor" not in due and "Ivan" not in due and "Ana" not in due


def test_a_plan_is_never_changed_in_the_database(therapist, care_client):
    plan = h.write_plan(care_client, by=therapist)

    with pytest.raises(DatabaseError), transaction.atomic():
        run_sql("UPDATE notes_treatmentplan SET goals = 'rewritten' WHERE id = %s", [plan.pk])
    with pytest.raises(DatabaseError), transaction.atomic():
        run_sql("DELETE FROM notes_treatmentplan WHERE id = %s", [plan.pk])

    assert TreatmentPlan.objects.get(pk=plan.pk).goals == plan.goals


def test_the_exports_hold_every_version_of_the_plan(as_user, therapist, care_client):
    h.write_plan(care_client, by=therapist, goals="Walk to work")
    h.write_plan(care_client, by=therapist, goals="Run 5 km")

    pdf = as_user(therapist).get(f"/clients/{care_client.public_id}/export.pdf")
    bundle = as_user(therapist).get(f"/clients/{care_client.public_id}/export.fhir.json").json()

    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Run 5 km" in text and "Walk to work" in text and "1 visit per week for 6 weeks" in text
    plans = [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "CarePlan"]
    assert [(p["description"], p["status"]) for p in plans] == [("Run 5 km", "active"), ("Walk to work", "revoked")]
