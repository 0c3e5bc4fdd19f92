"""Writes of the course of treatment beside the session notes: an adverse effect after treatment, and a new version
of the client's treatment plan. Each is one transaction; an adverse effect takes the session's lock first, as every
write to a session does (notes/services.py)."""

from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from clinic.models import Client, User
from notes import hashing
from notes.models import AdverseEffect, TreatmentPlan, TreatmentSession
from notes.services import _lock_session


@transaction.atomic
def record_adverse_effect(
    *,
    session: TreatmentSession,
    by: User,
    kind: str,
    note: str = "",
    onset_on: date | None = None,
    at: datetime | None = None,
) -> AdverseEffect:
    """An adverse effect after treatment. On a draft it is part of the note (sealed with it when signed); on a signed
    session it is reported later, beside the note, sealed on its own over the note's seal (notes/hashing.py). Who
    may do which is the view's access helper's to say. `at`: when it was reported, now unless given (the demo's
    past visits; never from a request)."""
    session = _lock_session(session)
    effect = AdverseEffect(
        reported_at=at or timezone.now(),
        session=session,
        kind=kind,
        note=note,
        onset_on=onset_on,
        reported_by=by,
        reported_by_name=by.display_name,
        reported_later=session.is_signed,
    )
    if effect.reported_later:
        hashing.seal_adverse_effect(effect, session=session)
    effect.save()
    return effect


@transaction.atomic
def write_treatment_plan(
    *,
    client: Client,
    by: User,
    goals: str,
    reassess_on: date,
    visits: int | None = None,
    per: str = "",
    for_weeks: int | None = None,
    frequency_note: str = "",
) -> TreatmentPlan:
    """A new version of the client's treatment plan, replacing the latest (kept as its history). The client's row
    is locked so that two therapists' versions follow one another."""
    Client.objects.select_for_update().filter(pk=client.pk).first()
    latest = TreatmentPlan.objects.filter(client=client).order_by("-id").first()
    plan = TreatmentPlan(
        client=client,
        goals=goals,
        reassess_on=reassess_on,
        visits=visits,
        per=per,
        for_weeks=for_weeks,
        frequency_note=frequency_note,
        written_by=by,
        written_by_name=by.display_name,
        replaces=latest,
    )
    plan.save()
    return plan
