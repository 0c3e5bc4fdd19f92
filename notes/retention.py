"""How long a client's clinical record must be kept: a rule on dates, with no Django in it.

The record is kept 10 years after its last entry, or 10 years after the client's 18th birthday if that is later.
A birthday or an entry on 29 February moves to 1 March in a common year: of the two possible readings it is
the later day, so a record is never released a day early.

A record with no entry yet has no retention date: its 10 years count from a last visit not yet made, which is
today at the earliest. The 18th birthday's rule alone would give an adult a date in the past.
"""

from datetime import date

YEARS_AFTER_LAST_ENTRY = 10
AGE_OF_MAJORITY = 18
YEARS_AFTER_MAJORITY = 10


def add_years(day: date, years: int) -> date:
    """The same calendar day `years` later; 29 February becomes 1 March when that year has none."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return date(day.year + years, 3, 1)


def after_majority(born: date) -> date:
    """10 years after the 18th birthday: the 28th."""
    return add_years(add_years(born, AGE_OF_MAJORITY), YEARS_AFTER_MAJORITY)


def keep_until(*, born: date, last_entry: date | None) -> date | None:
    """The last day the record must be kept; None while it has no entry (10 years after a visit not yet made)."""
    if last_entry is None:
        return None
    return max(add_years(last_entry, YEARS_AFTER_LAST_ENTRY), after_majority(born))


def kept_at_least_until(*, born: date, today: date) -> date | None:
    """For a record with no entry yet: the date the 18th birthday's rule keeps it to when a first visit from today
    on could end sooner (a minor's record); None when the last visit alone will decide."""
    until = after_majority(born)
    return until if until > add_years(today, YEARS_AFTER_LAST_ENTRY) else None


def may_dispose(*, kept_until: date | None, today: date) -> bool:
    """A record may be disposed of from the day after its retention date (never one with no entry: no date)."""
    return kept_until is not None and today > kept_until
