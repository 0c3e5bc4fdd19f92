"""A signed note shows only what was signed, and its seal sees every change (issue 17, "A signed note can change and
the hash does not see it"): the values it shows from elsewhere are frozen when it is signed (complaint labels, the
client's and therapist's names, the screening shown), on its page, in the PDF and in the FHIR bundle; renaming a user
raises no false alarm; the seal is keyed, so someone who can write to the database cannot seal a change again; and
the addenda are chained to it, so `verify_notes` finds one changed or removed."""

import hashlib
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from pypdf import PdfReader

from intake.models import Complaint
from notes import hashing
from notes.models import Addendum, TreatmentSession
from tests import history_helpers as h
from tests.factories import LOW_BACK, intake_form_data, screened_intake
from tests.record_helpers import run_sql

pytestmark = pytest.mark.django_db

KNEE = {**LOW_BACK, "region": "knee"}


def verify_notes() -> tuple[bool, str]:
    """Run verify_notes: (all intact, what it wrote to stderr)."""
    errors = io.StringIO()
    try:
        call_command("verify_notes", stdout=io.StringIO(), stderr=errors)
    except CommandError:
        return False, errors.getvalue()
    return True, errors.getvalue()


def pdf_text(response) -> str:
    reader = PdfReader(io.BytesIO(response.content))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


@pytest.fixture
def signed(care_client, therapist, front_desk):
    """A signed session on a low-back complaint (rated 6 before, 3 after), with one addendum."""
    screened_intake(care_client, by=front_desk, complaints=[LOW_BACK])
    session = h.signed_session(care_client, therapist=therapist)
    h.add_addendum(session, by=therapist, reason="Late detail", text="Client slept well.")
    return session


@pytest.fixture
def knee_since(signed, as_user, front_desk):
    """The front desk has since edited the intake: the complaint the note rated is now the knee."""
    (complaint,) = Complaint.objects.filter(intake__client=signed.client)
    knee = intake_form_data(complaints=[{**KNEE, "complaint": complaint.pk}])
    edited = as_user(front_desk).post(f"/intakes/{complaint.intake.public_id}/edit/", knee)
    assert edited.status_code == 302 and Complaint.objects.get(pk=complaint.pk).region == "knee"
    return signed


# -- What a signed note shows ---------------------------------------------------------------------------------------


def test_the_signed_session_page_names_the_complaint_as_signed_after_the_intake_changed(as_user, therapist, knee_since):
    page = as_user(therapist).get(f"/sessions/{knee_since.public_id}/").content.decode()

    assert "Low back (middle): before 6, after 3" in page
    assert "Knee" not in page


def test_the_pdf_names_the_signed_sessions_complaint_as_signed(as_user, therapist, knee_since):
    text = pdf_text(as_user(therapist).get(f"/clients/{knee_since.client.public_id}/export.pdf"))

    assert "Low back: 6 → 3" in text
    assert "Knee: 6 → 3" not in text


def test_the_fhir_bundle_names_the_signed_sessions_ratings_by_the_complaint_as_signed(as_user, therapist, knee_since):
    bundle = as_user(therapist).get(f"/clients/{knee_since.client.public_id}/export.fhir.json").json()

    ratings = [
        e["resource"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "Observation"
        and e["resource"].get("encounter", {}).get("reference") == f"urn:uuid:{knee_since.public_id}"
    ]
    assert len(ratings) == 2  # before and after
    for rating in ratings:
        assert rating["bodySite"]["text"] == "Low back (middle)"
        assert rating["bodySite"]["coding"][0]["code"] == "37822005"  # SNOMED CT: lower back structure


def test_verify_notes_still_finds_the_note_intact_after_the_intake_changed(knee_since):
    intact, errors = verify_notes()

    assert intact, errors


def test_a_signed_note_shows_the_names_as_signed_and_the_clients_name_now_beside_it(
    as_user, therapist, clinic_admin, signed
):
    client = signed.client
    client.first_name, client.last_name = "Mei", "Lin"
    client.save()
    therapist.first_name, therapist.last_name = "Theodora", "Renamed"
    therapist.save()

    page = as_user(clinic_admin).get(f"/sessions/{signed.public_id}/").content.decode()

    assert "Maya Chen" in page and "(now Mei Lin)" in page
    assert signed.signed_as["therapist_name"] in page and "Theodora Renamed" not in page


def test_a_signed_note_shows_the_screening_it_was_written_under(as_user, therapist, front_desk, signed):
    line = signed.signed_as["screening"]["line"]
    # A later intake contraindicates abdominal work: today's screening, not the note's.
    screened_intake(signed.client, by=front_desk, complaints=[LOW_BACK], history={"pregnant": True})

    page = as_user(therapist).get(f"/sessions/{signed.public_id}/").content.decode()

    assert line.startswith("Abdominal work: allowed")
    assert f"Screening when signed: {line}" in page
    assert "not allowed" not in page


def test_a_draft_shows_todays_complaint_labels(as_user, therapist, front_desk, care_client):
    intake = screened_intake(care_client, by=front_desk, complaints=[LOW_BACK])
    draft = h.draft_session(care_client, therapist=therapist)
    (complaint,) = intake.complaints.all()
    as_user(front_desk).post(
        f"/intakes/{intake.public_id}/edit/", intake_form_data(complaints=[{**KNEE, "complaint": complaint.pk}])
    )

    page = as_user(therapist).get(f"/sessions/{draft.public_id}/").content.decode()

    assert "Knee (middle): before 6" in page


# -- No false alarm -------------------------------------------------------------------------------------------------


def test_renaming_the_therapist_raises_no_false_alarm(therapist, signed):
    therapist.username = "theodora"
    therapist.first_name = "Theodora"
    therapist.save()

    intact, errors = verify_notes()

    assert intact, errors


# -- A keyed seal, chained addenda ----------------------------------------------------------------------------------

LIFT = {
    "postgresql": {
        "session": "DROP TRIGGER notes_treatmentsession_guard ON notes_treatmentsession",
        "addendum": "DROP TRIGGER notes_addendum_guard ON notes_addendum",
    },
    "sqlite": {
        "session": "DROP TRIGGER notes_treatmentsession_signed_no_update",
        "addendum": "DROP TRIGGER notes_addendum_no_update",
        "addendum delete": "DROP TRIGGER notes_addendum_no_delete",
    },
}


def behind_the_apps_back(what: str, sql: str, params=()) -> None:
    """A change the database refuses (tests/test_record_triggers.py) unless someone with the rights lifts the
    trigger first, as tests/test_notes_core.py does."""
    lift = LIFT[connection.vendor]
    run_sql(lift.get(what) or lift[what.split()[0]])
    run_sql(sql, params)


def test_verify_notes_reports_an_addendum_whose_text_was_changed(signed):
    addendum = signed.addenda.get()
    behind_the_apps_back("addendum", "UPDATE notes_addendum SET text = 'Felt worse.' WHERE id = %s", [addendum.pk])

    intact, errors = verify_notes()

    assert not intact
    assert f"ADDENDUM ALTERED: addendum {addendum.public_id}" in errors


def test_verify_notes_reports_an_addendum_removed_before_a_later_one(signed, therapist):
    first = signed.addenda.get()
    h.add_addendum(signed, by=therapist, reason="Follow-up call", text="No soreness the next day.")
    behind_the_apps_back("addendum delete", "DELETE FROM notes_addendum WHERE id = %s", [first.pk])

    intact, errors = verify_notes()

    assert not intact
    assert "ADDENDUM ALTERED" in errors and "an addendum before it was removed" in errors


def test_verify_notes_reports_the_newest_addendum_removed(signed):
    addendum = signed.addenda.get()
    behind_the_apps_back("addendum delete", "DELETE FROM notes_addendum WHERE id = %s", [addendum.pk])

    intact, errors = verify_notes()

    assert not intact
    assert f"ADDENDUM REMOVED: addendum {addendum.pk} of session {signed.public_id}" in errors


def plain_sha256(session: TreatmentSession) -> str:
    """What someone with the code and the database, but not the key, can compute of a note."""
    content = hashing.session_content(TreatmentSession.objects.select_related("client", "therapist").get(pk=session.pk))
    return hashlib.sha256(
        json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    ).hexdigest()


@pytest.mark.parametrize("key_id", ["kept", "emptied"])
def test_a_note_changed_and_hashed_again_without_the_key_is_reported(signed, key_id):
    behind_the_apps_back("session", "UPDATE notes_treatmentsession SET plan = 'Deep work' WHERE id = %s", [signed.pk])
    run_sql("UPDATE notes_treatmentsession SET content_hash = %s WHERE id = %s", [plain_sha256(signed), signed.pk])
    if key_id == "emptied":  # passed off as a note from before keyed seals
        run_sql("UPDATE notes_treatmentsession SET hash_key_id = '' WHERE id = %s", [signed.pk])

    intact, errors = verify_notes()

    assert not intact
    assert f"session {signed.public_id}" in errors


def test_a_note_sealed_with_a_key_no_longer_configured_is_reported(settings, signed):
    settings.NOTE_SIGNING_KEYS = {"other": b"x" * 32}
    settings.NOTE_SIGNING_KEY_ID = "other"

    intact, errors = verify_notes()

    assert not intact
    assert f"UNKNOWN KEY: session {signed.public_id}" in errors
    assert f"is sealed with key '{signed.hash_key_id}'" in errors


def test_a_new_key_seals_new_notes_and_the_old_one_still_verifies_its_own(settings, care_client, therapist, signed):
    old_id = signed.hash_key_id
    settings.NOTE_SIGNING_KEYS = {"2027a": b"n" * 40, **settings.NOTE_SIGNING_KEYS}
    settings.NOTE_SIGNING_KEY_ID = "2027a"

    newer = h.signed_session(care_client, therapist=therapist)
    h.add_addendum(signed, by=therapist, reason="Rotation", text="Added after the new key.")
    intact, errors = verify_notes()

    assert intact, errors
    assert (TreatmentSession.objects.get(pk=signed.pk).hash_key_id, newer.hash_key_id) == (old_id, "2027a")
    assert list(Addendum.objects.filter(session=signed).values_list("hash_key_id", flat=True)) == [old_id, "2027a"]


def test_the_signed_page_names_the_key_of_its_seal(as_user, therapist, signed):
    page = as_user(therapist).get(f"/sessions/{signed.public_id}/").content.decode()

    assert f"sealed (HMAC-SHA256, key {signed.hash_key_id}): {signed.content_hash}" in page
