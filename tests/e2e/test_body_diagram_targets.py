"""Every place on the intake's body diagram is big enough to tap with a finger, on a tablet and on a phone."""

import os
import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from clinic import roles
from tests.factories import ClientFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

FINGER = 44  # CSS px: WCAG 2.5.5 and Apple's guideline for a touch target.
# Kept for a person to look at: the diagram still has to read as a body with legible labels.
SHOTS = Path(os.environ.get("BODY_SHOTS") or Path(tempfile.gettempdir()) / "body-shots")


@pytest.fixture
def browser_context_args(browser_context_args):
    # A touch screen, so that the test taps as a finger does.
    return {**browser_context_args, "has_touch": True}


def _screenshot(page, name):
    """The diagram alone, from the whole page, so the sticky section links don't cover it."""
    page.evaluate("window.scrollTo(0, 0)")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / name), full_page=True, clip=page.locator(".body-diagram").bounding_box())


def _overlap(a, b):
    return (
        a["x"] < b["x"] + b["width"]
        and b["x"] < a["x"] + a["width"]
        and a["y"] < b["y"] + b["height"]
        and b["y"] < a["y"] + a["height"]
    )


@pytest.mark.parametrize(("screen", "width", "height"), [("tablet", 768, 1024), ("phone", 390, 844)])
def test_every_body_region_is_a_finger_sized_target_that_selects_its_place(
    signed_in_page, live_server, screen, width, height
):
    client = ClientFactory(first_name="Maya", last_name="Chen")
    page = signed_in_page(UserFactory(username="desk", roles=[roles.FRONT_DESK]))
    page.set_viewport_size({"width": width, "height": height})
    csp_errors = []
    page.on(
        "console",
        lambda msg: (
            csp_errors.append(msg.text) if msg.type == "error" and "Content Security Policy" in msg.text else None
        ),
    )

    page.goto(f"{live_server.url}/clients/{client.public_id}/intakes/new/")

    regions = page.locator(".body-diagram .region")
    expect(regions).to_have_count(14)
    _screenshot(page, f"body-diagram-{screen}-{width}x{height}.png")
    boxes = {
        f"{r.get_attribute('data-region')}/{r.get_attribute('data-side')}": r.bounding_box() for r in regions.all()
    }
    too_small = {
        name: (round(b["width"], 1), round(b["height"], 1))
        for name, b in boxes.items()
        if min(b["width"], b["height"]) < FINGER
    }
    assert too_small == {}
    names = list(boxes)
    overlapping = [(a, b) for i, a in enumerate(names) for b in names[i + 1 :] if _overlap(boxes[a], boxes[b])]
    assert overlapping == []
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    page.locator(".body-diagram .region[data-region='lateral_hip'][data-side='left']").tap()

    chosen = page.locator(".body-diagram .region.chosen")
    expect(chosen).to_have_count(1)
    expect(chosen).to_have_attribute("data-region", "lateral_hip")
    expect(chosen).to_have_attribute("aria-pressed", "true")
    complaint = page.locator("[data-complaint]").first
    expect(complaint.get_by_label("Where")).to_have_value("lateral_hip")
    expect(complaint.locator("input[name$='-side'][value='left']")).to_be_checked()

    page.locator(".body-diagram .region[data-region='knee'][data-side='right']").focus()
    page.keyboard.press("Enter")

    expect(page.locator("[data-complaint]").nth(1).get_by_label("Where")).to_have_value("knee")
    expect(page.locator(".body-diagram .region.chosen")).to_have_count(2)
    _screenshot(page, f"body-diagram-{screen}-chosen.png")
    assert csp_errors == []
