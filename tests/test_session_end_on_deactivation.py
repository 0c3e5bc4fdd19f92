"""A deactivated user's open sessions end at their next request; a changed password ends the other sessions."""

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, SESSION_KEY, load_backend
from django.contrib.sessions.models import Session
from django.test import Client as Browser
from django.test import override_settings

from clinic import roles
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-clinic-password"


@pytest.fixture
def signed_in_therapist(db):
    """A therapist signed in through the real sign-in form (django-axes' backend first, as in production)."""
    user = UserFactory(username="theo", roles=[roles.THERAPIST], password=PASSWORD)
    browser = Browser()
    response = browser.post("/accounts/login/", {"username": "theo", "password": PASSWORD})
    assert response.status_code == 302
    return user, browser


def deactivate_in_admin(admin_browser, user):
    """What a clinic admin does in /admin/: untick "active" on the user's page and save."""
    return admin_browser.post(
        f"/admin/clinic/user/{user.pk}/change/",
        {
            "username": user.username,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "groups": [group.pk for group in user.groups.all()],
            # "is_active" left out: the box is unticked.
        },
    )


def session_ended(response, old_key) -> bool:
    """The old session row is gone, and the cookie is cleared or names a fresh session that signs nobody in
    (it may carry the "session ended" message, as messages are kept in the session)."""
    if Session.objects.filter(session_key=old_key).exists():
        return False
    cookie = response.cookies.get(settings.SESSION_COOKIE_NAME)
    if cookie is None or cookie.value == old_key:
        return False
    if cookie.value == "":
        return cookie["max-age"] == 0
    fresh = Session.objects.filter(session_key=cookie.value).first()
    return fresh is None or SESSION_KEY not in fresh.get_decoded()


def test_the_sign_in_form_records_a_backend_that_refuses_inactive_users(signed_in_therapist):
    user, browser = signed_in_therapist
    user.is_active = False
    user.save()

    # django-axes' standalone backend only watches for lock-outs (it has no get_user); the next one signs users in.
    backend = load_backend(browser.session[BACKEND_SESSION_KEY])

    assert not browser.session[BACKEND_SESSION_KEY].startswith("axes.")
    assert backend.get_user(user.pk) is None


def test_deactivated_in_the_admin_a_user_is_signed_out_at_the_next_request(signed_in_therapist, as_user, clinic_admin):
    user, browser = signed_in_therapist
    session_key = browser.session.session_key
    assert browser.get("/clients/").status_code == 200

    saved = deactivate_in_admin(as_user(clinic_admin), user)
    response = browser.get("/clients/")

    assert saved.status_code == 302
    user.refresh_from_db()
    assert user.is_active is False
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/clients/"
    assert session_ended(response, session_key)


def test_the_sign_in_page_says_the_session_ended(signed_in_therapist):
    user, browser = signed_in_therapist
    user.is_active = False
    user.save()

    response = browser.get("/", follow=True)

    assert response.redirect_chain[-1][0].startswith("/accounts/login/")
    assert b"Your session has ended" in response.content


def test_reactivating_the_account_does_not_revive_the_ended_session(signed_in_therapist):
    user, browser = signed_in_therapist
    user.is_active = False
    user.save()
    browser.get("/clients/")
    user.is_active = True
    user.save()

    response = browser.get("/clients/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@override_settings(AUTHENTICATION_BACKENDS=["django.contrib.auth.backends.AllowAllUsersModelBackend"])
def test_the_session_ends_even_with_a_backend_that_lets_inactive_users_in(as_user, therapist):
    browser = as_user(therapist)
    session_key = browser.session.session_key
    therapist.is_active = False
    therapist.save()

    response = browser.get("/clients/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/clients/"
    assert session_ended(response, session_key)


def test_an_active_user_keeps_their_session(signed_in_therapist):
    _user, browser = signed_in_therapist
    session_key = browser.session.session_key

    response = browser.get("/clients/")

    assert response.status_code == 200
    assert Session.objects.filter(session_key=session_key).exists()


def test_a_password_reset_by_an_admin_ends_the_users_open_sessions(signed_in_therapist, as_user, clinic_admin):
    user, browser = signed_in_therapist
    session_key = browser.session.session_key

    reset = as_user(clinic_admin).post(
        f"/admin/clinic/user/{user.pk}/password/",
        {"password1": "another-long-password-9", "password2": "another-long-password-9"},
    )
    response = browser.get("/clients/")

    assert reset.status_code == 302
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/clients/"
    assert session_ended(response, session_key)


def test_a_password_change_ends_every_other_session_of_that_user(signed_in_therapist):
    user, laptop = signed_in_therapist
    tablet = Browser()
    tablet.post("/accounts/login/", {"username": "theo", "password": PASSWORD})
    assert tablet.get("/clients/").status_code == 200

    user.set_password("a-brand-new-password-7")
    user.save()

    assert laptop.get("/clients/").status_code == 302
    assert tablet.get("/clients/").status_code == 302
    signed_in_again = tablet.post("/accounts/login/", {"username": "theo", "password": "a-brand-new-password-7"})
    assert signed_in_again.status_code == 302
    assert tablet.get("/clients/").status_code == 200
