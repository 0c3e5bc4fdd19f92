"""Reading the audit log at the table: changes in plain words, a long note cut with its whole text one click away
(a native <details>), times in the clinic's zone to the minute, each cell labelled for the stacked layout of a
tablet or phone."""

from datetime import UTC, datetime
from html import escape
from html.parser import HTMLParser

import pytest
import time_machine

from notes import services
from tests import history_helpers as h
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db

NOTE = ("Client reports a dull ache low in the back after gardening, worse on standing. " * 64)[:5000]


def a_long_note_written(therapist, front_desk):
    """A client whose draft session's subjective note is rewritten to 5,000 characters (one UPDATE entry)."""
    client = ClientFactory(first_name="Maya", last_name="Chen", care_team=[therapist])
    h.take_intake(client, by=front_desk)
    session = h.draft_session(client, therapist=therapist, subjective="Sore back.")
    services.update_session(session=session, version=session.version, subjective=NOTE)
    return client


class _Details(HTMLParser):
    """The <details> of the changes column: each one's summary text and its whole text."""

    def __init__(self):
        super().__init__()
        self.found: list[dict] = []
        self._open: list[dict] = []
        self._in_summary = False

    def handle_starttag(self, tag, attrs):
        if tag == "details":
            self._open.append({"class": dict(attrs).get("class", ""), "summary": "", "text": ""})
        elif tag == "summary":
            self._in_summary = True

    def handle_endtag(self, tag):
        if tag == "summary":
            self._in_summary = False
        elif tag == "details" and self._open:
            self.found.append(self._open.pop())

    def handle_data(self, data):
        for details in self._open:
            details["text"] += data
            if self._in_summary:
                details["summary"] += data


def details_in(page: str) -> list[dict]:
    parser = _Details()
    parser.feed(page)
    return parser.found


def test_a_long_note_is_cut_with_a_details_control_holding_the_whole_text(as_user, clinic_admin, therapist, front_desk):
    client = a_long_note_written(therapist, front_desk)

    page = as_user(clinic_admin).get("/audit/", {"client": str(client.public_id)}).content.decode()

    (whole,) = [d for d in details_in(page) if "audit-whole" in d["class"] and "subjective" in d["text"]]
    assert whole["summary"] == "Show all 5,000 characters"
    assert f"“{NOTE}”" in whole["text"]
    assert page.count(escape(NOTE)) == 1  # only inside the <details>
    cut = f"changed subjective (what the client reports) from “Sore back.” to “{NOTE[:120].rstrip()}…”"
    assert f'<span class="audit-short">{escape(cut)}</span>' in page


def test_changes_read_as_a_person_would_say_them(as_user, clinic_admin, front_desk):
    client = ClientFactory(first_name="Maya", last_name="Chen", phone="416-555-0100", referral_source="physician")
    client.phone, client.referral_source, client.desk_notes = "416-555-0199", "online_search", "Likes a quiet room"
    client.save()
    client.desk_notes = ""
    client.save()
    as_user(front_desk).get(client.get_absolute_url())

    page = as_user(clinic_admin).get("/audit/", {"client": str(client.public_id)}).content.decode()

    for said in (
        "changed phone from “416-555-0100” to “416-555-0199”",
        "changed how they were referred from Physician or other clinician to Online search",
        "set notes for the front desk to “Likes a quiet room”",
        "cleared notes for the front desk (was “Likes a quiet room”)",
    ):
        assert escape(said) in page
    for action in ("created", "changed", "viewed"):
        assert f">{action}</td>" in page
    assert " → " not in page
    assert "desk_notes" not in page


@pytest.mark.parametrize(
    ("zone", "shown"), [("America/Toronto", "2026-12-03 23:30"), ("Asia/Tokyo", "2026-12-04 13:30")]
)
def test_times_are_the_clinic_s_to_the_minute(settings, as_user, clinic_admin, zone, shown):
    settings.TIME_ZONE = zone
    with time_machine.travel(datetime(2026, 12, 4, 4, 30, 5, tzinfo=UTC), tick=False):
        client = ClientFactory()

        page = as_user(clinic_admin).get("/audit/", {"client": str(client.public_id)}).content.decode()

    assert f">{shown}</time></td>" in page  # to the minute, not "23:30:05"
    assert "04:30" not in page


def test_every_cell_carries_its_column_s_name_for_the_stacked_layout(as_user, clinic_admin, therapist, front_desk):
    client = a_long_note_written(therapist, front_desk)

    page = as_user(clinic_admin).get("/audit/", {"client": str(client.public_id)}).content.decode()

    for label in ("When", "Who", "Action", "Record", "Client", "Address", "Changes"):
        assert f'data-label="{label}"' in page
    assert "style=" not in page.split('class="table-responsive"')[1]


def test_the_client_history_shows_the_same_table(as_user, clinic_admin, therapist, front_desk):
    client = a_long_note_written(therapist, front_desk)

    page = as_user(clinic_admin).get(f"/clients/{client.public_id}/history/").content.decode()

    assert "Show all 5,000 characters" in page
    assert 'data-label="Changes"' in page
