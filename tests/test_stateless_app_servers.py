"""Several app servers behind a load balancer: nothing a request needs lives in one server's memory.

A "second server" here is a fresh test client carrying the first one's cookies, with the process cache emptied
in between: what it can still do, it could do on another machine sharing the same database and media storage.
"""

import ast
import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.sessions.backends import db
from django.core.cache import cache
from django.core.files.storage import InMemoryStorage, storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client as Browser
from django.utils import timezone

from intake.models import PhysicianClearance
from notes.models import FeedbackEntry
from tests import history_helpers as h
from tests.factories import feedback_form_data, screened_intake

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "a-long-clinic-password"
GROIN = {"region": "anterior_hip_groin", "side": "right", "pain_now": 6}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def signed_in(user) -> Browser:
    """Sign in through the real form, with CSRF checks on, as a browser would."""
    user.set_password(PASSWORD)
    user.save()
    browser = Browser(enforce_csrf_checks=True)
    browser.get("/accounts/login/")
    response = post(browser, "/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return browser


def other_server(browser: Browser) -> Browser:
    """The same person's next request, answered by another app server (whose process cache knows nothing)."""
    cache.clear()
    other = Browser(enforce_csrf_checks=True)
    other.cookies = browser.cookies
    return other


def post(browser: Browser, path: str, data: dict, **extra):
    return browser.post(path, {**data, "csrfmiddlewaretoken": browser.cookies["csrftoken"].value}, **extra)


def test_sessions_and_lock_outs_are_kept_in_the_database():
    engine = importlib.import_module(settings.SESSION_ENGINE)
    assert issubclass(engine.SessionStore, db.SessionStore)
    assert settings.AXES_HANDLER == "axes.handlers.database.AxesDatabaseHandler"


def test_a_live_session_continues_across_two_app_servers(therapist, front_desk, care_client):
    screened_intake(care_client, by=front_desk, complaints=[GROIN])
    h.give_consent(care_client, by=front_desk)
    h.check_in(care_client, by=front_desk)
    session = h.draft_session(care_client, therapist=therapist, before=None)
    first = signed_in(therapist)
    url = f"/sessions/{session.public_id}/"

    opened = post(other_server(first), f"{url}abdominal/", {"reconfirmed": "on"})
    post(first, f"{url}feedback/", feedback_form_data(), HTTP_HX_REQUEST="true")
    panel = post(other_server(first), f"{url}feedback/", feedback_form_data("stop"), HTTP_HX_REQUEST="true")

    assert opened.status_code == 302
    assert panel.status_code == 200
    assert panel.content.decode().count("timeline-entry response-row-") == 2
    assert list(FeedbackEntry.objects.filter(session=session).values_list("response", flat=True)) == [
        "tender",
        "stop",
    ]


def test_a_search_posted_on_one_server_opens_on_the_other(front_desk, care_client):
    first = signed_in(front_desk)

    posted = post(first, "/clients/", {"q": "Chen"})
    page = other_server(first).get(posted["Location"]).content.decode()

    assert 'value="Chen"' in page
    assert care_client.get_absolute_url() in page


def test_a_tablet_handed_over_on_one_server_stays_locked_on_the_other(front_desk, care_client):
    first = signed_in(front_desk)

    post(first, f"/clients/{care_client.public_id}/consents/handover/", {"kind": "abdominal"})
    escape = other_server(first).get("/clients/")

    assert (escape.status_code, escape["Location"]) == (302, "/handover/")


def test_failed_sign_ins_on_two_servers_add_up_to_one_lock_out(front_desk):
    front_desk.set_password(PASSWORD)
    front_desk.save()
    servers = [Browser(), Browser()]
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        servers[attempt % 2].post("/accounts/login/", {"username": front_desk.username, "password": "wrong"})
    cache.clear()

    response = Browser().post("/accounts/login/", {"username": front_desk.username, "password": PASSWORD})

    assert response.status_code == 429


def test_no_app_code_keeps_state_in_a_process_cache():
    """Django's default cache is per process (LocMemCache): nothing of the app's may depend on it, nor on
    functools' memoisation of anything read from the database."""
    offenders = []
    for path in sorted(p for app in ("clinic", "intake", "notes") for p in (ROOT / app).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            names = []
            if isinstance(node, ast.ImportFrom):
                names = [f"{node.module}.{alias.name}" for alias in node.names]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            offenders += [
                f"{path.relative_to(ROOT)}: {name}"
                for name in names
                if name.startswith("django.core.cache") or name in {"functools.lru_cache", "functools.cache"}
            ]

    assert offenders == []


def test_uploaded_letters_go_through_the_configured_storage(settings, therapist, front_desk, care_client):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    intake = screened_intake(care_client, by=front_desk, complaints=[GROIN], red_flags={"night_pain_unrelieved": True})
    first = signed_in(therapist)
    letter = SimpleUploadedFile("letter.pdf", PDF, content_type="application/pdf")

    post(
        first,
        f"/intakes/{intake.public_id}/clearances/new/",
        {
            "cleared_on": timezone.localdate().isoformat(),
            "clinician_name": "Dr. Anita Sharma",
            "what_was_cleared": "Night pain investigated; cleared for hip massage.",
            "scope": "massage",
            "letter": letter,
        },
    )
    clearance = PhysicianClearance.objects.get()
    response = other_server(first).get(f"/clearances/{clearance.public_id}/letter/")

    assert isinstance(storages["default"], InMemoryStorage)
    assert storages["default"].exists(clearance.letter.name)
    assert not (Path(settings.MEDIA_ROOT) / clearance.letter.name).exists()
    assert b"".join(response.streaming_content) == PDF
    response.close()


def test_media_storage_is_chosen_from_the_environment():
    env = {
        **os.environ,
        "DEBUG": "1",
        "MEDIA_STORAGE_BACKEND": "storages.backends.s3.S3Storage",
        "MEDIA_STORAGE_OPTIONS": '{"bucket_name": "clinic-media"}',
    }
    code = "import json, clinic.settings as s; print(json.dumps(s.STORAGES['default']))"

    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )

    assert json.loads(result.stdout) == {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {"bucket_name": "clinic-media"},
    }
