"""Retention: every client shows until when their record must be kept; archived clients stay readable; nothing
clinical is deleted before that date, and after it only when one clinic admin requests and another approves."""

import re
from contextlib import contextmanager
from datetime import date, timedelta
from io import BytesIO
from pathlib import Path
from unittest import mock

import pytest
from auditlog.models import LogEntry
from django.conf import settings
from django.test import Client as Browser
from django.utils import timezone
from pypdf import PdfReader

from clinic.models import Client
from clinic.services import archive_client
from intake.models import Complaint, HealthCheck, Intake, Screening
from notes import disposal, services
from notes.models import (
    AbdominalSegment,
    Addendum,
    AreaConfirmation,
    ComplaintOutcome,
    ComplaintPain,
    ComplaintPeriodMean,
    Consent,
    FeedbackEntry,
    RecordDisposal,
    TreatmentSession,
)
from notes.retention import add_years
from tests import factories
from tests import history_helpers as h
from tests.record_helpers import GROIN, clinical_record, session_with_feedback
from tests.second_factor_helpers import device_of, verified, verified_browser

pytestmark = pytest.mark.django_db

BORN = date(1980, 5, 17)
CLINICAL_MODELS = (Intake, Complaint, Screening, Consent, TreatmentSession, ComplaintPain, AbdominalSegment)
CLINICAL_MODELS += (FeedbackEntry, Addendum)


@pytest.fixture
def record(therapist, front_desk):
    client = factories.ClientFactory(
        first_name="Maya", last_name="Chen", date_of_birth=BORN, phone="416-555-0100", care_team=[therapist]
    )
    return clinical_record(client, therapist=therapist, front_desk=front_desk)


@pytest.fixture
def second_admin(db):
    admin = factories.clinic_admin_user(username="boss2")
    device_of(admin)  # an authenticator app set up long before any request for disposal
    return admin


@contextmanager
def years_later(years: int):
    """Run as if `years` years had passed (django.utils.timezone.now, which localdate() and the services use)."""
    moment = timezone.now() + timedelta(days=366 * years)
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield moment


def signed_in(user) -> Browser:
    browser = Browser()
    browser.force_login(user)
    return browser


def clinical_rows(client) -> int:
    counts = [
        Intake.objects.filter(client=client).count(),
        Complaint.objects.filter(intake__client=client).count(),
        Screening.objects.filter(intake__client=client).count(),
        HealthCheck.objects.filter(client=client).count(),
        Consent.objects.filter(client=client).count(),
        TreatmentSession.objects.filter(client=client).count(),
        ComplaintPain.objects.filter(session__client=client).count(),
        AbdominalSegment.objects.filter(session__client=client).count(),
        FeedbackEntry.objects.filter(session__client=client).count(),
        Addendum.objects.filter(session__client=client).count(),
        AreaConfirmation.objects.filter(session__client=client).count(),
        ComplaintOutcome.objects.filter(complaint__intake__client=client).count(),
        ComplaintPeriodMean.objects.filter(complaint__intake__client=client).count(),
    ]
    return sum(counts)


def expected_keep_until() -> date:
    return add_years(timezone.localdate(), 10)


# -- Showing the retention date ------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["front_desk", "therapist", "clinic_admin"])
def test_the_client_page_shows_until_when_the_record_is_kept(request, record, role):
    user = request.getfixturevalue(role)

    page = signed_in(user).get(f"/clients/{record.client.public_id}/").content.decode()

    assert "Keep this record until" in page
    assert f"{expected_keep_until():%Y-%m-%d}" in page
    assert f"last entry ({timezone.localdate():%Y-%m-%d})" in page


def test_a_child_client_is_kept_ten_years_after_their_18th_birthday(therapist, front_desk, clinic_admin):
    child = factories.ClientFactory(date_of_birth=date(2016, 2, 29), care_team=[therapist])
    clinical_record(child, therapist=therapist, front_desk=front_desk)

    page = signed_in(clinic_admin).get(f"/clients/{child.public_id}/").content.decode()

    # 18 on 2034-03-01 (no 29 February in 2034), kept until 2044-03-01.
    assert "2044-03-01" in page


def test_the_history_page_and_the_pdf_show_the_retention_date(therapist, record):
    browser = signed_in(therapist)

    history = browser.get(f"/clients/{record.client.public_id}/history/").content.decode()
    pdf = browser.get(f"/clients/{record.client.public_id}/export.pdf")
    text = " ".join(page.extract_text() or "" for page in PdfReader(BytesIO(pdf.content)).pages)

    assert f"{expected_keep_until():%Y-%m-%d}" in history
    assert "Keep until" in text and f"{expected_keep_until():%Y-%m-%d}" in text


def retention_panel(page: str) -> str:
    return re.search(r'<section class="card mt-3 record-retention".*?</section>', page, re.S).group()


def dates_in(text: str) -> list[date]:
    return [date.fromisoformat(day) for day in re.findall(r"\d{4}-\d{2}-\d{2}", text)]


def born_years_ago(years: int) -> date:
    return add_years(timezone.localdate(), -years)


NO_VISIT_YET = "10 years after the last visit (no visit yet)"


@pytest.mark.parametrize("role", ["front_desk", "therapist", "clinic_admin"])
def test_a_new_adult_client_s_record_shows_no_date_in_the_past_but_that_there_is_no_visit_yet(request, role):
    # Born in 1980: the 18th birthday's rule alone would say 2008-05-17, long past.
    client = factories.ClientFactory(date_of_birth=BORN, care_team=[request.getfixturevalue("therapist")])

    page = signed_in(request.getfixturevalue(role)).get(f"/clients/{client.public_id}/").content.decode()

    panel = retention_panel(page)
    assert NO_VISIT_YET in panel
    assert dates_in(panel) == []
    assert "2008-05-17" not in page
    assert f"/clients/{client.public_id}/disposal/new/" not in page


def test_a_new_client_s_record_cannot_be_disposed_of_and_its_pdf_says_why(clinic_admin):
    client = factories.ClientFactory(date_of_birth=BORN)
    browser = signed_in(clinic_admin)

    form_page = browser.get(f"/clients/{client.public_id}/disposal/new/").content.decode()
    refused = browser.post(f"/clients/{client.public_id}/disposal/new/", {"reason": "Never came in"})
    pdf = browser.get(f"/clients/{client.public_id}/export.pdf")
    text = " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(BytesIO(pdf.content)).pages)

    assert NO_VISIT_YET in form_page
    assert refused.status_code == 409
    assert "no visit yet" in refused.content.decode()
    assert not RecordDisposal.objects.exists()
    assert f"Keep until {NO_VISIT_YET}" in text
    assert "2008-05-17" not in text


def test_a_minor_with_no_visit_yet_is_kept_at_least_until_their_28th_birthday(therapist):
    child = factories.ClientFactory(date_of_birth=born_years_ago(6), care_team=[therapist])

    panel = retention_panel(signed_in(therapist).get(f"/clients/{child.public_id}/").content.decode())

    assert NO_VISIT_YET in panel
    assert (
        f'at least until <strong class="retention-date">{add_years(child.date_of_birth, 28):%Y-%m-%d}</strong>' in panel
    )
    assert all(day > timezone.localdate() for day in dates_in(panel))


@pytest.mark.parametrize(
    ("age", "rule"),
    [
        (6, "28th birthday"),
        # A minor's 28th birthday is more than 10 years away: it is always the later date.
        (17, "28th birthday"),
        # At 19 the 28th birthday is 9 years away: 10 years after today's visit is later.
        (19, "last visit"),
        (45, "last visit"),
    ],
)
def test_a_visited_record_is_kept_until_the_later_of_the_28th_birthday_and_10_years_after_the_visit(
    therapist, front_desk, age, rule
):
    client = factories.ClientFactory(date_of_birth=born_years_ago(age), care_team=[therapist])
    h.take_intake(client, by=front_desk)

    panel = retention_panel(signed_in(therapist).get(f"/clients/{client.public_id}/").content.decode())

    today = timezone.localdate()
    expected = add_years(client.date_of_birth, 28) if rule == "28th birthday" else add_years(today, 10)
    assert expected == max(add_years(client.date_of_birth, 28), add_years(today, 10))
    assert f'Keep this record until <strong class="retention-date">{expected:%Y-%m-%d}</strong>' in panel
    assert NO_VISIT_YET not in panel
    assert min(dates_in(panel)) >= today


def test_the_last_entry_is_the_latest_write_of_any_kind(therapist, front_desk, record):
    later = timezone.now() + timedelta(days=40)
    with mock.patch("django.utils.timezone.now", return_value=later):
        factories.screened_intake(record.client, by=front_desk)

    kept = disposal.retention_for(record.client)

    assert kept.last_entry == timezone.localtime(later).date()
    assert kept.keep_until == add_years(timezone.localtime(later).date(), 10)


def test_every_kind_of_clinical_write_moves_the_kept_last_entry(therapist, front_desk):
    """The retention date counts from `Client.record_written_at`, kept in each write's transaction: each kind of
    clinical record moves it to its own moment (intake and screening, consent given and withdrawn, session, entry,
    addendum)."""
    client = factories.ClientFactory(date_of_birth=BORN, care_team=[therapist])

    def kept():
        return Client.objects.get(pk=client.pk).record_written_at

    before_any = kept()
    intake = factories.screened_intake(client, by=front_desk, complaints=[GROIN])
    after_intake = kept()
    given = h.give_consent(client, by=front_desk)
    after_consent = kept()
    session = session_with_feedback(client, therapist)
    entry = session.entries.latest("at")
    session_saved = TreatmentSession.objects.get(pk=session.pk).updated_at
    after_session = kept()
    withdrawn = h.withdraw(given, by=front_desk)
    after_withdrawal = kept()
    signed = services.sign_session(session=session, by=therapist)
    note = h.add_addendum(signed, by=therapist, reason="Typo", text="Pressure 2.")

    assert before_any is None
    assert after_intake == max(intake.updated_at, intake.screenings.get().screened_at)
    assert after_consent == given.signed_at
    assert after_session == max(entry.at, session_saved)
    assert after_withdrawal == withdrawn.withdrawn_at
    assert kept() == note.at
    assert disposal.retention_for(client).last_entry == timezone.localtime(note.at).date()


def test_a_later_feedback_entry_or_addendum_moves_the_last_entry(therapist, record):
    session = TreatmentSession.objects.filter(client=record.client).first()
    later = timezone.now() + timedelta(days=70)
    Addendum.objects.create(session=session, author=therapist, at=later, reason="Late note", text="Phoned.")

    assert disposal.retention_for(record.client).last_entry == timezone.localtime(later).date()


# -- Archived clients stay readable ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["therapist", "clinic_admin"])
def test_an_archived_client_s_record_stays_readable(request, record, clinic_admin, role):
    archive_client(client=record.client, archived_by=clinic_admin, reason="Moved away")
    browser = signed_in(request.getfixturevalue(role))

    pages = [
        browser.get(f"/clients/{record.client.public_id}/"),
        browser.get(f"/clients/{record.client.public_id}/history/"),
        browser.get(f"/sessions/{record.signed.public_id}/"),
        browser.get(f"/consents/{record.consent.public_id}/"),
        browser.get(f"/clients/{record.client.public_id}/export.pdf"),
        browser.get(f"/clients/{record.client.public_id}/export.csv.zip"),
    ]

    assert [page.status_code for page in pages] == [200] * 6
    assert "Archived on" in pages[0].content.decode()
    assert f"{expected_keep_until():%Y-%m-%d}" in pages[1].content.decode()


# -- Who may request and approve ------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["front_desk", "therapist", "no_role_user"])
def test_only_clinic_admins_reach_the_disposal_pages(request, record, clinic_admin, role):
    with years_later(30):
        requested = disposal.request_disposal(client=record.client, by=clinic_admin, reason="Retention over")
        browser = signed_in(request.getfixturevalue(role))

        responses = [
            browser.get(f"/clients/{record.client.public_id}/disposal/new/"),
            browser.post(f"/clients/{record.client.public_id}/disposal/new/", {"reason": "Retention over"}),
            browser.get(f"/disposals/{requested.public_id}/"),
            browser.post(f"/disposals/{requested.public_id}/approve/"),
            browser.post(f"/disposals/{requested.public_id}/cancel/"),
        ]

    assert [response.status_code for response in responses] == [403] * 5
    assert clinical_rows(record.client) > 0
    assert RecordDisposal.objects.get().status == RecordDisposal.Status.REQUESTED


def test_the_client_page_offers_disposal_only_to_clinic_admins_after_the_date(record, clinic_admin, therapist):
    with years_later(30):
        admin_page = signed_in(clinic_admin).get(f"/clients/{record.client.public_id}/").content.decode()
        therapist_page = signed_in(therapist).get(f"/clients/{record.client.public_id}/").content.decode()
    today_page = signed_in(clinic_admin).get(f"/clients/{record.client.public_id}/").content.decode()

    link = f"/clients/{record.client.public_id}/disposal/new/"
    assert link in admin_page
    assert link not in therapist_page
    assert link not in today_page and "Nothing clinical can be deleted before that date" in today_page


def test_a_disposal_requested_before_the_retention_date_is_refused_with_the_date(record, clinic_admin):
    response = signed_in(clinic_admin).post(
        f"/clients/{record.client.public_id}/disposal/new/", {"reason": "Client asked us to delete everything"}
    )

    assert response.status_code == 409
    assert f"must be kept until {expected_keep_until():%Y-%m-%d}" in response.content.decode()
    assert not RecordDisposal.objects.exists()


def test_a_disposal_needs_a_reason(record, clinic_admin):
    with years_later(30):
        response = signed_in(clinic_admin).post(f"/clients/{record.client.public_id}/disposal/new/", {"reason": " "})

    assert response.status_code == 400
    assert not RecordDisposal.objects.exists()


def test_the_admin_who_requested_cannot_approve(record, clinic_admin):
    with years_later(30):
        browser = signed_in(clinic_admin)
        browser.post(f"/clients/{record.client.public_id}/disposal/new/", {"reason": "Retention over"})
        requested = RecordDisposal.objects.get()
        page = browser.get(f"/disposals/{requested.public_id}/").content.decode()
        response = browser.post(f"/disposals/{requested.public_id}/approve/", follow=True)

    assert "a different clinic admin must approve" in page
    assert "A different clinic admin must approve" in response.content.decode()
    assert RecordDisposal.objects.get().status == RecordDisposal.Status.REQUESTED
    assert Client.objects.get(pk=record.client.pk).first_name == "Maya"
    assert clinical_rows(record.client) > 0


def test_approval_is_refused_when_the_retention_date_has_not_passed_at_approval(record, clinic_admin, second_admin):
    with years_later(30):
        requested = disposal.request_disposal(client=record.client, by=clinic_admin, reason="Retention over")

    response = verified_browser(second_admin).post(f"/disposals/{requested.public_id}/approve/", follow=True)

    assert "must be kept until" in response.content.decode()
    assert RecordDisposal.objects.get().status == RecordDisposal.Status.REQUESTED
    assert clinical_rows(record.client) > 0


def test_a_second_admin_approves_and_the_clinical_record_goes_in_one_transaction(record, clinic_admin, second_admin):
    before = clinical_rows(record.client)
    other = factories.ClientFactory()
    kept_elsewhere = clinical_record(other, therapist=record.signed.therapist, front_desk=record.consent.collected_by)
    with years_later(30):
        signed_in(clinic_admin).post(f"/clients/{record.client.public_id}/disposal/new/", {"reason": "Retention over"})
        requested = RecordDisposal.objects.get()
        response = verified_browser(second_admin).post(f"/disposals/{requested.public_id}/approve/", follow=True)

    done = RecordDisposal.objects.get()
    client = Client.objects.get(pk=record.client.pk)
    assert "was disposed of" in response.content.decode()
    assert (done.status, done.requested_by, done.decided_by) == ("carried_out", clinic_admin, second_admin)
    assert sum(done.counts.values()) == before and done.counts["sessions"] == 2
    assert clinical_rows(client) == 0
    assert clinical_rows(kept_elsewhere.client) == before
    assert client.is_archived and client.first_name == "Disposed" and client.phone == ""
    assert client.date_of_birth == date(1980, 1, 1)


def test_the_audit_log_keeps_who_asked_who_approved_and_the_counts_but_no_clinical_content(
    record, clinic_admin, second_admin
):
    with years_later(30):
        requested = disposal.request_disposal(client=record.client, by=clinic_admin, reason="Retention over")
        disposal.approve_disposal(disposal=requested, by=verified(second_admin))

    entries = LogEntry.objects.filter(
        content_type__model="recorddisposal", additional_data__client=str(record.client.public_id)
    ).order_by("id")
    changes = " ".join(str(entry.changes) for entry in entries)
    assert entries.count() >= 2
    assert str(clinic_admin.pk) in changes and str(second_admin.pk) in changes
    assert "sessions" in changes and "carried_out" in changes
    assert "Pressure was 2, not 3." not in changes  # the addendum's text


def test_an_open_request_can_be_cancelled_and_the_record_is_kept(record, clinic_admin, second_admin):
    with years_later(30):
        requested = disposal.request_disposal(client=record.client, by=clinic_admin, reason="Retention over")
        signed_in(second_admin).post(f"/disposals/{requested.public_id}/cancel/")
        approve = signed_in(second_admin).post(f"/disposals/{requested.public_id}/approve/", follow=True)

    assert RecordDisposal.objects.get().status == RecordDisposal.Status.CANCELLED
    assert "no longer waiting for approval" in approve.content.decode()
    assert clinical_rows(record.client) > 0


def test_services_refuse_a_disposal_by_anyone_but_a_clinic_admin(record, therapist):
    with years_later(30), pytest.raises(disposal.DisposalRefused, match="Only a clinic admin"):
        disposal.request_disposal(client=record.client, by=therapist, reason="Retention over")


def test_disposal_posts_need_the_csrf_token_and_approval_refuses_get(record, clinic_admin, second_admin):
    with years_later(30):
        requested = disposal.request_disposal(client=record.client, by=clinic_admin, reason="Retention over")
        browser = Browser(enforce_csrf_checks=True)
        browser.force_login(second_admin)
        browser.get(f"/disposals/{requested.public_id}/")
        assert settings.CSRF_COOKIE_NAME in browser.cookies
        without_token = browser.post(f"/disposals/{requested.public_id}/approve/")
        by_get = browser.get(f"/disposals/{requested.public_id}/approve/")

    assert (without_token.status_code, by_get.status_code) == (403, 405)
    assert RecordDisposal.objects.get().status == RecordDisposal.Status.REQUESTED


def test_after_disposal_the_client_page_says_so_to_every_role(record, clinic_admin, second_admin, front_desk):
    with years_later(30):
        requested = disposal.request_disposal(client=record.client, by=clinic_admin, reason="Retention over")
        disposal.approve_disposal(disposal=requested, by=verified(second_admin))
        page = signed_in(front_desk).get(f"/clients/{record.client.public_id}/").content.decode()

    assert "The clinical record was disposed of" in page
    assert "Maya" not in page and "416-555-0100" not in page
    assert f"/disposals/{requested.public_id}/" not in page


def test_disposal_removes_a_clearance_letter_once_it_commits(
    record, clinic_admin, second_admin, front_desk, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    referred = factories.screened_intake(record.client, by=front_desk, red_flags={"night_pain_unrelieved": True})
    clearance = h.clear(
        referred, by=front_desk, cleared_on=timezone.localdate(), what="Soft-tissue work", letter=b"%PDF-1.4 letter"
    )
    letter = Path(clearance.letter.path)
    assert letter.exists()

    with years_later(30), django_capture_on_commit_callbacks(execute=True):
        requested = disposal.request_disposal(client=record.client, by=clinic_admin, reason="Retention over")
        done = disposal.approve_disposal(disposal=requested, by=verified(second_admin))

    assert done.counts["physician clearances"] == 1
    assert not letter.exists()


def test_disposal_takes_away_every_personal_field_the_client_form_edits(record, clinic_admin, second_admin):
    """One list of a client's personal fields (Client.PERSONAL_FIELDS) serves the client form and the
    anonymisation: a field added to the form cannot escape disposal."""
    from clinic.forms import ClientForm

    client = record.client
    for name in ("preferred_name", "pronouns", "email", "address", "desk_notes", "referral_detail"):
        setattr(client, name, "Something personal")
    client.save()
    with years_later(11):
        requested = disposal.request_disposal(client=client, by=clinic_admin, reason="Past retention")
        disposal.approve_disposal(disposal=requested, by=verified(second_admin))

    gone = Client.objects.get(pk=client.pk)
    personal = {name: getattr(gone, name) for name in Client.PERSONAL_FIELDS}

    assert set(ClientForm._meta.fields) - {"care_team"} == set(Client.PERSONAL_FIELDS)
    assert personal["first_name"] == disposal.ANONYMISED_FIRST_NAME
    assert personal["date_of_birth"] == date(BORN.year, 1, 1)
    assert "Maya" not in str(personal) and "Chen" not in str(personal) and "Something" not in str(personal)
    assert (gone.screened_at, gone.screening_iliopsoas, gone.record_written_at, gone.last_session_at) == (
        None,
        "",
        None,
        None,
    )
