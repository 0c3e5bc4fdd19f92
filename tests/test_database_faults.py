"""The database stops answering: a 503 page with an incident id, the typed text kept, no half-written rows."""

import logging
import re
import runpy
from contextlib import contextmanager
from unittest import mock

import pytest
from auditlog.models import LogEntry
from django.conf import settings
from django.db import OperationalError, connection
from django.test import Client

from notes import services
from notes.models import Addendum, TreatmentSession
from tests import history_helpers as h
from tests.factories import LOW_BACK, feedback_form_data, screened_intake

INCIDENT = re.compile(r'class="incident-id">([0-9A-F]{10})<')
TRACEBACK_WORDS = ("Traceback", "OperationalError", 'File "', "connection refused")


@pytest.fixture
def draft(care_client, therapist):
    screened_intake(care_client, by=therapist, complaints=[LOW_BACK])
    return h.draft_session(care_client, therapist=therapist, before=None)


@pytest.fixture
def therapist_browser(therapist):
    """A signed-in browser that shows error pages instead of re-raising, as a real server would."""
    client = Client(raise_request_exception=False)
    client.force_login(therapist)
    return client


@contextmanager
def database_down(matching=lambda sql: True):
    """Every SQL statement `matching` fails as if the server had gone away (savepoint housekeeping excepted, so the
    test's own transaction survives)."""

    def refuse(execute, sql, params, many, context):
        if matching(sql) and not sql.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK")):
            raise OperationalError("connection refused: is the server running on host 127.0.0.1?")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(refuse):
        yield


def soap(session, **fields):
    return {"version": session.version, "subjective": "", "objective": "", "assessment": "", "plan": ""} | fields


def assert_friendly_503(response):
    body = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"]
    incident = response["X-Incident-Id"]
    assert re.fullmatch(r"[0-9A-F]{10}", incident)
    assert incident in body
    for word in TRACEBACK_WORDS:
        assert word not in body
    return body, incident


# -- The 503 page ---------------------------------------------------------------------------------------------------


def test_a_view_failing_on_the_database_answers_503_with_an_incident_id(therapist_browser, draft, caplog):
    lost = OperationalError("server closed the connection unexpectedly")
    with mock.patch.object(services, "update_session", side_effect=lost), caplog.at_level(logging.ERROR):
        response = therapist_browser.post(
            f"/sessions/{draft.public_id}/edit/", soap(draft, assessment="Psoas tender right.")
        )

    body, incident = assert_friendly_503(response)
    assert INCIDENT.search(body)[1] == incident
    assert "not reachable" in body
    logged = [r for r in caplog.records if r.name == "clinic.errors"]
    assert logged and incident in logged[0].getMessage() and logged[0].exc_info[1] is lost


def test_an_htmx_request_gets_a_short_fragment_not_a_page(therapist_browser, draft):
    lost = OperationalError("server closed the connection unexpectedly")
    with mock.patch.object(services, "record_feedback", side_effect=lost):
        response = therapist_browser.post(
            f"/sessions/{draft.public_id}/feedback/",
            feedback_form_data("comfortable"),
            headers={"HX-Request": "true"},
        )

    body, incident = assert_friendly_503(response)
    assert body.startswith('<div class="alert') and "<html" not in body
    assert "Not saved" in body


def test_database_down_before_the_view_still_answers_503(therapist_browser, draft, caplog):
    """The session and the user are read from the database by the middleware, before any view runs."""
    with database_down(), caplog.at_level(logging.ERROR):
        page = therapist_browser.get(f"/sessions/{draft.public_id}/")
        fragment = therapist_browser.get("/clients/?q=chen", headers={"HX-Request": "true"})

    body, incident = assert_friendly_503(page)
    assert "<html" in body and "Chen" not in body
    fragment_body, _incident = assert_friendly_503(fragment)
    assert "<html" not in fragment_body
    # One record per failed request, with its incident id and the exception: not a second copy from django.request.
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert [r.name for r in errors] == ["clinic.errors", "clinic.errors"]
    assert incident in errors[0].getMessage() and isinstance(errors[0].exc_info[1], OperationalError)


def test_the_503_page_shows_back_the_text_typed_and_a_form_to_send_it_again(therapist, draft):
    browser = Client(enforce_csrf_checks=True, raise_request_exception=False)
    browser.force_login(therapist)
    browser.get(f"/sessions/{draft.public_id}/edit/")
    token = browser.cookies[settings.CSRF_COOKIE_NAME].value
    typed = "Psoas tender on the right; eased with breathing."

    with database_down():
        response = browser.post(
            f"/sessions/{draft.public_id}/edit/", soap(draft, assessment=typed) | {"csrfmiddlewaretoken": token}
        )

    body, _incident = assert_friendly_503(response)
    assert f"readonly>{typed}</textarea>" in body
    assert f'action="/sessions/{draft.public_id}/edit/"' in body
    assert f'name="version" value="{draft.version}"' in body
    assert "Send again" in body


def test_the_503_page_echoes_nothing_posted_without_a_valid_csrf_token(therapist, draft):
    browser = Client(enforce_csrf_checks=True, raise_request_exception=False)
    browser.force_login(therapist)

    with database_down():
        response = browser.post(
            f"/sessions/{draft.public_id}/edit/", soap(draft, assessment="<b>Injected from another site</b> text")
        )

    body, _incident = assert_friendly_503(response)
    assert "Injected" not in body and "Send again" not in body


def test_another_server_error_shows_an_incident_id_and_no_traceback(therapist_browser, draft):
    with mock.patch.object(services, "update_session", side_effect=RuntimeError("boom")):
        response = therapist_browser.post(f"/sessions/{draft.public_id}/edit/", soap(draft, assessment="Text"))

    body = response.content.decode()
    assert response.status_code == 500
    assert response["X-Incident-Id"] in body
    assert "Traceback" not in body and "boom" not in body


# -- No half-written rows -------------------------------------------------------------------------------------------


def audit_insert(sql):
    return sql.lstrip().upper().startswith('INSERT INTO "AUDITLOG_LOGENTRY"')


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("write", ["soap note", "addendum", "new session"])
def test_a_failed_audit_insert_leaves_neither_the_note_nor_its_audit_entry(
    consent_texts, therapist, care_client, write
):
    screened_intake(care_client, by=therapist, complaints=[LOW_BACK])
    session = h.draft_session(care_client, therapist=therapist, before=None)
    if write == "addendum":
        services.sign_session(session=session, by=therapist)
        session.refresh_from_db()
    browser = Client(raise_request_exception=False)
    browser.force_login(therapist)
    url, data = {
        "soap note": (f"/sessions/{session.public_id}/edit/", soap(session, assessment="Never half saved")),
        "addendum": (f"/sessions/{session.public_id}/addenda/new/", {"reason": "Typo", "text": "Never half saved"}),
        "new session": (
            f"/clients/{care_client.public_id}/sessions/new/",
            {"subjective": "Never half saved", f"pain_before_{session.intake.complaints.get().pk}": "4"},
        ),
    }[write]
    sessions, addenda, entries = TreatmentSession.objects.count(), Addendum.objects.count(), LogEntry.objects.count()
    note_before = (session.version, session.subjective, session.assessment)

    with database_down(matching=audit_insert):
        response = browser.post(url, data)

    assert response.status_code == 503
    assert LogEntry.objects.count() == entries
    assert (TreatmentSession.objects.count(), Addendum.objects.count()) == (sessions, addenda)
    session.refresh_from_db()
    assert (session.version, session.subjective, session.assessment) == note_before


# -- statement_timeout below the request timeout --------------------------------------------------------------------


def test_statement_timeout_is_set_below_gunicorns_request_timeout(db):
    gunicorn = runpy.run_path(str(settings.BASE_DIR / "gunicorn.conf.py"))
    assert 0 < settings.STATEMENT_TIMEOUT_MS < gunicorn["timeout"] * 1000
    options = settings.DATABASES["default"].get("OPTIONS", {})
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT setting, unit FROM pg_settings WHERE name = 'statement_timeout'")
            assert cursor.fetchone() == (str(settings.STATEMENT_TIMEOUT_MS), "ms")
    else:
        assert "statement_timeout" not in str(options)


def test_connections_are_health_checked_so_the_app_recovers_when_the_database_returns():
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True


def test_the_503_page_links_back_to_this_site_only(therapist_browser):
    with mock.patch(f"{settings.SESSION_ENGINE}.SessionStore.load", side_effect=OperationalError("down")):
        response = therapist_browser.get("/", PATH_INFO="//evil.example/x")

    assert response.status_code == 503
    assert 'href="//evil.example' not in response.content.decode()
    assert 'href="/evil.example/x"' in response.content.decode()
