"""The live panel can be driven from the keyboard alone (Tab, Space, arrow keys, Enter), with the focus visible on
every control it lands on: re-confirm, start the abdominal work, and add an entry."""

import pytest
from playwright.sync_api import expect

from notes.models import FeedbackEntry
from tests import history_helpers as h
from tests.factories import ClientFactory, therapist_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# The focused control, or the button-like label that shows a visually hidden radio: what a sighted keyboard user
# looks at. Visible focus is an outline or Bootstrap's focus ring (a box shadow) on it.
FOCUS_SHOWN = """() => {
  const el = document.activeElement;
  const shown = el.classList.contains('btn-check') ? document.querySelector(`label[for="${el.id}"]`) : el;
  const style = getComputedStyle(shown);
  return (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) || style.boxShadow !== 'none';
}"""


def tab_to(page, selector: str, *, limit: int = 120) -> None:
    """Press Tab until the focus is on the element `selector` names; fail if Tab never reaches it."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(sel) => document.activeElement.matches(sel)", selector):
            assert page.evaluate(FOCUS_SHOWN), f"focus on {selector} is not visible"
            return
    raise AssertionError(f"Tab never reached {selector}")


@pytest.mark.parametrize("size", [(768, 1024), (390, 844)], ids=["tablet", "phone"])
def test_a_therapist_starts_abdominal_work_and_adds_an_entry_with_the_keyboard(signed_in_page, live_server, size):
    therapist = therapist_user(username="theo")
    client = ClientFactory(first_name="Maya", last_name="Chen", care_team=[therapist])
    h.take_intake(client, by=therapist, complaints=[{"region": "anterior_hip_groin", "side": "right", "pain_now": 6}])
    h.give_consent(client, by=therapist)
    h.check_in(client, by=therapist)
    session = h.draft_session(client, therapist=therapist, before=6)
    page = signed_in_page(therapist)
    page.set_viewport_size({"width": size[0], "height": size[1]})
    page.goto(f"{live_server.url}/sessions/{session.public_id}/")

    tab_to(page, "input[name=reconfirmed]")
    page.keyboard.press("Space")
    tab_to(page, "button[value=start]")
    page.keyboard.press("Enter")
    expect(page.locator(".segment-open")).to_be_visible()

    # Each group of choices: Tab into it (on its first option), arrow keys move the choice, as in any radio group.
    tab_to(page, "input[name=pressure]")
    page.keyboard.press("ArrowRight")
    expect(page.locator("input[name=pressure]:checked")).to_have_value("2")
    tab_to(page, "input[name=side]")
    page.keyboard.press("Space")  # the first side
    tab_to(page, "input[name=pain]")
    for pain in range(1, 5):  # 0 -> 4, one step at a time
        page.keyboard.press("ArrowRight")
        expect(page.locator("input[name=pain]:checked")).to_have_value(str(pain))
    tab_to(page, "input[name=technique]")
    page.keyboard.press("Space")
    tab_to(page, "button[value=tender]")
    page.keyboard.press("Enter")
    expect(page.locator(".timeline-entry")).to_have_count(1)

    entry = FeedbackEntry.objects.get(session=session)
    assert (entry.pressure, entry.pain, entry.response) == (2, 4, "tender")
    assert entry.side == FeedbackEntry.Side.choices[0][0] and entry.technique == FeedbackEntry.Technique.choices[0][0]
