"""Outcomes per complaint and the minimal clinically important difference (MCID) of the 0-10 pain scale, at its edges.

Pure: notes.outcomes knows nothing of Django, so no database here.
"""

from datetime import UTC, datetime, timedelta

import pytest

from notes.outcomes import RULES, Outcome, Rating, outcome, reaches_mcid

DAY_ONE = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def ratings(*values, start=DAY_ONE):
    """One rating a day, in the order given."""
    return [Rating(start + timedelta(days=n), value) for n, value in enumerate(values)]


@pytest.mark.parametrize("rule", RULES)
def test_a_drop_of_exactly_two_points_and_a_third_reaches_the_mcid_under_every_rule(rule):
    assert reaches_mcid(6, 4, rule=rule) is True


@pytest.mark.parametrize(
    ("rule", "expected"), [("both", False), ("points", True), ("either", True), ("percent", False)]
)
def test_two_points_that_are_only_twenty_percent_depend_on_the_rule(rule, expected):
    assert reaches_mcid(10, 8, rule=rule) is expected


@pytest.mark.parametrize("rule", RULES)
def test_a_drop_of_exactly_thirty_percent_and_three_points_reaches_the_mcid(rule):
    assert reaches_mcid(10, 7, rule=rule) is True


@pytest.mark.parametrize(
    ("rule", "expected"), [("both", False), ("points", False), ("either", True), ("percent", True)]
)
def test_one_point_from_three_is_a_third_but_not_two_points(rule, expected):
    assert reaches_mcid(3, 2, rule=rule) is expected


def test_two_points_from_seven_is_just_under_thirty_percent():
    # 2 of 7 is 28.6%: the percent rule says no, the points rule yes.
    assert reaches_mcid(7, 5, rule="percent") is False
    assert reaches_mcid(7, 5, rule="points") is True


@pytest.mark.parametrize("rule", RULES)
@pytest.mark.parametrize(("first", "latest"), [(4, 7), (0, 3), (9, 10)])
def test_rising_pain_never_reaches_the_mcid(rule, first, latest):
    assert reaches_mcid(first, latest, rule=rule) is False


@pytest.mark.parametrize("rule", RULES)
@pytest.mark.parametrize("value", [0, 5, 10])
def test_no_change_never_reaches_the_mcid(rule, value):
    assert reaches_mcid(value, value, rule=rule) is False


def test_custom_thresholds_are_honoured():
    assert reaches_mcid(8, 5, points=3, percent=35, rule="both") is True
    assert reaches_mcid(8, 6, points=3, percent=20, rule="both") is False


def test_an_unknown_rule_is_refused():
    with pytest.raises(ValueError, match="rule must be one of"):
        reaches_mcid(8, 2, rule="any")


def test_outcome_refuses_an_unknown_rule_too():
    with pytest.raises(ValueError):
        outcome(ratings(8, 2), sessions=1, rule="mostly")


def test_outcome_from_first_to_latest_rating():
    result = outcome(ratings(6, 5, 4), sessions=2)

    assert result == Outcome(
        first=6, latest=4, change=-2, percent_change=pytest.approx(-33.33, abs=0.01), reaches_mcid=True, sessions=2
    )
    assert result.has_data


def test_outcome_of_twenty_percent_is_not_meaningful_under_the_default_rule():
    result = outcome(ratings(10, 8), sessions=1)

    assert (result.change, result.percent_change, result.reaches_mcid) == (-2, -20.0, False)


def test_outcome_under_the_points_rule_counts_two_points_as_meaningful():
    assert outcome(ratings(10, 8), sessions=1, rule="points").reaches_mcid is True


def test_outcome_reaching_exactly_thirty_percent():
    result = outcome(ratings(10, 7), sessions=1)

    assert (result.change, result.percent_change, result.reaches_mcid) == (-3, -30.0, True)


def test_rising_pain_is_a_positive_change_and_not_meaningful():
    result = outcome(ratings(3, 6), sessions=1, rule="either")

    assert (result.change, result.percent_change, result.reaches_mcid) == (3, 100.0, False)


def test_outcome_with_no_ratings_has_no_data():
    result = outcome([], sessions=0)

    assert result.first is None and result.latest is None and result.change is None
    assert result.percent_change is None
    assert result.reaches_mcid is False
    assert result.has_data is False


def test_missing_ratings_are_skipped():
    result = outcome(
        [
            Rating(DAY_ONE, None),
            *ratings(7, 4, start=DAY_ONE + timedelta(days=1)),
            Rating(DAY_ONE + timedelta(days=9), None),
        ],
        sessions=1,
    )

    assert (result.first, result.latest, result.change) == (7, 4, -3)


def test_only_missing_ratings_is_no_data():
    result = outcome([Rating(DAY_ONE, None), Rating(DAY_ONE + timedelta(days=1), None)], sessions=1)

    assert result.first is None
    assert result.reaches_mcid is False
    assert result.sessions == 1


def test_a_first_rating_of_zero_has_no_percent_and_never_reaches():
    result = outcome(ratings(0, 0), sessions=1, rule="either")

    assert (result.first, result.change, result.percent_change, result.reaches_mcid) == (0, 0, None, False)


def test_a_first_rating_of_zero_then_pain_has_no_percent_change():
    result = outcome(ratings(0, 4), sessions=1)

    assert (result.change, result.percent_change, result.reaches_mcid) == (4, None, False)


def test_a_single_rating_is_both_first_and_latest_with_no_change():
    result = outcome(ratings(7), sessions=0)

    assert (result.first, result.latest, result.change, result.percent_change) == (7, 7, 0, 0.0)
    assert result.reaches_mcid is False
    assert result.has_data


def test_ratings_given_out_of_order_are_sorted_by_time():
    monday, tuesday, friday = ratings(8, 6, 3)
    result = outcome([friday, monday, tuesday], sessions=2)

    assert (result.first, result.latest, result.change, result.reaches_mcid) == (8, 3, -5, True)


def test_the_latest_in_time_wins_even_when_listed_first():
    early, late = Rating(DAY_ONE, 2), Rating(DAY_ONE + timedelta(hours=1), 9)

    assert outcome([late, early], sessions=1).latest == 9


def test_sessions_are_passed_through():
    assert outcome(ratings(5, 4), sessions=12).sessions == 12
