"""The body chart covers the whole body: every region of ruleset 2026.12 can be chosen, and a complaint outside the
lower body is stored with its side (charted, not scored)."""

import pytest

from intake import labels
from intake.models import Intake
from intake.templatetags.intake_tags import body_diagram
from tests.factories import intake_form_data

pytestmark = pytest.mark.django_db

WHOLE_BODY = {
    "low_back", "anterior_hip_groin", "anterior_thigh", "deep_hip", "buttock", "lateral_hip", "knee",
    "posterior_leg_below_knee", "lower_abdomen", "head", "jaw", "neck", "shoulder", "upper_back", "mid_back", "chest",
    "upper_abdomen", "upper_arm", "elbow", "forearm", "wrist_hand", "sacrum", "posterior_thigh", "medial_thigh",
    "anterior_leg_below_knee", "ankle_foot",
}  # fmt: skip
SHOULDER = {"region": "shoulder", "side": "left", "pain_now": 4}


def test_every_region_of_the_ruleset_has_a_label_and_a_place_on_the_diagram_or_beside_it():
    drawn = {place["region"] for view in ("front", "back") for place in body_diagram()[view]}

    assert set(labels.REGIONS) == WHOLE_BODY
    assert drawn | {"deep_hip"} == WHOLE_BODY


def test_the_complaint_list_offers_every_region(as_user, front_desk, care_client):
    page = as_user(front_desk).get(f"/clients/{care_client.public_id}/intakes/new/").content.decode()

    assert all(f'<option value="{region}"' in page for region in WHOLE_BODY)


def test_a_left_shoulder_complaint_is_saved_with_its_side_and_not_scored(as_user, front_desk, care_client):
    data = intake_form_data(complaints=[SHOULDER])

    response = as_user(front_desk).post(f"/clients/{care_client.public_id}/intakes/new/", data)

    assert response.status_code == 302
    intake = Intake.objects.get()
    assert [(c.region, c.side, c.pain_now) for c in intake.complaints.all()] == [("shoulder", "left", 4)]
    assert intake.screenings.get().score == 0
