"""The gate tells the whole truth (issue "The record tells the truth"): a physician's clearance lifts a referral only
for what it permits and until its end date; a health check of today's visit is needed, and a previous day's never
counts; a refusal names every unmet condition with who can meet it; the session page shows that list instead of
the control; the models refuse what the gate refuses, whatever code saves them; the client page says it in one
line. Through HTTP as each role would, and through the ORM as a script would."""

import importlib
import uuid
from datetime import date, timedelta

import pytest
import time_machine
from django.apps import apps as django_apps
from django.utils import timezone

from intake.models import ClearanceScope, HealthCheck, PhysicianClearance, Screening
from notes.gate import (
    CONSENT,
    CONTRAINDICATED,
    HEALTH_CHECK,
    REFERRAL,
    AbdominalWorkRefused,
    check_abdominal_work,
)
from notes.models import AbdominalSegment, Consent, FeedbackEntry
from tests import history_helpers as h
from tests.factories import ClientFactory, clearance_form_data, feedback_form_data, screened_intake
from tests.test_consent_handover import consent_data

pytestmark = pytest.mark.django_db

GROIN = {"region": "anterior_hip_groin", "side": "right", "pain_now": 6}
START = 'name="action" value="start"'  # the "start abdominal work" control
NIGHT_PAIN = {"night_pain_unrelieved": True}
TODAY = timezone.localdate


def referred(client, by, **answers):
    return screened_intake(client, by=by, complaints=[GROIN], red_flags=NIGHT_PAIN, **answers)


def start(browser, session, **extra):
    return browser.post(f"/sessions/{session.public_id}/abdominal/", {"reconfirmed": "on", **extra}, follow=True)


def gate_conditions(session) -> list[str]:
    try:
        check_abdominal_work(session, reconfirmed_now=True, precautions_reviewed=True)
    except AbdominalWorkRefused as refusal:
        return refusal.conditions
    return []


# -- Clearance scope ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scope", "opens"),
    [(ClearanceScope.MASSAGE, False), (ClearanceScope.INCLUDING_ABDOMINAL, True)],
    ids=["massage-no-abdominal", "including-abdominal"],
)
def test_only_a_clearance_that_includes_abdominal_work_opens_the_gate(
    as_user, therapist, front_desk, care_client, scope, opens
):
    intake = referred(care_client, front_desk)
    h.clear(intake, by=therapist, cleared_on=TODAY() - timedelta(days=1), scope=scope)
    h.give_consent(care_client, by=front_desk)
    h.check_in(care_client, by=front_desk)
    session = h.draft_session(care_client, therapist=therapist)

    page = start(as_user(therapist), session).content.decode()

    assert session.segments.exists() is opens
    assert ("Re-confirmation recorded" in page) is opens
    if not opens:
        assert "permits massage without abdominal work" in page
        assert gate_conditions(session) == [REFERRAL]


def test_an_expired_clearance_closes_the_gate_again(as_user, therapist, front_desk, care_client):
    intake = referred(care_client, front_desk)
    h.clear(intake, by=therapist, cleared_on=date(2026, 11, 1), valid_until=date(2026, 11, 30))
    h.give_consent(care_client, by=front_desk)
    h.check_in(care_client, by=front_desk)

    with time_machine.travel(timezone.make_aware(timezone.datetime(2026, 11, 30, 15, 0)), tick=False):
        h.check_in(care_client, by=front_desk)
        inside = h.draft_session(care_client, therapist=therapist)
        assert gate_conditions(inside) == []
    with time_machine.travel(timezone.make_aware(timezone.datetime(2026, 12, 1, 9, 0)), tick=False):
        h.check_in(care_client, by=front_desk)
        after = h.draft_session(care_client, therapist=therapist)
        page = start(as_user(therapist), after).content.decode()
        assert gate_conditions(after) == [REFERRAL]
        assert "ended on 2026-11-30" in page
        assert not after.segments.exists()


def test_a_clearance_never_lifts_a_contraindication_and_its_cautions_still_apply(
    as_user, therapist, front_desk, care_client
):
    intake = referred(care_client, front_desk, history={"anticoagulant_or_bleeding_disorder": True})
    h.clear(intake, by=therapist, cleared_on=TODAY() - timedelta(days=3))
    h.give_consent(care_client, by=front_desk)
    h.check_in(care_client, by=front_desk)
    session = h.draft_session(care_client, therapist=therapist)
    browser = as_user(therapist)

    without_review = start(browser, session).content.decode()
    with_review = start(browser, session, precautions_reviewed="on").content.decode()

    assert "Review these precautions" in without_review
    assert "Re-confirmation recorded" in with_review
    client_page = browser.get(care_client.get_absolute_url()).content.decode()
    cleared_on = (TODAY() - timedelta(days=3)).isoformat()
    assert "Abdominal work: allowed with caution (" in client_page
    assert f"after physician clearance of {cleared_on}" in client_page
    assert "contraindicated" not in client_page.lower()


def test_a_pregnant_client_stays_not_allowed_whatever_the_clearance(as_user, therapist, front_desk, care_client):
    intake = referred(care_client, front_desk, history={"pregnant": True})
    h.clear(intake, by=therapist, cleared_on=TODAY() - timedelta(days=3))
    h.give_consent(care_client, by=front_desk)
    h.check_in(care_client, by=front_desk)
    session = h.draft_session(care_client, therapist=therapist)

    page = as_user(therapist).get(session.get_absolute_url()).content.decode()

    assert START not in page
    assert "A physician&#x27;s clearance does not lift this" in page
    assert "Abdominal work: not allowed (" in page


def test_the_clearance_form_asks_what_it_permits_and_refuses_an_end_before_its_start(
    as_user, therapist, front_desk, care_client
):
    intake = referred(care_client, front_desk)
    browser = as_user(therapist)
    url = f"/intakes/{intake.public_id}/clearances/new/"

    no_scope = browser.post(url, clearance_form_data(scope=""))
    backwards = browser.post(
        url, clearance_form_data(valid_until=(TODAY() - timedelta(days=30)).isoformat(), scope="massage")
    )
    form = browser.get(url).content.decode()

    assert "Choose what the clearance permits" in no_scope.content.decode()
    assert "cannot be before the date of clearance" in backwards.content.decode()
    assert not PhysicianClearance.objects.exists()
    assert 'value="massage" checked' not in form and 'value="massage_abdominal" checked' not in form


# -- Each visit ---------------------------------------------------------------------------------------------------


def test_yesterdays_not_menstruating_does_not_count_today(as_user, therapist, front_desk, care_client):
    screened_intake(care_client, by=front_desk, complaints=[GROIN])
    h.give_consent(care_client, by=front_desk)
    with time_machine.travel(timezone.now() - timedelta(days=1), tick=False):
        h.check_in(care_client, by=front_desk)  # "no change", not menstruating: yesterday
    session = h.draft_session(care_client, therapist=therapist)

    page = start(as_user(therapist), session).content.decode()

    assert gate_conditions(session) == [HEALTH_CHECK]
    assert "Today&#x27;s health check is not recorded" in page
    assert not session.segments.exists()


def test_no_change_is_one_tap_and_changes_nothing_on_the_chart(as_user, front_desk, care_client):
    screened_intake(care_client, by=front_desk, complaints=[GROIN])
    browser = as_user(front_desk)
    url = f"/clients/{care_client.public_id}/health-check/"
    form = browser.get(url).content.decode()

    response = browser.post(url, {"no_change": "1", "menstruating_today": "no"}, follow=True)

    assert "No change since the last visit" in form
    assert "nothing changed on the chart" in response.content.decode()
    check = HealthCheck.objects.get()
    assert (check.no_change, check.visit_day, check.recorded_by) == (True, TODAY(), front_desk)
    assert Screening.objects.count() == 1


def test_a_changed_answer_screens_again_with_the_visit_as_source_and_closes_the_gate(
    as_user, therapist, front_desk, care_client
):
    screened_intake(care_client, by=front_desk, complaints=[GROIN])
    h.give_consent(care_client, by=front_desk)
    answers = {"menstruating_today": "no", "anticoagulant": "no", "pregnant": "yes"}

    as_user(front_desk).post(f"/clients/{care_client.public_id}/health-check/", answers)
    session = h.draft_session(care_client, therapist=therapist)
    page = as_user(therapist).get(session.get_absolute_url()).content.decode()

    latest = Screening.objects.newest_first().first()
    assert latest.health_check == HealthCheck.objects.get()
    assert latest.abdominal_work == "contraindicated"
    assert "Abdominal work: not allowed (" in page
    assert f"visit check of {TODAY().isoformat()})" in page
    assert START not in page


def test_menstruating_today_holds_for_that_day_only(therapist, front_desk, care_client):
    with time_machine.travel(timezone.now() - timedelta(days=1), tick=False):
        screened_intake(care_client, by=front_desk, complaints=[GROIN])
        h.check_in(care_client, by=front_desk, menstruating_today=True)
    assert Screening.objects.newest_first().first().abdominal_work == "caution"

    h.check_in(care_client, by=front_desk)  # today: no change, not menstruating

    latest = Screening.objects.newest_first().first()
    assert (latest.abdominal_work, latest.answers["history"]["menstruating_today"]) == ("ok", False)


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("front_desk", 200),
        ("therapist", 200),
        ("clinic_admin", 200),
        ("outsider_therapist", 404),
        ("no_role_user", 403),
    ],
)
def test_who_may_record_a_health_check(request, as_user, front_desk, care_client, who, status):
    screened_intake(care_client, by=front_desk, complaints=[GROIN])
    browser = as_user(request.getfixturevalue(who))
    url = f"/clients/{care_client.public_id}/health-check/"

    got = browser.get(url)
    posted = browser.post(url, {"no_change": "1", "menstruating_today": "no"})

    assert got.status_code == status
    assert HealthCheck.objects.exists() is (status == 200)
    assert posted.status_code == (302 if status == 200 else status)


def test_a_bad_health_check_answer_is_shown_and_nothing_is_saved(as_user, front_desk, care_client):
    screened_intake(care_client, by=front_desk, complaints=[GROIN])
    response = as_user(front_desk).post(
        f"/clients/{care_client.public_id}/health-check/",
        {"menstruating_today": "maybe", "anticoagulant": "no", "pregnant": "no", "abdominal_surgery_weeks_ago": "-3"},
    )

    assert response.status_code == 200
    assert "Nothing was saved" in response.content.decode()
    assert not HealthCheck.objects.exists()


# -- Every refusal says everything --------------------------------------------------------------------------------


def test_a_referred_unconsented_client_is_told_both_conditions_and_who_can_meet_them(
    as_user, therapist, front_desk, care_client
):
    referred(care_client, front_desk)
    h.check_in(care_client, by=front_desk)
    session = h.draft_session(care_client, therapist=therapist)
    browser = as_user(therapist)

    shown = browser.get(session.get_absolute_url()).content.decode()
    refused = start(browser, session).content.decode()

    assert gate_conditions(session) == [CONSENT, REFERRAL]
    for page in (shown, refused):
        assert "No abdominal-work consent on file" in page
        assert "refers the client to a physician" in page
        assert "front desk or the therapist" in page
        assert "from the physician&#x27;s letter" in page
    assert START not in shown


def test_the_control_appears_only_when_the_gate_can_pass(as_user, therapist, front_desk, care_client):
    screened_intake(care_client, by=front_desk, complaints=[GROIN])
    h.give_consent(care_client, by=front_desk)
    session = h.draft_session(care_client, therapist=therapist)
    browser = as_user(therapist)

    before = browser.get(session.get_absolute_url()).content.decode()
    h.check_in(care_client, by=front_desk)
    after = browser.get(session.get_absolute_url()).content.decode()

    assert START not in before and "gate-unmet" in before
    assert START in after and "gate-unmet" not in after


def test_the_front_desk_is_told_first_and_may_still_record_the_consent(as_user, front_desk):
    client = ClientFactory()
    screened_intake(client, by=front_desk, complaints=[GROIN], history={"pregnant": True})
    browser = as_user(front_desk)
    url = f"/clients/{client.public_id}/consents/new/?kind=abdominal"

    page = browser.get(url).content.decode()
    treatment_page = browser.get(f"/clients/{client.public_id}/consents/new/?kind=treatment").content.decode()
    recorded = browser.post(url, consent_data(client))

    assert "Abdominal work is not allowed for this client now" in page
    assert "a health answer makes abdominal work contraindicated" in page
    assert "Pregnant" not in page  # the front desk sees the summary, not the clinical reason
    assert "not allowed for this client" not in treatment_page
    assert recorded.status_code == 302
    assert Consent.objects.filter(client=client, kind="abdominal").exists()


def test_starting_a_session_without_a_treatment_consent_warns_the_therapist(
    as_user, therapist, front_desk, care_client
):
    screened_intake(care_client, by=front_desk, complaints=[GROIN])
    browser = as_user(therapist)
    url = f"/clients/{care_client.public_id}/sessions/new/"

    without = browser.get(url).content.decode()
    h.give_consent(care_client, by=front_desk, kind="treatment")
    with_consent = browser.get(url).content.decode()

    assert "No active treatment consent." in without
    assert "No active treatment consent." not in with_consent


# -- The models refuse too ----------------------------------------------------------------------------------------


def test_the_orm_refuses_a_stretch_the_gate_refuses(therapist, front_desk, care_client):
    referred(care_client, front_desk)
    session = h.draft_session(care_client, therapist=therapist)

    with pytest.raises(AbdominalWorkRefused) as refused:
        AbdominalSegment.objects.create(session=session, reconfirmed_by=therapist)

    assert refused.value.conditions == [CONSENT, REFERRAL, HEALTH_CHECK]
    assert not AbdominalSegment.objects.exists()


def test_the_orm_refuses_an_entry_once_consent_is_withdrawn(therapist, front_desk, care_client):
    screened_intake(care_client, by=front_desk, complaints=[GROIN])
    consent = h.give_consent(care_client, by=front_desk)
    session = h.draft_session(care_client, therapist=therapist)
    segment = h.open_abdominal_work(session, by=therapist)
    consent.withdrawn_at = timezone.now()  # as a script would, without the service that closes the stretch
    consent.withdrawn_by = front_desk
    consent.save()

    with pytest.raises(AbdominalWorkRefused) as refused:
        FeedbackEntry.objects.create(
            session=session,
            segment=segment,
            side="right",
            technique="sustained_pressure",
            pressure=2,
            pain=3,
            response="tender",
            token=uuid.uuid4(),
        )

    assert refused.value.conditions[0] == CONSENT
    assert not FeedbackEntry.objects.exists()


def test_the_orm_lets_through_what_the_gate_lets_through(as_user, therapist, front_desk, care_client):
    screened_intake(care_client, by=front_desk, complaints=[GROIN])
    h.give_consent(care_client, by=front_desk)
    h.check_in(care_client, by=front_desk)
    session = h.draft_session(care_client, therapist=therapist)

    segment = AbdominalSegment.objects.create(session=session, reconfirmed_by=therapist)
    as_user(therapist).post(f"/sessions/{session.public_id}/feedback/", feedback_form_data())

    assert FeedbackEntry.objects.get().segment == segment


# -- Clearances recorded before scopes ----------------------------------------------------------------------------

SCOPE_MIGRATION = importlib.import_module("intake.migrations.0002_clearance_scope_and_visit_health_check")


@pytest.mark.parametrize(
    ("words", "includes"),
    [
        ("Cleared for gentle massage including the hip flexors and the abdomen", True),
        ("OK for iliopsoas work", True),
        ("Abdominal work is fine", True),
        ("Cleared for massage", False),
        ("Night pain investigated; cleared for hip massage.", False),
        ("Massage ok, no abdominal work", False),
        ("Massage fine but avoid the abdomen", False),
        ("Abdominal work not cleared", False),
    ],
)
def test_old_clearances_include_abdominal_work_only_when_their_words_clearly_say_so(
    therapist, front_desk, care_client, words, includes
):
    intake = referred(care_client, front_desk)
    clearance = h.clear(intake, by=therapist, what=words, scope=ClearanceScope.MASSAGE)  # as every old row became

    SCOPE_MIGRATION.scope_existing_clearances(django_apps, None)

    clearance.refresh_from_db()
    assert clearance.includes_abdominal_work is includes


def test_a_client_recorded_as_male_is_not_asked_about_menstruation(as_user, front_desk, care_client):
    screened_intake(care_client, by=front_desk, complaints=[GROIN], sex="M")
    browser = as_user(front_desk)
    url = f"/clients/{care_client.public_id}/health-check/"

    page = browser.get(url).content.decode()
    response = browser.post(url, {"no_change": "1"})

    assert "Menstruating today?" not in page
    assert response.status_code == 302
    assert HealthCheck.objects.get().menstruating_today is False


def test_a_referred_pregnant_client_is_told_of_both_the_contraindication_and_the_referral(
    as_user, therapist, front_desk, care_client
):
    referred(care_client, front_desk, history={"pregnant": True})
    h.give_consent(care_client, by=front_desk)
    h.check_in(care_client, by=front_desk, pregnant=True)
    session = h.draft_session(care_client, therapist=therapist)

    page = as_user(therapist).get(session.get_absolute_url()).content.decode()

    assert gate_conditions(session) == [CONTRAINDICATED, REFERRAL]
    assert "marks abdominal work contraindicated" in page
    assert "refers the client to a physician" in page
