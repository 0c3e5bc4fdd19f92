"""The iliopsoas indication in one line, from a stored screening alone: the points against the threshold and, when
the screening does not say "consider", why not ("3 points of 4; no major sign"). Pure: reads no database, so the
same words come out on the intake page, the client page, the history and the PDF."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from intake.screening import B1_RULE_ID, MAJOR, RED_FLAG

# Every ruleset so far considers iliopsoas work from 4 points; a screening stored before the threshold was kept
# with it was judged by that threshold.
DEFAULT_THRESHOLD = 4


def points_line(*, score: int, threshold: int | None) -> str:
    return ngettext("%(score)s point of %(threshold)s", "%(score)s points of %(threshold)s", score) % {
        "score": score,
        "threshold": threshold or DEFAULT_THRESHOLD,
    }


def why_not_considered(*, iliopsoas: str, score: int, threshold: int | None, reasons: list[dict]) -> str:
    """Why the screening does not say "consider" (empty when it does): a warning sign, too few points, no major
    sign or front-of-hip pain, as the stored reasons show."""
    if iliopsoas == "consider":
        return ""
    threshold = threshold or DEFAULT_THRESHOLD
    rules = [reason.get("rule", "") for reason in reasons]
    points = points_line(score=score, threshold=threshold)
    if any(rule.startswith(f"{RED_FLAG}.") for rule in rules):
        return _("%(points)s; a warning sign: not considered until a physician has seen the client") % {
            "points": points
        }
    has_major = any(rule.startswith(f"{MAJOR}.") for rule in rules)
    has_b1 = B1_RULE_ID in rules
    if score < threshold and has_major:
        return _("%(points)s; a major sign, but too few points") % {"points": points}
    if score < threshold and has_b1:
        return _("%(points)s; pain in the groin, front of thigh or deep hip, but too few points") % {"points": points}
    if score < threshold:
        return _("%(points)s; no major sign") % {"points": points}
    return _("%(points)s but no major sign or groin/front-of-thigh/deep-hip pain") % {"points": points}
