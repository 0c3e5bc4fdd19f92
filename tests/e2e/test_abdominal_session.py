"""A therapist runs a whole abdominal session on a tablet: a stop, a refused entry, a re-confirmation, signing."""

import pytest
from playwright.sync_api import expect

from clinic import roles
from intake.services import record_intake
from notes.consent_services import record_consent
from notes.models import ConsentText, FeedbackEntry, TreatmentSession
from tests.factories import ClientFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("size", [(768, 1024), (390, 844)], ids=["tablet", "phone"])
def test_therapist_runs_an_abdominal_session_with_a_stop_and_signs(signed_in_page, live_server, demo_password, size):
    therapist = UserFactory(username="theo", first_name="Theo", last_name="M", roles=[roles.THERAPIST])
    client = ClientFactory(first_name="Maya", last_name="Chen", care_team=[therapist])
    record_intake(
        client=client,
        taken_by=therapist,
        complaints=[{"region": "anterior_hip_groin", "side": "right", "pain_now": 6}],
        aggravating=["hip_extension"],
    )
    record_consent(
        client=client,
        kind="abdominal",
        text=ConsentText.objects.current("abdominal"),
        signed_name="Maya Chen",
        collected_by=therapist,
    )
    page = signed_in_page(therapist)
    page.set_viewport_size({"width": size[0], "height": size[1]})

    page.goto(f"{live_server.url}/clients/{client.public_id}/")
    page.get_by_role("link", name="New session").click()
    page.get_by_role("radiogroup", name="Pain now").locator("label", has_text="6").click()
    page.get_by_role("button", name="Start session").click()
    expect(page.get_by_text("Session started.")).to_be_visible()

    # No "start abdominal work" control until today's health check: the list of what is missing instead.
    expect(page.get_by_role("button", name="Start abdominal work")).to_have_count(0)
    expect(page.locator(".gate-unmet")).to_contain_text("Today's health check is not recorded")
    page.get_by_role("link", name="record it now").click()
    page.get_by_role("button", name="No change since the last visit").click()
    expect(page.get_by_text("Health check recorded")).to_be_visible()

    # Then the client's initials for the abdomen at this visit, on the tablet handed over (and taken back).
    expect(page.locator(".gate-unmet")).to_contain_text("The client has not initialled the abdomen for this visit.")
    page.get_by_role("button", name="Hand the tablet to the client to initial today's areas").click()
    page.locator('[data-area="abdomen"]').locator("label", has_text="Yes, today").click()
    page.locator('[data-area="abdomen"]').get_by_label("Your initials").fill("MC")
    page.locator('[data-area="front_hip"]').locator("label", has_text="Not today").click()
    page.get_by_role("button", name="Record my answers").click()
    page.get_by_label("Staff password").fill(demo_password)
    page.get_by_role("button", name="Return to the app").click()
    expect(page.get_by_text("The client's answer for each area is recorded.")).to_be_visible()

    page.get_by_label("The client confirmed out loud").check()
    page.get_by_role("button", name="Start abdominal work").click()
    expect(page.get_by_text("Re-confirmation recorded")).to_be_visible()

    # Nothing is pre-selected: an entry without pain (or pressure, side, technique) is refused beside its field.
    expect(page.locator(".feedback-form input[type=radio]:checked")).to_have_count(0)
    page.get_by_role("button", name="Tender").click()
    # The message is beside its field, and beside the response buttons, on screen where the hand is.
    expect(page.locator("#id_pain_error")).to_contain_text("Tap the client's pain (0-10)")
    expect(page.locator(".entry-incomplete")).to_contain_text("Tap the client's pain (0-10)")
    expect(page.locator(".entry-incomplete")).to_be_in_viewport()
    expect(page.get_by_role("button", name="Tender")).to_be_in_viewport()
    expect(page.locator(".timeline-entry")).to_have_count(0)

    def tap(group, value):
        page.get_by_role("radiogroup", name=group).locator("label", has_text=value).first.click()

    tap("Pressure", "2")
    tap("Side", "Right")
    tap("Client's pain", "3")
    page.get_by_role("radiogroup", name="Technique").get_by_text("Sustained pressure").click()
    page.get_by_role("button", name="Tender").click()
    expect(page.locator(".timeline-entry")).to_have_count(1)
    # "Same as the last entry" is an explicit tick, kept until unticked; the pain is asked every time.
    page.get_by_label("Same as the last entry").check()
    tap("Client's pain", "5")
    page.get_by_role("button", name="Stop").click()
    expect(page.locator(".timeline-entry")).to_have_count(2)
    expect(page.get_by_label("Same as the last entry")).to_be_checked()
    expect(page.locator(".feedback-form input[name=pain]:checked")).to_have_count(0)
    expect(page.get_by_text("abdominal work closed: Client said stop")).to_be_visible()

    # Closed by the stop: the panel says so and why, and the entry controls are disabled, visibly.
    expect(page.locator(".abdominal-state")).to_contain_text("Client said stop")
    expect(page.locator(".abdominal-state")).not_to_contain_text("Re-confirmation recorded")
    expect(page.get_by_role("button", name="Comfortable")).to_be_disabled()
    expect(page.get_by_role("radiogroup", name="Client's pain").locator("input").first).to_be_disabled()
    expect(page.locator(".timeline-entry")).to_have_count(2)

    page.get_by_label("The client confirmed out loud").check()
    page.get_by_role("button", name="Start abdominal work").click()
    page.get_by_label("Same as the last entry").check()
    tap("Client's pain", "2")
    page.get_by_role("button", name="Comfortable").click()
    expect(page.locator(".timeline-entry")).to_have_count(3)

    page.get_by_role("link", name="SOAP note").click()
    page.get_by_label("Assessment").fill("Iliopsoas tender on the right; eased with breathing-paced release.")
    page.get_by_role("radiogroup", name="Pain after").locator("label", has_text="3").click()
    page.get_by_role("button", name="Save note").click()
    expect(page.get_by_text("Note saved.")).to_be_visible()

    page.get_by_role("link", name="Sign", exact=True).click()
    page.get_by_role("button", name="Sign and lock").click()
    expect(page.get_by_text("Session signed.")).to_be_visible()

    session = TreatmentSession.objects.get(client=client)
    assert session.is_signed and len(session.content_hash) == 64
    assert list(FeedbackEntry.objects.filter(session=session).values_list("response", flat=True)) == [
        "tender",
        "stop",
        "comfortable",
    ]
    assert session.pains.get().after == 3
