"""Only areas the client agrees to may be charted as treated; abdominal work needs the abdomen agreed."""

import pytest

from notes.gate import gate_state
from notes.models import AreaTreated
from tests import history_helpers as h
from tests.factories import screened_intake
from tests.test_areas_treated import note_with_areas

pytestmark = pytest.mark.django_db

GLUTEALS = {"area": "gluteals", "side": "left", "techniques": ["petrissage"], "note": ""}
ABDOMEN = {"area": "abdomen", "side": "right", "techniques": ["iliopsoas_release"], "note": ""}
LOW_BACK = {"area": "low_back", "side": "both", "techniques": ["swedish"], "note": ""}


@pytest.fixture
def draft(care_client, therapist, front_desk):
    screened_intake(care_client, by=front_desk, complaints=[h.LOW_BACK])
    h.give_consent(care_client, by=front_desk, areas=["abdomen"])
    return h.draft_session(care_client, therapist=therapist)


def test_an_area_the_client_did_not_agree_to_is_refused_beside_the_field(as_user, therapist, draft):
    response = as_user(therapist).post(
        f"/sessions/{draft.public_id}/edit/", note_with_areas(draft, LOW_BACK, ABDOMEN, GLUTEALS)
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "The client has not agreed to treatment of this area (Gluteals)" in page
    assert response.context["form"].areas.forms[2].errors["area"]
    assert not AreaTreated.objects.filter(session=draft).exists()


def test_agreed_and_ordinary_areas_are_charted(as_user, therapist, draft):
    response = as_user(therapist).post(f"/sessions/{draft.public_id}/edit/", note_with_areas(draft, LOW_BACK, ABDOMEN))

    assert response.status_code == 302
    assert [a.area for a in AreaTreated.objects.filter(session=draft)] == ["low_back", "abdomen"]


def test_a_withdrawn_consent_refuses_its_areas(as_user, therapist, front_desk, draft):
    h.withdraw(draft.client.consents.get(), by=front_desk)

    response = as_user(therapist).post(f"/sessions/{draft.public_id}/edit/", note_with_areas(draft, ABDOMEN))

    assert "The client has not agreed to treatment of this area (Abdomen)" in response.content.decode()
    assert not AreaTreated.objects.filter(session=draft).exists()


def test_an_area_charted_while_agreed_stays_on_the_draft_after_a_withdrawal(as_user, therapist, front_desk, draft):
    as_user(therapist).post(f"/sessions/{draft.public_id}/edit/", note_with_areas(draft, ABDOMEN))
    draft.refresh_from_db()
    h.withdraw(draft.client.consents.get(), by=front_desk)
    data = note_with_areas(draft, ABDOMEN) | {"subjective": "Felt easier", "areas-INITIAL_FORMS": "1"}

    response = as_user(therapist).post(f"/sessions/{draft.public_id}/edit/", data)

    assert response.status_code == 302
    assert [a.area for a in AreaTreated.objects.filter(session=draft)] == ["abdomen"]


def test_the_gate_needs_the_abdomen_agreed(care_client, therapist, front_desk):
    screened_intake(care_client, by=front_desk, complaints=[h.LOW_BACK])
    h.give_consent(care_client, by=front_desk, areas=["gluteal", "front_hip"])
    draft = h.draft_session(care_client, therapist=therapist)

    state = gate_state(draft)

    assert "The client's consent does not include the abdomen." in [unmet.problem for unmet in state.blockers]
