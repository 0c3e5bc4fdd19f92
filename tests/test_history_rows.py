"""The history timeline's session rows, written as escaped f-strings (notes/templatetags/history_tags.py), are the
markup format_html wrote before, hostile names included."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from notes.history import Event, Named, SessionRow
from notes.templatetags.history_tags import history_rows
from tests.hostile_payloads import TEXT


def _rating(value) -> str:
    return "?" if value is None else str(value)


def _within_session(before, after) -> str:
    if before is None or after is None:
        return ""
    return format_html(" ({} {})", f"{after - before:+d}", _("immediately after treatment"))


def format_html_session(r) -> str:
    """A session's description as the tag wrote it with format_html, before the f-string (with each complaint's
    change immediately after treatment since outcomes compare visits)."""
    pains = format_html_join(
        ", ",
        "{} {} → {}{}",
        (
            (region, _rating(before), _rating(after), _within_session(before, after))
            for region, before, after in r.pain_rows
        ),
    )
    status = (
        format_html('<span class="badge text-bg-success">{}</span>', _("signed"))
        if r.is_signed
        else format_html('<span class="badge text-bg-warning">{}</span>', _("draft"))
    )
    addenda = ""
    if r.addenda_count:
        n = r.addenda_count
        addenda = format_html(" · {}", ngettext("%(n)s addendum", "%(n)s addenda", n) % {"n": n})
    return format_html(
        '<a href="{}">{}</a> · {} ·\n        {} ·\n        {} ·\n        {}\n        {}',
        r.get_absolute_url(),
        _("Session"),
        r.therapist.display_name,
        _("abdominal work") if r.segment_count else _("no abdominal work"),
        pains,
        status,
        addenda,
    )


def format_html_rows(events) -> str:
    return "\n    ".join(
        format_html(
            '<li class="list-group-item history-{}">\n      <strong>{}</strong> ·\n      {}\n    </li>',
            event.kind,
            timezone.localtime(event.at).strftime("%Y-%m-%d %H:%M"),
            format_html_session(event.record),
        )
        for event in events
    )


NAMES = ["Theo Okafor", *TEXT.values(), 'Dana "Dee" O\'Neil & <b>co</b>']


@pytest.mark.parametrize("name", NAMES)
def test_session_rows_are_what_format_html_wrote(name):
    at = timezone.now().replace(second=0, microsecond=0) - timedelta(days=3)
    rows = [
        SessionRow(
            1,
            uuid.uuid4(),
            at,
            "signed",
            Named(name),
            [("Low back", 6, 3), ("Front of hip", None, 2), ("Knee", 2, 5)],
            1,
            2,
        ),
        SessionRow(2, uuid.uuid4(), at, "draft", Named(name), [], 0, 0),
        SessionRow(3, uuid.uuid4(), at, "signed", Named(name), [("<i>x</i>", 4, None)], 3, 1),
    ]
    events = [Event(at=row.started_at - timedelta(hours=row.pk), kind="session", record=row) for row in rows]

    mine = history_rows(events)

    assert mine == format_html_rows(events)
    assert "<script" not in mine and "<i>" not in mine and "<b>" not in mine
