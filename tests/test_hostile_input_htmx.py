"""Hostile input in the HTMX fragments: the live feedback panel that replaces itself after each tap. The fragment
is HTML spliced into a page that is already trusted, so it must escape exactly like a full page."""

import pytest

from notes.models import FeedbackEntry
from tests import history_helpers as h
from tests import hostile_payloads as hostile
from tests.factories import feedback_form_data

pytestmark = pytest.mark.django_db

GROIN = {"region": "anterior_hip_groin", "side": "right", "pain_now": 6}
HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "live-panel"}


@pytest.fixture
def open_draft(care_client, therapist, front_desk):
    h.take_intake(care_client, by=front_desk, complaints=[GROIN])
    h.give_consent(care_client, by=front_desk)
    session = h.draft_session(care_client, therapist=therapist)
    h.open_abdominal_work(session, by=therapist)
    return session


def tap(browser, session, **fields):
    return hostile.post_raw(browser, f"/sessions/{session.public_id}/feedback/", feedback_form_data(**fields), **HTMX)


def is_fragment(response) -> bool:
    html = response.content.decode()
    return html.lstrip().startswith('<div id="live-panel">') and "<html" not in html


@pytest.mark.parametrize("payload", hostile.TEXT_PARAMS)
def test_a_hostile_note_comes_back_escaped_in_the_live_panel(as_user, therapist, open_draft, payload):
    stored = hostile.as_stored(payload)

    response = tap(as_user(therapist), open_draft, note=payload)

    assert response.status_code == 200
    assert is_fragment(response)
    assert response["Cache-Control"].count("no-store") == 1
    if stored is None:
        hostile.assert_page_is_safe(response, "Null characters are not allowed.")
        assert not FeedbackEntry.objects.exists()
    else:
        hostile.assert_page_is_safe(response, stored)
        assert FeedbackEntry.objects.get().note == stored


@pytest.mark.parametrize("payload", [*hostile.PAIN, *hostile.TEXT.values()])
def test_hostile_choices_come_back_as_errors_in_the_live_panel(as_user, therapist, open_draft, payload):
    fields = ["pressure", "pain", "side", "technique", "response", "token"]

    response = tap(as_user(therapist), open_draft, **dict.fromkeys(fields, payload))

    assert response.status_code == 200
    assert is_fragment(response)
    hostile.assert_page_is_safe(response)
    assert not FeedbackEntry.objects.exists()


def test_a_refusal_in_the_live_panel_is_escaped_and_saves_nothing(as_user, therapist, open_draft):
    browser = as_user(therapist)
    tap(browser, open_draft, response="stop", note=hostile.MARKUP["script"])

    refused = tap(browser, open_draft, note=hostile.ATTRIBUTE_BREAKOUT["double-quote-svg"])

    html = hostile.assert_page_is_safe(refused, hostile.MARKUP["script"])
    assert is_fragment(refused)
    assert "Entry refused" in html
    assert FeedbackEntry.objects.count() == 1


@pytest.mark.parametrize("kind", hostile.OVERSIZED)
def test_an_oversized_htmx_post_answers_400_and_saves_nothing(as_user, therapist, open_draft, kind):
    response = hostile.post_raw(
        as_user(therapist),
        f"/sessions/{open_draft.public_id}/feedback/",
        hostile.oversized(feedback_form_data(), kind, field="note"),
        **HTMX,
    )

    hostile.assert_refused_as_too_large(response)
    assert not FeedbackEntry.objects.exists()
