"""PDF exports of long records are prepared in the background: the request answers at once, a page refreshes until
the PDF is ready, and only the person who asked (and may still see the record) downloads it, within the hour."""

import io
from datetime import timedelta
from unittest import mock

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command
from django.utils import timezone
from pypdf import PdfReader

from notes.models import RecordExport
from tests import history_helpers as h

pytestmark = pytest.mark.django_db


@pytest.fixture
def long_record(settings, care_client, therapist, front_desk):
    """A record over the inline limit: three signed sessions, with the limit set to two."""
    settings.EXPORT_INLINE_MAX_SESSIONS = 2
    h.take_intake(care_client, by=front_desk)
    for _ in range(3):
        h.signed_session(care_client, therapist=therapist, subjective=h.SIGNED_NOTE)
    return care_client


def pdf_url(client):
    return f"/clients/{client.public_id}/export.pdf"


QUEUED = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def run_worker(**options) -> str:
    """What `manage.py db_worker` does with the tasks waiting, then stop (--batch).

    The worker calls `close_old_connections()` on each wake-up; inside a test's transaction that closes the test's
    own connection on PostgreSQL (autocommit differs from the settings'), so it is held off here, as Django's test
    client holds it off for requests."""
    out = io.StringIO()
    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        call_command("db_worker", batch=True, startup_delay=False, reload=False, stdout=out, stderr=out, **options)
    return out.getvalue()


def exports_of(client):
    return LogEntry.objects.filter(additional_data__client=str(client.public_id), additional_data__export="pdf")


def test_a_long_record_is_prepared_in_the_background_then_downloaded(
    as_user, therapist, long_record, django_capture_on_commit_callbacks
):
    browser = as_user(therapist)

    with django_capture_on_commit_callbacks(execute=True):
        asked = browser.get(pdf_url(long_record))
    download = browser.get(asked["Location"])

    export = RecordExport.objects.get()
    assert asked.status_code == 302 and asked["Location"] == f"/exports/{export.public_id}/"
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(download.content)).pages)
    assert long_record.full_name in text and h.SIGNED_NOTE in text
    assert export.status == "ready" and export.sessions == 3
    assert exports_of(long_record).count() == 1  # audited when the PDF is handed over


def test_while_it_is_prepared_the_page_asks_again_by_itself_and_the_worker_finishes_it(
    as_user, therapist, long_record, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = QUEUED
    browser = as_user(therapist)
    with django_capture_on_commit_callbacks(execute=True):
        status_url = browser.get(pdf_url(long_record))["Location"]

    waiting = browser.get(status_url)
    polled = browser.get(status_url, headers={"HX-Request": "true"})
    run_worker()
    polled_when_ready = browser.get(status_url, headers={"HX-Request": "true"})
    ready = browser.get(status_url)

    assert waiting.status_code == 202
    assert f'hx-get="{status_url}"' in waiting.content.decode() and 'hx-trigger="every 2s"' in waiting.content.decode()
    assert "http-equiv" not in waiting.content.decode()  # no timed refresh of the whole page (WCAG 2.2.1)
    assert "being prepared" in waiting.content.decode()
    assert polled.status_code == 202 and "being prepared" in polled.content.decode()
    assert polled_when_ready["HX-Redirect"] == status_url
    assert exports_of(long_record).count() == 1
    assert ready.content.startswith(b"%PDF-")


def test_a_short_record_still_downloads_at_once(as_user, therapist, care_client, front_desk):
    h.take_intake(care_client, by=front_desk)
    h.signed_session(care_client, therapist=therapist)

    response = as_user(therapist).get(pdf_url(care_client))

    assert response.status_code == 200 and response.content.startswith(b"%PDF-")
    assert not RecordExport.objects.exists()


@pytest.mark.parametrize("who", ["clinic_admin", "outsider_therapist", "front_desk"])
def test_only_the_person_who_asked_gets_the_pdf(
    request, as_user, therapist, long_record, django_capture_on_commit_callbacks, who
):
    with django_capture_on_commit_callbacks(execute=True):
        status_url = as_user(therapist).get(pdf_url(long_record))["Location"]

    response = as_user(request.getfixturevalue(who)).get(status_url)

    assert response.status_code in (403, 404)
    assert response.get("Content-Type") != "application/pdf"


def test_a_therapist_taken_off_the_care_team_can_no_longer_download(
    as_user, therapist, long_record, django_capture_on_commit_callbacks
):
    browser = as_user(therapist)
    with django_capture_on_commit_callbacks(execute=True):
        status_url = browser.get(pdf_url(long_record))["Location"]
    long_record.care_team.remove(therapist)

    assert browser.get(status_url).status_code == 404


def test_an_export_older_than_an_hour_is_gone(as_user, therapist, long_record, django_capture_on_commit_callbacks):
    browser = as_user(therapist)
    with django_capture_on_commit_callbacks(execute=True):
        status_url = browser.get(pdf_url(long_record))["Location"]
    export = RecordExport.objects.get()
    export.requested_at = timezone.now() - timedelta(hours=2)
    export.save(update_fields=["requested_at"])

    assert browser.get(status_url).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        browser.get(pdf_url(long_record))
    assert list(RecordExport.objects.values_list("status", flat=True)) == ["ready"]  # the old copy was deleted


def test_a_failed_rendering_says_so_and_offers_to_try_again(
    as_user, therapist, long_record, django_capture_on_commit_callbacks
):
    browser = as_user(therapist)
    with mock.patch("notes.export_jobs.client_record_pdf", side_effect=OSError("fonts missing")):
        with django_capture_on_commit_callbacks(execute=True):
            status_url = browser.get(pdf_url(long_record))["Location"]

    response = browser.get(status_url)

    assert response.status_code == 200
    assert "could not be prepared" in response.content.decode()
    assert "Try again" in response.content.decode()
    assert RecordExport.objects.get().status == "failed"


def test_an_export_left_pending_by_a_dead_worker_is_started_again(
    as_user, therapist, long_record, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = QUEUED
    browser = as_user(therapist)
    status_url = browser.get(pdf_url(long_record))["Location"]  # its task never queued: the server went down
    export = RecordExport.objects.get()
    export.started_at = timezone.now() - timedelta(minutes=10)  # claimed by a worker that then died
    export.save(update_fields=["started_at"])
    settings.TASKS = IMMEDIATE

    with django_capture_on_commit_callbacks(execute=True):
        browser.get(status_url)

    assert browser.get(status_url).content.startswith(b"%PDF-")


def test_the_worker_deletes_exports_past_their_hour(
    as_user, therapist, long_record, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = QUEUED
    with django_capture_on_commit_callbacks(execute=True):
        as_user(therapist).get(pdf_url(long_record))
    RecordExport.objects.update(requested_at=timezone.now() - timedelta(hours=2))

    run_worker()

    assert not RecordExport.objects.exists()


def test_expired_exports_are_deleted_by_the_housekeeping_command(as_user, therapist, long_record, settings):
    settings.TASKS = QUEUED
    as_user(therapist).get(pdf_url(long_record))
    RecordExport.objects.update(requested_at=timezone.now() - timedelta(hours=2))
    out = io.StringIO()

    call_command("delete_expired_exports", stdout=out)

    assert not RecordExport.objects.exists()
    assert out.getvalue() == "Deleted 1 expired export(s).\n"


def test_two_workers_render_an_export_once(
    as_user, therapist, long_record, settings, django_capture_on_commit_callbacks
):
    from notes import export_jobs

    settings.TASKS = QUEUED
    with django_capture_on_commit_callbacks(execute=True):
        as_user(therapist).get(pdf_url(long_record))
    export = RecordExport.objects.get()

    export_jobs.render_export_task.enqueue(export.pk)  # asked twice (a stale restart, say)
    with mock.patch("notes.export_jobs.client_record_pdf", wraps=export_jobs.client_record_pdf) as rendered:
        run_worker()

    assert rendered.call_count == 1
    assert RecordExport.objects.get().status == "ready"
