"""The clinic's clock. Moments are stored in UTC and shown in the clinic's `TIME_ZONE`: every date or time a page,
a message, a refusal, the audit log or an export shows of a stored moment goes through here, so none shows the UTC
day by mistake (at 20:00 in Toronto it is already tomorrow in UTC), nor seconds' fractions, nor a format of its own.

One way of writing each:
- `day`: "2026-12-03", the clinic's day of a moment (a date, such as a birth date, as it is);
- `minute`: "2026-12-03 14:05", a moment on a page or in a message;
- `clock`: "14:05:09", a moment's time of day to the second (the live timeline);
- `iso`: "2026-12-03T14:05:09-05:00", a moment in an export (ISO 8601 with the clinic's offset).

Templates use them as filters (`{{ session.started_at|minute }}`: clinic/templatetags/clinic_time.py, a builtin of
every template); `clinic/formats/` gives Django's own rendering (the admin, a value without a filter) the same day
and minute. The `*_labeller` functions do the same for thousands of moments, the clinic's zone looked up once.
"""

from datetime import date, datetime

from django.utils import timezone


def local_date(moment: datetime) -> date:
    """The clinic's calendar day of an aware moment."""
    return timezone.localtime(moment).date()


def _day(value: date) -> str:
    return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"


def _minute(local: datetime) -> str:
    return f"{local.year:04d}-{local.month:02d}-{local.day:02d} {local.hour:02d}:{local.minute:02d}"


def _clock(local: datetime) -> str:
    return f"{local.hour:02d}:{local.minute:02d}:{local.second:02d}"


def _iso(local: datetime) -> str:
    return local.replace(microsecond=0).isoformat()


def day(value: date | datetime | None) -> str:
    """ "2026-12-03": the clinic's day of a moment, as every page writes dates; a date (a birth date, a retention
    date) is written the same way, as it is."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value)
    return _day(value)


def minute(moment: datetime | None) -> str:
    """ "2026-12-03 14:05": a moment to the minute in the clinic's time zone, as every page writes times."""
    return "" if moment is None else _minute(timezone.localtime(moment))


def clock(moment: datetime | None) -> str:
    """ "14:05:09": the time of day to the second in the clinic's time zone (the live timeline)."""
    return "" if moment is None else _clock(timezone.localtime(moment))


def iso(moment: datetime | None) -> str:
    """ "2026-12-03T14:05:09-05:00": a moment in ISO 8601 in the clinic's time zone, with its offset and to the
    second (no microseconds), as the exports write moments (FHIR instants and dateTimes, CSV)."""
    return "" if moment is None else _iso(timezone.localtime(moment))


def _labeller(write):
    zone = timezone.get_current_timezone()  # the clinic's
    return lambda moment: write(moment.astimezone(zone))


def day_labeller():
    """`day` for many moments (a chart labels thousands)."""
    return _labeller(_day)


def minute_labeller():
    """`minute` for many moments (the history's rows)."""
    return _labeller(_minute)


def clock_labeller():
    """`clock` for many moments (the session timeline's rows)."""
    return _labeller(_clock)


def iso_labeller():
    """`iso` for many moments (a chart's points)."""
    return _labeller(_iso)


def zone_name() -> str:
    """The clinic's time zone, "America/Toronto": for the browser to write a moment it knows the clinic's way."""
    return str(timezone.get_current_timezone())
