"""A second factor (TOTP) for the admin and audit pages, when the server or a clinic admin requires it."""

import re

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.test import Client as Browser
from django.test import override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinic.models import SecurityPolicy
from tests.test_settings import PRODUCTION_ENV, manage

pytestmark = pytest.mark.django_db

ADMIN_PAGES = ["/admin/", "/admin/clinic/client/", "/audit/", "/clients/export.csv"]
VERIFY = "/account/two-factor/verify/"
ENROL = "/account/two-factor/enrol/"
OVERVIEW = "/account/two-factor/"

required = override_settings(REQUIRE_2FA_FOR_ADMIN=True)
not_required = override_settings(REQUIRE_2FA_FOR_ADMIN=False)


def code_of(device: TOTPDevice, *, shift: int = 0) -> str:
    """The code an authenticator app shows now (`shift` steps later or earlier)."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=shift):06d}"


def wrong_code(device: TOTPDevice) -> str:
    accepted = {code_of(device, shift=s) for s in (-1, 0, 1)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in accepted)


@pytest.fixture
def admin_device(clinic_admin):
    return TOTPDevice.objects.create(user=clinic_admin, name="phone", confirmed=True)


# -- Required -----------------------------------------------------------------------------------------------------


@required
@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_an_unverified_admin_is_sent_to_verify(as_user, clinic_admin, admin_device, path):
    response = as_user(clinic_admin).get(path)

    assert response.status_code == 302
    assert response["Location"].startswith(f"{VERIFY}?next=")
    assert path.replace("/", "%2F") in response["Location"]


@required
@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_an_admin_without_a_device_is_sent_to_enrol(as_user, clinic_admin, path):
    response = as_user(clinic_admin).get(path)

    assert response.status_code == 302
    assert response["Location"].startswith(f"{ENROL}?next=")


@required
def test_a_wrong_code_is_an_error_and_gives_no_access(as_user, clinic_admin, admin_device):
    browser = as_user(clinic_admin)

    response = browser.post(VERIFY, {"code": wrong_code(admin_device), "next": "/audit/"})

    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()
    assert browser.get("/audit/").status_code == 302
    assert browser.get("/admin/").status_code == 302


@required
@pytest.mark.parametrize("code", ["", "12345", "1234567", "abcdef", "١٢٣٤٥٦"])
def test_a_malformed_code_is_a_form_error(as_user, clinic_admin, admin_device, code):
    response = as_user(clinic_admin).post(VERIFY, {"code": code})

    assert response.status_code == 200
    assert response.context["form"].errors["code"]


@required
def test_the_right_code_opens_the_admin_and_audit_pages_for_this_session(as_user, clinic_admin, admin_device):
    browser = as_user(clinic_admin)

    response = browser.post(VERIFY, {"code": code_of(admin_device), "next": "/admin/"})

    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert browser.get("/admin/").status_code == 200
    assert browser.get("/admin/clinic/client/").status_code == 200
    assert browser.get("/audit/").status_code == 200


@required
def test_a_code_with_spaces_is_accepted(as_user, clinic_admin, admin_device):
    code = code_of(admin_device)

    response = as_user(clinic_admin).post(VERIFY, {"code": f"{code[:3]} {code[3:]}", "next": "/audit/"})

    assert response["Location"] == "/audit/"


@required
def test_a_code_is_accepted_only_once(clinic_admin, admin_device):
    code = code_of(admin_device)
    first, second = Browser(), Browser()
    first.force_login(clinic_admin)
    second.force_login(clinic_admin)

    accepted = first.post(VERIFY, {"code": code})
    replayed = second.post(VERIFY, {"code": code})

    assert accepted.status_code == 302
    assert replayed.status_code == 200
    assert second.get("/audit/").status_code == 302


@required
def test_many_wrong_codes_slow_down_even_the_right_one(as_user, clinic_admin, admin_device):
    browser = as_user(clinic_admin)
    for _ in range(3):
        browser.post(VERIFY, {"code": wrong_code(admin_device)})

    response = browser.post(VERIFY, {"code": code_of(admin_device)})

    assert response.status_code == 200
    assert "Too many wrong codes" in response.content.decode()
    assert browser.get("/audit/").status_code == 302


@required
def test_verification_does_not_survive_signing_out(as_user, clinic_admin, admin_device):
    browser = as_user(clinic_admin)
    browser.post(VERIFY, {"code": code_of(admin_device)})
    browser.post("/accounts/logout/")
    browser.force_login(clinic_admin)

    assert browser.get("/audit/").status_code == 302


@required
def test_verifying_gives_the_session_a_new_key(as_user, clinic_admin, admin_device):
    browser = as_user(clinic_admin)
    before = browser.session.session_key

    browser.post(VERIFY, {"code": code_of(admin_device)})

    assert browser.session.session_key != before


@required
@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/", "javascript:alert(1)"])
def test_verify_never_redirects_off_site(as_user, clinic_admin, admin_device, next_url):
    response = as_user(clinic_admin).post(VERIFY, {"code": code_of(admin_device), "next": next_url})

    assert response["Location"] == OVERVIEW


@required
@pytest.mark.parametrize("role", ["front_desk", "therapist", "no_role_user"])
@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_other_roles_still_get_403(request, as_user, role, path):
    response = as_user(request.getfixturevalue(role)).get(path)

    assert response.status_code == 403


@required
@pytest.mark.parametrize("path", ["/admin/", "/audit/"])
def test_signed_out_visitors_go_to_sign_in_not_to_verify(client, path):
    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@required
def test_the_rest_of_the_app_needs_no_second_factor(as_user, clinic_admin):
    browser = as_user(clinic_admin)

    assert browser.get("/").status_code == 200
    assert browser.get("/clients/").status_code == 200


# -- Enrolment ----------------------------------------------------------------------------------------------------


@required
def test_the_enrolment_page_shows_the_key_the_uri_and_an_svg_qr_code_without_script(as_user, clinic_admin):
    response = as_user(clinic_admin).get(ENROL, {"next": "/admin/"})

    device = TOTPDevice.objects.get(user=clinic_admin)
    text = response.content.decode()
    assert response.status_code == 200
    assert device.confirmed is False
    assert "otpauth://totp/" in text
    assert re.search(r"<svg[^>]*>.*<path", text, re.S)
    assert "<img" not in text
    assert re.findall(r"<script(?![^>]*\bsrc=)", text) == []  # no inline script
    assert "http://" not in text.replace("http://www.w3.org", "") and "https://" not in text


@required
def test_reloading_the_enrolment_page_keeps_the_same_key(as_user, clinic_admin):
    browser = as_user(clinic_admin)
    browser.get(ENROL)
    browser.get(ENROL)

    assert TOTPDevice.objects.filter(user=clinic_admin).count() == 1


@required
def test_one_right_code_confirms_the_device_and_opens_the_pages(as_user, clinic_admin):
    browser = as_user(clinic_admin)
    browser.get(ENROL)
    device = TOTPDevice.objects.get(user=clinic_admin)

    response = browser.post(ENROL, {"code": code_of(device), "next": "/audit/"})

    device.refresh_from_db()
    assert response["Location"] == "/audit/"
    assert device.confirmed is True
    assert browser.get("/audit/").status_code == 200
    assert LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(TOTPDevice), object_pk=str(device.pk), actor=clinic_admin
    ).exists()
    assert not LogEntry.objects.filter(changes_text__contains=device.key).exists()


@required
def test_a_wrong_enrolment_code_confirms_nothing(as_user, clinic_admin):
    browser = as_user(clinic_admin)
    browser.get(ENROL)
    device = TOTPDevice.objects.get(user=clinic_admin)

    response = browser.post(ENROL, {"code": wrong_code(device)})

    device.refresh_from_db()
    assert response.status_code == 200
    assert device.confirmed is False
    assert browser.get("/audit/").status_code == 302


@required
def test_with_a_device_already_no_second_one_can_be_enrolled(as_user, clinic_admin, admin_device):
    browser = as_user(clinic_admin)

    response = browser.get(ENROL)

    assert response.status_code == 302
    assert response["Location"].startswith(VERIFY)
    assert TOTPDevice.objects.filter(user=clinic_admin).count() == 1


# -- Not required -------------------------------------------------------------------------------------------------


@not_required
@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_when_not_required_admins_go_straight_in(as_user, clinic_admin, path):
    assert as_user(clinic_admin).get(path).status_code == 200


@not_required
@pytest.mark.parametrize("role", ["front_desk", "therapist"])
@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_when_not_required_other_roles_still_get_403(request, as_user, role, path):
    assert as_user(request.getfixturevalue(role)).get(path).status_code == 403


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "True"),  # production: on unless said otherwise
        ({"REQUIRE_2FA_FOR_ADMIN": "0"}, "False"),
        ({"DEBUG": "1"}, "False"),  # the demo (`make run`) works without an authenticator app
        ({"DEBUG": "1", "REQUIRE_2FA_FOR_ADMIN": "1"}, "True"),
    ],
)
def test_the_requirement_is_on_in_production_and_off_with_debug_by_default(env, expected):
    result = manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; print(settings.REQUIRE_2FA_FOR_ADMIN)",
        env_overrides={**PRODUCTION_ENV, "REQUIRE_2FA_FOR_ADMIN": "", **env},
    )

    assert result.stdout.strip().splitlines()[-1] == expected, result.stderr


# -- The clinic-wide switch ---------------------------------------------------------------------------------------


@not_required
def test_a_clinic_admin_turns_the_requirement_on_for_the_clinic(as_user, clinic_admin):
    browser = as_user(clinic_admin)

    saved = browser.post(OVERVIEW, {"require_2fa_for_admin": "on"})
    response = browser.get("/audit/")

    assert saved.status_code == 302
    assert SecurityPolicy.current().require_2fa_for_admin is True
    assert response.status_code == 302
    assert response["Location"].startswith(ENROL)
    assert LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(SecurityPolicy), actor=clinic_admin
    ).exists()


@not_required
def test_turning_the_requirement_off_needs_the_second_factor(as_user, clinic_admin, admin_device):
    SecurityPolicy(pk=1, require_2fa_for_admin=True).save()
    browser = as_user(clinic_admin)

    refused = browser.post(OVERVIEW, {})
    browser.post(VERIFY, {"code": code_of(admin_device)})
    accepted = browser.post(OVERVIEW, {})

    assert refused["Location"].startswith(VERIFY)
    assert accepted.status_code == 302
    assert SecurityPolicy.current().require_2fa_for_admin is False


@required
def test_when_the_server_requires_it_the_page_offers_no_switch(as_user, clinic_admin):
    response = as_user(clinic_admin).get(OVERVIEW)

    assert response.status_code == 200
    assert b"REQUIRE_2FA_FOR_ADMIN" in response.content
    assert b'name="require_2fa_for_admin"' not in response.content


@not_required
@pytest.mark.parametrize("role", ["front_desk", "therapist"])
def test_only_clinic_admins_may_change_the_switch(request, as_user, role):
    browser = as_user(request.getfixturevalue(role))

    page = browser.get(OVERVIEW)
    response = browser.post(OVERVIEW, {"require_2fa_for_admin": "on"})

    assert page.status_code == 200
    assert b'name="require_2fa_for_admin"' not in page.content
    assert response.status_code == 403
    assert SecurityPolicy.current().require_2fa_for_admin is False


# -- A lost phone -------------------------------------------------------------------------------------------------


@not_required
def test_the_emergency_superuser_removes_a_lost_device_so_the_person_can_enrol_again(
    client, clinic_admin, admin_device
):
    from tests.factories import UserFactory

    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(root)

    listed = client.get("/admin/otp_totp/totpdevice/")
    removed = client.post(f"/admin/otp_totp/totpdevice/{admin_device.pk}/delete/", {"post": "yes"})

    assert listed.status_code == 200
    assert removed.status_code == 302
    assert not TOTPDevice.objects.filter(user=clinic_admin).exists()


@not_required
def test_clinic_admins_cannot_remove_devices_in_the_admin(as_user, clinic_admin, admin_device):
    response = as_user(clinic_admin).post(f"/admin/otp_totp/totpdevice/{admin_device.pk}/delete/", {"post": "yes"})

    assert response.status_code == 403
    assert TOTPDevice.objects.filter(pk=admin_device.pk).exists()
