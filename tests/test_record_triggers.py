"""Signed notes, consents and the audit log are protected below the app: the database's triggers (notes migration
0004) refuse raw SQL that would change or delete them, on SQLite and PostgreSQL alike, while the app's own writes
(drafts, signing, addenda, withdrawal) go on working."""

import uuid

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from intake.models import ClinicalJudgement, Complaint, HealthCheck, Intake, Screening
from notes.models import AbdominalSegment, Addendum, ComplaintPain, Consent, FeedbackEntry, TreatmentSession
from tests.factories import ClientFactory
from tests.record_helpers import clinical_record, run_sql

pytestmark = pytest.mark.django_db


@pytest.fixture
def record(care_client, therapist, front_desk):
    return clinical_record(care_client, therapist=therapist, front_desk=front_desk)


def refused(sql: str, params=()) -> bool:
    """True when the database refuses the statement (inside a savepoint, so the test goes on)."""
    try:
        with transaction.atomic():
            run_sql(sql, params)
    except DatabaseError:
        return True
    return False


def test_raw_sql_cannot_update_a_signed_session(record):
    was_refused = refused(
        "UPDATE notes_treatmentsession SET subjective = 'rewritten' WHERE id = %s", [record.signed.pk]
    )

    assert was_refused
    assert TreatmentSession.objects.get(pk=record.signed.pk).subjective == ""


def test_raw_sql_cannot_unsign_a_signed_session(record):
    was_refused = refused("UPDATE notes_treatmentsession SET status = 'draft' WHERE id = %s", [record.signed.pk])

    assert was_refused
    assert TreatmentSession.objects.get(pk=record.signed.pk).is_signed


def test_raw_sql_cannot_delete_a_signed_session(record):
    was_refused = refused("DELETE FROM notes_treatmentsession WHERE id = %s", [record.signed.pk])

    assert was_refused
    assert TreatmentSession.objects.filter(pk=record.signed.pk).exists()


@pytest.mark.parametrize(
    ("model", "sql"),
    [
        (FeedbackEntry, "UPDATE notes_feedbackentry SET pain = 9 WHERE session_id = %s"),
        (FeedbackEntry, "DELETE FROM notes_feedbackentry WHERE session_id = %s"),
        (ComplaintPain, "UPDATE notes_complaintpain SET after = 0 WHERE session_id = %s"),
        (ComplaintPain, "DELETE FROM notes_complaintpain WHERE session_id = %s"),
        (AbdominalSegment, "UPDATE notes_abdominalsegment SET end_reason = 'stop' WHERE session_id = %s"),
        (AbdominalSegment, "DELETE FROM notes_abdominalsegment WHERE session_id = %s"),
        (Addendum, "UPDATE notes_addendum SET text = 'rewritten' WHERE session_id = %s"),
        (Addendum, "DELETE FROM notes_addendum WHERE session_id = %s"),
    ],
)
def test_raw_sql_cannot_change_or_delete_what_a_signed_session_recorded(record, model, sql):
    before = list(model.objects.filter(session=record.signed).values())

    was_refused = refused(sql, [record.signed.pk])

    assert before and was_refused
    assert list(model.objects.filter(session=record.signed).values()) == before


INSERT_ENTRY = (
    "INSERT INTO notes_feedbackentry (public_id, session_id, segment_id, at, side, technique, pressure, pain, "
    "response, note, token) VALUES (%s, %s, %s, %s, 'right', 'other', 1, 1, 'tender', '', %s)"
)


def insert_entry_params(session):
    return [uuid.uuid4().hex, session.pk, session.segments.get().pk, timezone.now(), uuid.uuid4().hex]


def test_raw_sql_cannot_add_a_feedback_entry_to_a_signed_session(record):
    was_refused = refused(INSERT_ENTRY, insert_entry_params(record.signed))

    assert was_refused
    assert record.signed.entries.count() == 1


def test_the_same_insert_into_a_draft_session_is_accepted(record):
    rows = run_sql(INSERT_ENTRY, insert_entry_params(record.draft))

    assert rows == 1
    assert record.draft.entries.count() == 2


def test_verify_notes_finds_every_signed_session_intact_after_the_refusals(record):
    refused("UPDATE notes_feedbackentry SET pain = 9 WHERE session_id = %s", [record.signed.pk])

    call_command("verify_notes", stdout=open("/dev/null", "w"))  # noqa: SIM115 (raises if a hash no longer matches)

    assert record.signed.content_hash


def test_a_draft_session_and_its_entries_stay_editable(record):
    session_rows = run_sql("UPDATE notes_treatmentsession SET plan = 'Walk daily' WHERE id = %s", [record.draft.pk])
    entry_rows = run_sql("UPDATE notes_feedbackentry SET note = 'eased' WHERE session_id = %s", [record.draft.pk])

    assert (session_rows, entry_rows) == (1, 1)
    assert TreatmentSession.objects.get(pk=record.draft.pk).plan == "Walk daily"
    assert record.draft.entries.get().note == "eased"


def test_a_draft_session_is_not_deleted_either(record):
    assert refused("DELETE FROM notes_treatmentsession WHERE id = %s", [record.draft.pk])
    assert refused("DELETE FROM notes_feedbackentry WHERE session_id = %s", [record.draft.pk])


def test_signing_a_draft_and_adding_an_addendum_still_work_through_the_app(as_user, therapist, record):
    browser = as_user(therapist)

    signed = browser.post(f"/sessions/{record.draft.public_id}/sign/", follow=True)
    added = browser.post(
        f"/sessions/{record.draft.public_id}/addenda/new/", {"reason": "Late detail", "text": "Client slept well."}
    )

    assert signed.status_code == 200 and added.status_code == 302
    assert TreatmentSession.objects.get(pk=record.draft.pk).is_signed
    assert record.draft.addenda.count() == 1


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE notes_consent SET signed_name = 'Someone Else' WHERE id = %s",
        "UPDATE notes_consent SET withdrawal_reason = 'edited' WHERE id = %s",
        "UPDATE notes_consent SET areas = '[\"breast\"]' WHERE id = %s",
        "UPDATE notes_consent SET sdm_name = 'Someone Else', signed_by = 'sdm' WHERE id = %s",
        "DELETE FROM notes_consent WHERE id = %s",
    ],
)
def test_raw_sql_cannot_change_or_delete_a_consent(record, sql):
    before = Consent.objects.filter(pk=record.consent.pk).values().get()

    was_refused = refused(sql, [record.consent.pk])

    assert was_refused
    assert Consent.objects.filter(pk=record.consent.pk).values().get() == before


def test_a_withdrawal_is_the_one_change_a_consent_accepts_and_only_once(record, front_desk):
    withdraw = (
        "UPDATE notes_consent SET withdrawn_at = %s, withdrawn_by_id = %s, withdrawal_reason = 'by phone' WHERE id = %s"
    )

    first = run_sql(withdraw, [timezone.now(), front_desk.pk, record.consent.pk])
    again = refused(withdraw, [timezone.now(), front_desk.pk, record.consent.pk])
    taken_back = refused("UPDATE notes_consent SET withdrawn_at = NULL WHERE id = %s", [record.consent.pk])

    assert first == 1 and again and taken_back
    assert Consent.objects.get(pk=record.consent.pk).withdrawal_reason == "by phone"


def test_a_withdrawal_that_also_changes_the_signature_is_refused(record, front_desk):
    was_refused = refused(
        "UPDATE notes_consent SET withdrawn_at = %s, withdrawn_by_id = %s, signed_name = 'X' WHERE id = %s",
        [timezone.now(), front_desk.pk, record.consent.pk],
    )

    assert was_refused
    assert Consent.objects.get(pk=record.consent.pk).is_active


def test_withdrawal_through_the_app_still_works(as_user, front_desk, record):
    as_user(front_desk).post(f"/consents/{record.consent.public_id}/withdraw/", {"reason": "Changed my mind"})

    record.consent.refresh_from_db()
    assert not record.consent.is_active
    assert record.consent.withdrawal_reason == "Changed my mind"


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE auditlog_logentry SET object_repr = 'tampered' WHERE id = %s",
        "DELETE FROM auditlog_logentry WHERE id = %s",
    ],
)
def test_raw_sql_cannot_change_or_delete_an_audit_entry(record, sql):
    entry = LogEntry.objects.order_by("id").first()

    was_refused = refused(sql, [entry.pk])

    assert was_refused
    assert LogEntry.objects.get(pk=entry.pk).object_repr == entry.object_repr


@pytest.mark.parametrize(
    ("model", "sql"),
    [
        (Intake, "DELETE FROM intake_intake WHERE client_id = %s"),
        (
            Complaint,
            "DELETE FROM intake_complaint WHERE intake_id IN (SELECT id FROM intake_intake WHERE client_id = %s)",
        ),
        (
            Screening,
            "DELETE FROM intake_screening WHERE intake_id IN (SELECT id FROM intake_intake WHERE client_id = %s)",
        ),
    ],
)
def test_raw_sql_cannot_delete_intake_records(record, model, sql):
    was_refused = refused(sql, [record.client.pk])

    assert was_refused
    assert model.objects.filter(pk__isnull=False).exists()


def approved_disposal_under_way(client, *, requested_by, approved_by):
    """What notes.disposal does before deleting: an approved disposal row, named to PostgreSQL's triggers."""
    from notes.models import RecordDisposal

    under_way = RecordDisposal.objects.create(
        client=client,
        reason="test",
        keep_until=timezone.localdate(),
        requested_by=requested_by,
        status=RecordDisposal.Status.APPROVED,
        decided_by=approved_by,
    )
    if connection.vendor == "postgresql":
        run_sql("SELECT set_config('clinic.disposal', %s, true)", [str(under_way.pk)])
    return under_way


def test_an_approved_disposal_lets_deletes_through_for_its_own_client_only(record, clinic_admin, therapist, front_desk):
    other = clinical_record(ClientFactory(care_team=[therapist]), therapist=therapist, front_desk=front_desk)
    approved_disposal_under_way(record.client, requested_by=clinic_admin, approved_by=front_desk)

    other_refused = refused("DELETE FROM notes_consent WHERE client_id = %s", [other.client.pk])
    # Children first, as the disposal deletes them: the visits' agreements name the consent.
    run_sql(
        "DELETE FROM notes_areaconfirmation WHERE session_id IN "
        "(SELECT id FROM notes_treatmentsession WHERE client_id = %s)",
        [record.client.pk],
    )
    own_deleted = run_sql("DELETE FROM notes_consent WHERE client_id = %s", [record.client.pk])

    assert other_refused and own_deleted == 1
    assert Consent.objects.filter(client=other.client).exists()


@pytest.mark.parametrize("table", ["intake_healthcheck", "intake_clinicaljudgement"])
def test_raw_sql_cannot_delete_a_visit_health_check_or_a_clinical_judgement_but_a_disposal_can(
    table, care_client, therapist, front_desk, clinic_admin
):
    from tests import history_helpers as h

    h.complete_chart(care_client, therapist=therapist, desk=front_desk)
    model = {"intake_healthcheck": HealthCheck, "intake_clinicaljudgement": ClinicalJudgement}[table]
    before = model.objects.filter(client=care_client).count()

    was_refused = refused(f"DELETE FROM {table} WHERE client_id = %s", [care_client.pk])  # noqa: S608  (fixed names)

    assert before >= 1 and was_refused
    assert model.objects.filter(client=care_client).count() == before
    approved_disposal_under_way(care_client, requested_by=clinic_admin, approved_by=front_desk)
    assert run_sql(f"DELETE FROM {table} WHERE client_id = %s", [care_client.pk]) == before  # noqa: S608
