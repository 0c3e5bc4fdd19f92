"""The client's own forms in a real browser: a client fills them in on a 390 x 844 phone through the link the front
desk made, the front desk accepts them (an intake appears, screened) or declines them (a reason is needed), and a
tablet handed over for the forms reaches nothing else until the staff password."""

import re

import pytest
from playwright.sync_api import expect

from clinic import roles
from intake.models import ClientSubmission, Intake
from tests.factories import ClientFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def desk_and_client(consent_texts):
    therapist = UserFactory(username="theo", roles=[roles.THERAPIST])
    desk = UserFactory(username="desk", first_name="Fran", last_name="Desk", roles=[roles.FRONT_DESK])
    client = ClientFactory(first_name="Maya", last_name="Chen", care_team=[therapist])
    return desk, client


def make_link(page, live_server, client) -> str:
    page.goto(f"{live_server.url}/clients/{client.public_id}/")
    page.get_by_role("link", name="Send forms to fill in").click()
    page.get_by_role("button", name="Make the link").click()
    expect(page.get_by_text("This link is shown only now")).to_be_visible()
    expect(page.locator(".link-qr svg")).to_be_visible()
    return page.locator("#link-url").input_value()


def fill_in_everything(phone):
    phone.get_by_label("Phone", exact=True).fill("647-555-0199")
    phone.get_by_label("Email", exact=True).fill("maya@example.org")
    phone.get_by_label("Emergency contact", exact=True).fill("Lin Chen")
    phone.get_by_role("button", name="Front of hip / groin, right").click()
    complaint = phone.locator("[data-complaint]").first
    complaint.get_by_role("radiogroup", name="Pain now").locator("label", has_text="6").click()
    phone.get_by_text("Climbing stairs or lifting the leg").click()
    for question in phone.locator(".question").all():
        labels = question.locator("label").filter(has_text=re.compile(r"^No$"))
        if labels.count():
            labels.first.click()
    phone.get_by_role("radiogroup", name=re.compile("night")).locator("label", has_text="Yes").click()


def test_a_client_fills_in_the_whole_form_on_a_phone_and_the_front_desk_accepts_it(
    signed_in_page, live_server, browser, desk_and_client, csp_errors
):
    desk, client = desk_and_client
    page = signed_in_page(desk)
    url = make_link(page, live_server, client)
    context = browser.new_context(viewport=PHONE)
    phone = context.new_page()
    phone.on("console", lambda m: csp_errors.append(m.text) if "Content Security Policy" in m.text else None)

    phone.goto(url)
    expect(phone.get_by_role("heading", name="Your forms before your visit")).to_be_visible()
    assert "Chen" not in phone.content()
    phone.get_by_role("button", name="Send to the clinic").click()
    expect(phone.get_by_text("Nothing was sent")).to_be_visible()
    fill_in_everything(phone)  # the refused form kept nothing wrong: answer it all now
    phone.get_by_role("button", name="Send to the clinic").click()
    expect(phone.get_by_text("Thank you: your forms were sent.")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    phone.goto(url)
    expect(phone.get_by_text("This link does not open any forms")).to_be_visible()
    context.close()

    page.goto(f"{live_server.url}/")
    page.locator("#submissions-heading + ul a", has_text="Maya Chen").click()
    expect(page.locator("tr.review-change", has_text="647-555-0199")).to_be_visible()
    page.get_by_role("button", name=re.compile("^Accept")).click()

    expect(page.get_by_text("The client's forms were accepted")).to_be_visible()
    intake = Intake.objects.get(client=client)
    assert [(c.region, c.pain_now) for c in intake.complaints.current()] == [("anterior_hip_groin", 6)]
    assert intake.screenings.get().refer is True
    assert ClientSubmission.objects.get().status == "accepted"


def test_declining_needs_a_reason(signed_in_page, live_server, browser, desk_and_client):
    desk, client = desk_and_client
    page = signed_in_page(desk)
    url = make_link(page, live_server, client)
    phone = browser.new_context(viewport=PHONE).new_page()
    phone.goto(url)
    fill_in_everything(phone)
    phone.get_by_role("button", name="Send to the clinic").click()
    expect(phone.get_by_text("Thank you")).to_be_visible()

    page.goto(f"{live_server.url}/clients/{client.public_id}/")
    page.get_by_role("link", name=re.compile("^Sent on")).click()
    page.get_by_role("button", name="Decline").click()
    expect(page.get_by_text("Say why the client's forms are declined")).to_be_visible()
    page.get_by_label("Why decline?").fill("Sent for the wrong person")
    page.get_by_role("button", name="Decline").click()

    expect(page.get_by_text("The client's forms were declined")).to_be_visible()
    assert ClientSubmission.objects.get().decline_reason == "Sent for the wrong person"
    assert not Intake.objects.exists()


def test_a_tablet_handed_over_for_the_forms_needs_the_password_to_leave(
    signed_in_page, live_server, desk_and_client, demo_password
):
    desk, client = desk_and_client
    page = signed_in_page(desk)
    page.goto(f"{live_server.url}/clients/{client.public_id}/forms/link/")
    page.get_by_role("button", name="Hand the tablet to the client").click()
    page.wait_for_url("**/handover/forms/")

    page.goto(f"{live_server.url}/clients/")
    assert page.url.endswith("/handover/forms/")
    fill_in_everything(page)
    page.get_by_role("button", name="Send to the clinic").click()
    expect(page.get_by_text("Please hand the tablet back")).to_be_visible()
    page.get_by_label("Staff password").fill("not-the-password")
    page.get_by_role("button", name="Return to the app").click()
    expect(page.get_by_text("not the password")).to_be_visible()
    page.get_by_label("Staff password").fill(demo_password)
    page.get_by_role("button", name="Return to the app").click()

    expect(page.get_by_role("heading", name=re.compile("Forms sent by the client"))).to_be_visible()
    assert ClientSubmission.objects.get().link.via == "tablet"
