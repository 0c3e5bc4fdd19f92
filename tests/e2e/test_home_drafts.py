"""A therapist's home, on a tablet and a phone: every unsigned draft, oldest first, the overdue ones marked, each a
link big enough to tap that opens the draft."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests import history_helpers as h
from tests.factories import ClientFactory, front_desk_user, therapist_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("size", [(768, 1024), (390, 844)], ids=["tablet", "phone"])
def test_the_home_page_lists_every_draft_oldest_first_with_the_overdue_marked(signed_in_page, live_server, size):
    therapist = therapist_user(username="theo")
    desk = front_desk_user(username="fran")
    now = timezone.now()
    for first, hours_ago in (("Recent", 2), ("Oldest", 50), ("Yesterday", 30)):
        client = ClientFactory(first_name=first, last_name="Client", care_team=[therapist])
        h.take_intake(client, by=desk)
        h.draft_session(client, therapist=therapist, started_at=now - timedelta(hours=hours_ago))
    page = signed_in_page(therapist)
    page.set_viewport_size({"width": size[0], "height": size[1]})
    page.goto(f"{live_server.url}/")

    rows = page.locator(".draft-row")
    expect(rows).to_have_count(3)
    expect(rows.locator("a")).to_have_text(["Oldest Client", "Yesterday Client", "Recent Client"])
    expect(page.locator(".draft-overdue a")).to_have_text(["Oldest Client", "Yesterday Client"])
    links = rows.locator("a")
    assert min(links.nth(n).bounding_box()["height"] for n in range(3)) >= 44

    rows.first.locator("a").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Oldest Client")
