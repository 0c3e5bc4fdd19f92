"""Judging valid answers by the rules: which fire, and what they add up to. Pure Python: no Django here."""

from __future__ import annotations

from typing import Any

from intake.screening.rules import (
    B1_RULE_ID,
    CAUTION,
    CONSIDER_THRESHOLD,
    CONTRAINDICATION,
    MAJOR,
    RED_FLAG,
    RULES,
    Rule,
)
from intake.screening.validation import validate
from intake.screening.vocabulary import (
    CHILDBIRTH_6_TO_26_WEEKS,
    CHILDBIRTH_CAESAREAN_12_TO_26_WEEKS,
    CHILDBIRTH_CAESAREAN_UNDER_12_WEEKS,
    CHILDBIRTH_UNDER_6_WEEKS,
    CHILDBIRTH_WEEKS,
    RULESET_VERSION,
    SURGERY_6_TO_26_WEEKS,
    SURGERY_UNDER_6_WEEKS,
    SURGERY_WEEKS,
)


def _surgery_recency(weeks) -> str:
    if weeks is None:
        return "none"
    if weeks < 6:
        return SURGERY_UNDER_6_WEEKS
    if weeks < 26:
        return SURGERY_6_TO_26_WEEKS
    return "26_weeks_or_more"


def _childbirth_recency(weeks, caesarean: bool) -> str:
    """Contraindicated under 6 weeks (12 after a caesarean section), a caution from then up to 26 weeks."""
    if weeks is None or weeks >= 26:
        return "none"
    if caesarean:
        return CHILDBIRTH_CAESAREAN_UNDER_12_WEEKS if weeks < 12 else CHILDBIRTH_CAESAREAN_12_TO_26_WEEKS
    return CHILDBIRTH_UNDER_6_WEEKS if weeks < 6 else CHILDBIRTH_6_TO_26_WEEKS


def _facts(answers: dict) -> dict:
    """Flatten valid answers into the facts the rules name."""
    facts: dict[str, Any] = {
        # A complaint counts only with pain above 0.
        "regions": frozenset(c["region"] for c in answers["complaints"] if c["nprs"] > 0),
        "aggravating": frozenset(answers["aggravating"]),
        "history.surgery_recency": _surgery_recency(answers["history"][SURGERY_WEEKS]),
        "history.childbirth_recency": _childbirth_recency(
            answers["history"][CHILDBIRTH_WEEKS], answers["history"]["caesarean"]
        ),
    }
    for section in ("tests", "history", "red_flags"):
        for key, value in answers[section].items():
            facts[f"{section}.{key}"] = value
    return facts


def _fires(rule: Rule, facts: dict) -> bool:
    fact = facts[rule.fact]
    if isinstance(fact, frozenset):
        return not fact.isdisjoint(rule.values)
    return fact in rule.values


def screen(answers: Any) -> dict:
    """Judge one intake's answers. Raises ScreeningInputError naming the field on bad input."""
    facts = _facts(validate(answers))
    fired = [rule for rule in RULES if _fires(rule, facts)]
    kinds = {rule.kind for rule in fired}

    red_flag = RED_FLAG in kinds
    # Section 2 alone: what applies to abdominal work once a physician's clearance that includes it is on file.
    # Its rules are reported even under a red flag (ruleset 2026.12), so a cleared client's cautions still apply.
    if CONTRAINDICATION in kinds:
        after_clearance = "contraindicated"
        # A caution applies only when no contraindication does.
        fired = [rule for rule in fired if rule.kind != CAUTION]
    elif CAUTION in kinds:
        after_clearance = "caution"
    else:
        after_clearance = "ok"
    abdominal_work = "contraindicated" if red_flag else after_clearance

    score = sum(rule.points for rule in fired)
    has_major_or_b1 = any(rule.kind == MAJOR or rule.id == B1_RULE_ID for rule in fired)
    consider = score >= CONSIDER_THRESHOLD and has_major_or_b1 and not red_flag

    return {
        "ruleset": RULESET_VERSION,
        "iliopsoas": "consider" if consider else "not_indicated",
        "abdominal_work": abdominal_work,
        "refer": red_flag,
        "score": score,
        "threshold": CONSIDER_THRESHOLD,
        "abdominal_work_after_clearance": after_clearance,
        "reasons": [{"rule": rule.id, "text": rule.text, "source": rule.source} for rule in fired],
    }
