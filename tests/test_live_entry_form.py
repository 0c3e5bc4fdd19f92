"""The live feedback form pre-selects nothing: each entry names its pressure, side, technique and the client's pain,
or copies the first three (never the pain) from the last entry when the therapist ticks "same as the last entry",
a tick that stays until they untick it. A missing answer is refused beside its field and nothing is stored."""

import re

import pytest

from notes.models import FeedbackEntry
from tests import history_helpers as h
from tests.factories import feedback_form_data, screened_intake

pytestmark = pytest.mark.django_db

GROIN = {"region": "anterior_hip_groin", "side": "right", "pain_now": 6}
FORM = re.compile(r'<form [^>]*class="feedback-form">(.*?)</form>', re.S)


@pytest.fixture
def open_session(therapist, front_desk, care_client):
    screened_intake(care_client, by=front_desk, complaints=[GROIN])
    h.give_consent(care_client, by=front_desk)
    session = h.draft_session(care_client, therapist=therapist)
    h.open_abdominal_work(session, by=therapist)
    return session


def post(browser, session, **data):
    return browser.post(f"/sessions/{session.public_id}/feedback/", data, HTTP_HX_REQUEST="true")


def feedback_form(response) -> str:
    return FORM.search(response.content.decode())[1]


def test_a_fresh_form_selects_nothing_and_offers_no_copy(as_user, therapist, open_session):
    form = feedback_form(as_user(therapist).get(open_session.get_absolute_url()))

    assert " checked" not in form
    assert "selected" not in form
    assert "same_as_last" not in form


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("pain", "Tap the client&#x27;s pain (0-10)"),
        ("pressure", "Tap the pressure (1-5)"),
        ("side", "Tap the side"),
        ("technique", "Tap the technique"),
        ("response", "Tap the client&#x27;s response"),
    ],
)
def test_an_entry_missing_an_answer_is_refused_beside_it(as_user, therapist, open_session, missing, message):
    data = feedback_form_data()
    del data[missing]

    panel = post(as_user(therapist), open_session, **data).content.decode()

    assert message in panel
    assert 'class="invalid-feedback d-block"' in panel
    assert not FeedbackEntry.objects.exists()


def test_a_refused_entry_keeps_what_was_typed_and_says_why_beside_the_response_buttons(
    as_user, therapist, open_session
):
    data = feedback_form_data(note="Breathing slow, belly soft")
    del data["pain"]

    panel = post(as_user(therapist), open_session, **data).content.decode()

    assert 'value="Breathing slow, belly soft"' in panel
    beside_buttons = r'<div id="response-area">.*?class="alert alert-danger[^"]*entry-incomplete".*?</ul>'
    summary = re.search(beside_buttons, panel, re.S)
    assert summary is not None and "Tap the client&#x27;s pain (0-10)" in summary[0]
    assert 'href="#id_pain_error"' in summary[0]


def test_same_as_the_last_entry_copies_pressure_side_and_technique_but_never_the_pain(as_user, therapist, open_session):
    browser = as_user(therapist)
    post(browser, open_session, **feedback_form_data(pressure="4", side="left", technique="cross_fibre", pain="5"))
    after_first = feedback_form(browser.get(open_session.get_absolute_url()))
    data = feedback_form_data("comfortable", pain="2", same_as_last="on")
    for name in ("pressure", "side", "technique"):
        del data[name]

    panel = post(browser, open_session, **data)
    without_pain = {**feedback_form_data("tender", same_as_last="on"), "pain": ""}
    refused = post(browser, open_session, **without_pain).content.decode()

    first, second = FeedbackEntry.objects.order_by("at", "id")
    assert (second.pressure, second.side, second.technique, second.pain) == (4, "left", "cross_fibre", 2)
    assert "Same as the last entry: pressure 4, left, gentle cross-fibre" in after_first
    assert 'name="same_as_last"' in after_first and " checked" not in after_first
    assert re.search(r'name="same_as_last"[^>]* checked', feedback_form(panel))  # kept ticked until unticked
    assert 'name="pain"' in feedback_form(panel) and not re.search(r'name="pain"[^>]* checked', feedback_form(panel))
    assert "Tap the client&#x27;s pain" in refused
    assert FeedbackEntry.objects.count() == 2
