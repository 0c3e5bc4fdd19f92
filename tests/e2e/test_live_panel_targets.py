"""Every control of the live panel is at least 44 x 44 CSS px, ticks included, on a tablet (768 x 1024) and a phone
(390 x 844), and the page does not scroll sideways: the therapist works it with one hand beside the client."""

import pytest
from playwright.sync_api import expect

from clinic import roles
from intake.services import record_intake
from notes.consent_services import record_consent
from notes.models import ConsentText
from notes.services import start_session
from tests import history_helpers as h
from tests.factories import ClientFactory, UserFactory

pytestmark = pytest.mark.e2e

MIN = 44
CONTROLS = (
    "#live-panel button:visible, #live-panel label.btn:visible, #live-panel select:visible, "
    "#live-panel input[type=checkbox]:visible, #live-panel input.form-control:visible, #live-panel a.btn:visible"
)  # links inside a sentence ("view", "record a change") are text, as WCAG 2.5.8 counts them, not controls


@pytest.mark.parametrize("size", [(768, 1024), (390, 844)], ids=["tablet", "phone"])
def test_every_live_control_is_big_enough_to_tap_and_nothing_scrolls_sideways(
    signed_in_page, live_server, consent_texts, size
):
    therapist = UserFactory(username="theo", first_name="Theo", last_name="M", roles=[roles.THERAPIST])
    client = ClientFactory(first_name="Maya", last_name="Chen", care_team=[therapist])
    record_intake(
        client=client,
        taken_by=therapist,
        complaints=[{"region": "anterior_hip_groin", "side": "right", "pain_now": 6}],
        history={"iud": True},  # a caution: the precautions tick shows too
    )
    record_consent(
        client=client,
        kind="abdominal",
        text=ConsentText.objects.current("abdominal"),
        signed_name="Maya Chen",
        collected_by=therapist,
    )
    h.check_in(client, by=therapist)
    session = start_session(client=client, therapist=therapist, pain_before={})
    h.initial_areas(session, "abdomen", by=therapist)
    page = signed_in_page(therapist)
    page.set_viewport_size({"width": size[0], "height": size[1]})
    page.goto(f"{live_server.url}/sessions/{session.public_id}/")

    closed = _small_controls(page)
    page.get_by_label("The client confirmed out loud").check()
    page.get_by_label("I reviewed the listed precautions").check()
    page.get_by_role("button", name="Start abdominal work").click()
    expect(page.locator(".segment-open")).to_be_visible()
    opened = _small_controls(page)

    assert closed == [] and opened == []
    assert page.evaluate("document.documentElement.scrollWidth") <= size[0]


def _small_controls(page) -> list[str]:
    small = []
    for control in page.locator(CONTROLS).all():
        box = control.bounding_box()
        if box and (box["width"] < MIN or box["height"] < MIN):
            small.append(f"{control.evaluate('e => e.outerHTML.slice(0, 80)')}: {box['width']:.0f}x{box['height']:.0f}")
    return small
