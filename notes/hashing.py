"""The seals of signed notes and of their addenda: HMAC-SHA256 of a canonical JSON of everything they show.

**What a note's seal covers.** Everything the signed note shows, in the app, the PDF and the FHIR bundle: the SOAP
fields and the tests, the pain ratings, the stretches of abdominal work and each feedback entry, the moments, and
the values that live elsewhere as they were when it was signed (`TreatmentSession.signed_as`: the client's name,
the therapist's name, each complaint's region and side, the screening's line). Records are named by stable
identifiers (public ids, the therapist's id), never by an account's mutable fields: renaming a user changes no seal.

**Keyed.** The key comes from the environment (`settings.NOTE_SIGNING_KEYS`), never from the database, so someone
who can write to the database cannot seal a changed note again. Each seal keeps the id of its key beside it
(`hash_key_id`); a new key is added in front of the list (or named by NOTE_SIGNING_KEY_ID) and the old ones stay
listed to verify what they sealed.

**Addenda are chained.** An addendum's seal covers its text and reason, its author (id and name as written), its
moment, and the seal before it: the note's for the first addendum, the previous addendum's (in the order they were
added) for each later one. A changed addendum fails its own seal; a removed one breaks the seal of the next; the
newest one removed is missed by the chain and found by `verify_notes` against the audit log's record of its
creation.

**Added later, shown when recorded.** What the chart came to record after keyed seals (the areas treated, a
stretch's position, approach and landmark, an entry's breath phase and hold, the "pulse felt, hands moved" events,
adverse effects recorded on the draft, the client's word on each sensitive area at the visit, its drawn initials by
their SHA-256) enters a note's content only when it holds something, so the notes sealed
before it verify unchanged, without a new `SCHEME`; once there, it is covered like the rest. An adverse effect
reported after signing is not part of the note: it has a seal of its own, over its content and the note's seal.

**Before keys.** Notes signed before keyed seals had a plain SHA-256 (key id ""). Migration 0013 verified each under
that old scheme and sealed again, with a key, only those that verified (freezing their displayed values as they
stood); the others keep their old hash and `verify_notes` reports them. Changing what a seal covers (`SCHEME`) takes
a migration that does the same.
"""

import hashlib
import hmac
import json
from datetime import UTC

from django.conf import settings

from notes.models import Addendum, AdverseEffect, AreaConfirmation, TreatmentSession

SCHEME = 2
LEGACY_KEY_ID = ""  # a plain SHA-256 from before keyed seals


class UnknownKey(LookupError):
    """The seal names a key that is not in NOTE_SIGNING_KEYS: it cannot be verified here."""


def _when(value) -> str | None:
    """A moment as the seal writes it: in UTC, as the database gives it back (a moment given in another zone, as
    the demo's visits are, seals the same as when read again)."""
    return value.astimezone(UTC).isoformat() if value else None


def canonical(content: dict) -> bytes:
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def seal(content: dict, key_id: str) -> str:
    try:
        key = settings.NOTE_SIGNING_KEYS[key_id]
    except KeyError:
        raise UnknownKey(key_id) from None
    return hmac.new(key, canonical(content), hashlib.sha256).hexdigest()


def _recorded(values: dict) -> dict:
    """The fields added after keyed seals that hold something (see "Added later" above)."""
    return {name: value for name, value in values.items() if value not in (None, "", [])}


def _effect(effect: AdverseEffect) -> dict:
    return {
        "effect": str(effect.public_id),
        "kind": effect.kind,
        "note": effect.note,
        "onset_on": effect.onset_on.isoformat() if effect.onset_on else None,
        "reported_by": effect.reported_by_id,
        "reported_by_name": effect.reported_by_name,
        "reported_at": _when(effect.reported_at),
    }


def _confirmation(row: AreaConfirmation) -> dict:
    return {
        "confirmation": str(row.public_id),
        "consent": row.consent_id,
        "area": row.area,
        "agreed": row.agreed,
        "method": row.method,
        "initials": row.initials,
        "initials_drawing_sha256": hashlib.sha256(row.initials_drawing.encode()).hexdigest()
        if row.initials_drawing
        else "",
        "confirmed_at": _when(row.confirmed_at),
        "recorded_by": row.recorded_by_id,
    }


def session_content(session: TreatmentSession) -> dict:
    """Everything a signed note shows, in a stable order. Its addenda come after signing: each has its own seal."""
    content = {
        "scheme": SCHEME,
        "kind": "treatment-session",
        "session": str(session.public_id),
        "client": str(session.client.public_id),
        "therapist": session.therapist_id,
        "shown": session.signed_as,
        "started_at": _when(session.started_at),
        "ended_at": _when(session.ended_at),
        "signed_at": _when(session.signed_at),
        "subjective": session.subjective,
        "objective": session.objective,
        "objective_tests": session.objective_tests,
        "assessment": session.assessment,
        "plan": session.plan,
        "home_care": session.home_care,
        "abdominal_planned": session.abdominal_planned,
        "pains": [
            {"complaint": pain.complaint_id, "before": pain.before, "after": pain.after}
            for pain in session.pains.order_by("complaint_id")
        ],
        "segments": [
            {
                "reconfirmed_at": _when(segment.reconfirmed_at),
                "reconfirmed_by": segment.reconfirmed_by_id,
                "precautions_reviewed": segment.precautions_reviewed,
                "ended_at": _when(segment.ended_at),
                "end_reason": segment.end_reason,
                **_recorded({"position": segment.position, "approach": segment.approach, "landmark": segment.landmark}),
            }
            for segment in session.segments.order_by("reconfirmed_at", "id")
        ],
        "entries": [
            {
                "at": _when(entry.at),
                "side": entry.side,
                "technique": entry.technique,
                "pressure": entry.pressure,
                "pain": entry.pain,
                "response": entry.response,
                "note": entry.note,
                **_recorded({"breath_phase": entry.breath_phase, "hold_seconds": entry.hold_seconds}),
            }
            for entry in session.entries.order_by("at", "id")
        ],
    }
    later = _recorded(
        {
            "areas": [
                {"area": a.area, "side": a.side, "techniques": a.techniques, "note": a.note}
                for a in session.areas.order_by("position", "id")
            ],
            "pulses": [_when(p.at) for p in session.pulses.order_by("at", "id")],
            "area_confirmations": [_confirmation(c) for c in session.area_confirmations.order_by("confirmed_at", "id")],
            "adverse_effects": [
                _effect(e) for e in session.adverse_effects.filter(reported_later=False).order_by("reported_at", "id")
            ],
        }
    )
    return content | later


def addendum_content(addendum: Addendum, *, session: TreatmentSession, previous: str) -> dict:
    """An addendum as it shows, chained to the seal before it (`previous`: the note's, or the previous addendum's)."""
    return {
        "scheme": SCHEME,
        "kind": "addendum",
        "addendum": str(addendum.public_id),
        "session": str(session.public_id),
        "previous": previous,
        "author": addendum.author_id,
        "author_name": addendum.author_name,
        "at": _when(addendum.at),
        "reason": addendum.reason,
        "text": addendum.text,
    }


def adverse_effect_content(effect: AdverseEffect, *, session: TreatmentSession) -> dict:
    """An adverse effect reported after signing, over the note's seal: beside the note, never part of it."""
    return (
        {"scheme": SCHEME, "kind": "adverse-effect", "session": str(session.public_id)}
        | _effect(effect)
        | {"previous": session.content_hash}
    )


def seal_adverse_effect(effect: AdverseEffect, *, session: TreatmentSession) -> None:
    effect.hash_key_id = settings.NOTE_SIGNING_KEY_ID
    effect.content_hash = seal(adverse_effect_content(effect, session=session), effect.hash_key_id)


def adverse_effect_intact(effect: AdverseEffect, *, session: TreatmentSession) -> bool:
    """Does a later report match its seal? Raises UnknownKey for a key not configured here."""
    expected = seal(adverse_effect_content(effect, session=session), effect.hash_key_id)
    return hmac.compare_digest(expected, effect.content_hash)


def seal_session(session: TreatmentSession) -> None:
    """Seal a note being signed (its `signed_as` already frozen) with the current key."""
    session.hash_key_id = settings.NOTE_SIGNING_KEY_ID
    session.content_hash = seal(session_content(session), session.hash_key_id)


def seal_addendum(addendum: Addendum, *, session: TreatmentSession, previous: str) -> None:
    addendum.hash_key_id = settings.NOTE_SIGNING_KEY_ID
    addendum.content_hash = seal(addendum_content(addendum, session=session, previous=previous), addendum.hash_key_id)


def session_intact(session: TreatmentSession) -> bool:
    """Does the note match its seal? Raises UnknownKey for a seal under a key not configured here."""
    return hmac.compare_digest(seal(session_content(session), session.hash_key_id), session.content_hash)


def addenda_problems(session: TreatmentSession, addenda) -> list[tuple[Addendum, str, str]]:
    """Each addendum whose seal does not hold, as (addendum, what, why), walking the chain in the order they were
    added."""
    problems = []
    previous = session.content_hash
    for addendum in sorted(addenda, key=lambda a: a.pk):
        if addendum.hash_key_id == LEGACY_KEY_ID:
            problems.append((addendum, "NOT SEALED", "has no seal (its note was not sealed when seals were keyed)"))
        else:
            try:
                expected = seal(addendum_content(addendum, session=session, previous=previous), addendum.hash_key_id)
            except UnknownKey:
                why = f"is sealed with key {addendum.hash_key_id!r}, which is not in NOTE_SIGNING_KEYS"
                problems.append((addendum, "UNKNOWN KEY", why))
            else:
                if not hmac.compare_digest(expected, addendum.content_hash):
                    problems.append((addendum, "ALTERED", "was changed, or an addendum before it was removed"))
        previous = addendum.content_hash
    return problems
