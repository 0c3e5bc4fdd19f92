"""The clinic's clock. Moments are stored in UTC and shown in the clinic's `TIME_ZONE`: every date or time a page,
a message or a label shows of a stored moment goes through here, so none shows the UTC day by mistake (at 20:00
in Toronto it is already tomorrow in UTC)."""

from datetime import date, datetime

from django.utils import timezone


def local_date(moment: datetime) -> date:
    """The clinic's calendar day of an aware moment."""
    return timezone.localtime(moment).date()


def day(moment: datetime | None) -> str:
    """ "2026-12-03": the clinic's day of a moment, as every page writes dates."""
    return "" if moment is None else f"{timezone.localtime(moment):%Y-%m-%d}"


def minute(moment: datetime | None) -> str:
    """ "2026-12-03 14:05": a moment to the minute in the clinic's time zone, as every page writes times."""
    return "" if moment is None else f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"


def clock(moment: datetime | None) -> str:
    """ "14:05:09": the time of day to the second in the clinic's time zone (the live timeline)."""
    return "" if moment is None else f"{timezone.localtime(moment):%H:%M:%S}"


def day_labeller():
    """`day` for many moments (a chart labels thousands): the clinic's zone looked up once."""
    zone = timezone.get_current_timezone()
    return lambda moment: moment.astimezone(zone).date().isoformat()
