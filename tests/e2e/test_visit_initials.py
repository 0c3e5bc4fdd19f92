"""At the start of a visit the therapist hands the tablet to the client, who agrees area by area (initials typed for
one, drawn with a finger for another, "not today" for a third); the therapist takes the tablet back with their
password, and abdominal work opens only then."""

import os

import pytest
from playwright.sync_api import expect

from notes.models import AreaConfirmation
from tests import history_helpers as h
from tests.e2e.test_every_page import page_problems
from tests.factories import ClientFactory, front_desk_user, screened_intake, therapist_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("INITIALS_SHOTS")  # a folder: screenshots of the pages, to look at


@pytest.mark.usefixtures("consent_texts")
@pytest.mark.parametrize("size", [{"width": 768, "height": 1024}, {"width": 390, "height": 844}])
def test_the_client_initials_each_area_on_the_tablet_before_abdominal_work(
    signed_in_page, live_server, demo_password, csp_errors, size
):
    therapist = therapist_user(username="theo", first_name="Theo", last_name="M")
    desk = front_desk_user(username="fran")
    client = ClientFactory(first_name="Maya", last_name="Chen", care_team=[therapist])
    screened_intake(client, by=desk, complaints=[h.LOW_BACK])
    h.give_consent(client, by=desk, areas=["abdomen", "gluteal", "chest_wall"])
    h.check_in(client, by=desk)
    session = h.draft_session(client, therapist=therapist, initialled=())
    page = signed_in_page(therapist)
    page.set_viewport_size(size)
    page.goto(f"{live_server.url}{session.get_absolute_url()}")

    expect(page.locator(".gate-unmet")).to_contain_text("The client has not initialled the abdomen for this visit.")
    expect(page.get_by_role("button", name="Start abdominal work")).to_have_count(0)
    page.get_by_role("button", name="Hand the tablet to the client to initial today's areas").click()

    # The client's side: three areas, nothing of the chart, no way out without the password.
    expect(page.get_by_role("heading", name="Your agreement today, area by area")).to_be_visible()
    assert page_problems(page, csp_errors) == []
    abdomen, gluteal, chest = (page.locator(f'[data-area="{code}"]') for code in ("abdomen", "gluteal", "chest_wall"))
    abdomen.locator("label", has_text="Yes, today").click()
    abdomen.get_by_label("Your initials").fill("MC")
    gluteal.locator("label", has_text="Yes, today").click()
    pad = gluteal.locator("canvas.initials-pad")
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    page.mouse.move(box["x"] + 10, box["y"] + 20)
    page.mouse.down()
    page.mouse.move(box["x"] + 60, box["y"] + 70, steps=6)
    page.mouse.move(box["x"] + 110, box["y"] + 15, steps=6)
    page.mouse.up()
    chest.locator("label", has_text="Not today").click()
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/tablet-{size['width']}.png", full_page=True)
    page.get_by_role("button", name="Record my answers").click()

    expect(page.get_by_text("Please hand the tablet back.")).to_be_visible()
    page.get_by_label("Staff password").fill(demo_password)
    page.get_by_role("button", name="Return to the app").click()

    expect(page.get_by_text("The client's answer for each area is recorded.")).to_be_visible()
    expect(page.locator('.area-today-status[data-area="abdomen"]')).to_contain_text("initials “MC”")
    expect(page.locator('.area-today-status[data-area="gluteal"]')).to_contain_text("initials drawn on the tablet")
    expect(page.locator('.area-today-status[data-area="chest_wall"]')).to_contain_text("not today")
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/session-{size['width']}.png", full_page=True)
    assert page_problems(page, csp_errors) == []
    page.get_by_label("The client confirmed out loud").check()
    page.get_by_role("button", name="Start abdominal work").click()
    expect(page.get_by_text("Re-confirmation recorded")).to_be_visible()
    drawn = AreaConfirmation.objects.get(area="gluteal")
    assert drawn.method == "initials_drawn" and drawn.initials_drawing.startswith("data:image/png;base64,")
