"""The core task at the table, counted in taps and typed characters on a tablet and a phone: start a session,
re-confirm, five feedback entries ending with a stop, sign. The client's health check was taken at the desk on
arrival, as the front desk does. Before issue 16 this took 31 taps and about 67 characters; the counts are pinned so
that a change which adds a tap is seen, as query counts are."""

import pytest
from playwright.sync_api import expect

from notes.models import FeedbackEntry, TreatmentSession
from tests import history_helpers as h
from tests.factories import ClientFactory, front_desk_user, therapist_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TAPS = 21


class Counted:
    """The page, with every tap counted. It has no way to type: the task is done without a keyboard."""

    def __init__(self, page):
        self.page, self.taps = page, 0

    def tap(self, locator) -> None:
        locator.click()
        self.taps += 1

    def choose(self, group: str, option: str) -> None:
        self.tap(self.page.get_by_role("radiogroup", name=group).locator("label", has_text=option).first)


@pytest.mark.parametrize("size", [(768, 1024), (390, 844)], ids=["tablet", "phone"])
def test_the_core_task_takes_21_taps_and_no_typing(signed_in_page, live_server, size):
    therapist = therapist_user(username="theo", first_name="Theo", last_name="M")
    client = ClientFactory(first_name="Maya", last_name="Chen", care_team=[therapist])
    desk = front_desk_user(username="fran")
    h.take_intake(client, by=desk, complaints=[{"region": "anterior_hip_groin", "side": "right", "pain_now": 6}])
    h.give_consent(client, by=desk)
    h.check_in(client, by=desk)
    page = signed_in_page(therapist)
    page.set_viewport_size({"width": size[0], "height": size[1]})
    page.goto(f"{live_server.url}/clients/{client.public_id}/")
    at = Counted(page)

    at.tap(page.get_by_role("link", name="New session"))
    at.choose("Pain now", "6")
    at.tap(page.get_by_role("button", name="Start session"))
    # The client's initials for the abdomen at this visit: their taps on the handed-over tablet, not the therapist's
    # (tests/e2e/test_visit_initials.py drives that page).
    expect(page.get_by_text("Session started.")).to_be_visible()
    h.initial_areas(TreatmentSession.objects.get(client=client), "abdomen", by=therapist)
    page.reload()
    at.tap(page.get_by_label("The client confirmed out loud"))
    at.tap(page.get_by_role("button", name="Start abdominal work"))
    expect(page.locator(".segment-open")).to_be_visible()

    at.choose("Pressure", "2")
    at.choose("Side", "Right")
    at.choose("Client's pain", "3")
    at.choose("Technique", "Sustained pressure")
    at.tap(page.get_by_role("button", name="Tender"))
    expect(page.locator(".timeline-entry")).to_have_count(1)
    at.tap(page.get_by_label("Same as the last entry"))
    for count, (pain, response) in enumerate([("4", "Tender"), ("3", "Comfortable"), ("5", "Tender")], start=2):
        at.choose("Client's pain", pain)
        at.tap(page.get_by_role("button", name=response))
        expect(page.locator(".timeline-entry")).to_have_count(count)
    at.choose("Client's pain", "6")
    at.tap(page.get_by_role("button", name="Stop"))
    expect(page.locator(".abdominal-state")).to_contain_text("Client said stop")

    at.tap(page.get_by_role("link", name="Sign", exact=True))
    at.tap(page.get_by_role("button", name="Sign and lock"))
    expect(page.get_by_text("Session signed.")).to_be_visible()

    session = TreatmentSession.objects.get(client=client)
    responses = list(FeedbackEntry.objects.filter(session=session).values_list("response", flat=True))
    assert session.is_signed and responses == ["tender", "tender", "comfortable", "tender", "stop"]
    assert at.taps == TAPS
