"""The abdominal-work gate: one function, used by every path that records abdominal work, and by the models.

Abdominal (iliopsoas) work, and every feedback entry of it, is accepted only when:
1. the client has an active, signed abdominal consent (not withdrawn) that agrees to the abdomen, and at this visit
   agreed to the abdomen again by their initials on the tablet (notes/visit_consent.py);
2. the latest screening does not mark abdominal work contraindicated by a health answer, and any referral has
   been answered by a physician's clearance in force today whose scope includes abdominal work (the cautions of the
   screening still apply: they are reviewed with the client when a stretch opens);
3. today's health check for this visit is recorded (a previous day's never counts; one that changed an answer
   produced a new screening, which condition 2 reads);
4. the therapist recorded the client's verbal re-confirmation for this stretch of work (a "stop" ends the stretch).

A refusal lists every condition that fails, each with what would meet it and who can do it. Conditions 1-3 are
the state of the day (`GateState.blockers`): while any fails, the session page shows them in place of the "start
abdominal work" control. Condition 4 is the control itself.
"""

from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clinic import local_time
from intake.abdominal_status import AbdominalStatus, abdominal_status
from intake.models import HealthCheck, Screening
from intake.services import todays_health_check
from notes.models import AbdominalSegment, AreaConfirmation, Consent, ConsentKind, SensitiveArea, TreatmentSession

CONSENT = "consent"
AREA_TODAY = "area_today"
SCREENING = "screening"
CONTRAINDICATED = "contraindicated"
REFERRAL = "referral"
HEALTH_CHECK = "health_check"
PRECAUTIONS = "precautions"
RECONFIRMATION = "reconfirmation"
SIGNED = "signed"


@dataclass(frozen=True)
class Unmet:
    """One condition that fails: what is wrong, what would meet it, and who can do that."""

    condition: str
    problem: str
    remedy: str
    who: str

    def __str__(self):
        return f"{self.problem} {self.remedy} ({self.who})"


class AbdominalWorkRefused(Exception):
    """The gate said no. `unmet`: every condition that fails; `reason`: all of them in words."""

    def __init__(self, unmet: list[Unmet]):
        self.unmet = list(unmet)
        self.conditions = [item.condition for item in self.unmet]
        self.condition = self.conditions[0]
        self.reason = " ".join(str(item) for item in self.unmet)
        super().__init__(self.reason)


@dataclass
class GateState:
    """What the gate found: shown on the session page before the therapist asks."""

    consent: Consent | None
    screening: Screening | None
    status: AbdominalStatus | None
    health_check: HealthCheck | None
    open_segment: AbdominalSegment | None
    # This visit's latest word on the abdomen (read only when the consent agrees to it).
    abdomen_today: AreaConfirmation | None = None
    cautions: list[str] = field(default_factory=list)
    blockers: list[Unmet] = field(default_factory=list)

    @property
    def can_open(self) -> bool:
        """Whether the "start abdominal work" control may be offered: nothing but the re-confirmation missing."""
        return not self.blockers


FRONT_DESK_OR_THERAPIST = gettext_lazy("front desk or the therapist")


def gate_state(session: TreatmentSession, *, segments=None, confirmations=None, consents=None) -> GateState:
    """What abdominal work in this session depends on today. `segments`, `confirmations` (this visit's latest word
    per area) and `consents` (the client's latest of each kind): when the caller has just loaded them (the session
    page), not read again."""
    client = session.client
    screening = Screening.objects.latest_for_client(client)
    today = local_time.local_date(timezone.now())
    status = None
    if screening is not None:
        clearances = list(screening.intake.clearances.all()) if screening.refer else []
        status = abdominal_status(screening, day=today, clearances=clearances)
    if consents is None:
        consent = Consent.objects.latest_for(client, ConsentKind.ABDOMINAL)
    else:
        consent = consents.get(ConsentKind.ABDOMINAL)
    abdomen_today = None
    if consent is not None and consent.is_active and SensitiveArea.ABDOMEN in consent.agreed_areas:
        if confirmations is None:
            confirmations = AreaConfirmation.objects.latest_per_area(session)
        abdomen_today = confirmations.get(SensitiveArea.ABDOMEN)
    state = GateState(
        consent=consent,
        abdomen_today=abdomen_today,
        screening=screening,
        status=status,
        health_check=todays_health_check(client),
        open_segment=_open_segment(session, segments),
        cautions=status.cautions if status else [],
    )
    state.blockers = _blockers(state)
    return state


def _open_segment(session: TreatmentSession, segments):
    if segments is not None:
        open_segments = [segment for segment in segments if segment.ended_at is None]
        return max(open_segments, key=lambda segment: segment.reconfirmed_at, default=None)
    return session.segments.filter(ended_at__isnull=True).order_by("-reconfirmed_at").first()


def _blockers(state: GateState) -> list[Unmet]:
    """Conditions 1-3: every one that fails today."""
    unmet = []
    consent = state.consent
    if consent is None:
        unmet.append(
            Unmet(
                CONSENT,
                _("No abdominal-work consent on file."),
                _("Record the client's signed consent to abdominal / iliopsoas work (Consents, on the client's page)."),
                FRONT_DESK_OR_THERAPIST,
            )
        )
    elif not consent.is_active:
        unmet.append(
            Unmet(
                CONSENT,
                _("The client withdrew their abdominal-work consent on %(when)s.")
                % {"when": local_time.minute(consent.withdrawn_at)},
                _("Abdominal work needs a new signed consent, if the client wishes to give it."),
                FRONT_DESK_OR_THERAPIST,
            )
        )
    elif SensitiveArea.ABDOMEN not in consent.agreed_areas:
        unmet.append(
            Unmet(
                CONSENT,
                _("The client's consent does not include the abdomen."),
                _("Abdominal work needs the abdomen agreed on a new signed consent, if the client wishes to give it."),
                FRONT_DESK_OR_THERAPIST,
            )
        )
    elif state.abdomen_today is None:
        unmet.append(
            Unmet(
                AREA_TODAY,
                _("The client has not initialled the abdomen for this visit."),
                _("Hand the tablet to the client to initial each area of today's work (“Areas today”, on this page)."),
                _("the therapist"),
            )
        )
    elif not state.abdomen_today.agreed:
        unmet.append(
            Unmet(
                AREA_TODAY,
                _("At this visit the client said “not today” to the abdomen (%(when)s).")
                % {"when": local_time.clock(state.abdomen_today.confirmed_at)},
                _("Abdominal work waits until the client initials the abdomen again, if they wish."),
                _("the therapist"),
            )
        )
    status = state.status
    if status is None:
        unmet.append(
            Unmet(
                SCREENING,
                _("The client has no screening yet."),
                _("Take an intake so the screening can check for risks."),
                FRONT_DESK_OR_THERAPIST,
            )
        )
    else:
        if status.contraindications:
            unmet.append(
                Unmet(
                    CONTRAINDICATED,
                    _("The screening (%(source)s) marks abdominal work contraindicated: %(why)s.")
                    % {"source": state.screening.source_label, "why": "; ".join(status.contraindications)},
                    _(
                        "Do not work the abdomen. A physician's clearance does not lift this; it changes only when a "
                        "new intake or a visit's health check changes the answer."
                    ),
                    _("nobody today"),
                )
            )
        if status.referral_unanswered:
            unmet.append(_referral(status))
    if state.health_check is None:
        unmet.append(
            Unmet(
                HEALTH_CHECK,
                _("Today's health check is not recorded."),
                _("Ask the visit's health-check questions and record the answers (“No change” is one tap)."),
                _("the therapist or the front desk"),
            )
        )
    return unmet


def _referral(status: AbdominalStatus) -> Unmet:
    flags = "; ".join(status.red_flags)
    who = _("the therapist or a clinic admin, from the physician's letter")
    if status.referral_unanswered == "massage_only":
        clearance = status.massage_clearance
        return Unmet(
            REFERRAL,
            _("The physician's clearance of %(day)s permits massage without abdominal work (referral: %(flags)s).")
            % {"day": f"{clearance.cleared_on:%Y-%m-%d}", "flags": flags},
            _("Only a physician's clearance that includes abdominal work opens it: record it on the intake."),
            who,
        )
    if status.referral_unanswered == "ended":
        clearance = status.ended_clearance
        return Unmet(
            REFERRAL,
            _("The physician's clearance of %(day)s ended on %(end)s (referral: %(flags)s).")
            % {"day": f"{clearance.cleared_on:%Y-%m-%d}", "end": f"{clearance.valid_until:%Y-%m-%d}", "flags": flags},
            _("Record a current physician's clearance that includes abdominal work on the intake."),
            who,
        )
    return Unmet(
        REFERRAL,
        _("The latest screening refers the client to a physician: %(flags)s.") % {"flags": flags},
        _("Record the physician's clearance, with abdominal work in its scope, on the intake before abdominal work."),
        who,
    )


def unmet_conditions(
    state: GateState, *, opening: bool, reconfirmed: bool = False, precautions_reviewed: bool = False
) -> list[Unmet]:
    """Every condition that fails for opening a stretch (`opening`: with the re-confirmation `reconfirmed` and the
    precautions reviewed or not) or for an entry (an open stretch needed)."""
    unmet = list(state.blockers)
    if opening:
        if state.cautions and not precautions_reviewed:
            unmet.append(
                Unmet(
                    PRECAUTIONS,
                    _("Abdominal work needs caution: %(list)s.") % {"list": "; ".join(state.cautions)},
                    _("Review these precautions with the client and tick that you did."),
                    _("the therapist"),
                )
            )
        if not reconfirmed:
            unmet.append(
                Unmet(
                    RECONFIRMATION,
                    _("The client's verbal re-confirmation is not recorded for this stretch."),
                    _("Ask the client to confirm out loud that they agree to abdominal work now, then tick the box."),
                    _("the therapist"),
                )
            )
    elif state.open_segment is None:
        unmet.append(
            Unmet(
                RECONFIRMATION,
                _("Abdominal work is not open."),
                _(
                    "Ask the client to confirm out loud that they agree to continue, then record the re-confirmation "
                    "(a “stop” ends the previous stretch)."
                ),
                _("the therapist"),
            )
        )
    return unmet


def check_abdominal_work(
    session: TreatmentSession,
    *,
    reconfirmed_now: bool = False,
    precautions_reviewed: bool = False,
    state: GateState | None = None,
    opening: bool | None = None,
) -> GateState:
    """Raise AbdominalWorkRefused, listing every unmet condition, unless abdominal work may go on in this session
    now.

    `reconfirmed_now`: the therapist is recording the client's verbal re-confirmation with this request, which
    opens a new stretch of work; without it, an open stretch must exist (as for a feedback entry). `opening`:
    asking to open a stretch, re-confirmed or not (then the missing re-confirmation is listed with the rest).
    """
    if session.is_signed:
        raise AbdominalWorkRefused(
            [Unmet(SIGNED, _("This session is signed; nothing can be added to it."), _("Add an addendum."), "")]
        )
    state = state or gate_state(session)
    opening = reconfirmed_now if opening is None else opening
    unmet = unmet_conditions(
        state, opening=opening, reconfirmed=reconfirmed_now, precautions_reviewed=precautions_reviewed
    )
    if unmet:
        raise AbdominalWorkRefused(unmet)
    return state
