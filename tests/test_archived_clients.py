"""An archived client's record is read-only: a new intake, session or consent is refused by the one guard
(clinic/guards.py) with the reason and the way back, and nothing is recorded."""

import pytest

from clinic.services import archive_client
from intake.models import Intake
from notes.models import Consent, TreatmentSession
from tests import factories


@pytest.fixture
def archived(care_client, clinic_admin):
    return archive_client(client=care_client, archived_by=clinic_admin, reason="Moved away")


@pytest.mark.parametrize(
    ("role", "path", "data", "doing"),
    [
        ("front_desk", "intakes/new/", factories.intake_form_data, "taking a new intake"),
        ("therapist", "sessions/new/", lambda: {}, "starting a session"),
        (
            "front_desk",
            "consents/new/",
            lambda: {"kind": "treatment", "signed_name": "Maya Chen"},
            "recording a consent",
        ),
    ],
)
def test_an_archived_client_takes_no_new_record(request, as_user, archived, role, path, data, doing):
    response = as_user(request.getfixturevalue(role)).post(f"/clients/{archived.public_id}/{path}", data(), follow=True)

    assert response.redirect_chain[-1][0] == archived.get_absolute_url()
    assert f"This client is archived. Restore them before {doing}." in response.content.decode()
    assert not Intake.objects.exists() and not TreatmentSession.objects.exists() and not Consent.objects.exists()
