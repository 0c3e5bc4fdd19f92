"""Writes about clients. Each is one transaction; each change lands in the audit log through django-auditlog."""

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from clinic.models import Client, ClientDisposed, EmergencyAccess, User


class ClientAlreadyArchived(Exception):
    pass


class EmergencyAccessRefused(Exception):
    """Only a therapist may break the glass, and only with a reason."""


class NotATherapist(Exception):
    """Only an active therapist joins a care team."""


@transaction.atomic
def create_client(*, created_by: User | None, care_team: Iterable[User] = (), **fields: Any) -> Client:
    """Register a client with their care team: django-auditlog writes the client's CREATE entry, then one naming
    the therapists added to the care team."""
    client = Client(created_by=created_by, **fields)
    client.save()
    client.care_team.set(care_team)
    return client


def _refuse_if_disposed(client: Client) -> None:
    """Lock the client's row and refuse if their record has been disposed of, even since `client` was read."""
    disposed_at = Client.objects.select_for_update().filter(pk=client.pk).values_list("disposed_at", flat=True).get()
    if disposed_at is not None:
        client.disposed_at = disposed_at
        raise ClientDisposed


@transaction.atomic
def update_client(*, client: Client, care_team: Iterable[User] | None = None, **fields: Any) -> Client:
    """Change demographics; the care team changes only when given (roles that may not set it pass None). Refused
    (ClientDisposed) for a client whose record was disposed of: nobody puts back who they were."""
    _refuse_if_disposed(client)
    for name, value in fields.items():
        setattr(client, name, value)
    client.save()
    if care_team is not None:
        client.care_team.set(care_team)
    return client


@transaction.atomic
def add_to_care_team(*, client: Client, therapist: User) -> bool:
    """Add an active therapist to the client's care team, so they may read and write the client's clinical record;
    False if they were on it already. django-auditlog writes the change ("added ... to the care team") with who
    made it and from where. The client's row is locked first, so two clerks adding the same therapist at once add
    them once."""
    if not (therapist.is_active and therapist.is_therapist):
        raise NotATherapist
    Client.objects.select_for_update().filter(pk=client.pk).values_list("pk").get()
    if client.care_team.filter(pk=therapist.pk).exists():
        return False
    client.care_team.add(therapist)
    return True


@transaction.atomic
def archive_client(*, client: Client, archived_by: User, reason: str = "") -> Client:
    if client.is_archived:
        raise ClientAlreadyArchived
    client.archived_at = timezone.now()
    client.archived_by = archived_by
    client.archive_reason = reason
    client.save()
    return client


@transaction.atomic
def restore_client(*, client: Client) -> Client:
    """Back to the active list: only an archived client, never one whose record was disposed of (ClientDisposed),
    which is final."""
    _refuse_if_disposed(client)
    client.archived_at = None
    client.archived_by = None
    client.archive_reason = ""
    client.save()
    return client


@transaction.atomic
def grant_emergency_access(*, client: Client, user: User, reason: str) -> EmergencyAccess:
    """Open a client's clinical record, read-only, to a therapist outside the care team, for a while and a reason.

    django-auditlog writes the grant's CREATE entry (who, when, from where, which client, the reason); the clinic
    admin's home page and the client's history list every grant.
    """
    reason = reason.strip()
    if not user.is_therapist:
        raise EmergencyAccessRefused("Only a therapist may open a clinical record under emergency access.")
    if len(reason) < settings.EMERGENCY_ACCESS_MIN_REASON:
        raise EmergencyAccessRefused("Emergency access needs a reason.")
    granted_at = timezone.now()
    grant = EmergencyAccess.objects.create(
        client=client,
        user=user,
        reason=reason,
        granted_at=granted_at,
        expires_at=granted_at + settings.EMERGENCY_ACCESS_DURATION,
    )
    client.last_emergency_access_at = granted_at
    client.save(update_fields=["last_emergency_access_at"])
    return grant
