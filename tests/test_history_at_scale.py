"""A long course of care on the history page: the chart keeps a bounded number of points (means per period past
CHART_EXACT_SESSIONS sessions), the outcomes stay exact, and the page costs the same queries as a short course."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from notes.exports import record_for_export
from notes.history import CHART_EXACT_SESSIONS, CHART_MAX_PERIODS, pain_series
from tests import factories
from tests.history_helpers import LOW_BACK, signed_session, take_intake

pytestmark = pytest.mark.django_db


def course(client, *, therapist, desk, sessions: int):
    """An intake at pain 8, then weekly sessions over the past `sessions` weeks: before 7, after 2 on the last."""
    take_intake(
        client,
        by=desk,
        complaints=[{**LOW_BACK, "pain_now": 8}],
        taken_at=timezone.now() - timedelta(weeks=sessions + 1),
    )
    for week in range(sessions, 0, -1):
        signed_session(
            client,
            therapist=therapist,
            before=7,
            after=2 if week == 1 else 5,
            started_at=timezone.now() - timedelta(weeks=week),
        )


def test_a_long_course_is_charted_as_weekly_means_with_exact_outcomes(care_client, therapist, front_desk):
    course(care_client, therapist=therapist, desk=front_desk, sessions=CHART_EXACT_SESSIONS + 10)

    series, outcomes = pain_series(care_client)

    (line,) = series
    kinds = [p.kind for p in line.points]
    assert kinds.count("intake") == 1
    assert 0 < kinds.count("before") <= CHART_MAX_PERIODS
    assert kinds.count("after") <= CHART_MAX_PERIODS
    assert all(0 <= p.value <= 10 for p in line.points)
    (low_back,) = outcomes.values()
    # Baseline the intake's 8, current the last session's 7 before treatment: the 2 after it is not an outcome.
    assert (low_back.baseline, low_back.current, low_back.change) == (8, 7, -1)
    assert low_back.sessions == CHART_EXACT_SESSIONS + 10
    assert not low_back.reaches_mcid


def test_a_short_course_is_charted_rating_by_rating(care_client, therapist, front_desk):
    course(care_client, therapist=therapist, desk=front_desk, sessions=3)

    (line,), outcomes = pain_series(care_client)

    kinds = [p.kind for p in line.points]
    assert (kinds.count("intake"), kinds.count("before"), kinds.count("after")) == (1, 3, 3)
    assert sorted(p.value for p in line.points if p.kind == "after") == [2, 5, 5]
    (low_back,) = outcomes.values()
    assert (low_back.baseline, low_back.current, low_back.sessions) == (8, 7, 3)


def queries_for_history(browser, client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = browser.get(f"/clients/{client.public_id}/history/")
    assert response.status_code == 200
    return len(queries)


def test_the_history_page_costs_the_same_queries_for_3_or_70_sessions(as_user, therapist, front_desk):
    short = factories.ClientFactory(care_team=[therapist])
    long = factories.ClientFactory(care_team=[therapist])
    course(short, therapist=therapist, desk=front_desk, sessions=3)
    course(long, therapist=therapist, desk=front_desk, sessions=CHART_EXACT_SESSIONS + 10)
    browser = as_user(therapist)
    queries_for_history(browser, short)  # warm the content-type cache

    # The short course's first page holds an intake too (two more queries to load it): a long course's holds
    # sessions only. Neither grows with the number of sessions.
    assert queries_for_history(browser, long) <= queries_for_history(browser, short) <= 15


def test_the_pdf_charts_a_long_course_with_the_same_means_as_the_history_page(care_client, therapist, front_desk):
    course(care_client, therapist=therapist, desk=front_desk, sessions=CHART_EXACT_SESSIONS + 10)

    on_page, _ = pain_series(care_client)
    in_pdf = record_for_export(care_client)["series"]

    assert [(p.at, p.value, p.kind) for p in in_pdf[0].points] == [(p.at, p.value, p.kind) for p in on_page[0].points]
