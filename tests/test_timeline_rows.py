"""The session timeline's entry rows, written as escaped f-strings (notes/templatetags/notes_tags.py), are the
markup format_html wrote before, hostile notes and warnings included."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from notes.models import FeedbackEntry
from notes.templatetags.notes_tags import timeline_rows
from tests.hostile_payloads import TEXT


def format_html_row(record, warnings) -> str:
    """The row as the tag wrote it with format_html, before the f-string."""
    return format_html(
        '<li class="list-group-item timeline-entry response-row-{}">\n'
        "        <strong>{}</strong> · {} · {} ·\n"
        "        {} · {} ·\n"
        '        <span class="fw-semibold">{}</span>{}\n'
        "        {}\n"
        "      </li>",
        record.response,
        timezone.localtime(record.at).strftime("%H:%M:%S"),
        record.get_side_display(),
        record.get_technique_display(),
        _("pressure %(p)s") % {"p": record.pressure},
        _("pain %(n)s/10") % {"n": record.pain},
        record.get_response_display(),
        format_html(" — {}", record.note) if record.note else "",
        format_html_join("", '<div class="text-danger small pacing-warning">⚠ {}</div>', ((w,) for w in warnings)),
    )


NOTES = ["", "sharp under the ASIS, eased with breath", *TEXT.values(), 'quote\'s "both" & <b>bold</b>']


@pytest.mark.parametrize("note", NOTES)
@pytest.mark.parametrize("warnings", [[], ["Pressure rose by 2 levels at once: go slower."], ["<i>a</i>", "b & c"]])
def test_an_entry_row_is_what_format_html_wrote(note, warnings):
    at = timezone.now().replace(microsecond=0) - timedelta(minutes=3)
    record = FeedbackEntry(
        at=at, side="left", technique="sustained_pressure", pressure=3, pain=4, response="stop", note=note
    )

    row = timeline_rows([(at, "entry", record, warnings)])

    assert row == format_html_row(record, warnings)
    assert "<script" not in row and "<i>" not in row
