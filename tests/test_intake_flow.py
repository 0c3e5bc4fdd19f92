"""Taking an intake, assessing it, editing it, clearing a referral: what is stored, shown and audited."""

from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from intake import services
from intake.models import Complaint, Intake, PhysicianClearance, Screening
from tests import history_helpers as h
from tests.factories import assessment_form_data, clearance_form_data, intake_form_data, screened_intake

pytestmark = pytest.mark.django_db

GROIN = {"region": "anterior_hip_groin", "side": "right", "pain_now": 5, "pain_worst": 7, "onset": "subacute"}
BACK = {"region": "low_back", "side": "central", "pain_now": 3}
NIGHT_PAIN_TEXT = "Night pain not eased by rest or position"
NIGHT_PAIN_SOURCE = "Chou et al., ACP/APS guideline 2007"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
# Measured on SQLite: 20 for a care-team therapist (full view), 17 for the front desk, whatever the size.
INTAKE_PAGE_MAX_QUERIES = 20


@pytest.fixture
def referred_intake(care_client, front_desk):
    return screened_intake(care_client, by=front_desk, complaints=[GROIN], red_flags={"night_pain_unrelieved": True})


@pytest.fixture
def groin_intake(care_client, front_desk):
    return screened_intake(care_client, by=front_desk, complaints=[GROIN])


def intake_url(intake, action=""):
    return f"/intakes/{intake.public_id}/{action}"


# -- Taking an intake --------------------------------------------------------------------------------------------


def test_front_desk_intake_with_a_red_flag_is_stored_screened_and_summarised_on_the_client(
    as_user, front_desk, care_client
):
    data = intake_form_data(complaints=[GROIN, BACK], night_pain_unrelieved="yes")

    response = as_user(front_desk).post(f"/clients/{care_client.public_id}/intakes/new/", data)

    intake = Intake.objects.get()
    assert response.status_code == 302
    assert response.url == intake_url(intake)
    assert [(c.region, c.pain_now) for c in intake.complaints.all()] == [("anterior_hip_groin", 5), ("low_back", 3)]
    screening = Screening.objects.get()
    assert (screening.intake, screening.ruleset, screening.refer) == (intake, "2026.12", True)
    assert "red_flag.night_pain_unrelieved" in [reason["rule"] for reason in screening.reasons]
    care_client.refresh_from_db()
    assert care_client.screening_refer is True
    assert care_client.referral_cleared is False
    assert care_client.screening_abdominal_work == "contraindicated"
    assert care_client.screened_at == screening.screened_at


def test_front_desk_sees_the_referral_summary_but_not_the_reasons_after_saving(as_user, front_desk, care_client):
    data = intake_form_data(complaints=[GROIN, BACK], night_pain_unrelieved="yes")

    response = as_user(front_desk).post(f"/clients/{care_client.public_id}/intakes/new/", data, follow=True)

    page = response.content.decode()
    assert "Intake saved and screened." in page
    assert "Refer to a physician before treatment" in page
    assert "Screening support, not a diagnosis" in page
    assert NIGHT_PAIN_TEXT not in page
    assert NIGHT_PAIN_SOURCE not in page


def test_care_team_therapist_sees_every_reason_with_its_source(as_user, therapist, referred_intake):
    page = as_user(therapist).get(intake_url(referred_intake)).content.decode()

    assert NIGHT_PAIN_TEXT in page
    assert NIGHT_PAIN_SOURCE in page
    assert "Save assessment" in page


# -- Bad input ----------------------------------------------------------------------------------------------------


def intake_field(name):
    return lambda response: response.context["form"].errors[name]


def complaint_field(name):
    return lambda response: response.context["formset"].forms[0].errors[name]


def no_complaint(response):
    return response.context["formset"].non_form_errors()


BAD_INPUT = [
    pytest.param(
        {"complaints": [{**BACK, "pain_now": 11}]},
        complaint_field("pain_now"),
        "whole number from 0 to 10",
        id="pain-11",
    ),
    pytest.param({"complaints": [{}]}, no_complaint, "Add at least one complaint", id="no-complaint"),
    pytest.param(
        {"complaints": [{**BACK, "region": "wing"}]}, complaint_field("region"), "Choose a body region", id="region"
    ),
    pytest.param(
        {"abdominal_pelvic_surgery_weeks_ago": "-3"},
        intake_field("abdominal_pelvic_surgery_weeks_ago"),
        "cannot be negative",
        id="weeks",
    ),
    pytest.param({"saddle_anaesthesia": None}, intake_field("saddle_anaesthesia"), "Answer yes or no", id="red-flag"),
    pytest.param(
        {"aggravating": ["walking", "flying"]},
        intake_field("aggravating"),
        "flying is not one of the movements",
        id="movement",
    ),
]


@pytest.mark.parametrize(("overrides", "errors_of", "message"), BAD_INPUT)
def test_bad_intake_answer_is_named_next_to_its_field_and_nothing_is_saved(
    as_user, front_desk, care_client, overrides, errors_of, message
):
    response = as_user(front_desk).post(f"/clients/{care_client.public_id}/intakes/new/", intake_form_data(**overrides))

    assert response.status_code == 200
    assert any(message in str(error) for error in errors_of(response))
    page = response.content.decode()
    assert message in page
    assert "Nothing was saved" in page
    assert not Intake.objects.exists()
    assert not Screening.objects.exists()


# -- Assessment and edits keep earlier screenings ---------------------------------------------------------------


def test_assessment_rescreens_to_consider_in_a_new_screening_and_leaves_the_first_as_it_was(
    as_user, therapist, groin_intake
):
    first = groin_intake.screenings.get()
    data = assessment_form_data(resisted_hip_flexion="positive_pain", iliopsoas_palpation="positive_pain")

    response = as_user(therapist).post(intake_url(groin_intake, "assessment/"), data, follow=True)

    page = response.content.decode()
    assert "Assessment saved; the screening was run again." in page
    assert "Consider iliopsoas work" in page
    latest, earlier = groin_intake.screenings.all()
    assert (earlier.pk, earlier.answers, earlier.reasons) == (first.pk, first.answers, first.reasons)
    assert (earlier.iliopsoas, earlier.score, earlier.answers["tests"]) == ("not_indicated", 1, {})
    assert (latest.iliopsoas, latest.score, latest.screened_by) == ("consider", 5, therapist)
    assert latest.answers["tests"] == {"resisted_hip_flexion": "positive_pain", "iliopsoas_palpation": "positive_pain"}
    groin_intake.client.refresh_from_db()
    assert groin_intake.client.screening_iliopsoas == "consider"


def test_editing_an_intake_screens_it_again_and_keeps_the_earlier_screening(as_user, therapist, groin_intake):
    data = intake_form_data(complaints=[GROIN], saddle_anaesthesia="yes")

    response = as_user(therapist).post(intake_url(groin_intake, "edit/"), data, follow=True)

    assert "Intake updated and screened again." in response.content.decode()
    assert "Earlier screenings of this intake" in response.content.decode()
    latest, earlier = groin_intake.screenings.all()
    assert (earlier.refer, earlier.answers["red_flags"].get("saddle_anaesthesia", False)) == (False, False)
    assert (latest.refer, latest.answers["red_flags"]["saddle_anaesthesia"]) == (True, True)


def test_a_complaint_taken_off_on_edit_is_kept_marked_removed_and_no_longer_judged(
    as_user, therapist, care_client, front_desk
):
    intake = screened_intake(care_client, by=front_desk, complaints=[GROIN, BACK])
    groin = intake.complaints.get(region="anterior_hip_groin")

    # The edit form carries each stored complaint's id; the removed one is simply not posted.
    as_user(therapist).post(
        intake_url(intake, "edit/"), intake_form_data(complaints=[{**GROIN, "complaint": groin.pk}])
    )

    back = Complaint.objects.get(intake=intake, region="low_back")
    assert back.removed_at is not None
    assert [c.region for c in intake.complaints.current()] == ["anterior_hip_groin"]
    assert [c["region"] for c in intake.screenings.first().answers["complaints"]] == ["anterior_hip_groin"]


def test_taking_off_the_first_complaint_marks_that_complaint_removed_and_keeps_the_other(
    as_user, therapist, care_client, front_desk
):
    intake = screened_intake(care_client, by=front_desk, complaints=[BACK, GROIN])
    groin = intake.complaints.get(region="anterior_hip_groin")

    as_user(therapist).post(
        intake_url(intake, "edit/"), intake_form_data(complaints=[{**GROIN, "complaint": groin.pk}])
    )

    assert Complaint.objects.filter(intake=intake, region="low_back", removed_at__isnull=False).exists()
    assert list(intake.complaints.current()) == [groin]


def test_a_complaint_id_from_another_intake_is_not_taken_over(as_user, therapist, care_client, front_desk):
    other = screened_intake(care_client, by=front_desk, complaints=[BACK])
    intake = screened_intake(care_client, by=front_desk, complaints=[GROIN])
    foreign = other.complaints.get()

    as_user(therapist).post(
        intake_url(intake, "edit/"), intake_form_data(complaints=[{**BACK, "complaint": foreign.pk}])
    )

    foreign.refresh_from_db()
    assert (foreign.intake, foreign.removed_at) == (other, None)
    assert [c.region for c in intake.complaints.current()] == ["low_back"]


def test_the_remove_box_takes_a_complaint_off(as_user, therapist, care_client, front_desk):
    intake = screened_intake(care_client, by=front_desk, complaints=[BACK, GROIN])
    back, groin = intake.complaints.current()
    data = intake_form_data(
        complaints=[{**BACK, "complaint": back.pk, "DELETE": "on"}, {**GROIN, "complaint": groin.pk}]
    )

    as_user(therapist).post(intake_url(intake, "edit/"), data)

    back.refresh_from_db()
    assert back.removed_at is not None
    assert list(intake.complaints.current()) == [groin]


# -- Physician clearance ------------------------------------------------------------------------------------------


@pytest.fixture
def cleared_intake(settings, tmp_path, as_user, therapist, referred_intake):
    settings.MEDIA_ROOT = tmp_path
    letter = SimpleUploadedFile("letter.pdf", PDF, content_type="application/pdf")
    as_user(therapist).post(intake_url(referred_intake, "clearances/new/"), clearance_form_data(letter=letter))
    return referred_intake


def test_care_team_therapist_records_a_clearance_with_a_pdf_letter(
    settings, tmp_path, as_user, therapist, referred_intake
):
    settings.MEDIA_ROOT = tmp_path
    letter = SimpleUploadedFile("letter.pdf", PDF, content_type="application/pdf")

    response = as_user(therapist).post(
        intake_url(referred_intake, "clearances/new/"), clearance_form_data(letter=letter), follow=True
    )

    page = response.content.decode()
    assert "Physician clearance recorded." in page
    assert "by Dr. Anita Sharma: massage including abdominal work" in page
    assert "Referral answered by a physician" in page
    clearance = PhysicianClearance.objects.get()
    assert (clearance.letter_content_type, clearance.red_flags_cleared) == (
        "application/pdf",
        ["red_flag.night_pain_unrelieved"],
    )
    referred_intake.client.refresh_from_db()
    assert referred_intake.client.referral_cleared is True


def test_cleared_referral_shows_on_the_client_page_with_a_cleared_badge(as_user, therapist, cleared_intake):
    page = as_user(therapist).get(f"/clients/{cleared_intake.client.public_id}/").content.decode()

    assert "Cleared on" in page
    assert "Night pain investigated; cleared for hip massage." in page
    assert "refer · clearance on file" in page
    assert "abdominal contraindicated" not in page  # what applies after it: the one status line, not a badge
    assert "Abdominal work: allowed (after physician clearance of" in page or "Abdominal work: allowed after" in page


@pytest.mark.parametrize(("who", "status"), [("therapist", 200), ("outsider_therapist", 404), ("front_desk", 404)])
def test_clearance_letter_opens_only_for_those_who_see_the_full_screening(
    request, as_user, cleared_intake, who, status
):
    clearance = PhysicianClearance.objects.get()

    response = as_user(request.getfixturevalue(who)).get(f"/clearances/{clearance.public_id}/letter/")

    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content) == PDF
    response.close()


REFUSED_CLEARANCES = [
    pytest.param(
        lambda: {"letter": SimpleUploadedFile("x.pdf", b"just text", "application/pdf")},
        "must be a PDF, JPEG or PNG",
        id="fake-pdf",
    ),
    pytest.param(
        lambda: {"letter": SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024 - 4))},
        "larger than 10 MB",
        id="over-10-MB",
    ),
    pytest.param(
        lambda: {"cleared_on": (timezone.localdate() + timedelta(days=1)).isoformat()},
        "cannot be in the future",
        id="future-date",
    ),
]


@pytest.mark.parametrize(("overrides", "message"), REFUSED_CLEARANCES)
def test_clearance_with_a_bad_letter_or_date_is_refused_with_a_message(
    settings, tmp_path, as_user, therapist, referred_intake, overrides, message
):
    settings.MEDIA_ROOT = tmp_path

    response = as_user(therapist).post(
        intake_url(referred_intake, "clearances/new/"), clearance_form_data(**overrides())
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not PhysicianClearance.objects.exists()
    referred_intake.client.refresh_from_db()
    assert referred_intake.client.referral_cleared is False


def test_clearance_of_an_intake_that_does_not_refer_stores_nothing_and_says_why(as_user, therapist, groin_intake):
    response = as_user(therapist).post(intake_url(groin_intake, "clearances/new/"), clearance_form_data(), follow=True)

    assert response.redirect_chain == [(intake_url(groin_intake), 302)]
    assert "nothing to clear" in response.content.decode()
    assert not PhysicianClearance.objects.exists()


# -- Audit and cost ------------------------------------------------------------------------------------------------


def entries(action, model, client):
    return LogEntry.objects.filter(
        action=action,
        content_type=ContentType.objects.get_for_model(model),
        additional_data__client=str(client.public_id),
    )


def test_opening_an_intake_records_who_read_the_intake_and_its_screening(as_user, therapist, referred_intake):
    as_user(therapist).get(intake_url(referred_intake))

    client = referred_intake.client
    read_intake = entries(LogEntry.Action.ACCESS, Intake, client).get()
    read_screening = entries(LogEntry.Action.ACCESS, Screening, client).get()
    assert (read_intake.object_pk, read_intake.actor) == (str(referred_intake.pk), therapist)
    assert (read_screening.object_pk, read_screening.actor) == (str(referred_intake.screenings.get().pk), therapist)


def test_taking_an_intake_records_the_creation_of_intake_complaints_and_screening(as_user, front_desk, care_client):
    as_user(front_desk).post(
        f"/clients/{care_client.public_id}/intakes/new/", intake_form_data(complaints=[GROIN, BACK])
    )

    created = LogEntry.Action.CREATE
    assert entries(created, Intake, care_client).count() == 1
    assert entries(created, Complaint, care_client).count() == 2
    assert entries(created, Screening, care_client).count() == 1
    assert set(entries(created, Intake, care_client).values_list("actor__username", flat=True)) == {"desk"}


@pytest.mark.parametrize(("complaints", "reassessments"), [(1, 0), (8, 6)])
@pytest.mark.parametrize("who", ["therapist", "front_desk"])
def test_intake_page_reads_a_fixed_number_of_queries(
    request, as_user, django_assert_max_num_queries, referred_intake, therapist, complaints, reassessments, who
):
    for n in range(1, complaints):
        Complaint(intake=referred_intake, position=n, region="knee", side="left", pain_now=n).save()
    for _ in range(reassessments):
        services.record_assessment(intake=referred_intake, by=therapist, tests={"slr": "negative"})
    h.clear(referred_intake, by=therapist, cleared_on=timezone.localdate(), clinician_name="Dr. A", what="ok")
    browser = as_user(request.getfixturevalue(who))

    with django_assert_max_num_queries(INTAKE_PAGE_MAX_QUERIES):
        response = browser.get(intake_url(referred_intake))

    assert response.status_code == 200


def test_a_clearance_stays_on_the_intake_page_after_a_screening_that_no_longer_refers(
    as_user, therapist, front_desk, cleared_intake
):
    """The page reads clearances when any screening of the intake referred, not only the latest one."""
    complaints = [{"region": c.region, "side": c.side, "pain_now": c.pain_now} for c in cleared_intake.complaints.all()]
    services.update_intake(intake=cleared_intake, by=front_desk, complaints=complaints, red_flags={})
    assert cleared_intake.screenings.first().refer is False  # the latest screening no longer refers

    page = as_user(therapist).get(intake_url(cleared_intake, "")).content.decode()

    assert "Cleared on" in page and "by Dr. Anita Sharma" in page


def test_an_intake_never_referred_shows_no_clearance_section(as_user, therapist, groin_intake):
    page = as_user(therapist).get(intake_url(groin_intake, "")).content.decode()

    assert "Physician clearance" not in page and "Cleared on" not in page
