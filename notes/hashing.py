"""The content hash of a signed session: SHA-256 of a canonical JSON of everything the note says."""

import hashlib
import json

from notes.models import TreatmentSession


def _when(value) -> str | None:
    return value.isoformat() if value else None


def session_content(session: TreatmentSession) -> dict:
    """Everything a signed note says, in a stable order. Addenda are not part of it: they come after signing."""
    return {
        "session": str(session.public_id),
        "client": str(session.client.public_id),
        "therapist": session.therapist.username,
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
                "precautions_reviewed": segment.precautions_reviewed,
                "ended_at": _when(segment.ended_at),
                "end_reason": segment.end_reason,
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
            }
            for entry in session.entries.order_by("at", "id")
        ],
    }


def content_hash(session: TreatmentSession) -> str:
    canonical = json.dumps(session_content(session), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
