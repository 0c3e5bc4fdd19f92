"""Signing in and out, lock-out after repeated failures, password hashing and session lifetime."""

from datetime import timedelta
from unittest import mock

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.sessions.models import Session
from django.db import connection
from django.http import HttpResponse
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from clinic import roles
from clinic.session_activity import SEEN_KEY, IdleTimeoutMiddleware
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-clinic-password"


@pytest.fixture
def desk_with_password(db):
    return UserFactory(username="desk", roles=[roles.FRONT_DESK], password=PASSWORD)


def test_the_three_roles_exist_as_groups_from_the_migration():
    assert set(Group.objects.values_list("name", flat=True)) >= {"Front desk", "Therapist", "Clinic admin"}


def test_a_person_may_hold_several_roles():
    owner = UserFactory(roles=[roles.FRONT_DESK, roles.THERAPIST, roles.CLINIC_ADMIN])

    assert (owner.is_front_desk, owner.is_therapist, owner.is_clinic_admin) == (True, True, True)


@pytest.mark.parametrize("path", ["/", "/clients/", "/clients/new/", "/audit/"])
def test_every_page_requires_sign_in(client, path):
    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_signing_in_through_the_form_lands_on_home(client, desk_with_password):
    response = client.post("/accounts/login/", {"username": "desk", "password": PASSWORD}, follow=True)

    assert response.redirect_chain[-1][0] == "/"
    assert response.context["user"] == desk_with_password


def test_password_is_stored_with_argon2(desk_with_password):
    assert desk_with_password.password.startswith("argon2")


def test_wrong_password_shows_an_error_and_does_not_sign_in(client, desk_with_password):
    response = client.post("/accounts/login/", {"username": "desk", "password": "wrong"})

    assert response.status_code == 200
    assert b"Please enter a correct username and password" in response.content
    assert "_auth_user_id" not in client.session


def test_repeated_failed_sign_ins_lock_the_account_even_with_the_right_password(client, desk_with_password):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": "desk", "password": "wrong"})

    response = client.post("/accounts/login/", {"username": "desk", "password": PASSWORD})

    assert response.status_code == 429
    assert b"Too many failed sign-ins" in response.content
    assert "_auth_user_id" not in client.session


def test_sign_out_asks_first_on_get_and_signs_out_on_post(as_user, desk_with_password):
    browser = as_user(desk_with_password)

    confirm = browser.get("/accounts/logout/")
    signed_out = browser.post("/accounts/logout/", follow=True)

    assert confirm.status_code == 200
    assert "_auth_user_id" in confirm.wsgi_request.session
    assert signed_out.redirect_chain[-1][0] == "/accounts/login/"
    assert browser.get("/clients/").status_code == 302


def test_sessions_end_after_thirty_idle_minutes_and_on_browser_close(as_user, desk_with_password):
    response = as_user(desk_with_password).get("/")

    assert settings.SESSION_COOKIE_AGE == 30 * 60
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["expires"] == ""  # a browser-session cookie: gone when the browser closes
    assert response.wsgi_request.session.get_expiry_age() == 30 * 60


def _stored_session(response):
    return Session.objects.get(session_key=response.wsgi_request.session.session_key)


def test_activity_pushes_the_idle_sign_out_back_at_most_once_a_minute(as_user, desk_with_password):
    browser = as_user(desk_with_password)
    first = browser.get("/")
    stored = _stored_session(first)
    expiry = stored.expire_date

    browser.get("/clients/")  # within the minute: the session row is not written again
    assert _stored_session(first).expire_date == expiry

    session = browser.session
    session[SEEN_KEY] -= settings.SESSION_TOUCH_SECONDS  # the last write was a minute ago
    session.save()
    expiry = _stored_session(first).expire_date
    later = browser.get("/clients/")

    assert later.status_code == 200
    assert _stored_session(first).expire_date > expiry


def test_a_client_idle_past_the_limit_is_signed_out(as_user, desk_with_password):
    browser = as_user(desk_with_password)
    response = browser.get("/")
    stored = _stored_session(response)
    stored.expire_date = timezone.now() - timedelta(seconds=1)  # thirty minutes without a request
    stored.save()

    after = browser.get("/clients/")

    assert after.status_code == 302
    assert after["Location"].startswith("/accounts/login/")


def test_inactive_user_cannot_use_pages(as_user):
    user = UserFactory(roles=[roles.FRONT_DESK], is_active=False)

    assert as_user(user).get("/clients/").status_code in (302, 403)


def test_user_without_role_sees_a_notice_on_home(as_user, no_role_user):
    response = as_user(no_role_user).get("/")

    assert response.status_code == 200
    assert b"Your account has no role yet" in response.content


def test_the_signed_in_user_and_their_roles_are_read_in_one_query(as_user, front_desk):
    browser = as_user(front_desk)
    browser.get("/clients/")

    with CaptureQueriesContext(connection) as queries:
        response = browser.get("/clients/")

    assert response.status_code == 200
    user_reads = [q["sql"] for q in queries.captured_queries if 'FROM "clinic_user"' in q["sql"]]
    # The roles are on the user's row (User.held_roles): the one read of the user brings them, and no request
    # reads the groups (nor joins them into the user's read).
    assert len(user_reads) == 1 and "held_roles" in user_reads[0]
    assert not any("auth_group" in q["sql"] for q in queries.captured_queries)


def test_a_role_taken_away_takes_effect_on_the_next_request(as_user, front_desk):
    browser = as_user(front_desk)
    assert browser.get("/clients/new/").status_code == 200

    front_desk.groups.clear()

    assert browser.get("/clients/new/").status_code == 403


def test_a_role_given_from_the_group_side_takes_effect_on_the_next_request(as_user, no_role_user):
    browser = as_user(no_role_user)
    assert browser.get("/clients/new/").status_code == 403

    Group.objects.get(name=roles.FRONT_DESK).user_set.add(no_role_user)

    assert browser.get("/clients/new/").status_code == 200


def test_a_role_group_renamed_or_deleted_takes_its_role_away(as_user, front_desk):
    browser = as_user(front_desk)
    group = Group.objects.get(name=roles.FRONT_DESK)
    group.name = "Former front desk"
    group.save()

    renamed = browser.get("/clients/new/").status_code
    group.delete()
    front_desk.refresh_from_db()

    assert renamed == 403
    assert front_desk.held_roles == []


def test_after_a_server_error_the_session_is_not_read_again(rf):
    # The database may be down (a 503): reading the session for its once-a-minute refresh would fail again.
    request = rf.get("/")
    request.session = mock.Mock(**{"get.side_effect": AssertionError("session read"), "is_empty.return_value": False})
    middleware = IdleTimeoutMiddleware(lambda request: HttpResponse(status=503))

    response = middleware(request)

    assert response.status_code == 503
    request.session.get.assert_not_called()
