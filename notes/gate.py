"""The abdominal-work gate (DESIGN.md): one function, used by every path that records abdominal work.

Abdominal (iliopsoas) work, and every feedback entry of it, is accepted only when:
1. the client has an active, signed abdominal consent (not withdrawn);
2. the latest screening does not mark abdominal work contraindicated, and any referral has been resolved by a
   recorded physician clearance (a "caution" result needs the listed precautions reviewed);
3. the client's verbal re-confirmation was recorded for this stretch of work (a "stop" ends the stretch).
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from clinic import local_time
from intake.models import Screening
from intake.services import referral_is_cleared
from notes.models import AbdominalSegment, Consent, ConsentKind, TreatmentSession

CONSENT = "consent"
SCREENING = "screening"
CONTRAINDICATED = "contraindicated"
REFERRAL = "referral"
PRECAUTIONS = "precautions"
RECONFIRMATION = "reconfirmation"
SIGNED = "signed"


class AbdominalWorkRefused(Exception):
    """The gate said no. `condition` names the unmet condition; `reason` says it and how to meet it."""

    def __init__(self, *, condition: str, reason: str):
        super().__init__(reason)
        self.condition = condition
        self.reason = reason


@dataclass
class GateState:
    """What the gate found: shown on the session page before the therapist asks."""

    consent: Consent | None
    screening: Screening | None
    referral_cleared: bool
    open_segment: AbdominalSegment | None
    cautions: list[str] = field(default_factory=list)


def gate_state(session: TreatmentSession, *, segments=None) -> GateState:
    """What abdominal work in this session depends on now. `segments`: the session's segments, when the caller
    has just loaded them (the session page), to find the open one without another query."""
    client = session.client
    screening = Screening.objects.latest_for_client(client)
    cautions = [r["text"] for r in screening.reasons if r["rule"].startswith("caution.")] if screening else []
    return GateState(
        consent=Consent.objects.latest_for(client, ConsentKind.ABDOMINAL),
        screening=screening,
        referral_cleared=bool(screening and referral_is_cleared(screening)),
        open_segment=_open_segment(session, segments),
        cautions=cautions,
    )


def _open_segment(session: TreatmentSession, segments):
    if segments is not None:
        open_segments = [segment for segment in segments if segment.ended_at is None]
        return max(open_segments, key=lambda segment: segment.reconfirmed_at, default=None)
    return session.segments.filter(ended_at__isnull=True).order_by("-reconfirmed_at").first()


def check_abdominal_work(
    session: TreatmentSession,
    *,
    reconfirmed_now: bool = False,
    precautions_reviewed: bool = False,
    state: GateState | None = None,
) -> GateState:
    """Raise AbdominalWorkRefused unless abdominal work may go on in this session now.

    `reconfirmed_now`: the therapist is recording the client's verbal re-confirmation with this request, which
    opens a new stretch of work; without it, an open stretch must exist (as for a feedback entry).
    """
    state = state or gate_state(session)
    if session.is_signed:
        raise AbdominalWorkRefused(condition=SIGNED, reason=_("This session is signed; nothing can be added to it."))
    consent = state.consent
    if consent is None:
        raise AbdominalWorkRefused(
            condition=CONSENT,
            reason=_(
                "No abdominal-work consent on file. Record the client's signed consent to abdominal / iliopsoas "
                "work first (Consents, on the client's page)."
            ),
        )
    if not consent.is_active:
        raise AbdominalWorkRefused(
            condition=CONSENT,
            reason=_(
                "The client withdrew their abdominal-work consent on %(when)s. Abdominal work needs a new signed "
                "consent."
            )
            % {"when": local_time.minute(consent.withdrawn_at)},
        )
    screening = state.screening
    if screening is None:
        raise AbdominalWorkRefused(
            condition=SCREENING,
            reason=_("The client has no screening yet. Take an intake so the screening can check for risks."),
        )
    contraindications = [r["text"] for r in screening.reasons if r["rule"].startswith("contraindication.")]
    if contraindications:
        raise AbdominalWorkRefused(
            condition=CONTRAINDICATED,
            reason=_("The latest screening marks abdominal work contraindicated: %(why)s. Do not work the abdomen.")
            % {"why": "; ".join(contraindications)},
        )
    if screening.refer and not state.referral_cleared:
        raise AbdominalWorkRefused(
            condition=REFERRAL,
            reason=_(
                "The latest screening refers the client to a physician. Record the physician's clearance on the "
                "intake before abdominal work."
            ),
        )
    if state.cautions and reconfirmed_now and not precautions_reviewed:
        raise AbdominalWorkRefused(
            condition=PRECAUTIONS,
            reason=_(
                "Abdominal work needs caution. Review these precautions with the client and tick that you did: "
                "%(list)s."
            )
            % {"list": "; ".join(state.cautions)},
        )
    if not reconfirmed_now and state.open_segment is None:
        raise AbdominalWorkRefused(
            condition=RECONFIRMATION,
            reason=_(
                "Abdominal work is not open: ask the client to confirm out loud that they agree to continue, "
                "then record the re-confirmation (a “stop” ends the previous stretch)."
            ),
        )
    return state
