"""Long text is never cut silently: a 5,000-character desk note (limit 2,000) stays whole in the box, a counter
says how far over it is, and the server refuses it with a message next to the field, keeping what was typed."""

import re

import pytest
from playwright.sync_api import expect

from clinic.models import Client
from tests.factories import ClientFactory, front_desk_user, therapist_user

pytestmark = pytest.mark.e2e


def test_a_desk_note_over_the_limit_is_kept_counted_and_refused_by_the_server(signed_in_page, live_server):
    desk = front_desk_user(username="fran")
    client = ClientFactory(first_name="Maya", last_name="Chen", desk_notes="")
    page = signed_in_page(desk)
    page.goto(f"{live_server.url}/clients/{client.public_id}/edit/")
    note = page.locator("textarea[name=desk_notes]")
    counter = page.locator("#id_desk_notes_counter")

    expect(counter).to_have_text("0 / 2000 characters")
    note.fill("x" * 5000)
    expect(counter).to_have_text("5000 / 2000 characters: 3000 too many")
    assert len(note.input_value()) == 5000  # not cut at 2,000
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_text("Ensure this value has at most 2000 characters")).to_be_visible()
    assert len(page.locator("textarea[name=desk_notes]").input_value()) == 5000
    assert Client.objects.get(pk=client.pk).desk_notes == ""


@pytest.mark.django_db(transaction=True)
def test_a_required_text_refused_by_the_server_keeps_its_message_beside_the_counter(signed_in_page, live_server):
    therapist = therapist_user(username="theo")
    client = ClientFactory(first_name="Maya", last_name="Chen", care_team=[therapist])
    page = signed_in_page(therapist)
    page.goto(f"{live_server.url}/clients/{client.public_id}/plan/")

    page.get_by_role("button", name="Save plan").click()

    expect(page.locator("#id_goals_counter")).to_have_text("0 / 3000 characters")
    expect(page.locator("textarea[name=goals]")).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(page.get_by_text("Write the goals of the treatment.")).to_be_visible()
