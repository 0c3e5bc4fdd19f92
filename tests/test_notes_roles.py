"""docs/design.md's role table for every URL of consent and sessions: 403 for pages a role never uses, 404 for records
out of reach (another therapist's session, a client outside the care team)."""

import pytest

from tests import factories
from tests import history_helpers as h
from tests.factories import screened_intake

pytestmark = pytest.mark.django_db

ROLES = ("front_desk", "therapist", "colleague", "outsider_therapist", "clinic_admin", "no_role_user")


@pytest.fixture
def colleague(care_client):
    """Another therapist on the same care team."""
    user = factories.therapist_user(username="colleague")
    care_client.care_team.add(user)
    return user


@pytest.fixture
def records(care_client, therapist, front_desk, colleague):
    screened_intake(care_client, by=front_desk)
    consent = h.give_consent(care_client, by=front_desk)
    draft = h.draft_session(care_client, therapist=therapist, before=None)
    signed = h.signed_session(care_client, therapist=therapist, before=None, after=None)
    return {
        "client": care_client.public_id,
        "consent": consent.public_id,
        "draft": draft.public_id,
        "signed": signed.public_id,
    }


# path, method, {role: status}; roles not named get 403.
MATRIX = [
    (
        "/clients/{client}/consents/new/",
        "get",
        {"front_desk": 200, "therapist": 200, "colleague": 200, "outsider_therapist": 404, "clinic_admin": 200},
    ),
    (
        "/consents/{consent}/",
        "get",
        {"front_desk": 200, "therapist": 200, "colleague": 200, "outsider_therapist": 404, "clinic_admin": 200},
    ),
    (
        "/consents/{consent}/withdraw/",
        "get",
        {"front_desk": 200, "therapist": 200, "colleague": 200, "outsider_therapist": 404, "clinic_admin": 200},
    ),
    ("/clients/{client}/sessions/new/", "get", {"therapist": 200, "colleague": 200, "outsider_therapist": 404}),
    ("/sessions/{draft}/", "get", {"therapist": 200, "colleague": 200, "outsider_therapist": 404, "clinic_admin": 200}),
    ("/sessions/{draft}/edit/", "get", {"therapist": 200, "colleague": 404, "outsider_therapist": 404}),
    ("/sessions/{draft}/sign/", "get", {"therapist": 200, "colleague": 404, "outsider_therapist": 404}),
    # An empty entry re-displays the page with its errors (200); what matters is who gets that far.
    ("/sessions/{draft}/feedback/", "post", {"therapist": 200, "colleague": 404, "outsider_therapist": 404}),
    # Refused (nothing re-confirmed): the page again, the refusal beside the control (200).
    ("/sessions/{draft}/abdominal/", "post", {"therapist": 200, "colleague": 404, "outsider_therapist": 404}),
    ("/sessions/{signed}/addenda/new/", "get", {"therapist": 200, "colleague": 404, "outsider_therapist": 404}),
    (
        "/clients/{client}/history/",
        "get",
        {"therapist": 200, "colleague": 200, "outsider_therapist": 404, "clinic_admin": 200},
    ),
]
CASES = [
    pytest.param(path, method, role, allowed.get(role, 403), id=f"{role}:{method}:{path}")
    for path, method, allowed in MATRIX
    for role in ROLES
]


@pytest.mark.parametrize(("path", "method", "role", "status"), CASES)
def test_each_role_gets_what_the_design_table_allows(request, as_user, records, path, method, role, status):
    user = request.getfixturevalue(role)

    response = getattr(as_user(user), method)(path.format(**records))

    assert response.status_code == status


@pytest.mark.parametrize("path", ["/sessions/{draft}/", "/clients/{client}/sessions/new/", "/consents/{consent}/"])
def test_anonymous_visitors_are_sent_to_sign_in(client, records, path):
    response = client.get(path.format(**records))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_colleague_reads_the_session_but_gets_no_controls(as_user, colleague, records):
    page = as_user(colleague).get(f"/sessions/{records['draft']}/").content.decode()

    assert "Timeline" in page
    assert "Client feedback" not in page
    assert "Start abdominal work" not in page


def test_front_desk_sees_consent_status_but_not_sessions_on_the_client_page(as_user, front_desk, care_client, records):
    page = as_user(front_desk).get(care_client.get_absolute_url()).content.decode()

    assert "Consent" in page and "active" in page
    assert "Treatment sessions" not in page
