"""Who may take, read, assess and clear intakes, and what each role learns of screening flags on lists."""

import re
from datetime import timedelta

import pytest

from clinic import services as clinic_services
from intake.models import Intake, PhysicianClearance, Screening
from tests import factories
from tests.factories import assessment_form_data, intake_form_data, screened_intake

pytestmark = pytest.mark.django_db

GROIN = {"region": "anterior_hip_groin", "side": "right", "pain_now": 6}
NIGHT_PAIN_TEXT = "Night pain not eased by rest or position"
NIGHT_PAIN_SOURCE = "Chou et al., ACP/APS guideline 2007"

# Every intake endpoint, with what a valid request to it carries. "{client}" and "{intake}" are `care_client`'s.
ENDPOINTS = [
    pytest.param("get", "/clients/{client}/intakes/new/", None, id="new-form"),
    pytest.param("post", "/clients/{client}/intakes/new/", intake_form_data, id="new-save"),
    pytest.param("get", "/intakes/{intake}/", None, id="detail"),
    pytest.param("get", "/intakes/{intake}/edit/", None, id="edit-form"),
    pytest.param("post", "/intakes/{intake}/edit/", intake_form_data, id="edit-save"),
    pytest.param("post", "/intakes/{intake}/assessment/", assessment_form_data, id="assessment"),
    pytest.param("get", "/intakes/{intake}/clearances/new/", None, id="clearance-form"),
]


@pytest.fixture
def referred_intake(care_client, front_desk):
    return screened_intake(care_client, by=front_desk, complaints=[GROIN], red_flags={"night_pain_unrelieved": True})


def call(browser, method, path, make_data, intake):
    path = path.format(client=intake.client.public_id, intake=intake.public_id)
    return getattr(browser, method)(path, make_data() if make_data else None)


def stored(intake):
    return (Intake.objects.count(), Screening.objects.count(), intake.complaints.count())


@pytest.mark.parametrize(("method", "path", "make_data"), ENDPOINTS)
def test_therapist_outside_the_care_team_gets_404_and_changes_nothing(
    as_user, outsider_therapist, referred_intake, method, path, make_data
):
    before = stored(referred_intake)

    response = call(as_user(outsider_therapist), method, path, make_data, referred_intake)

    assert response.status_code == 404
    assert stored(referred_intake) == before


@pytest.mark.parametrize(("method", "path", "make_data"), ENDPOINTS)
def test_user_without_a_role_gets_403_and_changes_nothing(
    as_user, no_role_user, referred_intake, method, path, make_data
):
    before = stored(referred_intake)

    response = call(as_user(no_role_user), method, path, make_data, referred_intake)

    assert response.status_code == 403
    assert stored(referred_intake) == before


CLINICAL_JUDGEMENT = [
    pytest.param("post", "/intakes/{intake}/assessment/", assessment_form_data, id="assessment"),
    pytest.param("get", "/intakes/{intake}/clearances/new/", None, id="clearance-form"),
    pytest.param(
        "post",
        "/intakes/{intake}/clearances/new/",
        lambda: {"cleared_on": "2026-01-05", "clinician_name": "Dr. X", "what_was_cleared": "all"},
        id="clearance-save",
    ),
]


@pytest.mark.parametrize(("method", "path", "make_data"), CLINICAL_JUDGEMENT)
def test_front_desk_may_neither_assess_nor_record_a_clearance(
    as_user, front_desk, referred_intake, method, path, make_data
):
    response = call(as_user(front_desk), method, path, make_data, referred_intake)

    assert response.status_code in (403, 404)
    assert referred_intake.screenings.count() == 1
    assert not PhysicianClearance.objects.exists()


def test_clinic_admin_sees_the_full_reasons_without_the_assessment_form(as_user, clinic_admin, referred_intake):
    page = as_user(clinic_admin).get(f"/intakes/{referred_intake.public_id}/").content.decode()

    assert NIGHT_PAIN_TEXT in page
    assert NIGHT_PAIN_SOURCE in page
    assert "Save assessment" not in page


def test_clinic_admin_may_not_post_an_assessment(as_user, clinic_admin, referred_intake):
    data = assessment_form_data(resisted_hip_flexion="positive_pain")

    response = as_user(clinic_admin).post(f"/intakes/{referred_intake.public_id}/assessment/", data)

    assert response.status_code == 403
    assert referred_intake.screenings.count() == 1
    referred_intake.refresh_from_db()
    assert not referred_intake.is_assessed


@pytest.mark.parametrize("path", ["/intakes/{intake}/", "/clients/{client}/", "/clients/"])
def test_front_desk_sees_only_the_referral_summary_of_a_screening(as_user, front_desk, referred_intake, path):
    path = path.format(client=referred_intake.client.public_id, intake=referred_intake.public_id)

    page = as_user(front_desk).get(path).content.decode()

    assert "refer to a physician before treatment" in page.lower()
    for full_detail in (
        NIGHT_PAIN_TEXT,
        NIGHT_PAIN_SOURCE,
        "abdominal contraindicated",
        "Iliopsoas work not indicated",
    ):
        assert full_detail not in page


def test_no_intake_can_be_taken_for_an_archived_client(as_user, front_desk, care_client):
    clinic_services.archive_client(client=care_client, archived_by=front_desk, reason="Moved away")

    as_user(front_desk).post(f"/clients/{care_client.public_id}/intakes/new/", intake_form_data())

    assert not Intake.objects.exists()


# -- Flags on the client list and the home page -----------------------------------------------------------------

CONSIDER = {
    "complaints": [GROIN],
    "aggravating": ["hip_extension", "stairs_leg_lift"],
    "tests": {"resisted_hip_flexion": "positive_pain", "hip_flexor_stretch_thomas": "positive_pain"},
}
# last name -> the intake's answers; each client is in `therapist`'s care team but "Elsewhere" (another therapist's).
OUTCOMES = {
    "Consider": CONSIDER,
    "Caution": {"history": {"iud": True}},
    "Contraindicated": {"history": {"hernia": "symptomatic"}},
    "Refer": {"red_flags": {"night_pain_unrelieved": True}},
    "Plain": {},
    "Elsewhere": CONSIDER,
}
EVERYONE = set(OUTCOMES)
ROW = re.compile(r'<tr class="client-row">(.*?)</tr>', re.S)
NAME = re.compile(r'<a href="/clients/[0-9a-f-]+/">Ada (\w+)</a>')
BADGE = re.compile(r'<span class="badge [^"]*">([^<]+)</span>')


@pytest.fixture
def screened_clients(front_desk, therapist):
    colleague = factories.therapist_user(username="colleague")
    for last_name, answers in OUTCOMES.items():
        carer = colleague if last_name == "Elsewhere" else therapist
        client = factories.ClientFactory(first_name="Ada", last_name=last_name, care_team=[carer])
        screened_intake(client, by=front_desk, assessed_by=carer, **answers)


def badges_by_client(response) -> dict[str, list[str]]:
    rows = ROW.findall(response.content.decode())
    return {NAME.search(row)[1]: BADGE.findall(row) for row in rows}


def test_clinic_admin_sees_each_outcome_as_its_badges_on_the_client_list(as_user, clinic_admin, screened_clients):
    response = as_user(clinic_admin).get("/clients/")

    assert badges_by_client(response) == {
        "Consider": ["consider iliopsoas"],
        "Caution": ["abdominal caution"],
        "Contraindicated": ["abdominal contraindicated"],
        # A referral stands for abdominal work too: what applies after a clearance is the client page's one line.
        "Refer": ["refer"],
        "Plain": [],
        "Elsewhere": ["consider iliopsoas"],
    }


def test_front_desk_sees_only_summary_badges_on_the_client_list(as_user, front_desk, screened_clients):
    response = as_user(front_desk).get("/clients/")

    review = ["needs therapist review"]
    assert badges_by_client(response) == {
        "Consider": review,
        "Caution": review,
        "Contraindicated": review,
        "Refer": ["refer to a physician before treatment"],
        "Plain": [],
        "Elsewhere": review,
    }


@pytest.mark.parametrize(
    ("flag", "expected"),
    [
        ("consider", {"Consider", "Elsewhere"}),
        ("caution", {"Caution"}),
        ("contraindicated", {"Contraindicated", "Refer"}),
        ("refer", {"Refer"}),
    ],
)
def test_clinic_admin_filters_the_client_list_by_each_flag(as_user, clinic_admin, screened_clients, flag, expected):
    response = as_user(clinic_admin).get("/clients/", {"flag": flag})

    assert set(badges_by_client(response)) == expected


def test_front_desk_filters_the_client_list_by_referral(as_user, front_desk, screened_clients):
    response = as_user(front_desk).get("/clients/", {"flag": "refer"})

    assert set(badges_by_client(response)) == {"Refer"}


@pytest.mark.parametrize(
    ("flag", "flagged"),
    [
        ("consider", {"Consider", "Elsewhere"}),
        ("caution", {"Caution"}),
        ("contraindicated", {"Contraindicated", "Refer"}),
    ],
)
def test_front_desk_cannot_learn_clinical_flags_by_filtering(as_user, front_desk, screened_clients, flag, flagged):
    response = as_user(front_desk).get("/clients/", {"flag": flag})

    listed = set(badges_by_client(response))
    assert listed != flagged
    assert listed in (set(), EVERYONE)


@pytest.mark.parametrize(
    ("flag", "expected"),
    [("consider", {"Consider"}), ("contraindicated", {"Contraindicated", "Refer"}), ("refer", {"Refer"})],
)
def test_therapist_filters_by_flag_only_within_the_care_team(as_user, therapist, screened_clients, flag, expected):
    response = as_user(therapist).get("/clients/", {"flag": flag})

    assert set(badges_by_client(response)) == expected


def test_therapist_home_lists_care_team_clients_to_review_and_no_others(
    as_user, therapist, front_desk, screened_clients
):
    factories.ClientFactory(first_name="Ada", last_name="Unscreened", care_team=[therapist])
    seen = factories.ClientFactory(first_name="Ada", last_name="Seen", care_team=[therapist])
    screened_intake(seen, by=front_desk)
    seen.refresh_from_db()
    seen.last_session_at = seen.screened_at + timedelta(hours=1)
    seen.save()

    page = as_user(therapist).get("/").content.decode()

    review = page[page.index('id="review-heading"') : page.index('id="care-heading"')]
    assert set(re.findall(r">Ada (\w+)</a>", review)) == EVERYONE - {"Elsewhere"}
    assert "Ada Unscreened" in page
    assert "Ada Seen" in page
