"""Hostile input in the exports: the PDF (read back with pypdf), the FHIR bundle (JSON), the client list CSV and the
client's record as CSV files in a zip. Markup in a record comes out as text, never as markup WeasyPrint would
follow; the JSON round-trips every value exactly and holds no raw < > &; the CSVs neutralise every cell a
spreadsheet would run as a formula and keep every other value exactly."""

import csv
import io
import json
import re
import zipfile
from datetime import date

import pytest
from fhir.resources.R4B.bundle import Bundle
from pypdf import PdfReader

from clinic.csv_export import FORMULA_STARTS
from tests import history_helpers as h
from tests import hostile_payloads as hostile
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db


def pdf_text(response) -> str:
    reader = PdfReader(io.BytesIO(response.content))
    # pypdf reads some runs of the embedded fonts back with NULs between the characters.
    text = " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)
    return text.replace("\x00", "")


def strings_in(value) -> list[str]:
    if isinstance(value, dict):
        return [s for item in value.values() for s in strings_in(item)]
    if isinstance(value, list):
        return [s for item in value for s in strings_in(item)]
    return [value] if isinstance(value, str) else []


def course_of(client, *, therapist, desk, text):
    intake = h.take_intake(client, by=desk, red_flags={"night_pain_unrelieved": True}, notes=text)
    h.clear(intake, by=therapist, cleared_on=date(2026, 2, 1), clinician_name=text, what=text)
    h.withdraw(h.give_consent(client, by=desk), by=desk, reason=text)
    h.give_consent(client, by=desk)
    return h.signed_session(client, therapist=therapist, subjective=text, abdominal=True)


# Payloads pypdf reads back as written (bidi controls, zero-width and emoji depend on the fonts and on the
# extraction; those are checked for a clean export only).
READABLE = {name: value for name, value in hostile.TEXT.items() if value.strip().isascii() and "\x00" not in value}


def test_a_record_full_of_hostile_text_exports_as_a_pdf_that_shows_it_as_text(
    as_user, therapist, front_desk, clinic_admin
):
    client = ClientFactory(first_name="<b>Bold</b>", last_name="O'Chen\"><svg onload=alert(1)>", care_team=[therapist])
    session = course_of(client, therapist=therapist, desk=front_desk, text=hostile.MARKUP["img-onerror"])
    for payload in hostile.TEXT.values():
        h.add_addendum(session, by=therapist, text=f"[{hostile.storable(payload).strip()}]")

    response = as_user(clinic_admin).get(f"/clients/{client.public_id}/export.pdf")

    text = pdf_text(response)
    # Without the running header and footer, which a page break may put in the middle of a line, and spaces.
    body = re.sub(r"Exported [\d-]+ [\d:]+ Page \d+ of \d+ Con\S*dential health record", "", text)
    body = "".join(body.replace(f"{client.full_name} · {client.date_of_birth:%Y-%m-%d}", "").split())
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF-")
    assert "<b>Bold</b> O'Chen\"><svg onload=alert(1)>" in text
    assert hostile.MARKUP["img-onerror"] in text
    for name, payload in READABLE.items():
        assert f"[{''.join(payload.split())}]" in body, name


@pytest.mark.parametrize(
    "link",
    [
        '<img src="http://127.0.0.1:9/leak.png">',
        '<link rel="stylesheet" href="file:///etc/passwd">',
        '<object data="file:///etc/hostname"></object>',
    ],
)
def test_markup_in_a_record_never_makes_the_pdf_fetch_anything(as_user, clinic_admin, therapist, front_desk, link):
    client = ClientFactory(first_name="Ida", last_name="Link", care_team=[therapist])
    course_of(client, therapist=therapist, desk=front_desk, text=link)

    response = as_user(clinic_admin).get(f"/clients/{client.public_id}/export.pdf")

    assert response.status_code == 200
    assert link in pdf_text(response)


@pytest.mark.parametrize("payload", hostile.TEXT_PARAMS)
def test_the_fhir_bundle_carries_hostile_text_exactly_and_no_raw_markup(
    as_user, therapist, front_desk, clinic_admin, payload
):
    text = hostile.storable(payload).strip()
    client = ClientFactory(first_name=text, last_name="Chen", address=text, care_team=[therapist])
    course_of(client, therapist=therapist, desk=front_desk, text=text)

    response = as_user(clinic_admin).get(f"/clients/{client.public_id}/export.fhir.json")

    bundle = json.loads(response.content)
    values = strings_in(bundle)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+json"
    assert not {b"<", b">", b"&"} & {bytes([byte]) for byte in response.content}
    assert values.count(text) >= 2  # the name and the address, at least
    Bundle.model_validate(bundle)


@pytest.mark.parametrize("payload", hostile.TEXT_PARAMS)
def test_the_record_csv_carries_hostile_text_exactly_or_neutralised(as_user, therapist, front_desk, payload):
    text = hostile.storable(payload)
    client = ClientFactory(first_name=text, last_name="Chen", address=text, care_team=[therapist])
    course_of(client, therapist=therapist, desk=front_desk, text=text)

    response = as_user(therapist).get(f"/clients/{client.public_id}/export.csv.zip")

    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        files = {
            name: list(csv.DictReader(io.StringIO(archive.read(name).decode("utf-8"), newline="")))
            for name in archive.namelist()
            if name.endswith(".csv")
        }
    expected = f"'{text}" if text.startswith(FORMULA_STARTS) else text
    (person,) = files["client.csv"]
    assert response.status_code == 200
    assert (person["first_name"], person["address"]) == (expected, expected)
    assert files["intakes.csv"][0]["notes"] == expected
    assert files["physician_clearances.csv"][0]["clinician_name"] == expected
    assert files["physician_clearances.csv"][0]["what_was_cleared"] == expected
    assert [c["withdrawal_reason"] for c in files["consents.csv"]] == [expected, ""]
    assert files["sessions.csv"][0]["subjective"] == expected
    for rows in files.values():
        for row in rows:
            assert not any(cell.startswith(FORMULA_STARTS) for cell in row.values() if not _is_number(cell)), row


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def test_the_csv_neutralises_every_formula_and_keeps_every_other_value_exact(as_user, clinic_admin):
    for n, payload in enumerate(hostile.TEXT.values()):
        text = hostile.storable(payload)
        ClientFactory(first_name=text, last_name=f"Row{n:02d}", address=text, emergency_contact_name=text)

    response = as_user(clinic_admin).get("/clients/export.csv")

    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body, newline="")))
    assert response.status_code == 200
    assert len(rows) == len(hostile.TEXT)
    for row, payload in zip(sorted(rows, key=lambda r: r["legal_last_name"]), hostile.TEXT.values(), strict=True):
        text = hostile.storable(payload)
        expected = f"'{text}" if text.startswith(FORMULA_STARTS) else text
        assert (row["legal_first_name"], row["address"], row["emergency_contact"]) == (expected,) * 3, payload
    for row in rows:
        assert not any(cell.startswith(FORMULA_STARTS) for cell in row.values())
