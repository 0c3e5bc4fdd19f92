"""Dates and times in templates, the clinic's way (clinic/local_time.py): `{{ intake.taken_at|day }}`,
`{{ session.started_at|minute }}`, `{{ entry.at|clock }}`, `{{ segment.reconfirmed_at|iso }}`, and
`{% clinic_time_zone %}` for the browser. A builtin of every template (settings.TEMPLATES), so no page needs to
load it, and none writes a date with Django's `date` or `time` filters."""

from django import template

from clinic import local_time

register = template.Library()

register.filter("day", local_time.day)
register.filter("minute", local_time.minute)
register.filter("clock", local_time.clock)
register.filter("iso", local_time.iso)


@register.simple_tag
def clinic_time_zone() -> str:
    return local_time.zone_name()
