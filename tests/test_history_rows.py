"""The history timeline's session rows, written as escaped f-strings (notes/templatetags/history_tags.py), are the
markup format_html wrote before, hostile names included: the sessions as the history page reads them (real
TreatmentSession rows, notes.history.timeline_page), drafts and signed, rated or not, with addenda and abdominal
work."""

import pytest
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from notes.history import timeline_page
from notes.models import ComplaintPain
from notes.templatetags.history_tags import history_rows
from tests import factories
from tests import history_helpers as h
from tests.hostile_payloads import TEXT


def _rating(value) -> str:
    return "?" if value is None else str(value)


def _within_session(before, after) -> str:
    if before is None or after is None:
        return ""
    return format_html(" ({} {})", f"{after - before:+d}", _("immediately after treatment"))


def _region(pain) -> str:
    """The complaint's region as the session's note shows it (as signed, or today's for a draft), read afresh."""
    return ComplaintPain.objects.select_related("session", "complaint").get(pk=pain.pk).complaint_shown["region_label"]


def format_html_session(r) -> str:
    """A session's description as the tag wrote it with format_html, before the f-string (with each complaint's
    change immediately after treatment since outcomes compare visits), from the session's records read afresh."""
    pains = format_html_join(
        ", ",
        "{} {} → {}{}",
        (
            (region, _rating(before), _rating(after), _within_session(before, after))
            for region, before, after in ((_region(pain), pain.before, pain.after) for pain in r.pains.all())
        ),
    )
    status = (
        format_html('<span class="badge text-bg-success">{}</span>', _("signed"))
        if r.is_signed
        else format_html('<span class="badge text-bg-warning">{}</span>', _("draft"))
    )
    addenda = ""
    if r.addenda.exists():
        n = r.addenda.count()
        addenda = format_html(" · {}", ngettext("%(n)s addendum", "%(n)s addenda", n) % {"n": n})
    return format_html(
        '<a href="{}">{}</a> · {} ·\n        {} ·\n        {} ·\n        {}\n        {}',
        r.get_absolute_url(),
        _("Session"),
        r.therapist_name_shown,
        _("abdominal work") if r.segments.exists() else _("no abdominal work"),
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


def _storable(text: str) -> bool:
    """A name a database can hold (Django's form fields refuse NUL; a lone surrogate cannot arrive in UTF-8)."""
    return "\x00" not in text and not any(0xD800 <= ord(c) <= 0xDFFF for c in text)


NAMES = ["Theo Okafor", *filter(_storable, TEXT.values()), 'Dana "Dee" O\'Neil & <b>co</b>']
COMPLAINTS = [
    {"region": "low_back", "side": "central", "pain_now": 6},
    {"region": "anterior_hip_groin", "side": "right", "pain_now": 5},
    {"region": "knee", "side": "left", "pain_now": 2},
]


@pytest.mark.django_db
@pytest.mark.parametrize("name", NAMES)
def test_session_rows_are_what_format_html_wrote(name, front_desk):
    therapist = factories.therapist_user(username="theo", first_name=name)
    client = factories.ClientFactory(first_name="Maya", last_name="Chen", care_team=[therapist])
    factories.screened_intake(client, by=front_desk, complaints=COMPLAINTS)
    h.give_consent(client, by=front_desk)
    h.check_in(client, by=front_desk)
    worked = h.signed_session(client, therapist=therapist, before=6, after=3, abdominal=True)
    h.add_addendum(worked, by=therapist)
    h.signed_session(client, therapist=therapist, before=None, after=2)
    h.draft_session(client, therapist=therapist, before=4)

    _page, events = timeline_page(client, kinds={"session"})
    mine = history_rows(events)

    assert [event.kind for event in events] == ["session"] * 3
    assert mine == format_html_rows(events)
    assert "<script" not in mine and "<i>" not in mine and "<b>" not in mine
    assert "6 → 3 (-3 immediately after treatment)" in mine and "? → 2" in mine and "1 addendum" in mine
    assert mine.count("no abdominal work") == 2 and mine.count("text-bg-warning") == 1
