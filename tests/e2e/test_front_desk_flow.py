"""A front-desk clerk signs in, registers a client and finds them again by search, in a real browser."""

import pytest
from playwright.sync_api import expect

from clinic import roles
from clinic.models import Client
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_front_desk_creates_a_client_and_finds_them_by_search(signed_in_page, live_server):
    desk = UserFactory(username="desk", roles=[roles.FRONT_DESK])
    UserFactory(username="dana", first_name="Dana", last_name="Therapist", roles=[roles.THERAPIST])
    page = signed_in_page(desk)
    csp_violations = []
    page.on("console", lambda msg: csp_violations.append(msg.text) if "Content Security Policy" in msg.text else None)

    page.get_by_role("link", name="New client").first.click()
    page.get_by_label("Legal first name").fill("Maya")
    page.get_by_label("Legal last name").fill("Chen")
    page.get_by_label("Preferred name").fill("May")
    page.get_by_label("Date of birth").fill("2001-06-14")
    page.get_by_label("Phone", exact=True).fill("(416) 555-0101")
    expect(page.get_by_label("Dana Therapist")).to_be_checked()  # the clinic's only therapist
    page.get_by_role("button", name="Add client").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("May Chen (Maya)")
    expect(page.get_by_text("Client May Chen (Maya) added.")).to_be_visible()
    expect(page.locator(".card", has_text="Care team").get_by_text("Dana Therapist")).to_be_visible()

    page.goto(f"{live_server.url}/")
    page.get_by_label("Search clients").fill("555 0101")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("link", name="May Chen (Maya)")).to_be_visible()

    page.get_by_label("Search clients").fill("chen")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="May Chen (Maya)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("May Chen (Maya)")

    assert Client.objects.filter(first_name="Maya", last_name="Chen").count() == 1
    assert csp_violations == []


def test_bootstrap_styles_load_from_the_app(signed_in_page, live_server):
    page = signed_in_page(UserFactory(username="desk2", roles=[roles.FRONT_DESK]))

    sign_out = page.get_by_role("button", name="Sign out")
    display = page.locator("#main-nav").evaluate("el => getComputedStyle(el).display")
    border = sign_out.evaluate("el => getComputedStyle(el).borderTopLeftRadius")

    # Bootstrap's navbar is a flex row and its buttons are rounded: the CSS came from /static/.
    assert display == "flex" and border == "6px"


def test_the_care_team_is_asked_for_with_big_ticks_and_its_error_beside_them(signed_in_page, live_server):
    desk = UserFactory(username="desk3", roles=[roles.FRONT_DESK])
    for username, first in (("dana", "Dana"), ("eli", "Eli")):
        UserFactory(username=username, first_name=first, last_name="Therapist", roles=[roles.THERAPIST])
    page = signed_in_page(desk)
    page.set_viewport_size({"width": 768, "height": 1024})

    page.goto(f"{live_server.url}/clients/new/")
    page.get_by_label("Legal first name").fill("Ada")
    page.get_by_label("Legal last name").fill("Byron")
    page.get_by_label("Date of birth").fill("1985-12-10")
    page.get_by_role("button", name="Add client").click()

    error = page.locator(".care-team-choices").get_by_text("Choose at least one therapist")
    expect(error).to_be_visible()
    expect(page.get_by_label("Legal last name")).to_have_value("Byron")
    rows = page.locator(".care-team-choices .form-check-label")
    heights = [rows.nth(n).bounding_box()["height"] for n in range(rows.count())]
    assert len(heights) == 2 and min(heights) >= 44, heights
    page.get_by_label("Eli Therapist").check()
    page.get_by_role("button", name="Add client").click()

    expect(page.get_by_text("Client Ada Byron added.")).to_be_visible()
    assert [m.first_name for m in Client.objects.get(last_name="Byron").care_team.all()] == ["Eli"]
