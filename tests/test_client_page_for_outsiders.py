"""A therapist outside a client's care team sees the client's demographics only on the client page, as the roles'
table says: no consent status, no retention date (both showed), no screening badge. Those who may read the record
(the care team, clinic admins, an outsider under emergency access) and the front desk see them as before."""

import pytest

from clinic import services as clinic_services
from tests import history_helpers as h

pytestmark = pytest.mark.django_db

CLINICAL = ("consent-status-", "retention-date", "Record retention", 'class="badge flag-', "Abdominal work:")


@pytest.fixture
def charted_client(care_client, therapist, front_desk):
    """A client with a consent, a referral on their screening and a signed session (so a retention date)."""
    care_client.phone = "416-555-0100"
    care_client.save()
    h.take_intake(care_client, by=front_desk, red_flags={"night_pain_unrelieved": True})
    h.give_consent(care_client, by=front_desk, kind="treatment")
    h.signed_session(care_client, therapist=therapist)
    care_client.refresh_from_db()
    return care_client


def test_an_outsider_sees_demographics_only(as_user, outsider_therapist, charted_client):
    response = as_user(outsider_therapist).get(charted_client.get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert "Maya Chen" in html
    assert "416-555-0100" in html
    assert [marker for marker in CLINICAL if marker in html] == []
    assert "Emergency access" in html


@pytest.mark.parametrize("role", ["therapist", "clinic_admin", "front_desk"])
def test_the_care_team_admins_and_the_front_desk_still_see_consent_and_retention(
    request, as_user, charted_client, role
):
    response = as_user(request.getfixturevalue(role)).get(charted_client.get_absolute_url())

    html = response.content.decode()
    assert "consent-status-treatment" in html
    assert "retention-date" in html
    assert 'class="badge flag-' in html


def test_an_outsider_under_emergency_access_sees_them_read_only(as_user, outsider_therapist, charted_client):
    clinic_services.grant_emergency_access(
        client=charted_client, user=outsider_therapist, reason="Covering for a sick colleague today"
    )

    response = as_user(outsider_therapist).get(charted_client.get_absolute_url())

    html = response.content.decode()
    assert "consent-status-treatment" in html
    assert "retention-date" in html
    assert "/consents/new/" not in html


def test_an_outsider_sees_no_screening_badge_on_the_client_list(as_user, outsider_therapist, charted_client):
    response = as_user(outsider_therapist).get("/clients/")

    html = response.content.decode()
    assert "Maya Chen" in html
    assert "flag-" not in html
