"""The two-person rule of record disposal holds against one admin with two accounts: the approver is a different
person who passed the second factor, and whose account, clinic admin role and second factor are all older than the
request. An admin who creates a second admin in /admin/, or grants the role, or resets an admin's password, after
asking, cannot approve their own request with that account."""

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import Group
from django.test import Client as Browser
from django.utils import timezone

from clinic import roles
from clinic.models import Client
from notes import disposal
from notes.models import RecordDisposal
from tests import factories
from tests.second_factor_helpers import code_of, device_of, verified, verified_browser

pytestmark = pytest.mark.django_db

PASSWORD = "a long and unguessable passphrase 7"  # noqa: S105 (a test's)


@pytest.fixture
def old_client(therapist, front_desk):
    """A client whose last clinical entry is 20 years old: past the retention date, so disposal may be asked."""
    client = factories.ClientFactory(first_name="Maya", last_name="Chen", date_of_birth=date(1950, 3, 1))
    client.care_team.set([therapist])
    factories.screened_intake(client, by=front_desk)
    Client._base_manager.filter(pk=client.pk).update(record_written_at=timezone.now() - timedelta(days=366 * 20))
    return client


@pytest.fixture
def second_admin(db):
    """A clinic admin of long standing, with an authenticator app set up before any request."""
    admin = factories.clinic_admin_user(username="dana", first_name="Dana", last_name="Lee")
    device_of(admin)
    return admin


def signed_in(user) -> Browser:
    browser = Browser()
    browser.force_login(user)
    return browser


def request_disposal(browser: Browser, client) -> RecordDisposal:
    response = browser.post(f"/clients/{client.public_id}/disposal/new/", {"reason": "Retention over"})
    assert response.status_code == 302
    return RecordDisposal.objects.get(client=client)


def approve(browser: Browser, requested: RecordDisposal):
    return browser.post(f"/disposals/{requested.public_id}/approve/", follow=True)


def assert_kept(requested: RecordDisposal, client) -> None:
    requested.refresh_from_db()
    assert requested.status == RecordDisposal.Status.REQUESTED
    assert requested.decided_by is None
    assert Client.objects.get(pk=client.pk).first_name == "Maya"


def admin_role() -> Group:
    return Group.objects.get(name=roles.CLINIC_ADMIN)


def user_form(user, *, groups) -> dict:
    return {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on",
        "groups": [str(group.pk) for group in groups],
    }


# -- Through a second account made after the request ---------------------------------------------------------------


def test_an_admin_account_created_after_the_request_cannot_approve_it(clinic_admin, old_client):
    requester = signed_in(clinic_admin)
    requested = request_disposal(requester, old_client)
    created = requester.post(
        "/admin/clinic/user/add/", {"username": "sock", "password1": PASSWORD, "password2": PASSWORD}
    )
    sock = factories.User.objects.get(username="sock")
    granted = requester.post(f"/admin/clinic/user/{sock.pk}/change/", user_form(sock, groups=[admin_role()]))
    sock.refresh_from_db()
    assert (created.status_code, granted.status_code, sock.is_clinic_admin) == (302, 302, True)

    response = approve(verified_browser(sock), requested)

    assert "Your account was created after this request" in response.content.decode()
    assert_kept(requested, old_client)


def test_an_old_account_given_the_admin_role_after_the_request_cannot_approve_it(clinic_admin, front_desk, old_client):
    device_of(front_desk)  # their authenticator app is older than the request too
    requester = signed_in(clinic_admin)
    requested = request_disposal(requester, old_client)
    granted = requester.post(
        f"/admin/clinic/user/{front_desk.pk}/change/",
        user_form(front_desk, groups=[admin_role(), *front_desk.groups.all()]),
    )
    front_desk.refresh_from_db()
    assert (granted.status_code, front_desk.is_clinic_admin) == (302, True)

    response = approve(verified_browser(front_desk), requested)

    assert "Your clinic admin role was granted after this request" in response.content.decode()
    assert_kept(requested, old_client)


def test_an_admin_whose_password_was_reset_and_who_enrols_after_the_request_cannot_approve_it(clinic_admin, old_client):
    """An older admin who never set up a second factor: the requester resets their password, signs in as them and
    enrols an authenticator app. The account and the role are old; the second factor is not."""
    colleague = factories.clinic_admin_user(username="sam", first_name="Sam", last_name="Ray")
    requester = signed_in(clinic_admin)
    requested = request_disposal(requester, old_client)
    reset = requester.post(
        f"/admin/clinic/user/{colleague.pk}/password/",
        {"password1": PASSWORD, "password2": PASSWORD, "usable_password": "true"},
    )
    colleague.refresh_from_db()
    assert reset.status_code == 302 and colleague.check_password(PASSWORD)
    as_colleague = signed_in(colleague)  # with the new password (force_login: django-axes wants a request)
    as_colleague.get("/account/two-factor/enrol/")

    response = approve(pass_enrolment(as_colleague, colleague), requested)

    assert "Your second factor was set up after this request" in response.content.decode()
    assert_kept(requested, old_client)


def pass_enrolment(browser: Browser, user) -> Browser:
    device = user.totpdevice_set.get(confirmed=False)
    response = browser.post("/account/two-factor/enrol/", {"code": code_of(device)})
    assert response.status_code == 302
    return browser


# -- Who approves -----------------------------------------------------------------------------------------------


def test_approval_without_the_second_factor_is_refused_and_asks_for_it(clinic_admin, second_admin, old_client):
    requested = request_disposal(signed_in(clinic_admin), old_client)

    response = signed_in(second_admin).post(f"/disposals/{requested.public_id}/approve/")

    assert response.status_code == 302
    assert response["Location"].startswith("/account/two-factor/verify/?next=")
    assert f"%2Fdisposals%2F{requested.public_id}%2F" in response["Location"]
    assert_kept(requested, old_client)


def test_the_service_refuses_an_approver_who_has_not_passed_the_second_factor(clinic_admin, second_admin, old_client):
    requested = disposal.request_disposal(client=old_client, by=clinic_admin, reason="Retention over")

    with pytest.raises(disposal.DisposalRefused, match="needs your second factor"):
        disposal.approve_disposal(disposal=requested, by=second_admin)

    assert_kept(requested, old_client)


def test_the_requester_cannot_approve_even_with_the_second_factor(clinic_admin, old_client):
    browser = verified_browser(clinic_admin)
    requested = request_disposal(browser, old_client)

    response = approve(browser, requested)

    assert "A different clinic admin must approve" in response.content.decode()
    assert_kept(requested, old_client)


def test_an_older_second_admin_who_passed_the_second_factor_approves(clinic_admin, second_admin, old_client):
    requested = request_disposal(signed_in(clinic_admin), old_client)

    response = approve(verified_browser(second_admin), requested)

    requested.refresh_from_db()
    assert "was disposed of" in response.content.decode()
    assert (requested.status, requested.decided_by) == (RecordDisposal.Status.CARRIED_OUT, second_admin)
    assert Client.objects.get(pk=old_client.pk).first_name == disposal.ANONYMISED_FIRST_NAME


def test_the_detail_page_says_the_code_will_be_asked(clinic_admin, second_admin, old_client):
    requested = request_disposal(signed_in(clinic_admin), old_client)

    before = signed_in(second_admin).get(f"/disposals/{requested.public_id}/").content.decode()
    after = verified_browser(second_admin).get(f"/disposals/{requested.public_id}/").content.decode()

    assert "asked for your authenticator" in before
    assert "asked for your authenticator" not in after


def test_a_role_removed_and_granted_again_counts_from_the_new_grant(clinic_admin, second_admin, old_client):
    second_admin.groups.remove(admin_role())
    requested = disposal.request_disposal(client=old_client, by=clinic_admin, reason="Retention over")
    second_admin.groups.add(admin_role())

    with pytest.raises(disposal.DisposalRefused, match="role was granted after"):
        disposal.approve_disposal(disposal=requested, by=verified(second_admin))

    assert_kept(requested, old_client)
