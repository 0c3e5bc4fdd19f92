"""Retention of a client's clinical record, and its disposal once the retention date has passed.

The rule is in notes/retention.py; here are the reads (when was the last entry, until when must the record be
kept) and the writes: a clinic admin requests a disposal with a reason; a different clinic admin, who passed the
second factor and whose account, role and second factor are older than the request, approves it, and in that one
transaction the clinical rows are deleted and the client is anonymised and archived. The database's triggers (notes
migration 0004) refuse those deletes at any other time.
"""

from dataclasses import dataclass
from datetime import date, datetime

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone

from clinic import local_time, roles
from clinic.models import Client, User
from intake.models import PhysicianClearance
from notes import retention
from notes.models import (
    RecordDisposal,
)

ANONYMISED_FIRST_NAME = "Disposed"


class DisposalRefused(Exception):
    """A disposal that may not be requested, approved or cancelled; the message says why."""


@dataclass(frozen=True)
class Retention:
    last_entry: date | None
    # None while the record has no entry: it is kept 10 years after the last visit, not made yet.
    keep_until: date | None
    may_dispose: bool
    # With no entry yet, a minor's record is kept at least until this day (10 years after their 18th birthday).
    at_least_until: date | None = None


def last_entry_at(client: Client) -> datetime | None:
    """When anything was last written in the client's clinical record, as the database has it now: kept on the
    client (`Client.record_written_at`) in the transaction of each write. One query (the instance may be older)."""
    return Client.objects.filter(pk=client.pk).values_list("record_written_at", flat=True).first()


def latest_disposal(client: Client) -> RecordDisposal | None:
    """The client's latest disposal not cancelled, with who asked and who decided: one query for a client who
    ever had one asked for (`Client.disposal_requested_at`), none for the rest."""
    if client.disposal_requested_at is None:
        return None
    return (
        RecordDisposal.objects.filter(client=client)
        .exclude(status=RecordDisposal.Status.CANCELLED)
        .select_related("requested_by", "decided_by")
        .order_by("-requested_at", "-id")
        .first()
    )


def _retention(client: Client, last: datetime | None, today: date | None) -> Retention:
    last_day = timezone.localtime(last).date() if last is not None else None
    kept_until = retention.keep_until(born=client.date_of_birth, last_entry=last_day)
    today = today or timezone.localdate()
    at_least_until = None if last_day else retention.kept_at_least_until(born=client.date_of_birth, today=today)
    return Retention(
        last_entry=last_day,
        keep_until=kept_until,
        may_dispose=retention.may_dispose(kept_until=kept_until, today=today),
        at_least_until=at_least_until,
    )


def retention_for(client: Client, *, today: date | None = None) -> Retention:
    return _retention(client, last_entry_at(client), today)


def retention_as_loaded(client: Client) -> Retention:
    """The retention of a client loaded moments ago (an export): from its kept summary, no query."""
    return _retention(client, client.record_written_at, None)


def retention_and_disposal(client: Client) -> tuple[Retention, RecordDisposal | None]:
    """The retention of the client's record and their latest disposal not cancelled, for the pages that show both:
    one query. `client` as the page loaded it, at the start of the request."""
    return _retention(client, client.record_written_at, None), latest_disposal(client)


def _require_clinic_admin(user: User) -> None:
    if not user.is_clinic_admin:
        raise DisposalRefused("Only a clinic admin may request, approve or cancel the disposal of a record.")


def _require_past_retention(client: Client) -> Retention:
    kept = retention_for(client)
    if kept.keep_until is None:
        raise DisposalRefused(
            "This record has no visit yet: it is kept 10 years after the last visit, and only then disposed of."
        )
    if not kept.may_dispose:
        raise DisposalRefused(
            f"This record must be kept until {local_time.day(kept.keep_until)}: it may be disposed of only after "
            "that date."
        )
    return kept


@transaction.atomic
def request_disposal(*, client: Client, by: User, reason: str) -> RecordDisposal:
    """Ask for a client's clinical record to be disposed of; a second clinic admin must approve."""
    _require_clinic_admin(by)
    reason = reason.strip()
    if not reason:
        raise DisposalRefused("Say why the record is to be disposed of.")
    client = Client.objects.select_for_update().get(pk=client.pk)
    if RecordDisposal.objects.filter(client=client, status=RecordDisposal.Status.REQUESTED).exists():
        raise DisposalRefused("A disposal of this record is already waiting for approval.")
    kept = _require_past_retention(client)
    disposal = RecordDisposal(client=client, reason=reason, keep_until=kept.keep_until, requested_by=by)
    disposal.save()
    return disposal


@transaction.atomic
def cancel_disposal(*, disposal: RecordDisposal, by: User) -> RecordDisposal:
    _require_clinic_admin(by)
    disposal = RecordDisposal.objects.select_for_update().get(pk=disposal.pk)
    if not disposal.is_open:
        raise DisposalRefused("This disposal is no longer waiting for approval.")
    disposal.status = RecordDisposal.Status.CANCELLED
    disposal.decided_by = by
    disposal.decided_at = timezone.now()
    disposal.save()
    return disposal


@transaction.atomic
def approve_disposal(*, disposal: RecordDisposal, by: User) -> RecordDisposal:
    """A second clinic admin approves: the clinical record is deleted and the client anonymised and archived,
    all in this transaction. The disposal row keeps who asked, who approved, when, and how many rows went.

    `by` is the signed-in user of the request (django-otp's middleware tells whether they passed the second factor
    in this session); see `_require_independent_approver` for who may approve."""
    _require_clinic_admin(by)
    disposal = RecordDisposal.objects.select_for_update().select_related("client").get(pk=disposal.pk)
    if not disposal.is_open:
        raise DisposalRefused("This disposal is no longer waiting for approval.")
    if disposal.requested_by_id == by.pk:
        raise DisposalRefused("A different clinic admin must approve: you requested this disposal.")
    _require_independent_approver(disposal, by)
    client = Client.objects.select_for_update().get(pk=disposal.client_id)
    # Checked again: an entry written since the request moves the retention date.
    _require_past_retention(client)
    disposal.status = RecordDisposal.Status.APPROVED
    disposal.decided_by = by
    disposal.decided_at = timezone.now()
    disposal.save()
    disposal.counts = _delete_clinical_record(disposal)
    _anonymise(client, by=by)
    disposal.status = RecordDisposal.Status.CARRIED_OUT
    disposal.save()
    return disposal


def _require_independent_approver(disposal: RecordDisposal, by: User) -> None:
    """Two people, not one with two accounts: the approver passed the second factor in this session, and their
    account, their clinic admin role and that second factor all existed before the request. An admin who makes (or
    takes over) a second admin account after asking cannot approve their own request with it."""
    verified = getattr(by, "is_verified", None)
    if not (callable(verified) and verified()):
        raise DisposalRefused(
            "Approving a disposal needs your second factor: enter the code of your authenticator app first."
        )
    asked = disposal.requested_at
    if by.date_joined >= asked:
        raise DisposalRefused(
            "Your account was created after this request: a clinic admin whose account and role are older than the "
            "request must approve it."
        )
    role_since = roles.role_held_since(by, roles.CLINIC_ADMIN)
    if role_since is None and by.is_superuser:
        role_since = by.date_joined  # the emergency account acts as a clinic admin from its creation
    if role_since is None or role_since >= asked:
        raise DisposalRefused(
            "Your clinic admin role was granted after this request: a clinic admin whose account and role are older "
            "than the request must approve it."
        )
    if second_factor_enrolled_since(by.otp_device, asked):
        raise DisposalRefused(
            "Your second factor was set up after this request: a clinic admin whose second factor is older than the "
            "request must approve it."
        )


def second_factor_enrolled_since(device, moment) -> bool:
    """Whether `device` was created or confirmed at or after `moment` (its confirmation is in the audit log)."""
    if device.created_at is not None and device.created_at >= moment:
        return True
    return LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(device),
        object_pk=str(device.pk),
        action=LogEntry.Action.CREATE,
        timestamp__gte=moment,
    ).exists()


def _delete_clinical_record(disposal: RecordDisposal) -> dict[str, int]:
    """Delete every clinical row of the client, children first, and return the count of each kind.

    Raw DELETEs on purpose: the models refuse delete(), and django-auditlog would copy each row's content into a
    DELETE entry, which is what disposal removes. The transaction names the approved disposal to the triggers.
    """
    client_id = disposal.client_id
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('clinic.disposal', %s, true)", [str(disposal.pk)])
    letters = [
        name for name in PhysicianClearance.objects.filter(client_id=client_id).values_list("letter", flat=True) if name
    ]
    # Children first; each statement is written out whole (no SQL assembled from strings).
    steps = [
        (
            "pulse events",
            "DELETE FROM notes_pulseevent WHERE session_id IN "
            "(SELECT id FROM notes_treatmentsession WHERE client_id = %s)",
        ),
        (
            "agreements to areas at visits",
            "DELETE FROM notes_areaconfirmation WHERE session_id IN "
            "(SELECT id FROM notes_treatmentsession WHERE client_id = %s)",
        ),
        (
            "areas treated",
            "DELETE FROM notes_areatreated WHERE session_id IN "
            "(SELECT id FROM notes_treatmentsession WHERE client_id = %s)",
        ),
        (
            "adverse effects",
            "DELETE FROM notes_adverseeffect WHERE session_id IN "
            "(SELECT id FROM notes_treatmentsession WHERE client_id = %s)",
        ),
        (
            "feedback entries",
            "DELETE FROM notes_feedbackentry WHERE session_id IN "
            "(SELECT id FROM notes_treatmentsession WHERE client_id = %s)",
        ),
        (
            "abdominal segments",
            "DELETE FROM notes_abdominalsegment WHERE session_id IN "
            "(SELECT id FROM notes_treatmentsession WHERE client_id = %s)",
        ),
        (
            "pain ratings",
            "DELETE FROM notes_complaintpain WHERE session_id IN "
            "(SELECT id FROM notes_treatmentsession WHERE client_id = %s)",
        ),
        (
            "addenda",
            "DELETE FROM notes_addendum WHERE session_id IN "
            "(SELECT id FROM notes_treatmentsession WHERE client_id = %s)",
        ),
        ("sessions", "DELETE FROM notes_treatmentsession WHERE client_id = %s"),
        ("treatment plans", "DELETE FROM notes_treatmentplan WHERE client_id = %s"),
        ("consents", "DELETE FROM notes_consent WHERE client_id = %s"),
        ("physician clearances", "DELETE FROM intake_physicianclearance WHERE client_id = %s"),
        ("clinical judgements", "DELETE FROM intake_clinicaljudgement WHERE client_id = %s"),
        (
            "screenings",
            "DELETE FROM intake_screening WHERE intake_id IN (SELECT id FROM intake_intake WHERE client_id = %s)",
        ),
        ("visit health checks", "DELETE FROM intake_healthcheck WHERE client_id = %s"),
        ("questionnaires", "DELETE FROM intake_questionnaireresponse WHERE client_id = %s"),
        (
            "pain chart means",
            "DELETE FROM notes_complaintperiodmean WHERE complaint_id IN (SELECT c.id FROM intake_complaint c "
            "JOIN intake_intake i ON i.id = c.intake_id WHERE i.client_id = %s)",
        ),
        (
            "complaint outcomes",
            "DELETE FROM notes_complaintoutcome WHERE complaint_id IN (SELECT c.id FROM intake_complaint c "
            "JOIN intake_intake i ON i.id = c.intake_id WHERE i.client_id = %s)",
        ),
        (
            "complaints",
            "DELETE FROM intake_complaint WHERE intake_id IN (SELECT id FROM intake_intake WHERE client_id = %s)",
        ),
        # What the client sent through their own forms (an accepted one names the intake it became), then the links.
        ("forms sent by the client", "DELETE FROM intake_clientsubmission WHERE client_id = %s"),
        ("links to the client's forms", "DELETE FROM intake_clientlink WHERE client_id = %s"),
        ("intakes", "DELETE FROM intake_intake WHERE client_id = %s"),
        ("PDF exports", "DELETE FROM notes_recordexport WHERE client_id = %s"),
    ]
    counts = {}
    with connection.cursor() as cursor:
        for label, statement in steps:
            cursor.execute(statement, [client_id])
            counts[label] = cursor.rowcount
    if letters:
        storage = PhysicianClearance._meta.get_field("letter").storage
        transaction.on_commit(lambda: [storage.delete(name) for name in letters])
    return counts


def _anonymise(client: Client, *, by: User) -> None:
    """Keep the client row (the audit log and the disposal point at it), without who they were."""
    born_in = client.date_of_birth.year
    for name in Client.PERSONAL_FIELDS:
        setattr(client, name, Client._meta.get_field(name).get_default())
    client.first_name = ANONYMISED_FIRST_NAME
    client.last_name = f"record {str(client.public_id)[:8]}"
    client.date_of_birth = date(born_in, 1, 1)
    # Nothing is left to summarise.
    for name in Client.KEPT_SUMMARY_FIELDS - {"last_emergency_access_at", "disposal_requested_at"}:
        setattr(client, name, Client._meta.get_field(name).get_default())
    if not client.is_archived:
        client.archived_at = timezone.now()
        client.archived_by = by
    client.archive_reason = "Clinical record disposed of after its retention date"
    client.disposed_at = timezone.now()  # final: never restored or edited again (clinic/services.py)
    # Everything but the date a disposal was asked for: the pages still show that this one was carried out.
    kept = {"id", "disposal_requested_at"}
    client.save(update_fields=[field.name for field in Client._meta.concrete_fields if field.name not in kept])
    client.care_team.clear()
