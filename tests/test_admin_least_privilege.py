"""In /admin/, a clinic admin manages staff accounts and roles, and nothing above them: never a superuser (its
password least of all: signed in as it, they would read every second factor's key), never the staff or superuser
flags, never raw permissions (a user's or a role's), never a second factor's device. A superuser still does all of
it, and `createsuperuser` stays the way to make one."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinic import roles
from clinic.models import User

pytestmark = pytest.mark.django_db

PASSWORD = "a long and unguessable passphrase 7"  # noqa: S105 (a test's)
OLD_PASSWORD = "the emergency account's own passphrase 3"  # noqa: S105


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("root", "root@clinic.example", OLD_PASSWORD)


@pytest.fixture
def device(therapist):
    return TOTPDevice.objects.create(user=therapist, name="phone", confirmed=True)


def user_form(user, **extra) -> dict:
    return {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on",
        "groups": [str(group.pk) for group in user.groups.all()],
        **extra,
    }


PRIVILEGES = {"is_staff": "on", "is_superuser": "on", "user_permissions": []}


# -- A clinic admin ------------------------------------------------------------------------------------------------


def test_a_clinic_admin_cannot_set_a_superuser_s_password(as_user, clinic_admin, superuser):
    browser = as_user(clinic_admin)

    page = browser.get(f"/admin/clinic/user/{superuser.pk}/password/")
    posted = browser.post(
        f"/admin/clinic/user/{superuser.pk}/password/",
        {"password1": PASSWORD, "password2": PASSWORD, "usable_password": "true"},
    )

    superuser.refresh_from_db()
    assert (page.status_code, posted.status_code) == (403, 403)
    assert superuser.check_password(OLD_PASSWORD)


def test_a_clinic_admin_cannot_change_or_delete_a_superuser(as_user, clinic_admin, superuser):
    browser = as_user(clinic_admin)

    changed = browser.post(f"/admin/clinic/user/{superuser.pk}/change/", user_form(superuser, email="me@evil.example"))
    deleted = browser.post(f"/admin/clinic/user/{superuser.pk}/delete/", {"post": "yes"})
    page = browser.get(f"/admin/clinic/user/{superuser.pk}/change/")

    superuser.refresh_from_db()
    assert (changed.status_code, deleted.status_code) == (403, 403)
    assert superuser.email == "root@clinic.example" and superuser.is_active
    assert f"/admin/clinic/user/{superuser.pk}/password/" not in page.content.decode()
    assert 'name="_save"' not in page.content.decode()


@pytest.mark.parametrize("field", ["is_staff", "is_superuser", "user_permissions"])
def test_the_user_form_offers_a_clinic_admin_no_staff_superuser_or_permission_field(
    as_user, clinic_admin, therapist, field
):
    browser = as_user(clinic_admin)

    change = browser.get(f"/admin/clinic/user/{therapist.pk}/change/")

    assert field not in change.context["adminform"].form.fields
    assert f'name="{field}"' not in change.content.decode()


def test_a_clinic_admin_s_forged_privileges_change_nothing(as_user, clinic_admin, therapist):
    permission = Permission.objects.get(codename="change_totpdevice")

    response = as_user(clinic_admin).post(
        f"/admin/clinic/user/{therapist.pk}/change/",
        user_form(therapist, **{**PRIVILEGES, "user_permissions": [str(permission.pk)]}),
    )

    therapist.refresh_from_db()
    assert response.status_code == 302
    assert (therapist.is_staff, therapist.is_superuser) == (False, False)
    assert not therapist.user_permissions.exists()


def test_a_clinic_admin_cannot_make_themselves_staff_or_superuser(as_user, clinic_admin):
    response = as_user(clinic_admin).post(
        f"/admin/clinic/user/{clinic_admin.pk}/change/", user_form(clinic_admin, **PRIVILEGES)
    )

    clinic_admin.refresh_from_db()
    assert response.status_code == 302
    assert (clinic_admin.is_staff, clinic_admin.is_superuser) == (False, False)


def test_a_clinic_admin_cannot_change_a_role_s_permissions(as_user, clinic_admin):
    role = Group.objects.get(name=roles.FRONT_DESK)
    permission = Permission.objects.get(codename="view_totpdevice")
    browser = as_user(clinic_admin)

    changed = browser.post(
        f"/admin/auth/group/{role.pk}/change/", {"name": role.name, "permissions": [str(permission.pk)]}
    )
    added = browser.post("/admin/auth/group/add/", {"name": "Auditors", "permissions": [str(permission.pk)]})
    deleted = browser.post(f"/admin/auth/group/{role.pk}/delete/", {"post": "yes"})

    assert (changed.status_code, added.status_code, deleted.status_code) == (403, 403, 403)
    assert not role.permissions.filter(pk=permission.pk).exists()
    assert not Group.objects.filter(name="Auditors").exists()


def test_a_clinic_admin_whose_role_was_given_device_permissions_still_cannot_touch_devices(
    as_user, clinic_admin, device
):
    """Even if a superuser ticked the device permissions on the role by mistake."""
    admin_role = Group.objects.get(name=roles.CLINIC_ADMIN)
    admin_role.permissions.add(*Permission.objects.filter(content_type__app_label="otp_totp"))
    browser = as_user(clinic_admin)

    responses = [
        browser.get("/admin/otp_totp/totpdevice/"),
        browser.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/"),
        browser.post(f"/admin/otp_totp/totpdevice/{device.pk}/change/", {"user": device.user_id, "name": "x"}),
        browser.post(f"/admin/otp_totp/totpdevice/{device.pk}/delete/", {"post": "yes"}),
        browser.get("/admin/otp_totp/totpdevice/add/"),
    ]
    index = browser.get("/admin/").content.decode()

    assert [r.status_code for r in responses] == [403] * 5
    assert TOTPDevice.objects.filter(pk=device.pk, name="phone").exists()
    assert "/admin/otp_totp/" not in index


def test_a_clinic_admin_cannot_reach_devices_without_those_permissions_either(as_user, clinic_admin, device):
    browser = as_user(clinic_admin)

    assert browser.get("/admin/otp_totp/totpdevice/").status_code == 403
    assert browser.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/").status_code == 403


def test_a_clinic_admin_still_creates_accounts_grants_roles_and_resets_passwords(as_user, clinic_admin, therapist):
    browser = as_user(clinic_admin)
    admin_role = Group.objects.get(name=roles.CLINIC_ADMIN)

    created = browser.post(
        "/admin/clinic/user/add/", {"username": "dana", "password1": PASSWORD, "password2": PASSWORD}
    )
    dana = User.objects.get(username="dana")
    granted = browser.post(f"/admin/clinic/user/{dana.pk}/change/", {**user_form(dana), "groups": [str(admin_role.pk)]})
    reset = browser.post(
        f"/admin/clinic/user/{therapist.pk}/password/",
        {"password1": PASSWORD, "password2": PASSWORD, "usable_password": "true"},
    )

    dana.refresh_from_db()
    therapist.refresh_from_db()
    assert (created.status_code, granted.status_code, reset.status_code) == (302, 302, 302)
    assert dana.is_clinic_admin and not dana.is_superuser
    assert therapist.check_password(PASSWORD)


# -- A superuser ---------------------------------------------------------------------------------------------------


def test_a_superuser_still_changes_a_superuser_s_password_flags_permissions_and_devices(
    as_user, superuser, therapist, device
):
    other = User.objects.create_superuser("root2", "root2@clinic.example", OLD_PASSWORD)
    role = Group.objects.get(name=roles.FRONT_DESK)
    permission = Permission.objects.get(codename="view_client")
    browser = as_user(superuser)

    reset = browser.post(
        f"/admin/clinic/user/{other.pk}/password/",
        {"password1": PASSWORD, "password2": PASSWORD, "usable_password": "true"},
    )
    flagged = browser.post(
        f"/admin/clinic/user/{therapist.pk}/change/",
        user_form(therapist, is_staff="on", date_joined_0="2026-01-05", date_joined_1="09:00:00"),
    )
    role_changed = browser.post(
        f"/admin/auth/group/{role.pk}/change/", {"name": role.name, "permissions": [str(permission.pk)]}
    )
    devices = browser.get("/admin/otp_totp/totpdevice/")
    removed = browser.post(f"/admin/otp_totp/totpdevice/{device.pk}/delete/", {"post": "yes"})

    other.refresh_from_db()
    therapist.refresh_from_db()
    assert [reset.status_code, flagged.status_code, role_changed.status_code] == [302, 302, 302]
    assert (devices.status_code, removed.status_code) == (200, 302)
    assert other.check_password(PASSWORD)
    assert therapist.is_staff
    assert role.permissions.filter(pk=permission.pk).exists()
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()


def test_createsuperuser_still_makes_the_emergency_account(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", OLD_PASSWORD)

    call_command("createsuperuser", "--noinput", username="rescue", email="rescue@clinic.example", verbosity=0)

    rescue = User.objects.get(username="rescue")
    assert rescue.is_superuser and rescue.is_clinic_admin and rescue.check_password(OLD_PASSWORD)
