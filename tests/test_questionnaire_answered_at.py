"""A paper questionnaire recorded after the day it was answered keeps the moment it was answered: the staff form
takes "answered at" (the clinic's time, YYYY-MM-DD HH:MM), the list, the page and the trends go by that moment,
and the page says when it was entered. Left empty, the answers are of now. A moment the form cannot read, one
still to come, one before the client was born or one the clinic's clock skips is refused, and nothing is saved."""

import re
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from intake.models import QuestionnaireResponse

pytestmark = pytest.mark.django_db

TORONTO = ZoneInfo("America/Toronto")
# Friday 2026-12-04, 10:15 in the clinic (15:15 UTC).
NOW = datetime(2026, 12, 4, 15, 15, tzinfo=UTC)


@pytest.fixture(autouse=True)
def clinic_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def new_url(client):
    return f"/clients/{client.public_id}/questionnaires/new/"


def nprs(rating, answered_at=None):
    data = {"instrument": "nprs", "item_rating": str(rating)}
    if answered_at is not None:
        data["answered_at"] = answered_at
    return data


def test_a_paper_form_keeps_the_moment_it_was_answered_and_says_when_it_was_recorded(as_user, front_desk, care_client):
    browser = as_user(front_desk)

    response = browser.post(new_url(care_client), nprs(7, "2026-11-20 16:40"))

    stored = QuestionnaireResponse.objects.get()
    assert response.status_code == 302
    assert stored.taken_at == datetime(2026, 11, 20, 16, 40, tzinfo=TORONTO)
    assert stored.taken_at == datetime(2026, 11, 20, 21, 40, tzinfo=UTC)  # stored in UTC
    assert stored.recorded_at == NOW
    page = browser.get(stored.get_absolute_url()).content.decode()
    assert "Answered 2026-11-20 16:40, recorded by staff" in page
    assert "Entered in the chart 2026-12-04 10:15." in page


def test_left_empty_the_answers_are_of_now_and_the_page_gives_one_moment(as_user, front_desk, care_client):
    browser = as_user(front_desk)

    browser.post(new_url(care_client), nprs(4, ""))

    stored = QuestionnaireResponse.objects.get()
    assert stored.taken_at == NOW
    page = browser.get(stored.get_absolute_url()).content.decode()
    assert "Answered 2026-12-04 10:15, recorded by staff" in page
    assert "Entered in the chart" not in page


def test_the_form_asks_for_the_moment_in_the_apps_own_order(as_user, front_desk, care_client):
    page = as_user(front_desk).get(new_url(care_client) + "?instrument=rmdq").content.decode()

    assert 'name="answered_at"' in page and 'placeholder="YYYY-MM-DD HH:MM"' in page
    assert 'type="datetime-local"' not in page


def test_a_back_dated_form_takes_its_place_in_the_list_and_the_trend(as_user, therapist, care_client):
    browser = as_user(therapist)
    browser.post(new_url(care_client), nprs(3))  # today
    browser.post(new_url(care_client), nprs(8, "2026-10-02 09:00"))  # the paper form of October, typed in today

    newest_first = list(QuestionnaireResponse.objects.filter(client=care_client).newest_first())
    assert [r.score for r in newest_first] == [3, 8]
    history = browser.get(f"/clients/{care_client.public_id}/history/")
    (trend,) = [trend for trend, _svg in history.context["questionnaire_trends"] if trend.instrument.code == "nprs"]
    # October's 8 is the baseline and today's 3 the current: the trend reads as the client answered, not as typed.
    assert (trend.baseline, trend.current) == (8, 3)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("2026-11-20", "Enter the day and the time as YYYY-MM-DD HH:MM"),  # a day alone is not midnight
        ("11/20/2026 16:40", "Enter the day and the time as YYYY-MM-DD HH:MM"),
        ("20/11/2026 16:40", "Enter the day and the time as YYYY-MM-DD HH:MM"),
        ("yesterday", "Enter the day and the time as YYYY-MM-DD HH:MM"),
        ("2026-11-20 25:00", "Enter the day and the time as YYYY-MM-DD HH:MM"),
        ("2026-12-04 10:30", "That is later than now (2026-12-04 10:15)"),
        ("2027-01-05 09:00", "That is later than now (2026-12-04 10:15)"),
        ("1950-04-30 23:59", "That is before the client&#x27;s date of birth (1950-05-01)"),
        ("2026-03-08 02:30", "The clinic&#x27;s clock skips or repeats that time"),  # spring forward: no 02:30
        ("2026-11-01 01:30", "The clinic&#x27;s clock skips or repeats that time"),  # fall back: 01:30 twice
        ("9999-12-31 23:59", "That is later than now"),
        ("2026-11-20 16:40\x00", "Enter the day and the time as YYYY-MM-DD HH:MM"),
    ],
)
def test_a_moment_it_cannot_take_is_refused_with_the_answers_kept(as_user, front_desk, care_client, typed, message):
    care_client.date_of_birth = date(1950, 5, 1)
    care_client.save()

    response = as_user(front_desk).post(new_url(care_client), nprs(6, typed))

    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert "Nothing was saved." in page
    assert _checked(page, "6")
    assert not QuestionnaireResponse.objects.exists()


def _checked(page: str, value: str) -> bool:
    """The NPRS radio for `value` is still ticked (attribute order is the widget's)."""
    return any("checked" in tag for tag in re.findall(rf'<input[^>]*value="{value}"[^>]*>', page))


def test_a_born_day_of_the_answer_is_taken(as_user, front_desk, care_client):
    care_client.date_of_birth = date(2026, 11, 20)
    care_client.save()

    as_user(front_desk).post(new_url(care_client), nprs(2, "2026-11-20 08:00"))

    assert QuestionnaireResponse.objects.get().taken_at == datetime(2026, 11, 20, 8, 0, tzinfo=TORONTO)
