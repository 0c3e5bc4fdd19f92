"""The session page's own rendering helpers: durations, the feedback sparkline and the timeline's rows."""

from datetime import timedelta
from html import escape as _escape

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from clinic import local_time
from notes.charts import feedback_sparkline_svg

register = template.Library()


@register.filter
def as_clock(value: timedelta | None) -> str:
    """A duration as m:ss (or h:mm:ss)."""
    if value is None:
        return ""
    seconds = max(int(value.total_seconds()), 0)
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


@register.simple_tag
def feedback_sparkline(moments):
    """Pressure and client pain over the minutes of abdominal work (notes/timeline.py gathers the moments)."""
    if not moments:
        return ""
    return mark_safe(feedback_sparkline_svg(moments))  # noqa: S308 (the SVG escapes its own text)  # nosec B308 B703


@register.simple_tag
def timeline_rows(events):
    """The session timeline's rows: its entries, and the re-confirmations and stops between them.

    Written here rather than in the template: a window of 50 entries took 8 ms to render through template tags,
    a third of the session page."""
    rows = []
    clock = local_time.clock_labeller()  # the clinic's zone, looked up once for the window
    pressure_text, pain_text, hold_text = _("pressure %(p)s"), _("pain %(n)s/10"), _("held %(s)s s")
    for at, kind, record, warnings in events:
        if kind == "entry":
            # An f-string with every piece of text escaped as format_html escapes it (html.escape, quotes included),
            # at a third of its cost; tests/test_timeline_rows.py holds the two to the same markup.
            note = f" — {_escape(record.note)}" if record.note else ""
            extras = ""
            if record.breath_phase:
                extras += f" · {_escape(record.get_breath_phase_display())}"
            if record.hold_seconds is not None:
                extras += f" · {_escape(hold_text % {'s': record.hold_seconds})}"
            cautions = "".join(
                f'<div class="text-danger small pacing-warning">⚠ {_escape(str(warning))}</div>' for warning in warnings
            )
            rows.append(
                f'<li class="list-group-item timeline-entry response-row-{_escape(record.response)}">\n'
                f"        <strong>{clock(record.at)}</strong> · {_escape(record.get_side_display())} · "
                f"{_escape(record.get_technique_display())} ·\n"
                f"        {_escape(pressure_text % {'p': record.pressure})} · "
                f"{_escape(pain_text % {'n': record.pain})}{extras} ·\n"
                f'        <span class="fw-semibold">{_escape(record.get_response_display())}</span>{note}\n'
                f"        {cautions}\n"
                "      </li>"
            )
        elif kind == "pulse":
            rows.append(
                format_html(
                    '<li class="list-group-item timeline-pulse text-danger"><strong>{}</strong> · '
                    '<span class="fw-semibold">{}</span></li>',
                    clock(at),
                    _("pulse felt, hands moved"),
                )
            )
        elif kind == "opened":
            reviewed = format_html(" ({})", _("precautions reviewed")) if record.precautions_reviewed else ""
            rows.append(
                format_html(
                    '<li class="list-group-item timeline-segment"><strong>{}</strong> · {}{}</li>',
                    clock(at),
                    _("client re-confirmed out loud: abdominal work opened"),
                    reviewed,
                )
            )
        else:
            rows.append(
                format_html(
                    '<li class="list-group-item timeline-segment-end"><strong>{}</strong> · {}</li>',
                    clock(at),
                    _("abdominal work closed: %(reason)s") % {"reason": record.get_end_reason_display()},
                )
            )
    return mark_safe("\n      ".join(rows))  # noqa: S308  # nosec B308 B703 (every row's text escaped)
