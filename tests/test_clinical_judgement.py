"""A care-team therapist's clinical judgement that differs from the iliopsoas flag: recorded with a reason, by
care-team therapists only, shown wherever the flag is, audited; contraindications and referrals cannot be
overridden."""

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType

from intake import services
from intake.models import ClinicalJudgement
from notes.exports import record_for_export
from tests.factories import screened_intake

pytestmark = pytest.mark.django_db

GROIN = {"region": "anterior_hip_groin", "side": "right", "pain_now": 6}
REASON = "Pain reproduced by adductor testing instead; hip flexors are not the source."


@pytest.fixture
def considered(care_client, front_desk, therapist):
    """An intake whose screening says "consider" (resisted hip flexion painful, groin pain, worse on extension)."""
    intake = screened_intake(
        care_client,
        by=front_desk,
        complaints=[GROIN],
        aggravating=["hip_extension"],
        tests={"resisted_hip_flexion": "positive_pain"},
        assessed_by=therapist,
    )
    assert intake.screenings.newest_first().first().iliopsoas == "consider"
    return intake


def latest(intake):
    return intake.screenings.newest_first().first()


def judgement_url(intake):
    return f"/screenings/{latest(intake).public_id}/judgement/"


def judge(as_user, user, intake, **data):
    return as_user(user).post(judgement_url(intake), {"judgement": "not_indicated", "reason": REASON} | data)


def test_a_care_team_therapist_records_a_judgement_with_their_reason(as_user, therapist, care_client, considered):
    response = judge(as_user, therapist, considered)

    assert response.status_code == 302 and response.url == considered.get_absolute_url()
    recorded = ClinicalJudgement.objects.get()
    assert (recorded.recorded_by, recorded.screening, recorded.client) == (therapist, latest(considered), care_client)
    assert (recorded.differs_from, recorded.judgement, recorded.reason) == ("consider", "not_indicated", REASON)
    assert recorded.recorded_at is not None
    care_client.refresh_from_db()
    assert care_client.iliopsoas_judgement == "not_indicated"
    assert care_client.screening_iliopsoas == "consider"  # the screening itself is not changed


@pytest.mark.parametrize("role", ["front_desk", "clinic_admin"])
def test_the_front_desk_and_clinic_admins_may_not_record_a_judgement(as_user, request, role, considered):
    user = request.getfixturevalue(role)

    assert as_user(user).get(judgement_url(considered)).status_code == 403
    assert judge(as_user, user, considered).status_code == 403
    assert not ClinicalJudgement.objects.exists()


def test_a_therapist_outside_the_care_team_gets_not_found(as_user, outsider_therapist, considered):
    assert as_user(outsider_therapist).get(judgement_url(considered)).status_code == 404
    assert judge(as_user, outsider_therapist, considered).status_code == 404
    assert not ClinicalJudgement.objects.exists()


def test_only_care_team_therapists_are_offered_the_control(as_user, therapist, front_desk, clinic_admin, considered):
    link = judgement_url(considered)

    assert link in as_user(therapist).get(considered.get_absolute_url()).content.decode()
    assert link not in as_user(front_desk).get(considered.get_absolute_url()).content.decode()
    assert link not in as_user(clinic_admin).get(considered.get_absolute_url()).content.decode()


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        ("", "Give your reason: a clinical judgement is recorded only with one."),
        ("Feels wrong", "Give your reason in at least 20 characters (you wrote 11)."),
    ],
)
def test_a_judgement_needs_a_reason(as_user, therapist, considered, reason, message):
    response = judge(as_user, therapist, considered, reason=reason)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ClinicalJudgement.objects.exists()


def test_a_contraindication_or_referral_cannot_be_overridden_through_the_form(as_user, therapist, considered):
    response = judge(as_user, therapist, considered, output="abdominal_work")

    assert "A contraindication or a referral cannot be overridden" in response.content.decode()
    assert not ClinicalJudgement.objects.exists()


@pytest.mark.parametrize("output", ["abdominal_work", "refer"])
def test_the_service_refuses_to_override_a_contraindication_or_a_referral(therapist, considered, output):
    with pytest.raises(services.JudgementRefused):
        services.record_clinical_judgement(
            screening_result=latest(considered), by=therapist, judgement="not_indicated", reason=REASON, output=output
        )
    assert not ClinicalJudgement.objects.exists()


def test_a_referral_is_not_overridden_by_a_judgement_to_consider(as_user, therapist, care_client, front_desk):
    referred = screened_intake(
        care_client, by=front_desk, complaints=[GROIN], red_flags={"night_pain_unrelieved": True}
    )

    response = as_user(therapist).post(judgement_url(referred), {"judgement": "consider", "reason": REASON})

    assert "A referral cannot be overridden" in response.content.decode()
    assert not ClinicalJudgement.objects.exists()


def test_a_judgement_the_screening_already_gives_is_refused(as_user, therapist, considered):
    response = judge(as_user, therapist, considered, judgement="consider")

    assert "The screening already says this" in response.content.decode()
    assert not ClinicalJudgement.objects.exists()


def test_the_judgement_is_shown_on_the_intake_client_list_and_history_pages(
    as_user, therapist, care_client, considered
):
    judge(as_user, therapist, considered)
    browser = as_user(therapist)

    intake_page = browser.get(considered.get_absolute_url()).content.decode()
    client_page = browser.get(care_client.get_absolute_url()).content.decode()
    client_list = browser.get("/clients/").content.decode()
    history_page = browser.get(f"/clients/{care_client.public_id}/history/").content.decode()

    words = "Iliopsoas work not indicated, in my clinical judgement"
    assert words in intake_page and REASON in intake_page
    assert words in client_page and REASON in client_page and "therapist: iliopsoas not indicated" in client_page
    assert "therapist: iliopsoas not indicated" in client_list
    assert words in history_page and REASON in history_page


def test_the_pdf_record_holds_the_judgement(as_user, therapist, care_client, considered):
    judge(as_user, therapist, considered)
    care_client.refresh_from_db()  # as the export reads it

    (intake,) = record_for_export(care_client)["intakes"]

    assert intake.judgement.reason == REASON and [j.reason for j in intake.judgements] == [REASON]


def test_the_judgement_is_in_the_audit_log(as_user, therapist, clinic_admin, considered):
    judge(as_user, therapist, considered)

    entry = LogEntry.objects.get(
        content_type=ContentType.objects.get_for_model(ClinicalJudgement), action=LogEntry.Action.CREATE
    )
    assert entry.actor == therapist
    assert entry.changes["reason"][1] == REASON
    assert entry.additional_data["client"] == str(considered.client.public_id)


def test_a_new_screening_with_another_flag_leaves_the_judgement_behind(as_user, therapist, care_client, considered):
    judge(as_user, therapist, considered)

    services.record_assessment(intake=considered, by=therapist, tests={"resisted_hip_flexion": "negative"})

    care_client.refresh_from_db()
    assert care_client.screening_iliopsoas == "not_indicated"
    assert care_client.iliopsoas_judgement == ""
