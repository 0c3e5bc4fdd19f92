"""The retention rule on its own: 10 years after the last entry, or 10 years after the 18th birthday if later."""

from datetime import date

import pytest

from notes.retention import add_years, keep_until, kept_at_least_until, may_dispose


@pytest.mark.parametrize(
    ("born", "last_entry", "expected"),
    [
        # An adult: 10 years after the last entry.
        (date(1970, 6, 15), date(2026, 11, 25), date(2036, 11, 25)),
        # A child seen at 8: 10 years after turning 18 (2044 + 10), later than 2026 + 10.
        (date(2018, 5, 2), date(2026, 11, 25), date(2046, 5, 2)),
        # Seen at 17: the 18th birthday's rule and the last entry's are a few months apart; the later wins.
        (date(2009, 3, 1), date(2026, 11, 25), date(2037, 3, 1)),
        (date(2009, 12, 31), date(2026, 11, 25), date(2037, 12, 31)),
    ],
)
def test_keep_until_takes_the_later_of_the_two_dates(born, last_entry, expected):
    assert keep_until(born=born, last_entry=last_entry) == expected


@pytest.mark.parametrize("born", [date(1970, 6, 15), date(2010, 1, 1), date(2020, 7, 4)])
def test_a_record_with_no_entry_has_no_retention_date_yet(born):
    # Its 10 years count from a visit not yet made: the birthday's rule alone would give an adult 1998.
    assert keep_until(born=born, last_entry=None) is None
    assert may_dispose(kept_until=None, today=date(2090, 1, 1)) is False


@pytest.mark.parametrize(
    ("born", "expected"),
    [
        # 6 years old: 28 in 2048, later than any first visit from today on (2036 at the earliest).
        (date(2020, 7, 4), date(2048, 7, 4)),
        # 17 and a half: 28 in 2037-06, later than a first visit today (2036-12-03 + 10).
        (date(2009, 6, 1), date(2037, 6, 1)),
        # 18 or more: any first visit, today or later, keeps the record longer than the birthday's rule.
        (date(2008, 12, 3), None),
        (date(1970, 6, 15), None),
    ],
)
def test_with_no_entry_a_minor_is_kept_at_least_until_their_28th_birthday(born, expected):
    assert kept_at_least_until(born=born, today=date(2026, 12, 3)) == expected


def test_a_leap_day_birthday_turns_18_on_the_first_of_march_in_a_common_year():
    born = date(2008, 2, 29)

    # 18th birthday: 2026-03-01 (2026 has no 29 February); 10 years later: 2036-03-01, not 2036-02-29.
    assert keep_until(born=born, last_entry=date(2020, 1, 1)) == date(2036, 3, 1)


def test_a_leap_day_birthday_reaching_a_leap_year_keeps_its_day():
    born = date(1996, 2, 29)

    # 18th birthday on 2014-03-01, then 2024-03-01; the last entry's rule is later here.
    assert add_years(add_years(born, 18), 10) == date(2024, 3, 1)
    assert keep_until(born=born, last_entry=date(2024, 2, 29)) == date(2034, 3, 1)


@pytest.mark.parametrize(
    ("day", "years", "expected"),
    [
        (date(2024, 2, 29), 4, date(2028, 2, 29)),
        (date(2024, 2, 29), 1, date(2025, 3, 1)),
        (date(2023, 2, 28), 1, date(2024, 2, 28)),
        (date(2026, 12, 31), 10, date(2036, 12, 31)),
    ],
)
def test_add_years_keeps_the_calendar_day_or_moves_a_missing_leap_day_forward(day, years, expected):
    assert add_years(day, years) == expected


@pytest.mark.parametrize(
    ("today", "allowed"),
    [(date(2036, 11, 24), False), (date(2036, 11, 25), False), (date(2036, 11, 26), True)],
)
def test_a_record_may_be_disposed_of_only_after_its_retention_date(today, allowed):
    assert may_dispose(kept_until=date(2036, 11, 25), today=today) is allowed
