"""Security events are in the audit log at /audit/, in plain words, with who did them: an account created, a role
granted or removed, a password reset, a second factor enrolled or removed, emergency access opened. Never a
password, a hash or a key."""

import json

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import Group
from django.test import Client as Browser
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinic import roles
from clinic.models import User
from tests import factories
from tests.second_factor_helpers import code_of

pytestmark = pytest.mark.django_db

PASSWORD = "a long and unguessable passphrase 7"  # noqa: S105 (a test's)


@pytest.fixture
def admin_browser(clinic_admin, client):
    client.force_login(clinic_admin)
    return client


def audit_page(user) -> str:
    browser = Browser()
    browser.force_login(user)
    response = browser.get("/audit/")
    assert response.status_code == 200
    return response.content.decode()


def user_form(user, *, groups) -> dict:
    return {
        "username": user.username,
        "first_name": "Dana",
        "last_name": "Lee",
        "email": "",
        "is_active": "on",
        "groups": [str(group.pk) for group in groups],
    }


def everything_logged() -> str:
    return json.dumps(list(LogEntry.objects.values("changes", "changes_text", "additional_data", "object_repr")))


def test_creating_an_account_granting_and_removing_a_role_read_in_words(admin_browser, clinic_admin):
    admin_role = Group.objects.get(name=roles.CLINIC_ADMIN)
    admin_browser.post("/admin/clinic/user/add/", {"username": "Dana", "password1": PASSWORD, "password2": PASSWORD})
    dana = User.objects.get(username="Dana")
    admin_browser.post(f"/admin/clinic/user/{dana.pk}/change/", user_form(dana, groups=[admin_role]))
    admin_browser.post(f"/admin/clinic/user/{dana.pk}/change/", user_form(dana, groups=[]))

    page = audit_page(clinic_admin)

    assert "created the account of Dana" in page
    assert "granted the clinic admin role to Dana Lee" in page
    assert "removed the clinic admin role from Dana Lee" in page
    assert LogEntry.objects.filter(actor=clinic_admin, additional_data__event="role granted").count() == 1
    assert PASSWORD not in everything_logged()


def test_a_password_reset_reads_in_words_and_keeps_no_password(admin_browser, clinic_admin, therapist):
    therapist.first_name, therapist.last_name = "Theo", "Hart"
    therapist.save()

    admin_browser.post(
        f"/admin/clinic/user/{therapist.pk}/password/",
        {"password1": PASSWORD, "password2": PASSWORD, "usable_password": "true"},
    )

    therapist.refresh_from_db()
    logged = everything_logged()
    assert therapist.check_password(PASSWORD)
    assert "reset the password of Theo Hart" in audit_page(clinic_admin)
    assert PASSWORD not in logged and therapist.password not in logged
    assert therapist.password.split("$")[2] not in logged  # not even the salt


def test_enrolling_a_second_factor_reads_in_words(admin_browser, clinic_admin):
    admin_browser.get("/account/two-factor/enrol/")
    device = TOTPDevice.objects.get(user=clinic_admin)

    admin_browser.post("/account/two-factor/enrol/", {"code": code_of(device)})

    assert "enrolled a second factor" in audit_page(clinic_admin)
    assert device.key not in everything_logged()


def test_a_superuser_removing_someone_s_second_factor_reads_in_words(clinic_admin, therapist):
    therapist.first_name, therapist.last_name = "Theo", "Hart"
    therapist.save()
    device = TOTPDevice.objects.create(user=therapist, name="phone", confirmed=True)
    root = User.objects.create_superuser("root", "root@clinic.example", PASSWORD)
    browser = Browser()
    browser.force_login(root)

    browser.post(f"/admin/otp_totp/totpdevice/{device.pk}/delete/", {"post": "yes"})

    assert "removed the second factor of Theo Hart" in audit_page(clinic_admin)
    assert LogEntry.objects.filter(actor=root, additional_data__event="second factor removed").exists()
    assert device.key not in everything_logged()


def test_emergency_access_reads_in_words_with_its_reason(client, clinic_admin, outsider_therapist, care_client):
    client.force_login(outsider_therapist)

    client.post(f"/clients/{care_client.public_id}/emergency-access/", {"reason": "Client fainted in the waiting room"})

    assert "opened emergency access to Maya Chen: reason “Client fainted in the waiting room”" in audit_page(
        clinic_admin
    )


def test_changes_made_outside_any_request_are_no_events():
    """The factories (and migrations, and whoever runs a shell on the server) act as nobody."""
    factories.clinic_admin_user(username="scripted")

    assert not LogEntry.objects.filter(additional_data__event__isnull=False).exists()
