"""What the chart says of abdominal work today, in one line with its reason and date: from the latest screening
(section 2 of the rules, the referral) and the physician's clearances. The client page and the gate read it, so
they never disagree ("contraindicated" beside a control that allows the work).

A clearance lifts a referral only for what it permits (`massage including abdominal work`) and only until its end
date; contraindications from health answers are never lifted by it, and the cautions still apply after it."""

from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from clinic import local_time
from intake.models import PhysicianClearance, Screening
from intake.screening import CAUTION, CONTRAINDICATION, RED_FLAG

OK = "ok"
CAUTIONED = "caution"
NOT_ALLOWED = "not_allowed"


@dataclass(frozen=True)
class AbdominalStatus:
    level: str  # ok, caution or not_allowed
    line: str  # "Abdominal work: allowed with caution (anticoagulant) after physician clearance of 2026-11-20"
    summary: str  # the line without the clinical reasons, for those who see only the summary
    contraindications: list[str] = field(default_factory=list)
    cautions: list[str] = field(default_factory=list)
    red_flags: list[str] = field(default_factory=list)
    clearance: PhysicianClearance | None = None  # the one in force that includes abdominal work, if any
    # A referral not answered for abdominal work: "none", "massage_only" (a clearance without it) or "ended".
    referral_unanswered: str = ""
    ended_clearance: PhysicianClearance | None = None
    massage_clearance: PhysicianClearance | None = None

    @property
    def allowed(self) -> bool:
        return self.level != NOT_ALLOWED


def _texts(reasons, kind: str) -> list[str]:
    return [reason["text"] for reason in reasons if reason["rule"].startswith(f"{kind}.")]


def abdominal_status(screening: Screening, *, day: date, clearances) -> AbdominalStatus:
    """The status on the clinic's `day`, from the client's latest screening and the clearances of its intake."""
    section = screening.section_two()
    contraindications = _texts(section, CONTRAINDICATION)
    cautions = _texts(section, CAUTION)
    red_flags = _texts(screening.reasons, RED_FLAG)
    source = screening.source_label
    answering = [c for c in clearances if screening.refer and c.resolves(screening)]
    in_force = [c for c in answering if c.is_current(day)]
    widening = max((c for c in in_force if c.includes_abdominal_work), key=lambda c: (c.cleared_on, c.pk), default=None)
    kept = {"contraindications": contraindications, "cautions": cautions, "red_flags": red_flags}
    prefix = _("Abdominal work:")
    # A referral not answered for abdominal work, whatever else applies: the gate lists it with the rest.
    referral = {}
    why_referred = ""
    if screening.refer and widening is None:
        massage_only = max((c for c in in_force), key=lambda c: (c.cleared_on, c.pk), default=None)
        past = (c for c in answering if c.valid_until is not None and c.valid_until < day)
        ended = max(past, key=lambda c: (c.cleared_on, c.pk), default=None)
        flags = "; ".join(red_flags)
        if massage_only is not None:
            why_referred = _(
                "the physician's clearance of %(day)s permits massage without abdominal work; %(flags)s"
            ) % {"day": f"{massage_only.cleared_on:%Y-%m-%d}", "flags": flags}
            unanswered = "massage_only"
        elif ended is not None:
            why_referred = _(
                "the physician's clearance of %(day)s ended on %(end)s; refer to a physician: %(flags)s"
            ) % {"day": f"{ended.cleared_on:%Y-%m-%d}", "end": f"{ended.valid_until:%Y-%m-%d}", "flags": flags}
            unanswered = "ended"
        else:
            why_referred = _("refer to a physician: %(flags)s") % {"flags": flags}
            unanswered = "none"
        referral = {"referral_unanswered": unanswered, "ended_clearance": ended, "massage_clearance": massage_only}
    if contraindications:
        why = "; ".join(contraindications)
        return AbdominalStatus(
            NOT_ALLOWED,
            f"{prefix} " + _("not allowed (%(why)s, %(source)s)") % {"why": why, "source": source},
            f"{prefix} " + _("not allowed"),
            **kept,
            **referral,
            clearance=widening,
        )
    if referral:
        return AbdominalStatus(
            NOT_ALLOWED,
            f"{prefix} " + _("not allowed (%(why)s, %(source)s)") % {"why": why_referred, "source": source},
            f"{prefix} " + _("not allowed until a physician's clearance includes it"),
            **kept,
            **referral,
        )
    if widening is not None:
        # "after physician clearance of 2026-11-20 (until 2027-05-20)"
        when = _("after physician clearance of %(day)s") % {"day": f"{widening.cleared_on:%Y-%m-%d}"}
        if widening.valid_until is not None:
            when += " " + _("(until %(end)s)") % {"end": f"{widening.valid_until:%Y-%m-%d}"}
    if cautions:
        why = "; ".join(cautions)
        if widening is not None:
            line = _("allowed with caution (%(why)s) %(when)s") % {"why": why, "when": when}
        else:
            line = _("allowed with caution (%(why)s, %(source)s)") % {"why": why, "source": source}
        return AbdominalStatus(
            CAUTIONED, f"{prefix} {line}", f"{prefix} " + _("allowed with caution"), **kept, clearance=widening
        )
    if widening is not None:
        line = _("allowed %(when)s") % {"when": when}
    else:
        line = _("allowed (no contraindication or caution, %(source)s)") % {"source": source}
    return AbdominalStatus(OK, f"{prefix} {line}", f"{prefix} " + _("allowed"), **kept, clearance=widening)


def status_today(screening: Screening | None, clearances) -> AbdominalStatus | None:
    """The status on the clinic's today (None without a screening). `clearances`: the intake's, or the client's."""
    if screening is None:
        return None
    return abdominal_status(screening, day=local_time.local_date(timezone.now()), clearances=clearances)
