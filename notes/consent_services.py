"""Writes of consent: a signed consent recorded, a consent withdrawn (ending any abdominal work open under it). Each
is one transaction."""

from django.db import transaction
from django.utils import timezone

from clinic.models import Client, User
from notes.models import AbdominalSegment, Consent, ConsentKind, ConsentText, TreatmentSession
from notes.services import _close_segment


class ConsentAlreadyWithdrawn(Exception):
    pass


@transaction.atomic
def record_consent(
    *,
    client: Client,
    kind: str,
    text: ConsentText,
    signed_name: str,
    collected_by: User,
    signature_drawing: str = "",
    areas: list[str] | None = None,
    **details,
) -> Consent:
    """Record a signed consent. `areas`: the sensitive areas agreed (SensitiveArea codes), for a text that asks
    them; `details`: the support person's offer and presence, who signed (a substitute decision-maker's name,
    relationship and authority) and the client's own assent."""
    consent = Consent(
        client=client,
        kind=kind,
        text=text,
        signed_name=signed_name,
        signature_drawing=signature_drawing,
        collected_by=collected_by,
        areas=areas,
        **details,
    )
    consent.save()
    return consent


@transaction.atomic
def withdraw_consent(*, consent: Consent, by: User, reason: str = "") -> Consent:
    """Withdraw a consent; abdominal work open in any of the client's draft sessions ends at once."""
    if not consent.is_active:
        raise ConsentAlreadyWithdrawn
    consent.withdrawn_at = timezone.now()
    consent.withdrawn_by = by
    consent.withdrawal_reason = reason
    consent.save()
    if consent.kind == ConsentKind.ABDOMINAL:
        open_segments = AbdominalSegment.objects.filter(
            session__client=consent.client,
            session__status=TreatmentSession.Status.DRAFT,
            ended_at__isnull=True,
        ).select_related("session__client")
        for segment in open_segments:
            _close_segment(segment, AbdominalSegment.EndReason.WITHDRAWN, at=consent.withdrawn_at)
    return consent
