"""Hostile input on the intake pages: the intake form, its detail page, the assessment and the physician clearance
(its letter included). Stored as sent and shown escaped, or refused with the form re-shown; never a 500."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from intake.models import Complaint, Intake, PhysicianClearance
from tests import hostile_payloads as hostile
from tests.factories import ClientFactory, clearance_form_data, intake_form_data, screened_intake

pytestmark = pytest.mark.django_db

GROIN = {"region": "anterior_hip_groin", "side": "right", "pain_now": 6}
PDF = b"%PDF-1.4\n%%EOF\n"


def refused(response):
    assert response.status_code == 200
    assert "Nothing was saved" in response.content.decode()
    hostile.assert_page_is_safe(response)


@pytest.fixture
def referred_intake(care_client, front_desk):
    return screened_intake(care_client, by=front_desk, complaints=[GROIN], red_flags={"night_pain_unrelieved": True})


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.mark.parametrize("payload", hostile.TEXT_PARAMS)
def test_hostile_intake_notes_are_stored_as_sent_and_shown_escaped(as_user, front_desk, care_client, payload):
    desk = as_user(front_desk)
    stored = hostile.as_stored(payload)

    response = hostile.post_raw(desk, f"/clients/{care_client.public_id}/intakes/new/", intake_form_data(notes=payload))

    if stored is None:
        refused(response)
        assert "Null characters are not allowed." in response.content.decode()
        assert not Intake.objects.exists()
        return
    intake = Intake.objects.get()
    assert response.status_code == 302
    assert intake.notes == stored
    hostile.assert_page_is_safe(desk.get(f"/intakes/{intake.public_id}/"), stored)
    hostile.assert_page_is_safe(desk.get(f"/intakes/{intake.public_id}/edit/"), stored)


@pytest.mark.parametrize("payload", hostile.TEXT_PARAMS)
def test_hostile_values_for_choices_re_show_the_form_and_save_nothing(as_user, front_desk, care_client, payload):
    data = intake_form_data(complaints=[{**GROIN, "region": payload, "side": payload}], aggravating=[payload])
    data |= {"sex": payload, "onset_x": payload, "complaints-0-onset": payload}

    response = hostile.post_raw(as_user(front_desk), f"/clients/{care_client.public_id}/intakes/new/", data)

    refused(response)
    assert not Intake.objects.exists()


@pytest.mark.parametrize("value", hostile.PAIN)
def test_pain_that_is_not_a_whole_number_from_0_to_10_is_refused(as_user, front_desk, care_client, value):
    data = intake_form_data(complaints=[{**GROIN, "pain_now": value, "pain_worst": value}])

    response = hostile.post_raw(as_user(front_desk), f"/clients/{care_client.public_id}/intakes/new/", data)

    refused(response)
    assert not Intake.objects.exists()


@pytest.mark.parametrize("value", ["1e400", "nan", "inf", "-inf", "-1", "ten", "3,5", "5201", "0x10"])
def test_impossible_weeks_since_surgery_are_refused(as_user, front_desk, care_client, value):
    from intake.screening import SURGERY_WEEKS

    data = intake_form_data(**{SURGERY_WEEKS: value})

    response = hostile.post_raw(as_user(front_desk), f"/clients/{care_client.public_id}/intakes/new/", data)

    refused(response)
    assert not Intake.objects.exists()


def test_a_forged_complaint_id_of_another_clients_intake_changes_nothing_there(
    as_user, therapist, front_desk, care_client
):
    mine = screened_intake(care_client, by=front_desk, complaints=[GROIN])
    theirs = screened_intake(ClientFactory(), by=front_desk, complaints=[GROIN])
    their_complaint = theirs.complaints.get()
    data = intake_form_data(complaints=[{**GROIN, "pain_now": 1, "complaint": their_complaint.pk}])

    response = hostile.post_raw(as_user(therapist), f"/intakes/{mine.public_id}/edit/", data)

    their_complaint.refresh_from_db()
    assert response.status_code == 302
    assert (their_complaint.intake, their_complaint.pain_now, their_complaint.removed_at) == (theirs, 6, None)
    assert [c.pain_now for c in mine.complaints.current()] == [1]


def test_extra_fields_on_an_intake_change_nothing_they_name(as_user, front_desk, therapist, care_client):
    other = ClientFactory()
    extra = {
        "client": str(other.public_id),
        "taken_by": str(therapist.pk),
        "assessed_by": str(therapist.pk),
        "public_id": str(other.public_id),
        "taken_at": "2001-01-01T00:00",
        "tests": "psoas_test=positive",
        "screening_refer": "on",
        "is_staff": "on",
    }

    response = hostile.post_raw(
        as_user(front_desk), f"/clients/{care_client.public_id}/intakes/new/", intake_form_data(**extra)
    )

    intake = Intake.objects.get()
    front_desk.refresh_from_db()
    assert response.status_code == 302
    assert (intake.client, intake.taken_by, intake.assessed_by, intake.tests) == (care_client, front_desk, None, {})
    assert timezone.localtime(intake.taken_at).date() == timezone.localdate()
    assert not other.intakes.exists()
    assert not front_desk.is_staff


@pytest.mark.parametrize("payload", hostile.TEXT_PARAMS)
def test_hostile_assessment_values_are_refused(as_user, therapist, referred_intake, payload):
    from intake.screening import TESTS

    data = dict.fromkeys(TESTS, payload)

    response = hostile.post_raw(as_user(therapist), f"/intakes/{referred_intake.public_id}/assessment/", data)

    referred_intake.refresh_from_db()
    assert response.status_code == 302
    assert referred_intake.tests == {}
    assert referred_intake.screenings.count() == 1


@pytest.mark.parametrize("payload", hostile.TEXT_PARAMS)
def test_hostile_clearance_text_is_stored_as_sent_and_shown_escaped(as_user, therapist, referred_intake, payload):
    browser = as_user(therapist)
    stored = hostile.as_stored(payload)
    url = f"/intakes/{referred_intake.public_id}/clearances/new/"

    response = hostile.post_raw(browser, url, clearance_form_data(clinician_name=payload, what_was_cleared=payload))

    if stored is None:
        assert response.status_code == 200
        hostile.assert_page_is_safe(response)
        assert not PhysicianClearance.objects.exists()
        return
    clearance = PhysicianClearance.objects.get()
    assert response.status_code == 302
    assert (clearance.clinician_name, clearance.what_was_cleared) == (stored, stored)
    hostile.assert_page_is_safe(browser.get(f"/intakes/{referred_intake.public_id}/"), stored)


@pytest.mark.parametrize("value", hostile.DATES)
def test_impossible_clearance_dates_are_refused(as_user, therapist, referred_intake, value):
    response = hostile.post_raw(
        as_user(therapist),
        f"/intakes/{referred_intake.public_id}/clearances/new/",
        clearance_form_data(cleared_on=value),
    )

    assert response.status_code == 200
    assert response.context["form"].errors["cleared_on"]
    assert not PhysicianClearance.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("letter.pdf", b"<script>alert(1)</script>", "application/pdf"),
        ("letter.png", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "image/png"),
        ("letter.html", b"<html><script>alert(1)</script></html>", "text/html"),
        ("letter.pdf", b"", "application/pdf"),
    ],
)
def test_a_letter_that_is_not_a_pdf_jpeg_or_png_is_refused_whatever_it_claims(
    as_user, therapist, referred_intake, name, content, content_type
):
    letter = SimpleUploadedFile(name, content, content_type=content_type)

    response = as_user(therapist).post(
        f"/intakes/{referred_intake.public_id}/clearances/new/", clearance_form_data(letter=letter)
    )

    assert response.status_code == 200
    assert response.context["form"].errors["letter"]
    assert not PhysicianClearance.objects.exists()


@pytest.mark.parametrize("payload", [hostile.ATTRIBUTE_BREAKOUT["double-quote-svg"], hostile.SQL["sql-drop"]])
def test_a_hostile_letter_file_name_is_never_echoed_in_the_download(as_user, therapist, referred_intake, payload):
    letter = SimpleUploadedFile(f"{payload}.pdf", PDF, content_type="application/pdf")
    browser = as_user(therapist)
    browser.post(
        f"/intakes/{referred_intake.public_id}/clearances/new/",
        hostile.multipart_raw(clearance_form_data(clinician_name=payload)) | {"letter": letter},
    )
    clearance = PhysicianClearance.objects.get()

    download = browser.get(f"/clearances/{clearance.public_id}/letter/")

    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert payload not in download["Content-Disposition"]
    assert download["X-Content-Type-Options"] == "nosniff"


def test_a_ten_megabyte_letter_is_still_accepted(as_user, therapist, referred_intake):
    letter = SimpleUploadedFile("big.pdf", PDF + b"0" * (PhysicianClearance.MAX_LETTER_BYTES - len(PDF)))

    response = as_user(therapist).post(
        f"/intakes/{referred_intake.public_id}/clearances/new/", clearance_form_data(letter=letter)
    )

    assert response.status_code == 302
    assert PhysicianClearance.objects.get().letter.size == PhysicianClearance.MAX_LETTER_BYTES


def test_a_request_larger_than_any_letter_answers_413_and_saves_nothing(as_user, therapist, referred_intake):
    letter = SimpleUploadedFile("huge.pdf", PDF + b"0" * (12 * 1024 * 1024))

    response = as_user(therapist).post(
        f"/intakes/{referred_intake.public_id}/clearances/new/", clearance_form_data(letter=letter)
    )

    assert response.status_code == 413
    assert "too large" in response.content.decode()
    assert not PhysicianClearance.objects.exists()


@pytest.mark.parametrize("kind", hostile.OVERSIZED)
def test_oversized_intake_and_clearance_forms_answer_400_and_save_nothing(
    as_user, therapist, care_client, referred_intake, kind
):
    browser = as_user(therapist)
    before = referred_intake.notes

    new = hostile.post_raw(
        browser,
        f"/clients/{care_client.public_id}/intakes/new/",
        hostile.oversized(intake_form_data(), kind, field="notes"),
    )
    edit = hostile.post_raw(
        browser,
        f"/intakes/{referred_intake.public_id}/edit/",
        hostile.oversized(intake_form_data(), kind, field="notes"),
    )
    clearance = hostile.post_raw(
        browser,
        f"/intakes/{referred_intake.public_id}/clearances/new/",
        hostile.oversized(clearance_form_data(), kind, field="what_was_cleared"),
    )

    referred_intake.refresh_from_db()
    for response in (new, edit, clearance):
        hostile.assert_refused_as_too_large(response)
    assert Intake.objects.count() == 1
    assert Complaint.objects.count() == 1
    assert referred_intake.notes == before
    assert not PhysicianClearance.objects.exists()


@pytest.mark.parametrize("value", ["abc", "-1", "99999999999999999999", "1e3", "", "<script>", "\x00", "21"])
@pytest.mark.parametrize("field", ["complaints-TOTAL_FORMS", "complaints-INITIAL_FORMS", "complaints-MAX_NUM_FORMS"])
def test_a_tampered_complaint_management_form_is_refused_or_ignored(as_user, front_desk, care_client, field, value):
    data = intake_form_data(**{field: value})

    response = hostile.post_raw(as_user(front_desk), f"/clients/{care_client.public_id}/intakes/new/", data)

    assert response.status_code in (200, 302)
    if response.status_code == 200:
        refused(response)
        assert not Intake.objects.exists()
    else:
        assert Intake.objects.get().complaints.count() == 1
