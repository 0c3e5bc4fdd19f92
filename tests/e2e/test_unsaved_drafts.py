"""The text a therapist types survives a reload (or a failed save) in the browser, and is offered back."""

import re
from datetime import timedelta
from unittest import mock

import pytest
from django.db import OperationalError
from django.utils import timezone
from playwright.sync_api import expect

from clinic import local_time
from notes import services
from tests import history_helpers as h
from tests.factories import LOW_BACK, ClientFactory, screened_intake, therapist_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TYPED = "Iliopsoas tender on the right; eased with breathing-paced release."
HAS_DRAFT = "() => Object.keys(localStorage).some((key) => key.startsWith('clinic-draft:'))"
NO_DRAFT = "() => !Object.keys(localStorage).some((key) => key.startsWith('clinic-draft:'))"


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # The browser's clock is in Tokyo, the clinic's in its TIME_ZONE: a draft's time is written the clinic's way.
    return {**browser_context_args, "timezone_id": "Asia/Tokyo"}


@pytest.fixture
def draft_session(db):
    therapist = therapist_user(username="theo")
    client = ClientFactory(first_name="Maya", last_name="Chen", care_team=[therapist])
    screened_intake(client, by=therapist, complaints=[LOW_BACK])
    return services.start_session(client=client, therapist=therapist, pain_before={})


def csp_violations(page):
    found = []
    page.on("console", lambda message: found.append(message.text) if "Content Security Policy" in message.text else 0)
    return found


def test_a_draft_survives_a_reload_is_offered_back_and_goes_once_saved(signed_in_page, live_server, draft_session):
    page = signed_in_page(draft_session.therapist)
    violations = csp_violations(page)
    page.goto(f"{live_server.url}/sessions/{draft_session.public_id}/edit/")
    page.get_by_label("Assessment").fill(TYPED)
    page.wait_for_function(HAS_DRAFT)

    page.reload()

    expect(page.get_by_label("Assessment")).to_have_value("")
    typed_at = page.locator(".draft-offer [data-draft-when]").inner_text()
    assert typed_at in {local_time.minute(timezone.now() - timedelta(minutes=back)) for back in (0, 1)}
    page.get_by_role("button", name="Restore your unsaved text").click()
    expect(page.get_by_label("Assessment")).to_have_value(TYPED)
    expect(page.get_by_role("button", name="Restore your unsaved text")).to_have_count(0)

    page.get_by_role("button", name="Save note").click()
    expect(page.get_by_text("Note saved.")).to_be_visible()
    page.wait_for_function(NO_DRAFT)
    draft_session.refresh_from_db()
    assert draft_session.assessment == TYPED
    page.goto(f"{live_server.url}/sessions/{draft_session.public_id}/edit/")
    expect(page.get_by_label("Assessment")).to_have_value(TYPED)
    expect(page.get_by_role("button", name="Restore your unsaved text")).to_have_count(0)
    assert violations == []


def test_signing_out_deletes_the_drafts_of_this_browser(signed_in_page, live_server, draft_session):
    page = signed_in_page(draft_session.therapist)
    page.goto(f"{live_server.url}/sessions/{draft_session.public_id}/edit/")
    page.get_by_role("textbox", name="Plan").fill("Home stretches twice a day")
    page.wait_for_function(HAS_DRAFT)

    page.get_by_role("button", name="Sign out").click()

    page.wait_for_url(f"{live_server.url}/accounts/login/")
    page.wait_for_function(NO_DRAFT)


def test_an_htmx_entry_lost_to_a_database_outage_says_so_and_keeps_the_form(
    signed_in_page, live_server, draft_session, consent_texts
):
    # Entries are open only in a stretch of abdominal work: consent, today's health check, the re-confirmation.
    h.give_consent(draft_session.client, by=draft_session.therapist)
    h.open_abdominal_work(draft_session, by=draft_session.therapist)
    page = signed_in_page(draft_session.therapist)
    page.goto(f"{live_server.url}/sessions/{draft_session.public_id}/")
    page.get_by_label("Note").fill("Tender at the second breath")
    for group, value in (("Pressure", "2"), ("Side", "Right"), ("Client's pain", "3")):
        page.get_by_role("radiogroup", name=group).locator("label", has_text=value).first.click()
    page.get_by_role("radiogroup", name="Technique").get_by_text("Sustained pressure").click()
    lost = OperationalError("server closed the connection unexpectedly")

    with mock.patch.object(services, "record_feedback", side_effect=lost):
        page.get_by_role("button", name="Comfortable").click()
        banner = page.locator("#fault-banner")
        expect(banner).to_contain_text("Not saved")

    expect(banner).to_contain_text(re.compile(r"incident [0-9A-F]{10}"))
    expect(page.get_by_label("Note")).to_have_value("Tender at the second breath")
    expect(page.locator(".timeline-entry")).to_have_count(0)
