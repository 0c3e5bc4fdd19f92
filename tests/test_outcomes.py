"""Outcomes per complaint and the minimal clinically important difference (MCID) of the 0-10 pain scale, at its edges:
an outcome compares the baseline (the first rating before any treatment) with the current rating (the latest before
treatment on a later day in the clinic's time zone), never a rating taken after treatment.

Pure: notes.outcomes knows nothing of Django, so no database here.
"""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from notes.outcomes import (
    KINDS,
    RULES,
    OutcomeInputError,
    Rating,
    WithinSession,
    as_json,
    outcome,
    ratings_from_json,
    reaches_mcid,
    within_sessions,
)

TORONTO = ZoneInfo("America/Toronto")
DAY_ONE = datetime(2026, 3, 2, 9, 0, tzinfo=TORONTO)


def ratings(*values, start=DAY_ONE):
    """The intake's rating, then one rating before treatment a day, in the order given."""
    return [Rating(start + timedelta(days=n), value, "pre" if n else "intake") for n, value in enumerate(values)]


def weekly(*visits, start=DAY_ONE, intake=None):
    """An intake rating (if given) on `start`'s day, then a session a week from it for each (pre, post) visit."""
    given = [] if intake is None else [Rating(start, intake, "intake")]
    for week, (pre, post) in enumerate(visits, start=1 if intake is not None else 0):
        at = start + timedelta(weeks=week, hours=1)
        given += [Rating(at, pre, "pre"), Rating(at + timedelta(hours=1), post, "post")]
    return given


def judged(given, **kwargs):
    return outcome(given, zone=TORONTO, **kwargs)


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
        judged(ratings(8, 2), sessions=1, rule="mostly")


def test_outcome_refuses_an_unknown_kind_and_a_moment_without_a_zone():
    with pytest.raises(ValueError, match="kind"):
        judged([Rating(DAY_ONE, 5, "after")])
    with pytest.raises(ValueError, match="aware"):
        judged([Rating(datetime(2026, 3, 2, 9, 0), 5, "intake")])  # noqa: DTZ001


# -- Baseline and current: visits, not the minutes after treatment ----------------------------------------------


def test_a_client_who_comes_in_at_6_every_week_and_leaves_at_2_has_not_changed():
    result = judged(weekly((6, 2), (6, 2), (6, 2), (6, 2), intake=6), sessions=4)

    assert (result.baseline, result.current, result.change, result.percent_change) == (6, 6, 0, 0.0)
    assert result.reaches_mcid is False
    assert [(item.pre, item.post, item.change) for item in result.within_session] == [(6, 2, -4)] * 4


def test_a_pre_treatment_series_of_6_4_3_over_three_weeks_reaches_the_mcid():
    result = judged(weekly((6, 3), (4, 2), (3, 1)), rule="both")

    assert (result.baseline, result.current, result.change, result.percent_change) == (6, 3, -3, -50.0)
    assert result.reaches_mcid is True
    assert result.baseline_at == DAY_ONE + timedelta(hours=1)
    assert result.current_at == DAY_ONE + timedelta(weeks=2, hours=1)


def test_an_intake_and_a_session_the_same_day_have_no_current_rating():
    result = judged([Rating(DAY_ONE, 7, "intake"), *weekly((5, 2), start=DAY_ONE + timedelta(hours=2))])

    assert (result.baseline, result.current, result.change, result.percent_change) == (7, None, None, None)
    assert result.reaches_mcid is False
    assert result.has_data


def test_a_later_intake_rating_of_the_complaint_is_the_current_rating():
    result = judged([Rating(DAY_ONE, 8, "intake"), Rating(DAY_ONE + timedelta(days=30), 4, "intake")])

    assert (result.baseline, result.current, result.change, result.percent_change) == (8, 4, -4, -50.0)
    assert result.reaches_mcid is True


def test_the_clients_own_questionnaire_counts_as_a_rating_before_treatment():
    result = judged([*ratings(6, 5), Rating(DAY_ONE + timedelta(days=10), 3, "questionnaire")])

    assert (result.baseline, result.current, result.change) == (6, 3, -3)


def test_ratings_after_treatment_never_count():
    # Every post rating is 0 and comes after every other rating: neither a baseline nor a current rating.
    given = [
        Rating(DAY_ONE - timedelta(days=1), 0, "post"),
        *weekly((6, 0), (6, 0), intake=7),
        Rating(DAY_ONE + timedelta(weeks=5), 0, "post"),
    ]

    result = judged(given)

    assert (result.baseline, result.current, result.change) == (7, 6, -1)
    assert result.reaches_mcid is False


def test_only_ratings_after_treatment_leave_no_baseline():
    result = judged([Rating(DAY_ONE, 2, "post"), Rating(DAY_ONE + timedelta(days=7), 1, "post")])

    assert (result.baseline, result.current, result.change, result.percent_change) == (None, None, None, None)
    assert result.reaches_mcid is False and not result.has_data
    assert len(result.within_session) == 2


def test_the_current_rating_is_the_latest_later_day_rating_even_if_worse():
    result = judged(ratings(6, 2, 7), rule="either")

    assert (result.current, result.change, result.percent_change, result.reaches_mcid) == (7, 1, 16.7, False)


@pytest.mark.parametrize("rule", RULES)
def test_an_increase_never_reaches_the_mcid(rule):
    assert judged(ratings(3, 9), rule=rule).reaches_mcid is False


# -- The clinic's day -----------------------------------------------------------------------------------------------

# 23:30 on 3 December in Toronto is 04:30 on 4 December in UTC.
EVENING = datetime(2026, 12, 3, 23, 30, tzinfo=TORONTO)


def test_a_rating_late_the_same_clinic_day_is_not_a_later_day_though_utc_has_moved_on():
    morning = datetime(2026, 12, 3, 9, 0, tzinfo=TORONTO)
    given = [Rating(morning, 6, "intake"), Rating(EVENING, 3, "questionnaire")]

    in_the_clinic = outcome(given, zone=TORONTO)
    in_utc = outcome(given, zone=UTC)

    assert EVENING.astimezone(UTC).date() == date(2026, 12, 4)
    assert (in_the_clinic.current, in_the_clinic.change) == (None, None)
    assert (in_utc.current, in_utc.change) == (3, -3)  # the zone given is the one that judges


def test_a_rating_just_after_midnight_in_the_clinic_is_a_later_day():
    given = [Rating(EVENING, 6, "intake"), Rating(EVENING + timedelta(hours=1), 3, "pre")]  # 00:30 on 4 December

    assert outcome(given, zone=TORONTO).current == 3
    assert outcome(given, zone=UTC).current is None  # 04:30 and 05:30 on the same UTC day


# -- What was already true of the change --------------------------------------------------------------------------


def test_outcome_from_baseline_to_current_rating():
    result = judged(ratings(6, 5, 4), sessions=2)

    assert (result.baseline, result.current, result.change, result.percent_change) == (6, 4, -2, -33.3)
    assert result.reaches_mcid is True
    assert result.sessions == 2
    assert result.has_data


def test_outcome_of_twenty_percent_is_not_meaningful_under_the_default_rule():
    result = judged(ratings(10, 8), sessions=1)

    assert (result.change, result.percent_change, result.reaches_mcid) == (-2, -20.0, False)


def test_outcome_under_the_points_rule_counts_two_points_as_meaningful():
    assert judged(ratings(10, 8), sessions=1, rule="points").reaches_mcid is True


def test_outcome_reaching_exactly_thirty_percent():
    result = judged(ratings(10, 7), sessions=1)

    assert (result.change, result.percent_change, result.reaches_mcid) == (-3, -30.0, True)


def test_rising_pain_is_a_positive_change_and_not_meaningful():
    result = judged(ratings(3, 6), sessions=1, rule="either")

    assert (result.change, result.percent_change, result.reaches_mcid) == (3, 100.0, False)


def test_outcome_with_no_ratings_has_no_data():
    result = judged([], sessions=0)

    assert result.baseline is None and result.current is None and result.change is None
    assert result.percent_change is None
    assert result.reaches_mcid is False
    assert result.has_data is False
    assert result.within_session == ()


def test_missing_ratings_are_skipped():
    result = judged(
        [
            Rating(DAY_ONE, None, "intake"),
            *ratings(7, 4, start=DAY_ONE + timedelta(days=1)),
            Rating(DAY_ONE + timedelta(days=9), None, "pre"),
        ],
        sessions=1,
    )

    assert (result.baseline, result.current, result.change) == (7, 4, -3)


def test_only_missing_ratings_is_no_data():
    result = judged([Rating(DAY_ONE, None, "intake"), Rating(DAY_ONE + timedelta(days=1), None, "pre")], sessions=1)

    assert result.baseline is None
    assert result.reaches_mcid is False
    assert result.sessions == 1


def test_a_baseline_of_zero_has_no_percent_and_never_reaches():
    result = judged(ratings(0, 0), sessions=1, rule="either")

    assert (result.baseline, result.change, result.percent_change, result.reaches_mcid) == (0, 0, None, False)


def test_a_baseline_of_zero_then_pain_has_no_percent_change():
    result = judged(ratings(0, 4), sessions=1)

    assert (result.change, result.percent_change, result.reaches_mcid) == (4, None, False)


def test_a_single_rating_is_a_baseline_with_no_later_visit_yet():
    result = judged(ratings(7), sessions=0)

    assert (result.baseline, result.current, result.change, result.percent_change) == (7, None, None, None)
    assert result.reaches_mcid is False
    assert result.has_data


def test_ratings_given_out_of_order_are_sorted_by_time():
    monday, tuesday, friday = ratings(8, 6, 3)
    result = judged([friday, monday, tuesday], sessions=2)

    assert (result.baseline, result.current, result.change, result.reaches_mcid) == (8, 3, -5, True)


def test_the_latest_in_time_wins_even_when_listed_first():
    early, late = ratings(5, 2)
    later = Rating(late.at + timedelta(hours=1), 9, "pre")

    assert judged([later, early, late], sessions=1).current == 9


def test_percent_change_is_rounded_to_one_decimal():
    assert judged(ratings(6, 5)).percent_change == -16.7
    assert judged(ratings(7, 5)).percent_change == -28.6
    assert judged(ratings(9, 8)).percent_change == -11.1


# -- Within a session: immediately after treatment ----------------------------------------------------------------


def test_each_sessions_pre_and_post_of_the_same_clinic_day_are_paired():
    given = [*weekly((6, 2), (5, 3), intake=7)]

    assert within_sessions(given, zone=TORONTO) == (
        WithinSession(date(2026, 3, 9), 6, 2),
        WithinSession(date(2026, 3, 16), 5, 3),
    )
    assert [item.change for item in within_sessions(given, zone=TORONTO)] == [-4, -2]


def test_a_session_day_with_only_one_of_its_ratings_keeps_the_other_empty():
    monday = datetime(2026, 3, 2, 10, 0, tzinfo=TORONTO)
    given = [
        Rating(monday, 6, "pre"),  # no post that day
        Rating(monday + timedelta(days=7), 3, "post"),  # no pre that day
        Rating(monday + timedelta(days=14), 5, "pre"),
        Rating(monday + timedelta(days=15), 2, "post"),  # the next day: not that session's
    ]

    assert within_sessions(given, zone=TORONTO) == (
        WithinSession(date(2026, 3, 2), 6, None),
        WithinSession(date(2026, 3, 9), None, 3),
        WithinSession(date(2026, 3, 16), 5, None),
        WithinSession(date(2026, 3, 17), None, 2),
    )
    assert [item.change for item in within_sessions(given, zone=TORONTO)] == [None] * 4


def test_two_sessions_the_same_day_are_two_items():
    morning = datetime(2026, 3, 2, 9, 0, tzinfo=TORONTO)
    hours = [timedelta(hours=n) for n in range(4)]
    given = [Rating(morning + h, v, k) for h, v, k in zip(hours, (6, 3, 5, 2), ("pre", "post") * 2, strict=True)]

    assert within_sessions(given, zone=TORONTO) == (
        WithinSession(date(2026, 3, 2), 6, 3),
        WithinSession(date(2026, 3, 2), 5, 2),
    )


def test_a_session_that_runs_past_midnight_in_utc_stays_on_its_clinic_day():
    # 18:30 and 19:30 in Toronto: 23:30 on 3 December and 00:30 on 4 December in UTC.
    given = [Rating(EVENING - timedelta(hours=5), 6, "pre"), Rating(EVENING - timedelta(hours=4), 2, "post")]

    assert within_sessions(given, zone=TORONTO) == (WithinSession(date(2026, 12, 3), 6, 2),)
    assert within_sessions(given, zone=UTC) == (
        WithinSession(date(2026, 12, 3), 6, None),
        WithinSession(date(2026, 12, 4), None, 2),
    )


# -- The JSON of `manage.py outcomes` -----------------------------------------------------------------------------

SPEC_EXAMPLE = {
    "ratings": [
        {"at": "2026-11-02T10:00:00-05:00", "kind": "intake", "value": 6},
        {"at": "2026-11-09T10:00:00-05:00", "kind": "pre", "value": 5},
        {"at": "2026-11-09T11:00:00-05:00", "kind": "post", "value": 2},
    ],
    "rule": "both",
}


def test_the_example_of_the_design():
    given, rule = ratings_from_json(SPEC_EXAMPLE)

    assert as_json(outcome(given, zone=TORONTO, rule=rule)) == {
        "baseline": 6,
        "current": 5,
        "change": -1,
        "percent_change": -16.7,
        "reaches_mcid": False,
        "within_session": [{"date": "2026-11-09", "pre": 5, "post": 2}],
    }


def test_the_rule_may_be_left_out():
    assert ratings_from_json({"ratings": []}) == ([], "both")


def test_every_kind_is_read():
    given, _rule = ratings_from_json(
        {"ratings": [{"at": "2026-11-02T10:00:00Z", "kind": kind, "value": 4} for kind in KINDS]}
    )

    assert [r.kind for r in given] == list(KINDS)
    assert all(r.at == datetime(2026, 11, 2, 10, tzinfo=UTC) for r in given)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ([], "input"),
        ("ratings", "input"),
        ({}, "ratings"),
        ({"ratings": {"at": "x"}}, "ratings"),
        ({"ratings": [], "rule": "all"}, "rule"),
        ({"ratings": [], "rule": None}, "rule"),
        ({"ratings": [], "mcid": 2}, "mcid"),
        ({"ratings": [7]}, "ratings[0]"),
        ({"ratings": [{"at": "2026-11-02T10:00:00Z", "kind": "after", "value": 4}]}, "ratings[0].kind"),
        ({"ratings": [{"at": "2026-11-02T10:00:00Z", "value": 4}]}, "ratings[0].kind"),
        ({"ratings": [{"at": "2026-11-02T10:00:00Z", "kind": "pre", "value": 11}]}, "ratings[0].value"),
        ({"ratings": [{"at": "2026-11-02T10:00:00Z", "kind": "pre", "value": -1}]}, "ratings[0].value"),
        ({"ratings": [{"at": "2026-11-02T10:00:00Z", "kind": "pre", "value": 4.0}]}, "ratings[0].value"),
        ({"ratings": [{"at": "2026-11-02T10:00:00Z", "kind": "pre", "value": True}]}, "ratings[0].value"),
        ({"ratings": [{"at": "2026-11-02T10:00:00Z", "kind": "pre", "value": "4"}]}, "ratings[0].value"),
        ({"ratings": [{"at": "2026-11-02T10:00:00Z", "kind": "pre"}]}, "ratings[0].value"),
        ({"ratings": [{"kind": "pre", "value": 4}]}, "ratings[0].at"),
        ({"ratings": [{"at": "2026-11-02T10:00:00", "kind": "pre", "value": 4}]}, "ratings[0].at"),
        ({"ratings": [{"at": "2026-11-02", "kind": "pre", "value": 4}]}, "ratings[0].at"),
        ({"ratings": [{"at": "next tuesday", "kind": "pre", "value": 4}]}, "ratings[0].at"),
        ({"ratings": [{"at": 1762095600, "kind": "pre", "value": 4}]}, "ratings[0].at"),
        ({"ratings": [{"at": "2026-11-02T10:00:00Z", "kind": "pre", "value": 4, "note": "x"}]}, "ratings[0].note"),
    ],
)
def test_bad_input_names_its_field(data, field):
    with pytest.raises(OutcomeInputError) as raised:
        ratings_from_json(data)

    assert raised.value.field == field
    assert "\n" not in str(raised.value)


def test_a_key_that_is_no_plain_name_is_quoted_on_one_line():
    with pytest.raises(OutcomeInputError) as raised:
        ratings_from_json({"ratings": [], "a\nb": 1})

    assert raised.value.field == '"a\\nb"'
