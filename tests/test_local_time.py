"""Times are the clinic's: stored in UTC, shown in the clinic's TIME_ZONE everywhere (pages, refusals, the audit log,
the PDF, CSV and FHIR exports), to the minute on a page and never with microseconds or "+00:00".

The clock is frozen at 23:30:05 on 3 December in Toronto, when UTC is already at 04:30 on the 4th: a time shown in
UTC would show the wrong day and hour. Tokyo (UTC+9, the 4th at 13:30) shows that nothing is hard-coded.
"""

import csv
import io
import json
import re
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from auditlog.models import LogEntry
from django.conf import settings as django_settings
from django.contrib.contenttypes.models import ContentType
from django.template import engines
from django.utils import formats, timezone
from pypdf import PdfReader

from clinic import local_time
from clinic.models import Client
from tests import factories
from tests import history_helpers as h
from tests.record_helpers import GROIN

pytestmark = pytest.mark.django_db

# 04:30:05 UTC on 4 December 2026.
MOMENT = datetime(2026, 12, 4, 4, 30, 5, tzinfo=UTC)
ZONES = {
    # zone: (the minute shown, the day shown, the ISO 8601 offset)
    "America/Toronto": ("2026-12-03 23:30", "2026-12-03", "-05:00"),
    "Asia/Tokyo": ("2026-12-04 13:30", "2026-12-04", "+09:00"),
}
MICROSECONDS = re.compile(r"\d{2}:\d{2}:\d{2}\.\d+")
UTC_MINUTE = "2026-12-04 04:30"


@pytest.fixture(params=list(ZONES))
def zone(request, settings):
    settings.TIME_ZONE = request.param
    with time_machine.travel(MOMENT, tick=True):
        yield request.param


def shown(zone):
    return ZONES[zone][0]


def assert_no_utc(text: str) -> None:
    assert "+00:00" not in text
    assert UTC_MINUTE not in text
    assert not MICROSECONDS.search(text), MICROSECONDS.search(text)


# -- The helper ----------------------------------------------------------------------------------------------------


def test_the_helper_writes_a_moment_in_the_clinic_s_zone(zone):
    minute, day, offset = ZONES[zone]
    moment = MOMENT.replace(microsecond=123456)

    assert local_time.minute(moment) == minute
    assert local_time.day(moment) == day
    assert local_time.clock(moment) == minute[-5:] + ":05"
    assert local_time.iso(moment) == f"{day}T{minute[-5:]}:05{offset}"
    assert datetime.fromisoformat(local_time.iso(moment)) == MOMENT
    assert local_time.day(date(2026, 12, 3)) == "2026-12-03"  # a date is written as it is, whatever the zone
    assert [local_time.minute(None), local_time.day(None), local_time.iso(None)] == ["", "", ""]
    assert local_time.minute_labeller()(moment) == minute
    assert local_time.iso_labeller()(moment) == local_time.iso(moment)


def test_iso_gives_the_summer_offset_in_summer(settings):
    settings.TIME_ZONE = "America/Toronto"

    assert local_time.iso(datetime(2026, 7, 1, 16, 5, 9, tzinfo=UTC)) == "2026-07-01T12:05:09-04:00"


def test_templates_get_the_helper_s_format_as_filters_and_django_s_own_rendering_agrees(zone):
    template = engines["django"].from_string(
        "{{ m|day }}|{{ m|minute }}|{{ m|clock }}|{{ m|iso }}|{{ m }}|{{ d }}|{% clinic_time_zone %}"
    )

    rendered = template.render({"m": MOMENT, "d": date(2026, 12, 3)}).split("|")

    minute, day, offset = ZONES[zone]
    assert rendered == [day, minute, f"{minute[-5:]}:05", f"{day}T{minute[-5:]}:05{offset}", minute, "2026-12-03", zone]
    # What the admin writes of a moment (not "Dec. 3, 2026, 11:30 p.m.").
    assert formats.localize(timezone.localtime(MOMENT)) == minute


def test_no_template_formats_a_date_or_time_itself():
    """Every template writes dates and times with the clinic's filters (`|day`, `|minute`, `|clock`, `|iso`), not
    with Django's `date` and `time` filters, each with its own format string."""
    root = Path(django_settings.BASE_DIR) / "templates"
    own_format = re.compile(r"\|\s*(date|time)\b")

    offenders = [
        f"{path.relative_to(root)}:{number}"
        for path in root.rglob("*.html")
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if own_format.search(line)
    ]

    assert offenders == []


# -- The audit log -------------------------------------------------------------------------------------------------


def test_the_audit_log_shows_times_and_changed_moments_in_the_clinic_s_zone(zone, as_user, clinic_admin):
    client = factories.ClientFactory(first_name="Ada", last_name="Lovelace")
    admin = as_user(clinic_admin)
    admin.post(f"/clients/{client.public_id}/archive/", {"reason": "Moved away"})
    # As django-auditlog has stored moments too: in UTC with an offset and microseconds.
    LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(Client),
        object_pk=str(client.pk),
        object_repr=str(client),
        action=LogEntry.Action.UPDATE,
        changes={"archived_at": ["2026-12-04 04:30:09.123456+00:00", "None"]},
        additional_data={"client": str(client.public_id)},
    )

    page = admin.get("/audit/", {"client": str(client.public_id)}).content.decode()

    archived = LogEntry.objects.filter(object_pk=str(client.pk), action=LogEntry.Action.UPDATE).earliest("id")
    assert archived.changes["archived_at"][1].startswith("2026-12-04 04:30:05.")  # stored in UTC, with microseconds
    assert f">{shown(zone)}</time></td>" in page  # the entries' time
    assert f"set archived at to {shown(zone)}" in page
    assert f"cleared archived at (was {shown(zone)})" in page
    assert_no_utc(page)


def test_the_client_history_s_audit_entries_are_in_the_clinic_s_zone(zone, as_user, clinic_admin, front_desk):
    client = factories.ClientFactory(care_team=[])
    h.take_intake(client, by=front_desk)

    page = as_user(clinic_admin).get(f"/clients/{client.public_id}/history/").content.decode()

    assert f">{shown(zone)}</time></td>" in page
    assert_no_utc(page)


# -- A refusal -----------------------------------------------------------------------------------------------------


def test_the_withdrawal_refusal_gives_the_clinic_s_minute(zone, as_user, care_client, therapist, front_desk):
    factories.screened_intake(care_client, by=front_desk, complaints=[GROIN])
    h.withdraw(h.give_consent(care_client, by=front_desk), by=front_desk, reason="Changed my mind")
    session = h.draft_session(care_client, therapist=therapist, before=None)

    response = as_user(therapist).post(
        f"/sessions/{session.public_id}/abdominal/", {"action": "start", "reconfirmed": "on"}, follow=True
    )

    page = response.content.decode()
    refusal = re.search(r"withdrew[^<]*", page)
    assert response.status_code == 200
    assert refusal, "the refusal names the withdrawal"
    assert shown(zone) in refusal.group()
    assert_no_utc(page)


# -- The exports ---------------------------------------------------------------------------------------------------


@pytest.fixture
def course(zone, care_client, therapist, front_desk):
    return h.full_course(care_client, therapist=therapist, desk=front_desk)


MOMENT_TEXT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}[^\"]*")


def test_the_fhir_bundle_gives_moments_with_the_clinic_s_offset(zone, as_user, therapist, care_client, course):
    text = as_user(therapist).get(f"/clients/{care_client.public_id}/export.fhir.json").content.decode()

    moments = MOMENT_TEXT.findall(text)
    bundle = json.loads(text)
    (patient,) = [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Patient"]
    assert moments, "the bundle has moments"
    assert {moment[-6:] for moment in moments} == {ZONES[zone][2]}
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}", moment) for moment in moments)
    assert patient["birthDate"] == care_client.date_of_birth.isoformat()  # a date stays a date
    assert_no_utc(text)


def test_the_pdf_gives_the_clinic_s_times_and_offset(zone, as_user, therapist, care_client, course):
    response = as_user(therapist).get(f"/clients/{care_client.public_id}/export.pdf")

    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)
    minute, day, offset = ZONES[zone]
    assert f"Exported {minute}" in text
    made = re.search(r"Dates and times are the clinic's, in (\S+); this export was made at (\S+)\.", text)
    assert made.group(1) == zone
    assert re.fullmatch(rf"{day}T{minute[-5:]}:0\d{re.escape(offset)}", made.group(2))
    assert f"Session of {minute}" in text
    assert_no_utc(text)


def test_the_client_list_csv_gives_moments_with_the_clinic_s_offset_and_dates_as_dates(zone, as_user, clinic_admin):
    admin = as_user(clinic_admin)
    client = factories.ClientFactory(first_name="Arlo", last_name="Archived", date_of_birth=date(1980, 5, 17))
    admin.post(f"/clients/{client.public_id}/archive/", {"reason": "Moved away"})

    response = admin.get("/clients/export.csv")

    text = b"".join(response.streaming_content).decode("utf-8").removeprefix("\ufeff")
    (row,) = list(csv.DictReader(io.StringIO(text)))
    minute, day, offset = ZONES[zone]
    assert re.fullmatch(rf"{day}T{minute[-5:]}:0\d{re.escape(offset)}", row["archived_at"])
    assert row["created"] == day
    assert row["date_of_birth"] == "1980-05-17"
    assert response["Content-Disposition"] == f'attachment; filename="clients-{day}.csv"'
    assert_no_utc(text)


def test_the_record_csv_gives_moments_with_the_clinic_s_offset_and_dates_as_dates(
    zone, as_user, therapist, care_client, course
):
    response = as_user(therapist).get(f"/clients/{care_client.public_id}/export.csv.zip")

    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        files = {name: archive.read(name).decode("utf-8") for name in archive.namelist()}
    cells = "".join(text for name, text in files.items() if name.endswith(".csv"))
    moments = re.findall(r"\d{4}-\d{2}-\d{2}T[^,\r\n\"]*", cells)
    minute, day, offset = ZONES[zone]
    (client,) = csv.DictReader(io.StringIO(files["client.csv"]))
    sessions = list(csv.DictReader(io.StringIO(files["sessions.csv"])))
    assert len(moments) > 15
    assert all(re.fullmatch(rf"\d{{4}}-\d{{2}}-\d{{2}}T\d{{2}}:\d{{2}}:\d{{2}}{re.escape(offset)}", m) for m in moments)
    assert client["date_of_birth"] == care_client.date_of_birth.isoformat()  # a date stays a date
    assert {s["started_at"][:16] for s in sessions} == {f"{day}T{minute[-5:]}"}
    assert f"in {zone}" in files["README.txt"]
    assert re.search(rf"exported {day}T{minute[-5:]}:0\d{re.escape(offset)}", files["README.txt"])
    for text in files.values():
        assert_no_utc(text)


# -- Pages ---------------------------------------------------------------------------------------------------------


def test_the_pages_of_a_record_show_the_clinic_s_minute(zone, as_user, therapist, care_client, course):
    browser = as_user(therapist)
    session = course["signed"]

    pages = [
        browser.get(f"/clients/{care_client.public_id}/").content.decode(),
        browser.get(f"/clients/{care_client.public_id}/history/").content.decode(),
        browser.get(f"/sessions/{session.public_id}/").content.decode(),
        browser.get(f"/consents/{course['treatment_consent'].public_id}/").content.decode(),
    ]

    assert all(shown(zone) in page for page in pages)
    assert f"Session of {shown(zone)}" in pages[2]
    for page in pages:
        assert_no_utc(page)
        assert not re.search(r"\b[ap]\.m\.", page)  # no Django default rendering of a moment


def test_an_emergency_access_says_until_when_in_the_clinic_s_zone(zone, as_user, outsider_therapist, care_client):
    browser = as_user(outsider_therapist)
    browser.post(f"/clients/{care_client.public_id}/emergency-access/", {"reason": "Client collapsed in the lobby"})

    page = browser.get(f"/clients/{care_client.public_id}/").content.decode()

    expires = care_client.emergency_accesses.get().expires_at
    assert f"emergency access until {local_time.minute(expires)}" in page
    assert_no_utc(page)


def test_the_draft_offer_is_told_the_clinic_s_zone(zone, as_user, therapist, care_client):
    page = as_user(therapist).get(f"/clients/{care_client.public_id}/").content.decode()

    assert f'<template id="draft-offer" data-time-zone="{zone}">' in page


def test_the_live_timeline_keeps_seconds_in_the_clinic_s_zone(zone, as_user, therapist, care_client, front_desk):
    factories.screened_intake(care_client, by=front_desk, complaints=[GROIN])
    h.give_consent(care_client, by=front_desk)
    session = h.draft_session(care_client, therapist=therapist, before=6)
    h.open_abdominal_work(session, by=therapist)
    entry = h.feedback_entry(session)

    page = as_user(therapist).get(f"/sessions/{session.public_id}/").content.decode()

    local = entry.at.astimezone(ZoneInfo(zone))
    assert f"<strong>{local:%H:%M:%S}</strong>" in page
    assert f'data-since="{local_time.iso(session.segments.get().reconfirmed_at)}"' in page
    assert_no_utc(page)
