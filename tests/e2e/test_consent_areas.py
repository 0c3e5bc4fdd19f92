"""A guardian signs the sensitive-areas consent in a real browser, area by area, with a drawn signature that the
consent page then shows as an image."""

import os
import re

import pytest
from playwright.sync_api import expect

from clinic import roles
from notes.models import Consent
from tests.factories import ClientFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("CONSENT_SHOTS")  # a folder: screenshots of the pages, to look at


@pytest.mark.usefixtures("consent_texts")
@pytest.mark.parametrize("size", [{"width": 768, "height": 1024}, {"width": 390, "height": 844}])
def test_a_guardian_signs_area_by_area_with_a_drawn_signature(signed_in_page, live_server, size):
    desk = UserFactory(username="desk", roles=[roles.FRONT_DESK])
    client = ClientFactory(first_name="Noah", last_name="Quispe")
    page = signed_in_page(desk)
    page.set_viewport_size(size)

    page.goto(f"{live_server.url}/clients/{client.public_id}/consents/new/?kind=abdominal")
    page.get_by_label("I have read this text").check()
    for area in ("abdomen", "front_hip", "gluteal"):
        page.locator(f'input[name="area_{area}"][value="agreed"]').check()
    for area in ("chest_wall", "breast"):
        page.locator(f'input[name="area_{area}"][value="not_agreed"]').check()
    page.locator('input[name="support_person_offered"][value="yes"]').check()
    page.locator('input[name="signed_by"][value="sdm"]').check()
    page.get_by_label("Substitute decision-maker's full name").fill("Rosa Quispe")
    page.get_by_label("Relationship to the client").fill("Mother")
    page.get_by_label("Authority to decide").select_option("guardian")
    page.locator('input[name="client_assent"][value="yes"]').check()
    page.get_by_label("Type your full name to sign").fill("Rosa Quispe")
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/form-{size['width']}.png", full_page=True)
    pad = page.locator("canvas.signature-pad")
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + 40)
    page.mouse.down()
    page.mouse.move(box["x"] + 120, box["y"] + 90, steps=8)
    page.mouse.move(box["x"] + 200, box["y"] + 30, steps=8)
    page.mouse.up()
    expect(page.locator("#id_signature_drawing")).to_have_value(re.compile(r"^data:image/png;base64,"))
    page.get_by_role("button", name="Sign consent").click()

    if SHOTS:
        page.screenshot(path=f"{SHOTS}/after-{size['width']}.png", full_page=True)
    expect(page.get_by_text("Consent recorded.")).to_be_visible()
    expect(page.get_by_text("Signed by a substitute decision-maker: Rosa Quispe")).to_be_visible()
    expect(page.locator('[data-area="breast"]')).to_have_text("Not agreed: Breast")
    image = page.locator("img.signature-image")
    expect(image).to_be_visible()
    # The image is fetched after the page shows: wait for it to finish loading, then it must have decoded.
    image.evaluate("img => img.complete || new Promise(done => { img.onload = img.onerror = done; })")
    assert image.evaluate("img => img.naturalWidth") > 0
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/detail-{size['width']}.png", full_page=True)
    consent = Consent.objects.get()
    assert (consent.signed_by, sorted(consent.areas)) == ("sdm", ["abdomen", "front_hip", "gluteal"])
    assert consent.signature_drawing.startswith("data:image/png;base64,")


@pytest.mark.usefixtures("consent_texts")
def test_a_guardian_without_relationship_is_refused_in_the_browser(signed_in_page, live_server):
    desk = UserFactory(username="desk", roles=[roles.FRONT_DESK])
    client = ClientFactory(first_name="Noah", last_name="Quispe")
    page = signed_in_page(desk)

    page.goto(f"{live_server.url}/clients/{client.public_id}/consents/new/?kind=treatment")
    page.get_by_label("I have read this text").check()
    page.locator('input[name="support_person_offered"][value="no"]').check()
    page.locator('input[name="signed_by"][value="sdm"]').check()
    page.get_by_label("Substitute decision-maker's full name").fill("Rosa Quispe")
    page.get_by_label("Type your full name to sign").fill("Rosa Quispe")
    page.get_by_role("button", name="Sign consent").click()

    expect(page.get_by_text("Say how the substitute decision-maker is related to the client.")).to_be_visible()
    assert not Consent.objects.exists()
