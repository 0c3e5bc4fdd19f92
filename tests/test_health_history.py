"""The health history of an intake (conditions, surgeries, medications, allergies, devices) and the client's family
physician and referral: saved, shown with every answer, nothing lost on a bad value, and the screening's answers
kept consistent with it."""

import pytest

from intake import health_history, screening
from intake.models import Intake
from tests.factories import intake_form_data

pytestmark = pytest.mark.django_db


def health_data(**overrides) -> dict:
    """The health-history part of an intake POST: nothing ticked, empty rows."""
    data = {
        "surgeries-TOTAL_FORMS": "2",
        "surgeries-INITIAL_FORMS": "0",
        "surgeries-MIN_NUM_FORMS": "0",
        "surgeries-MAX_NUM_FORMS": "20",
        "medications-TOTAL_FORMS": "3",
        "medications-INITIAL_FORMS": "0",
        "medications-MIN_NUM_FORMS": "0",
        "medications-MAX_NUM_FORMS": "20",
    }
    return data | overrides


def post_intake(as_user, user, client, **health):
    return as_user(user).post(
        f"/clients/{client.public_id}/intakes/new/", intake_form_data() | health_data(**health), follow=False
    )


FULL = {
    "health-conditions": ["diabetes", "epilepsy"],
    "health-conditions_other": "Migraine",
    "surgeries-0-what": "Appendectomy",
    "surgeries-0-when": "2019-05",
    "medications-0-name": "Metformin",
    "medications-0-dose": "500 mg",
    "medications-1-name": "Apixaban",
    "medications-1-anticoagulant": "on",
    "health-allergies": ["latex", "nuts"],
    "health-allergies_other": "Lavender oil",
    "health-devices": ["pacemaker"],
    "health-devices_other": "Cochlear implant",
}


def test_every_part_of_the_health_history_is_saved(as_user, front_desk, care_client):
    response = post_intake(as_user, front_desk, care_client, **FULL)

    assert response.status_code == 302
    stored = Intake.objects.get().health_history
    assert stored["conditions"] == ["diabetes", "epilepsy"] and stored["conditions_other"] == "Migraine"
    assert stored["surgeries"] == [{"what": "Appendectomy", "when": "2019-05"}]
    assert stored["medications"] == [
        {"name": "Metformin", "dose": "500 mg", "anticoagulant": False},
        {"name": "Apixaban", "dose": "", "anticoagulant": True},
    ]
    assert stored["allergies"] == ["latex", "nuts"] and stored["allergies_other"] == "Lavender oil"
    assert stored["devices"] == ["pacemaker"] and stored["devices_other"] == "Cochlear implant"


def test_the_intake_page_shows_every_answer_of_the_health_history(as_user, front_desk, therapist, care_client):
    post_intake(as_user, front_desk, care_client, **FULL)

    page = as_user(therapist).get(Intake.objects.get().get_absolute_url()).content.decode()

    for text in (
        "Diabetes",
        "Epilepsy or seizures",
        "Other: Migraine",
        "Appendectomy (2019-05)",
        "Metformin, 500 mg",
        "Apixaban: anticoagulant / blood thinner",
        "Latex",
        "Other: Lavender oil",
        "Pacemaker or defibrillator",
        "Other: Cochlear implant",
    ):
        assert text in page


def test_nothing_recorded_shows_as_none_recorded_in_each_part(as_user, front_desk, care_client):
    post_intake(as_user, front_desk, care_client)

    page = as_user(front_desk).get(Intake.objects.get().get_absolute_url()).content.decode()

    assert page.count("None recorded") == 5


def test_an_intake_taken_before_these_questions_says_so(as_user, front_desk, care_client):
    as_user(front_desk).post(f"/clients/{care_client.public_id}/intakes/new/", intake_form_data())

    intake = Intake.objects.get()
    page = as_user(front_desk).get(intake.get_absolute_url()).content.decode()

    assert intake.health_history == {}
    assert "Not asked on this intake" in page


def test_the_client_page_shows_the_latest_health_history(as_user, front_desk, therapist, care_client):
    post_intake(as_user, front_desk, care_client, **FULL)

    page = as_user(therapist).get(care_client.get_absolute_url()).content.decode()

    assert "Appendectomy (2019-05)" in page and "Apixaban: anticoagulant / blood thinner" in page


def test_a_bad_surgery_date_is_refused_beside_it_and_nothing_typed_is_lost(as_user, front_desk, care_client):
    response = post_intake(as_user, front_desk, care_client, **(FULL | {"surgeries-0-when": "last spring"}))

    page = response.content.decode()
    assert response.status_code == 200
    assert not Intake.objects.exists()
    assert "Enter a year (2019), a month (2019-05) or a day (2019-05-14)." in page
    assert 'id="error_1_id_surgeries-0-when"' in page  # crispy's message, tied to its field
    for kept in ('value="Appendectomy"', 'value="last spring"', 'value="Apixaban"', 'value="Lavender oil"'):
        assert kept in page
    assert 'value="latex"' in page and "checked" in page.split('value="latex"')[1][:40]


def test_a_surgery_date_in_the_future_is_refused(as_user, front_desk, care_client):
    response = post_intake(
        as_user, front_desk, care_client, **{"surgeries-0-what": "Knee scope", "surgeries-0-when": "2999"}
    )

    assert "A surgery&#x27;s date cannot be in the future." in response.content.decode()
    assert not Intake.objects.exists()


def test_a_dose_without_a_medication_asks_for_its_name(as_user, front_desk, care_client):
    response = post_intake(
        as_user, front_desk, care_client, **{"medications-2-dose": "5 mg", "medications-2-anticoagulant": "on"}
    )

    assert "Name the medication, or clear this row." in response.content.decode()
    assert not Intake.objects.exists()


def test_an_unknown_tick_is_refused(as_user, front_desk, care_client):
    response = post_intake(as_user, front_desk, care_client, **{"health-devices": ["teleporter"]})

    assert "teleporter is not one of the devices listed." in response.content.decode()
    assert not Intake.objects.exists()


def test_editing_an_intake_keeps_and_changes_its_health_history(as_user, front_desk, care_client):
    post_intake(as_user, front_desk, care_client, **FULL)
    intake = Intake.objects.get()
    form = as_user(front_desk).get(f"/intakes/{intake.public_id}/edit/").content.decode()
    assert 'value="Appendectomy"' in form and 'value="Apixaban"' in form

    as_user(front_desk).post(
        f"/intakes/{intake.public_id}/edit/",
        intake_form_data() | health_data(**{"surgeries-0-what": "Hernia repair", "surgeries-0-when": "2020"}),
    )

    intake.refresh_from_db()
    assert intake.health_history["surgeries"] == [{"what": "Hernia repair", "when": "2020"}]
    assert intake.health_history["medications"] == []


# -- The screening's answers follow the health history -----------------------------------------------------------


def test_an_anticoagulant_medication_answers_the_blood_thinner_question_yes(as_user, front_desk, care_client):
    response = post_intake(
        as_user, front_desk, care_client, **{"medications-0-name": "Warfarin", "medications-0-anticoagulant": "on"}
    )

    intake = Intake.objects.get()
    assert intake.history["anticoagulant_or_bleeding_disorder"] is True
    assert intake.screenings.get().abdominal_work == "caution"
    page = as_user(front_desk).get(response.url).content.decode()
    assert "Answered yes from the health history" in page


def test_a_medication_not_marked_anticoagulant_leaves_the_answer_no(as_user, front_desk, care_client):
    post_intake(as_user, front_desk, care_client, **{"medications-0-name": "Metformin"})

    assert Intake.objects.get().history["anticoagulant_or_bleeding_disorder"] is False


def test_an_iud_in_the_devices_answers_the_iud_question_yes(as_user, front_desk, care_client):
    post_intake(as_user, front_desk, care_client, **{"health-devices": ["iud"]})

    assert Intake.objects.get().history["iud"] is True


def test_yes_to_the_iud_question_ticks_the_iud_in_the_devices(as_user, front_desk, care_client):
    as_user(front_desk).post(
        f"/clients/{care_client.public_id}/intakes/new/", intake_form_data(iud="yes") | health_data()
    )

    assert Intake.objects.get().health_history["devices"] == ["iud"]


@pytest.mark.skipif("osteoporosis" not in screening.HISTORY_FLAGS, reason="ruleset 2026.12's osteoporosis answer")
def test_osteoporosis_in_the_conditions_answers_the_osteoporosis_question_yes(as_user, front_desk, care_client):
    post_intake(as_user, front_desk, care_client, **{"health-conditions": ["osteoporosis"]})

    assert Intake.objects.get().history["osteoporosis"] is True


@pytest.mark.skipif("hip_replacement" not in screening.HISTORY_CHOICES, reason="ruleset 2026.12's hip answer")
def test_a_hip_replacement_in_the_conditions_answers_the_hip_question_with_an_unknown_approach(
    as_user, front_desk, care_client
):
    post_intake(as_user, front_desk, care_client, **{"health-conditions": ["hip_replacement"]})

    assert Intake.objects.get().history["hip_replacement"] == "unknown"


def test_reconcile_keeps_a_known_hip_approach_and_ticks_the_condition():
    history = {"hip_replacement": "posterior", "iud": False}
    health = health_history.empty() | {"devices": ["iud"]}

    reconciled, structured, changed = health_history.reconcile(history, health)

    if "hip_replacement" in screening.HISTORY_CHOICES:
        assert reconciled["hip_replacement"] == "posterior"
        assert "hip_replacement" in structured["conditions"]
    assert reconciled["iud"] is True and changed[0] == "iud"


def test_reconcile_never_turns_a_bleeding_disorder_into_a_medication():
    reconciled, structured, changed = health_history.reconcile(
        {"anticoagulant_or_bleeding_disorder": True}, health_history.empty()
    )

    assert reconciled["anticoagulant_or_bleeding_disorder"] is True
    assert structured["medications"] == [] and changed == []


# -- The client: family physician and referral -------------------------------------------------------------------


def test_family_physician_and_referral_are_saved_and_shown(as_user, front_desk, care_client):
    data = {
        "first_name": care_client.first_name,
        "last_name": care_client.last_name,
        "date_of_birth": care_client.date_of_birth.isoformat(),
        "family_physician_name": "Dr. Rosa Lima",
        "family_physician_contact": "Main St Clinic, 416-555-0199",
        "referral_source": "therapist",
        "referral_detail": "Sam at the physio clinic",
    }

    response = as_user(front_desk).post(f"/clients/{care_client.public_id}/edit/", data)

    care_client.refresh_from_db()
    assert response.status_code == 302
    assert (care_client.family_physician_name, care_client.referral_source) == ("Dr. Rosa Lima", "therapist")
    page = as_user(front_desk).get(care_client.get_absolute_url()).content.decode()
    assert "Dr. Rosa Lima" in page and "Main St Clinic, 416-555-0199" in page
    assert "Another therapist: Sam at the physio clinic" in page


def test_a_client_without_a_physician_or_referral_says_so(as_user, front_desk, care_client):
    page = as_user(front_desk).get(care_client.get_absolute_url()).content.decode()

    assert "None recorded" in page and "Not recorded" in page
