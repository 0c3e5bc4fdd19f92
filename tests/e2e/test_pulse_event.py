""" "Pulse felt, hands moved" is one tap on the live panel while a stretch of abdominal work is open, on a tablet and a
phone: the timeline shows it at once, in red, without a page load and without a CSP violation."""

import pytest
from playwright.sync_api import expect

from clinic import roles
from notes.models import PulseEvent
from tests import history_helpers as h
from tests.factories import ClientFactory, UserFactory, screened_intake

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("size", [(768, 1024), (390, 844)], ids=["tablet", "phone"])
def test_pulse_felt_is_one_tap_and_shows_in_red(signed_in_page, live_server, consent_texts, size):
    therapist = UserFactory(username="theo", first_name="Theo", last_name="M", roles=[roles.THERAPIST])
    client = ClientFactory(first_name="Maya", last_name="Chen", care_team=[therapist])
    screened_intake(client, by=therapist, complaints=[h.LOW_BACK])
    h.give_consent(client, by=therapist)
    session = h.draft_session(client, therapist=therapist)
    h.open_abdominal_work(session, by=therapist)
    page = signed_in_page(therapist)
    page.set_viewport_size({"width": size[0], "height": size[1]})
    page.goto(f"{live_server.url}/sessions/{session.public_id}/")

    page.get_by_role("button", name="Pulse felt, hands moved").click()

    row = page.locator(".timeline-pulse")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("pulse felt, hands moved")
    assert "rgb(220, 53, 69)" in row.evaluate("e => getComputedStyle(e).color")
    assert PulseEvent.objects.filter(session=session).count() == 1
    box = page.get_by_role("button", name="Pulse felt, hands moved").bounding_box()
    assert box["width"] >= 44 and box["height"] >= 44
