"""The screening's points, its threshold, and why iliopsoas work is not considered: a pure function of the stored
result, shown on the intake page, the client page and the history."""

import pytest

from intake.why_not import points_line, why_not_considered
from tests import history_helpers as h
from tests.factories import screened_intake

MAJOR = {"rule": "major.iliopsoas_palpation"}
B1 = {"rule": "minor.B1"}
B5 = {"rule": "minor.B5"}
B6 = {"rule": "minor.B6"}
RED = {"rule": "red_flag.night_pain_unrelieved"}


def test_considered_has_no_why_not():
    assert why_not_considered(iliopsoas="consider", score=6, threshold=4, reasons=[MAJOR, B1]) == ""


def test_too_few_points_and_no_major_sign():
    assert why_not_considered(iliopsoas="not_indicated", score=3, threshold=4, reasons=[B5, B6, B6]) == (
        "3 points of 4; no major sign"
    )


def test_enough_points_but_no_major_sign_or_front_of_hip_pain():
    assert why_not_considered(iliopsoas="not_indicated", score=5, threshold=4, reasons=[B5, B6]) == (
        "5 points of 4 but no major sign or groin/front-of-thigh/deep-hip pain"
    )


def test_a_major_sign_with_too_few_points():
    assert why_not_considered(iliopsoas="not_indicated", score=2, threshold=4, reasons=[MAJOR]) == (
        "2 points of 4; a major sign, but too few points"
    )


def test_front_of_hip_pain_with_too_few_points():
    assert why_not_considered(iliopsoas="not_indicated", score=1, threshold=4, reasons=[B1]) == (
        "1 point of 4; pain in the groin, front of thigh or deep hip, but too few points"
    )


def test_a_warning_sign_says_so_whatever_the_points():
    line = why_not_considered(iliopsoas="not_indicated", score=8, threshold=4, reasons=[RED, MAJOR, B1])

    assert line == "8 points of 4; a warning sign: not considered until a physician has seen the client"


def test_a_screening_stored_without_a_threshold_reads_the_rulesets_own():
    assert points_line(score=3, threshold=None) == "3 points of 4"


@pytest.mark.django_db
def test_the_intake_page_shows_points_threshold_and_why_not(as_user, therapist, front_desk, care_client):
    intake = screened_intake(
        care_client, by=front_desk, complaints=[{"region": "low_back", "side": "central", "pain_now": 4}]
    )
    judged = intake.screenings.get()
    assert judged.threshold == 4

    page = as_user(therapist).get(intake.get_absolute_url()).content.decode()

    assert "Score 1; iliopsoas work is considered from 4 points" in page
    assert "Not considered: 1 point of 4; no major sign." in page


@pytest.mark.django_db
def test_the_client_page_and_the_history_show_why_not(as_user, therapist, front_desk, care_client):
    screened_intake(care_client, by=front_desk, complaints=[{"region": "low_back", "side": "central", "pain_now": 4}])

    client_page = as_user(therapist).get(care_client.get_absolute_url()).content.decode()
    history_page = as_user(therapist).get(f"/clients/{care_client.public_id}/history/").content.decode()

    assert "Not considered: 1 point of 4; no major sign." in client_page
    assert "not considered: 1 point of 4; no major sign" in history_page


@pytest.mark.django_db
def test_the_front_desk_sees_no_points(as_user, front_desk, care_client):
    intake = h.take_intake(care_client, by=front_desk)

    page = as_user(front_desk).get(intake.get_absolute_url()).content.decode()

    assert "points of 4" not in page
