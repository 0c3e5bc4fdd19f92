"""How long a client's clinical record must be kept: a rule on dates, with no Django in it.

The record is kept 10 years after its last entry, or 10 years after the client's 18th birthday if that is later.
A birthday or an entry on 29 February moves to 1 March in a common year: of the two possible readings it is
the later day, so a record is never released a day early.
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


def keep_until(*, born: date, last_entry: date | None) -> date:
    """The last day the record must be kept."""
    after_majority = add_years(add_years(born, AGE_OF_MAJORITY), YEARS_AFTER_MAJORITY)
    if last_entry is None:
        return after_majority
    return max(add_years(last_entry, YEARS_AFTER_LAST_ENTRY), after_majority)


def may_dispose(*, kept_until: date, today: date) -> bool:
    """A record may be disposed of from the day after its retention date."""
    return today > kept_until
