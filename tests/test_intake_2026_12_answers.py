"""The answers ruleset 2026.12 adds, through HTTP: the intake form asks the new health questions and the whole-body
regions, stores them and screens with them; the visit check asks about a birth; the assessment records each test's
side and resisted hip flexion's weakness; the intake page shows every answer, "no" included, and each test with its
side; a screening stored under 2026.11 still shows."""

import re

import pytest
from django.utils.html import escape

from intake import labels
from intake.models import Intake, Screening
from notes.gate import CONTRAINDICATED
from tests import history_helpers as h
from tests.factories import assessment_form_data, intake_form_data, screened_intake
from tests.test_gate_truth import gate_conditions, start

pytestmark = pytest.mark.django_db

GROIN = {"region": "anterior_hip_groin", "side": "right", "pain_now": 5}
NEW_QUESTIONS = [
    "kidney_transplant",
    "vascular_graft_abdominal",
    "dvt_current_or_recent",
    "dvt_history",
    "caesarean",
    "ostomy",
    "abdominal_mesh",
    "lymph_nodes_removed_abdomen_groin",
    "endometriosis",
    "osteoporosis",
]
ROW = re.compile(r'<dd class="(answer-row[^"]*)"><span>(.*?)</span><span class="text-nowrap">(.*?)</span>')


def str_escape(text) -> str:
    return str(escape(text))


def new_intake(browser, client, **answers):
    return browser.post(f"/clients/{client.public_id}/intakes/new/", intake_form_data(**answers))


def answer_rows(page) -> dict:
    return {question: (answer, "answer-notable" in classes) for classes, question, answer in ROW.findall(page)}


# -- The intake form ----------------------------------------------------------------------------------------------


def test_the_intake_form_asks_every_new_question_and_offers_every_region(as_user, front_desk, care_client):
    page = as_user(front_desk).get(f"/clients/{care_client.public_id}/intakes/new/").content.decode()

    for name in NEW_QUESTIONS:
        assert f'name="{name}" value="yes"' in page, name
        assert str_escape(labels.HISTORY_FLAGS[name]) in page
    for approach in ("none", "posterior", "anterior", "unknown"):
        assert f'name="hip_replacement" value="{approach}"' in page
    assert 'name="childbirth_weeks_ago"' in page
    for region, label in labels.REGIONS.items():
        assert f'<option value="{region}">{str_escape(label)}</option>' in page, region


def test_the_intake_form_saves_the_new_answers_and_screens_with_them(as_user, front_desk, care_client):
    response = new_intake(
        as_user(front_desk),
        care_client,
        complaints=[GROIN],
        dvt_history="yes",
        hip_replacement="posterior",
        childbirth_weeks_ago="14",
        caesarean="yes",
    )

    intake = Intake.objects.get()
    assert response.status_code == 302
    assert {name: intake.history[name] for name in ("dvt_history", "hip_replacement", "childbirth_weeks_ago")} == {
        "dvt_history": True,
        "hip_replacement": "posterior",
        "childbirth_weeks_ago": 14,
    }
    assert intake.history["caesarean"] is True and intake.history["ostomy"] is False
    screening = intake.screenings.get()
    assert screening.abdominal_work == "caution"
    assert [r["rule"] for r in screening.reasons if r["rule"].startswith("caution.")] == [
        "caution.dvt_history",
        "caution.hip_replacement_posterior",
        "caution.caesarean_12_to_26_weeks",
    ]


def test_a_negative_number_of_weeks_since_birth_is_named_next_to_its_field(as_user, front_desk, care_client):
    response = new_intake(as_user(front_desk), care_client, complaints=[GROIN], childbirth_weeks_ago="-2")

    assert response.status_code == 200
    assert "A number of weeks cannot be negative." in response.content.decode()
    assert not Intake.objects.exists()


def test_a_recent_clot_makes_abdominal_work_contraindicated_and_the_gate_refuses_it(
    as_user, therapist, front_desk, care_client
):
    new_intake(as_user(front_desk), care_client, complaints=[GROIN], dvt_current_or_recent="yes")
    h.give_consent(care_client, by=front_desk)
    h.check_in(care_client, by=front_desk)
    session = h.draft_session(care_client, therapist=therapist)

    page = start(as_user(therapist), session).content.decode()

    care_client.refresh_from_db()
    assert care_client.screening_abdominal_work == "contraindicated"
    assert gate_conditions(session) == [CONTRAINDICATED]
    assert not session.segments.exists()
    assert "marks abdominal work contraindicated" in page
    assert "Blood clot (deep vein thrombosis) under treatment or in the last 3 months" in page


def test_a_complaint_anywhere_on_the_body_is_saved_and_shown_but_not_scored(as_user, front_desk, care_client):
    neck = {"region": "neck", "side": "left", "pain_now": 7}
    browser = as_user(front_desk)

    new_intake(browser, care_client, complaints=[neck])

    intake = Intake.objects.get()
    assert [(c.region, c.side, c.pain_now) for c in intake.complaints.all()] == [("neck", "left", 7)]
    assert (intake.screenings.get().score, intake.screenings.get().reasons) == (0, [])
    assert "Neck (left): pain 7/10" in browser.get(intake.get_absolute_url()).content.decode()


# -- The intake page: every answer, "no" included ------------------------------------------------------------------


def test_the_intake_page_lists_every_new_answer_no_included(as_user, therapist, front_desk, care_client):
    history = {"hip_replacement": "anterior", "childbirth_weeks_ago": 3, "osteoporosis": True}
    intake = screened_intake(care_client, by=front_desk, history=history)

    rows = answer_rows(as_user(therapist).get(intake.get_absolute_url()).content.decode())

    assert rows[str_escape(labels.HISTORY_FLAGS["osteoporosis"])] == ("Yes", True)
    for name in set(NEW_QUESTIONS) - {"osteoporosis"}:
        assert rows[str_escape(labels.HISTORY_FLAGS[name])] == ("No", False), name
    assert rows[str_escape(labels.HISTORY_CHOICES["hip_replacement"][0])] == ("Yes, from the front (anterior)", True)
    assert rows[str_escape(labels.CHILDBIRTH_WEEKS_LABEL)] == ("3 weeks ago", True)


def test_an_intake_taken_before_the_new_questions_shows_them_as_no(as_user, therapist, front_desk, care_client):
    intake = screened_intake(care_client, by=front_desk, history={"iud": True})

    rows = answer_rows(as_user(therapist).get(intake.get_absolute_url()).content.decode())

    assert rows[str_escape(labels.HISTORY_FLAGS["kidney_transplant"])] == ("No", False)
    assert rows[str_escape(labels.HISTORY_CHOICES["hip_replacement"][0])] == ("No", False)
    assert rows[str_escape(labels.CHILDBIRTH_WEEKS_LABEL)] == ("None", False)


# -- The visit's health check --------------------------------------------------------------------------------------


def test_a_birth_told_at_the_visit_check_screens_the_client_again(as_user, front_desk, care_client):
    screened_intake(care_client, by=front_desk, complaints=[GROIN], sex="F")
    answers = {"menstruating_today": "no", "anticoagulant": "no", "pregnant": "no"}

    response = as_user(front_desk).post(
        f"/clients/{care_client.public_id}/health-check/", answers | {"childbirth_weeks_ago": "4", "caesarean": "yes"}
    )

    assert response.status_code == 302
    latest = Screening.objects.newest_first().first()
    assert latest.health_check is not None
    assert (latest.answers["history"]["childbirth_weeks_ago"], latest.answers["history"]["caesarean"]) == (4, True)
    assert (latest.abdominal_work, [r["rule"] for r in latest.reasons]) == (
        "contraindicated",
        ["contraindication.caesarean_under_12_weeks", "minor.B1"],
    )


# -- The assessment: sides and weakness ---------------------------------------------------------------------------


def test_the_assessment_saves_each_tests_side_and_resisted_hip_flexions_weakness(
    as_user, therapist, front_desk, care_client
):
    intake = screened_intake(care_client, by=front_desk, complaints=[GROIN])
    data = assessment_form_data(
        resisted_hip_flexion="weak_no_pain",
        resisted_hip_flexion_side="right",
        iliopsoas_palpation="positive_pain",
        iliopsoas_palpation_side="both",
        slr="negative",
        gt_palpation_side="left",  # a side without a result: the test was not done
    )

    response = as_user(therapist).post(f"/intakes/{intake.public_id}/assessment/", data)

    intake.refresh_from_db()
    assert response.status_code == 302
    assert intake.tests == {
        "resisted_hip_flexion": {"result": "weak_no_pain", "side": "right"},
        "iliopsoas_palpation": {"result": "positive_pain", "side": "both"},
        "slr": "negative",
    }
    latest = intake.screenings.newest_first().first()
    assert latest.answers["tests"] == intake.tests
    # Weakness is recorded, not scored; palpation on both sides counts once.
    assert (latest.score, [r["rule"] for r in latest.reasons]) == (3, ["major.iliopsoas_palpation", "minor.B1"])


def test_the_assessment_form_comes_back_with_the_saved_sides_chosen(as_user, therapist, front_desk, care_client):
    tests = {"iliopsoas_palpation": {"result": "positive_pain", "side": "both"}, "slr": "negative"}
    intake = screened_intake(care_client, by=front_desk, complaints=[GROIN], tests=tests, assessed_by=therapist)

    page = as_user(therapist).get(intake.get_absolute_url()).content.decode()

    assert re.search(r'name="iliopsoas_palpation_side" value="both"[^>]* checked>', page)
    assert re.search(r'name="iliopsoas_palpation" value="positive_pain"[^>]* checked>', page)
    assert re.search(r'name="slr_side" value=""[^>]* checked>', page)
    assert 'value="weak_no_pain"' in page


def test_a_reader_of_the_chart_sees_each_test_with_its_side(as_user, clinic_admin, therapist, front_desk, care_client):
    tests = {"resisted_hip_flexion": {"result": "weak_no_pain", "side": "right"}, "slr": "negative"}
    intake = screened_intake(care_client, by=front_desk, complaints=[GROIN], tests=tests, assessed_by=therapist)

    page = as_user(clinic_admin).get(intake.get_absolute_url()).content.decode()

    assert "<li>Resisted hip flexion: Weak, no pain (right)</li>" in page
    assert "<li>Straight leg raise: Negative</li>" in page


def test_an_unknown_side_is_refused_and_nothing_is_saved(as_user, therapist, front_desk, care_client):
    intake = screened_intake(care_client, by=front_desk, complaints=[GROIN])
    data = assessment_form_data(slr="positive", slr_side="middle")

    response = as_user(therapist).post(f"/intakes/{intake.public_id}/assessment/", data, follow=True)

    intake.refresh_from_db()
    assert "The assessment was not saved" in response.content.decode()
    assert (intake.tests, intake.screenings.count()) == ({}, 1)


# -- Stored screenings --------------------------------------------------------------------------------------------


def test_a_screening_stored_under_2026_11_still_shows(as_user, therapist, front_desk, care_client):
    intake = screened_intake(care_client, by=front_desk, complaints=[GROIN])
    old_answers = {**intake.answers(), "history": {"iud": True}, "red_flags": {"iv_drug_use": True}}
    reason = {"rule": "red_flag.iv_drug_use", "text": "Intravenous drug use: old words", "source": "IFOMPT"}
    Screening(
        intake=intake,
        screened_by=therapist,
        ruleset="2026.11",
        answers=old_answers,
        iliopsoas="not_indicated",
        abdominal_work="contraindicated",
        refer=True,
        score=1,
        reasons=[reason],
    ).save()

    response = as_user(therapist).get(intake.get_absolute_url())

    page = response.content.decode()
    assert response.status_code == 200
    assert "Intravenous drug use: old words" in page
    assert "Refer to a physician before treatment" in page
    # Its section 2, left out under a red flag by 2026.11, is judged again from the answers it kept.
    assert [r["rule"] for r in Screening.objects.newest_first().first().section_two()] == ["caution.iud"]
