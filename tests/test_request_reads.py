"""The two reads of every signed-in request (clinic/request_reads.py): its session row and its user, one fixed
statement each, deciding exactly what Django's database session store and ModelBackend decide."""

from datetime import timedelta

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends import db as django_db_store
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client as Browser
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from clinic import request_reads, roles
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-clinic-password"


@pytest.fixture
def desk(db):
    return UserFactory(username="desk", roles=[roles.FRONT_DESK], password=PASSWORD)


def signed_in(user) -> Browser:
    browser = Browser()
    response = browser.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return browser


def session_row(browser: Browser) -> Session:
    return Session.objects.get(session_key=browser.cookies["sessionid"].value)


def test_a_signed_in_page_reads_the_session_row_and_the_user_in_one_statement_each(desk):
    browser = signed_in(desk)
    browser.get("/clients/")  # the once-a-minute session write happens here, not in the request measured

    with CaptureQueriesContext(connection) as queries:
        response = browser.get("/clients/")

    assert response.status_code == 200
    assert response.context["user"] == desk
    session_table, user_table = Session._meta.db_table, desk._meta.db_table
    reads = [q["sql"] for q in queries.captured_queries if f"FROM {connection.ops.quote_name(user_table)}" in q["sql"]]
    sessions = [q["sql"] for q in queries.captured_queries if session_table in q["sql"]]
    assert len(sessions) == 1 and sessions[0].startswith("SELECT")
    assert len(reads) == 1


def test_the_session_is_the_same_as_django_s_own_store_reads(desk):
    browser = signed_in(desk)
    key = browser.cookies["sessionid"].value

    ours = request_reads.SessionStore(key).load()

    assert ours == django_db_store.SessionStore(key).load()
    assert ours[SESSION_KEY] == str(desk.pk)


def test_an_expired_session_row_is_no_session_and_its_key_is_forgotten(desk):
    browser = signed_in(desk)
    stored = session_row(browser)
    stored.expire_date = timezone.now() - timedelta(seconds=1)
    stored.save()
    store = request_reads.SessionStore(stored.session_key)

    assert store.load() == {}
    assert store.session_key is None  # a save now writes a new key, never the expired one
    after = browser.get("/clients/")
    assert after.status_code == 302 and after["Location"].startswith("/accounts/login/")


def test_a_session_a_second_from_its_end_still_signs_in(desk):
    browser = signed_in(desk)
    stored = session_row(browser)
    stored.expire_date = timezone.now() + timedelta(seconds=5)
    stored.save()

    assert browser.get("/clients/").status_code == 200


def test_a_forged_session_cookie_is_nobody_and_signing_in_issues_a_new_key(desk):
    browser = Browser()
    browser.cookies["sessionid"] = "forgedsessionkey0000000000000000"

    assert browser.get("/clients/").status_code == 302
    browser.post("/accounts/login/", {"username": "desk", "password": PASSWORD})
    assert browser.cookies["sessionid"].value != "forgedsessionkey0000000000000000"
    assert browser.get("/clients/").status_code == 200


def test_a_hostile_session_cookie_is_a_parameter_not_sql(desk):
    browser = signed_in(desk)
    browser.cookies["sessionid"] = "x' OR '1'='1"

    response = browser.get("/clients/")

    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_user_is_read_fresh_on_each_request(desk):
    browser = signed_in(desk)
    assert browser.get("/clients/").context["user"].first_name != "Renamed"
    type(desk).objects.filter(pk=desk.pk).update(first_name="Renamed")

    assert browser.get("/clients/").context["user"].first_name == "Renamed"


def test_a_deactivated_user_is_nobody_at_their_next_request(desk):
    browser = signed_in(desk)
    type(desk).objects.filter(pk=desk.pk).update(is_active=False)

    assert request_reads.UserBackend().get_user(desk.pk) is None
    response = browser.get("/clients/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_a_changed_password_ends_the_other_sessions(desk):
    browser = signed_in(desk)
    desk.set_password("another-long-clinic-password")
    desk.save()

    response = browser.get("/clients/")

    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_backend_reads_the_whole_user_with_their_roles(desk):
    user = request_reads.UserBackend().get_user(desk.pk)

    assert user == desk
    assert user.is_front_desk and not user.is_therapist
    assert user.get_deferred_fields() == set()
    assert request_reads.UserBackend().get_user(desk.pk + 1000) is None


def test_the_bench_measures_both_reads_both_ways_and_leaves_no_session_behind(desk):
    from bench import request_reads as bench_reads

    sessions_before = Session.objects.count()
    figures = bench_reads.medians(desk, repeat=3)

    assert set(figures) == {"session orm", "session sql", "user orm", "user sql"}
    assert all(ms > 0 for ms in figures.values())
    assert "saved on every request" in bench_reads.table(figures)[-1]
    assert Session.objects.count() == sessions_before


def test_a_session_from_before_the_upgrade_signs_in_once_more(desk):
    """Sessions written before the backend was clinic.request_reads.UserBackend name Django's ModelBackend, which is
    no longer listed: such a session is nobody (the README's note on upgrading), and signing in works at once."""
    browser = signed_in(desk)
    store = request_reads.SessionStore(browser.cookies["sessionid"].value)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store.save()

    assert browser.get("/clients/").status_code == 302
    assert browser.post("/accounts/login/", {"username": "desk", "password": PASSWORD}).status_code == 302
    assert browser.get("/clients/").status_code == 200
