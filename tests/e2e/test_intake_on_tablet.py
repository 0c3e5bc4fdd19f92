"""The front desk takes an intake on a tablet-sized screen, using the body diagram."""

import pytest
from playwright.sync_api import expect

from clinic import roles
from intake.models import Intake
from tests.factories import ClientFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_front_desk_completes_an_intake_with_the_body_diagram_on_a_tablet(signed_in_page, live_server):
    therapist = UserFactory(username="theo", roles=[roles.THERAPIST])
    client = ClientFactory(first_name="Maya", last_name="Chen", care_team=[therapist])
    page = signed_in_page(UserFactory(username="desk", roles=[roles.FRONT_DESK]))
    page.set_viewport_size({"width": 768, "height": 1024})
    csp_violations = []
    page.on("console", lambda msg: csp_violations.append(msg.text) if "Content Security Policy" in msg.text else None)

    page.goto(f"{live_server.url}/clients/{client.public_id}/")
    page.get_by_role("link", name="New intake").click()

    page.get_by_role("button", name="Front of hip / groin, right").click()
    first, second = page.locator("[data-complaint]").nth(0), page.locator("[data-complaint]").nth(1)
    first.get_by_role("radiogroup", name="Pain now").locator("label", has_text="6").click()
    page.get_by_role("button", name="Low back").click()
    second.get_by_role("radiogroup", name="Pain now").locator("label", has_text="3").click()
    expect(first.get_by_label("Where")).to_have_value("anterior_hip_groin")
    expect(second.get_by_label("Where")).to_have_value("low_back")

    page.get_by_text("Bringing the leg back").click()
    page.get_by_text("Climbing stairs or lifting the leg").click()
    for question in page.locator(".question").all():
        question.locator("label").filter(has_text="No").first.click()
    page.get_by_role("button", name="Save intake").click()

    expect(page.get_by_text("Intake saved and screened.")).to_be_visible()
    expect(page.get_by_text("Needs therapist review")).to_be_visible()
    expect(page.get_by_text("Screening support, not a diagnosis")).to_be_visible()
    intake = Intake.objects.get(client=client)
    assert [(c.region, c.side, c.pain_now) for c in intake.complaints.current()] == [
        ("anterior_hip_groin", "right", 6),
        ("low_back", "central", 3),
    ]
    assert intake.aggravating == ["hip_extension", "stairs_leg_lift"]
    assert csp_violations == []


def test_a_missing_answer_is_pointed_out_and_nothing_is_saved(signed_in_page, live_server):
    client = ClientFactory(first_name="Rob", last_name="Oke")
    page = signed_in_page(UserFactory(username="desk", roles=[roles.FRONT_DESK]))
    page.set_viewport_size({"width": 768, "height": 1024})

    page.goto(f"{live_server.url}/clients/{client.public_id}/intakes/new/")
    page.get_by_role("button", name="Save intake").click()

    expect(page.get_by_text("Nothing was saved")).to_be_visible()
    expect(page.get_by_text("Add at least one complaint")).to_be_visible()
    assert not Intake.objects.exists()
