"""The session page's timeline a window at a time: the newest entries first, earlier ones a page away, with the
re-confirmations, stops and pacing warnings where they happened."""

import re

import pytest

from notes.timeline import WINDOW, page_number, session_timeline
from tests import history_helpers as h
from tests.factories import screened_intake
from tests.test_notes_core import GROIN, open_abdominal

pytestmark = pytest.mark.django_db


def add_entries(session, pressures, response="tender"):
    for pressure in pressures:
        h.feedback_entry(session, pressure=pressure, response=response)


def shown_pressures(response) -> list[int]:
    return [
        int(p)
        for p in re.findall(r"pressure (\d)", response.content.decode().split('<ol class="list-group timeline">')[1])
    ]


@pytest.fixture
def ready(care_client, front_desk):
    screened_intake(care_client, by=front_desk, complaints=[GROIN])
    h.give_consent(care_client, by=front_desk)
    h.check_in(care_client, by=front_desk)
    return care_client


@pytest.fixture
def long_session(as_user, therapist, ready):
    """120 entries: the 70th (index 69) at pressure 2, the 71st raised to 4 at once (a pacing warning), the
    rest at pressure 1; then a stop."""
    session = h.draft_session(ready, therapist=therapist)
    browser = as_user(therapist)
    open_abdominal(browser, session)
    add_entries(session, [1] * 69 + [2, 4] + [1] * 48)
    add_entries(session, [1], response="stop")
    return session, browser


def test_the_page_shows_the_newest_entries_and_links_to_earlier_ones(long_session):
    session, browser = long_session

    response = browser.get(f"/sessions/{session.public_id}/")
    page = response.content.decode()

    assert page.count("timeline-entry") == WINDOW
    assert f"Earlier entries ({WINDOW} of 120 shown)" in page
    assert "?timeline=2" in page
    assert "Later entries" not in page
    assert "abdominal work closed" in page  # the stop is among the newest
    assert "client re-confirmed out loud" not in page  # the opening belongs to the first page of entries


def test_the_first_entry_shown_keeps_its_pacing_warning_from_the_entry_before_it(long_session):
    session, browser = long_session

    response = browser.get(f"/sessions/{session.public_id}/")

    # Index 70 is the oldest of the newest 50: its warning needs index 69, which is not shown.
    assert shown_pressures(response)[0] == 4
    assert "Pressure raised from 2 to 4 in under a minute" in response.content.decode()


def test_earlier_pages_hold_the_rest_down_to_the_reconfirmation(long_session):
    session, browser = long_session

    second = browser.get(f"/sessions/{session.public_id}/?timeline=2").content.decode()
    third = browser.get(f"/sessions/{session.public_id}/?timeline=3").content.decode()

    assert second.count("timeline-entry") == WINDOW
    assert "Later entries" in second and "?timeline=1" in second
    assert third.count("timeline-entry") == 120 - 2 * WINDOW
    assert "client re-confirmed out loud" in third
    assert "Earlier entries" not in third
    assert "Pressure raised from 2 to 4" not in second + third


@pytest.mark.parametrize("asked", ["0", "-3", "abc", "", "2.5", "99999999999999999999"])
def test_an_odd_timeline_page_number_shows_a_page_not_an_error(long_session, asked):
    session, browser = long_session

    response = browser.get(f"/sessions/{session.public_id}/", {"timeline": asked})

    assert response.status_code == 200
    assert response.content.decode().count("timeline-entry") > 0


def test_page_numbers_are_read_safely():
    assert page_number("3") == 3
    assert page_number(None) == 1
    assert page_number("x") == 1
    assert page_number("-2") == 1


def test_the_sparkline_and_the_feedback_form_follow_the_newest_entries_on_any_page(long_session):
    session, browser = long_session

    timeline = session_timeline(session, page=3)
    response = browser.get(f"/sessions/{session.public_id}/?timeline=3")

    assert timeline.entry_count == 120
    assert len(timeline.moments) == 120
    assert timeline.newest_entry.response == "stop"
    form = response.context["feedback_form"]
    assert form.last_entry == timeline.newest_entry  # "same as the last entry" names the newest, on any page
    assert f"pressure {timeline.newest_entry.pressure}," in form.fields["same_as_last"].label
    assert "<svg" in response.content.decode()


@pytest.mark.parametrize("entries", [2, 160])
def test_the_session_page_costs_the_same_queries_for_2_or_160_entries(
    as_user, therapist, ready, django_assert_max_num_queries, entries
):
    session = h.draft_session(ready, therapist=therapist)
    browser = as_user(therapist)
    open_abdominal(browser, session)
    add_entries(session, [2] * entries)

    with django_assert_max_num_queries(15):
        response = browser.get(f"/sessions/{session.public_id}/")

    assert response.content.decode().count("timeline-entry") == min(entries, WINDOW)


@pytest.mark.parametrize("page", [1, 2, 5, 6, 7])
def test_a_long_session_pages_the_same_whether_read_with_the_sparkline_or_on_its_own(long_session, page):
    """Up to 240 entries, a page's rows come from the sparkline's read; past it, from a query of their own. Both
    give the entries a plain query gives, newest first."""
    session, _browser = long_session
    segment = session.segments.order_by("-reconfirmed_at").first()
    h.bulk_feedback(session, segment, count=200, after=session.entries.order_by("-at").first().at)  # 320 in all

    timeline = session_timeline(session, page=page)

    expected = list(session.entries.order_by("-at", "-id")[(page - 1) * WINDOW : page * WINDOW])
    assert session.entries.count() == 320 and timeline.pages == 7
    assert [e.pk for e in reversed(timeline.entries)] == [e.pk for e in expected]
    assert [(e.at, e.side, e.pressure, e.pain, e.response) for e in reversed(timeline.entries)] == [
        (e.at, e.side, e.pressure, e.pain, e.response) for e in expected
    ]
