"""Feedback entries, edits and signatures sent at once to one draft, as real HTTP requests to a running server:
each is either done or refused in words, nothing typed is lost, and the signed note still matches its hash.

Ten simultaneous requests answered 500 on PostgreSQL (the entry reached the triggers of a session signed a moment
before) and 503 "database is locked" on SQLite. Every write to a session now locks its row first
(notes/services.py), so they run one after another; an entry that comes after the signature is kept as the text
of an addendum, an edit is shown again with everything typed. SQLite's in-memory test database is shared-cache,
where waiting for a lock is not possible, so the race runs on PostgreSQL (CI runs the suite there too); SQLite
takes its write lock at BEGIN (clinic/settings.py)."""

import random
import re
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from html import unescape
from io import StringIO

import pytest
import requests
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.test import Client as Browser

from notes.models import FeedbackEntry, TreatmentSession
from tests import history_helpers as h
from tests.factories import feedback_form_data

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="SQLite's shared in-memory test database cannot wait for a lock"
    ),
]

FEEDBACK, EDIT, SIGN = "feedback", "edit", "sign"
SIGNED_WHILE_WRITING = "The note was signed while you were writing: your entry was not added to it."
EDIT_KEPT = "The note was signed while you were writing: your changes were not saved to it."
STALE = "This draft was saved from another tab or device since you opened it."
ALREADY_SIGNED = "This session is already signed."


@pytest.fixture
def draft(consent_texts, therapist, front_desk, care_client):
    """A draft with abdominal work open (consent, today's health check, re-confirmation), and one entry."""
    h.take_intake(care_client, by=front_desk)
    h.give_consent(care_client, by=front_desk, kind="treatment")
    h.give_consent(care_client, by=front_desk, kind="abdominal")
    session = h.draft_session(care_client, therapist=therapist)
    h.abdominal_work(session, by=therapist, pains=(3,))
    return session


def signed_in(live_server, user, session) -> requests.Session:
    """A browser of the therapist's own: its session cookie, and the CSRF cookie from the session page."""
    browser = Browser()
    browser.force_login(user)
    http = requests.Session()
    # One request per connection: the server's thread (and its database connection) ends with each.
    http.headers["Connection"] = "close"
    http.cookies.set("sessionid", browser.cookies["sessionid"].value)
    http.get(f"{live_server.url}/sessions/{session.public_id}/", timeout=30).raise_for_status()
    return http


def send(live_server, http, session, kind, number, start: threading.Barrier, sign_delay: float):
    base = f"{live_server.url}/sessions/{session.public_id}"
    csrf = {"csrfmiddlewaretoken": http.cookies["csrftoken"]}
    if kind == FEEDBACK:
        typed = f"entry {number} {uuid.uuid4().hex[:8]}"
        data = {**csrf, **feedback_form_data("comfortable", pain="4", note=typed)}
        url = f"{base}/feedback/"
    elif kind == EDIT:
        typed = f"edit {number} {uuid.uuid4().hex[:8]}"
        data = {**csrf, "version": str(session.version), "subjective": typed, "plan": "Reassess in a week"}
        url = f"{base}/edit/"
    else:
        typed, data, url = "", csrf, f"{base}/sign/"
    start.wait(timeout=30)
    if kind == SIGN:
        time.sleep(sign_delay)  # later in later trials, so that some entries and edits land before the signature
    # The answer to the POST itself; where it leads is read after the burst (`follow`).
    return kind, typed, http, http.post(url, data=data, timeout=60, allow_redirects=False)


def follow(live_server, http, response):
    """The page a redirect leads to, with its message, read once the burst is over."""
    return http.get(f"{live_server.url}{response.headers['Location']}", timeout=60)


def text_of(response) -> str:
    return unescape(re.sub(r"\s+", " ", response.text))


# Ten requests at once: the live server's listening socket queues ten connections (Django's WSGIServer).
@pytest.mark.parametrize(("trial", "sign_delay"), [(0, 0.0), (1, 0.03), (2, 0.1), (3, 0.2)])
def test_simultaneous_feedback_edits_and_signatures_are_each_done_or_refused_in_words(
    live_server, therapist, draft, trial, sign_delay
):
    kinds = [FEEDBACK] * 6 + [EDIT] * 2 + [SIGN] * 2
    random.Random(trial).shuffle(kinds)
    browsers = [signed_in(live_server, therapist, draft) for _kind in kinds]
    start = threading.Barrier(len(kinds))

    with ThreadPoolExecutor(max_workers=len(kinds)) as pool:
        futures = [
            pool.submit(send, live_server, http, draft, kind, n, start, sign_delay)
            for n, (http, kind) in enumerate(zip(browsers, kinds, strict=True))
        ]
        results = [future.result() for future in futures]

    assert [r.status_code for _k, _t, _h, r in results if r.status_code >= 500] == []
    stored = set(FeedbackEntry.objects.filter(session=draft).values_list("note", flat=True))
    session_page = f"/sessions/{draft.public_id}/"
    signatures = 0
    for kind, typed, http, response in results:
        where = response.headers.get("Location", "")
        if kind == FEEDBACK:
            assert response.status_code == 302
            if where == f"{session_page}addenda/new/":  # refused: kept as an addendum's text, on its form
                page = text_of(follow(live_server, http, response))
                assert SIGNED_WHILE_WRITING in page
                assert f"Note: {typed}" in page
                assert typed not in stored
            else:  # acknowledged, and stored
                assert where == f"{session_page}#entry-heading"
                assert typed in stored
        elif kind == EDIT:
            if response.status_code == 409:  # refused, the form shown again with what was typed
                assert EDIT_KEPT in text_of(response) or STALE in text_of(response)
                assert typed in text_of(response)
            else:
                assert (response.status_code, where) == (302, session_page)
        else:
            assert (response.status_code, where) == (302, session_page)
            page = text_of(follow(live_server, http, response))
            assert ALREADY_SIGNED in page or "Session signed." in page
            signatures += ALREADY_SIGNED not in page
    session = TreatmentSession.objects.get(pk=draft.pk)
    assert session.is_signed
    assert signatures == 1
    # Every acknowledged entry is in the signed note; the hash covers them, and the triggers still hold.
    out = StringIO()
    call_command("verify_notes", stdout=out)
    assert out.getvalue().startswith("OK")
    for statement, pk in [
        ("UPDATE notes_treatmentsession SET subjective = 'changed after signing' WHERE id = %s", draft.pk),
        ("UPDATE notes_feedbackentry SET note = 'changed after signing' WHERE session_id = %s", draft.pk),
    ]:
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [pk])
