"""Every place on the intake's whole-body diagram, front and back, is big enough to tap with a finger, on a tablet
and on a phone, and sets the complaint's region and side."""

import os
import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from clinic import roles
from intake import labels
from intake.templatetags.intake_tags import body_diagram
from tests.factories import ClientFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

FINGER = 44  # CSS px: WCAG 2.5.5 and Apple's guideline for a touch target.
# Kept for a person to look at: the diagram still has to read as a body with legible labels.
SHOTS = Path(os.environ.get("BODY_SHOTS") or Path(tempfile.gettempdir()) / "body-shots")
SIZES = [("tablet", 768, 1024), ("phone", 390, 844)]


@pytest.fixture
def browser_context_args(browser_context_args):
    # A touch screen, so that the test taps as a finger does.
    return {**browser_context_args, "has_touch": True}


@pytest.fixture
def intake_page(signed_in_page, live_server):
    def open_at(width, height):
        client = ClientFactory(first_name="Maya", last_name="Chen")
        page = signed_in_page(UserFactory(username="desk", roles=[roles.FRONT_DESK]))
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"{live_server.url}/clients/{client.public_id}/intakes/new/")
        return page

    return open_at


def _screenshot(page, name):
    """The diagram alone, from the whole page, so the sticky section links don't cover it."""
    page.evaluate("window.scrollTo(0, 0)")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / name), full_page=True, clip=page.locator(".body-diagram").bounding_box())


def _show(page, view):
    """On a phone one view is drawn at a time: switch to `view` (the switch is hidden where both fit)."""
    switch = page.locator(f".body-view-switch [data-body-view='{view}']")
    if switch.is_visible():
        switch.tap()
        expect(switch).to_have_attribute("aria-pressed", "true")


def _region(page, view, region, side):
    return page.locator(f".body-view-{view} .region[data-region='{region}'][data-side='{side}']")


def _overlap(a, b):
    return (
        a["x"] < b["x"] + b["width"]
        and b["x"] < a["x"] + a["width"]
        and a["y"] < b["y"] + b["height"]
        and b["y"] < a["y"] + a["height"]
    )


# Every region drawn now, by view and name, with its box on the page (not the viewport: a tap may scroll).
DRAWN_REGIONS = """() => [...document.querySelectorAll('.body-diagram .region')]
  .filter((r) => r.getClientRects().length)
  .map((r) => {
    const box = r.getBoundingClientRect();
    const view = r.closest('.body-view').classList.contains('body-view-front') ? 'front' : 'back';
    return {name: view + ': ' + r.getAttribute('aria-label'), view,
            x: box.x + scrollX, y: box.y + scrollY, width: box.width, height: box.height};
  })"""


@pytest.mark.parametrize(("screen", "width", "height"), SIZES)
def test_every_region_of_both_views_is_a_finger_sized_target_apart_from_the_others(intake_page, screen, width, height):
    page = intake_page(width, height)
    places = body_diagram()
    sizes, overlapping = {}, set()

    for view in ("front", "back"):
        _show(page, view)
        drawn = page.evaluate(DRAWN_REGIONS)
        _screenshot(page, f"body-diagram-{screen}-{width}x{height}-{view}.png")
        assert len([r for r in drawn if r["view"] == view]) == len(places[view])
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        sizes |= {r["name"]: (round(r["width"], 1), round(r["height"], 1)) for r in drawn}
        # Regions drawn at the same time (both views on a tablet, one on a phone) never overlap.
        overlapping |= {(a["name"], b["name"]) for i, a in enumerate(drawn) for b in drawn[i + 1 :] if _overlap(a, b)}

    assert len(sizes) == len(places["front"]) + len(places["back"])
    assert {name: size for name, size in sizes.items() if min(size) < FINGER} == {}
    assert overlapping == set()


def test_both_views_stand_side_by_side_on_a_tablet_and_one_at_a_time_on_a_phone(intake_page):
    page = intake_page(768, 1024)
    expect(page.locator(".body-view-front")).to_be_visible()
    expect(page.locator(".body-view-back")).to_be_visible()
    expect(page.locator(".body-view-switch")).to_be_hidden()

    page.set_viewport_size({"width": 390, "height": 844})

    expect(page.locator(".body-view-front")).to_be_visible()
    expect(page.locator(".body-view-back")).to_be_hidden()
    _show(page, "back")
    expect(page.locator(".body-view-front")).to_be_hidden()
    expect(page.locator(".body-view-back")).to_be_visible()


@pytest.mark.parametrize(("screen", "width", "height"), SIZES)
def test_a_tap_sets_the_region_and_its_side_on_the_complaint(intake_page, screen, width, height):
    page = intake_page(width, height)
    rows = page.locator("[data-complaint]")
    taps = [
        ("front", "shoulder", "left"),
        ("front", "jaw", "right"),
        ("front", "neck", "central"),
        ("back", "wrist_hand", "right"),
        ("back", "sacrum", "central"),
        ("back", "posterior_thigh", "left"),
    ]

    for view, region, side in taps:
        _show(page, view)
        _region(page, view, region, side).tap()

    for number, (_, region, side) in enumerate(taps):
        expect(rows.nth(number).get_by_label("Where")).to_have_value(region)
        expect(rows.nth(number).locator(f"input[name$='-side'][value='{side}']")).to_be_checked()
    chosen = _region(page, "back", "sacrum", "central")
    expect(chosen).to_have_class("region chosen")
    expect(chosen).to_have_attribute("aria-pressed", "true")
    _screenshot(page, f"body-diagram-{screen}-chosen.png")


def test_each_region_is_chosen_with_the_keyboard(intake_page):
    page = intake_page(768, 1024)
    rows = page.locator("[data-complaint]")

    _region(page, "front", "upper_arm", "right").focus()
    page.keyboard.press("Enter")
    _region(page, "back", "knee", "left").focus()
    page.keyboard.press(" ")

    expect(rows.nth(0).get_by_label("Where")).to_have_value("upper_arm")
    expect(rows.nth(0).locator("input[name$='-side'][value='right']")).to_be_checked()
    expect(rows.nth(1).get_by_label("Where")).to_have_value("knee")
    expect(rows.nth(1).locator("input[name$='-side'][value='left']")).to_be_checked()
    # The same knee on the front view shows as chosen too.
    expect(_region(page, "front", "knee", "left")).to_have_attribute("aria-pressed", "true")
    focusable = page.locator(".body-diagram .region[tabindex='0'][role='button']")
    expect(focusable).to_have_count(page.locator(".body-diagram .region").count())


def test_the_list_beside_the_diagram_offers_every_region(intake_page):
    page = intake_page(390, 844)

    offered = (
        page.locator("[data-complaint]")
        .first.get_by_label("Where")
        .locator("option")
        .evaluate_all("options => options.map((o) => o.value).filter(Boolean)")
    )

    assert offered == list(labels.REGIONS)
