"""Audit entries are shown only as /audit/ shows them: to a clinic admin who has passed the second factor in this
session, when it is required. The home page (15 entries) and each client's history (30) showed them to an admin who
had not, while /audit/ itself sent them to verify."""

import pytest
from django.test import override_settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinic.models import SecurityPolicy
from tests.test_second_factor import code_of

pytestmark = pytest.mark.django_db

VERIFY = "/account/two-factor/verify/"
WITHHELD = "Audit entries are shown once you have entered your second factor"

required = override_settings(REQUIRE_2FA_FOR_ADMIN=True)
not_required = override_settings(REQUIRE_2FA_FOR_ADMIN=False)


@pytest.fixture
def seen_record(as_user, front_desk, care_client):
    """An audit entry about the client whose name the page would show: the front desk opened the client."""
    as_user(front_desk).get(care_client.get_absolute_url())
    return care_client


def pages(client):
    return {"home": "/", "history": f"/clients/{client.public_id}/history/"}


@required
@pytest.mark.parametrize("where", ["home", "history"])
def test_an_unverified_admin_sees_a_link_to_verify_instead_of_audit_entries(as_user, clinic_admin, seen_record, where):
    TOTPDevice.objects.create(user=clinic_admin, name="phone", confirmed=True)
    path = pages(seen_record)[where]

    response = as_user(clinic_admin).get(path)

    html = response.content.decode()
    assert response.status_code == 200
    assert WITHHELD in html
    assert f'href="{VERIFY}?next={path.replace("/", "%2F")}"' in html
    assert "audit-table" not in html
    assert "audit events today" not in html
    assert not response.context.get("recent_events")
    assert not response.context.get("audit_rows")


@pytest.mark.parametrize("where", ["home", "history"])
def test_a_clinic_wide_requirement_withholds_them_too(as_user, clinic_admin, seen_record, where):
    SecurityPolicy.objects.create(pk=1, require_2fa_for_admin=True)

    with not_required:
        response = as_user(clinic_admin).get(pages(seen_record)[where])

    assert WITHHELD in response.content.decode()
    assert "audit-table" not in response.content.decode()


@required
@pytest.mark.parametrize("where", ["home", "history"])
def test_after_the_second_factor_the_entries_are_shown(as_user, clinic_admin, seen_record, where):
    device = TOTPDevice.objects.create(user=clinic_admin, name="phone", confirmed=True)
    browser = as_user(clinic_admin)
    path = pages(seen_record)[where]
    verified = browser.post(VERIFY, {"code": code_of(device), "next": path})

    response = browser.get(verified["Location"])

    html = response.content.decode()
    assert verified["Location"] == path
    assert WITHHELD not in html
    assert "audit-table" in html
    assert response.context["recent_events" if where == "home" else "audit_rows"]


@not_required
@pytest.mark.parametrize("where", ["home", "history"])
def test_when_not_required_the_entries_are_shown_at_once(as_user, clinic_admin, seen_record, where):
    response = as_user(clinic_admin).get(pages(seen_record)[where])

    assert WITHHELD not in response.content.decode()
    assert "audit-table" in response.content.decode()
