"""The audit log on a tablet and a phone: nothing falls off the screen, a 5,000-character note takes a few lines until
asked for, and its whole text opens in place."""

import pytest
from playwright.sync_api import expect

from clinic import roles
from notes import services
from tests import history_helpers as h
from tests.factories import ClientFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NOTE = ("Client reports a dull ache low in the back after gardening, worse on standing. " * 64)[:5000]
REASONABLE_ROW_HEIGHT = 400


@pytest.mark.parametrize(("width", "height"), [(768, 1024), (390, 844)], ids=["tablet", "phone"])
def test_the_audit_log_fits_the_screen_and_opens_a_long_note_in_place(
    signed_in_page, live_server, consent_texts, width, height
):
    therapist = UserFactory(username="theo", roles=[roles.THERAPIST])
    desk = UserFactory(username="desk", roles=[roles.FRONT_DESK])
    client = ClientFactory(first_name="Maya", last_name="Chen", care_team=[therapist])
    h.take_intake(client, by=desk)
    session = h.draft_session(client, therapist=therapist, subjective="Sore back.")
    services.update_session(session=session, version=session.version, subjective=NOTE)
    page = signed_in_page(UserFactory(username="boss", roles=[roles.CLINIC_ADMIN]))
    page.set_viewport_size({"width": width, "height": height})

    page.goto(f"{live_server.url}/audit/")

    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    rows = page.locator(".audit-table tbody tr")
    expect(rows.first).to_be_visible()
    heights = [box["height"] for box in (row.bounding_box() for row in rows.all())]
    assert max(heights) < REASONABLE_ROW_HEIGHT, heights
    whole = page.locator(".audit-full", has_text="from “Sore back.”")
    expect(whole).to_be_hidden()

    page.get_by_text("Show all 5,000 characters").click()

    expect(whole).to_be_visible()
    assert NOTE in whole.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
