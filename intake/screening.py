"""The iliopsoas screening engine, ruleset 2026.11 (../shared/SCREENING.md). Pure Python: no Django here.

`screen(answers)` takes one intake's answers as plain data (the JSON of SCREENING.md), checks them, and returns
three outputs (`iliopsoas`, `abdominal_work`, `refer`), the score, and one reason per rule that fired.
The rules are data: RULES below, each with its text and source. It supports a therapist's judgement; it never
diagnoses.

Precedence: red flags, then abdominal contraindications, then the iliopsoas indication.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

RULESET_VERSION = "2026.11"

# -- Vocabulary ---------------------------------------------------------------------------------------------------

REGIONS = (
    "low_back",
    "anterior_hip_groin",
    "anterior_thigh",
    "deep_hip",
    "buttock",
    "lateral_hip",
    "knee",
    "posterior_leg_below_knee",
    "lower_abdomen",
)
SIDES = ("left", "right", "bilateral", "central")
AGGRAVATING = (
    "hip_extension",
    "standing_upright_hips_forward",
    "stairs_leg_lift",
    "rising_from_sitting",
    "walking",
    "running_kicking",
    "prolonged_sitting",
    "sitting_cross_legged",
    "squatting",
    "side_stepping",
    "single_leg_stance",
    "lying_down",
    "lying_on_affected_side",
    "cough_sneeze",
)
SEXES = ("F", "M", "X")
NOT_TESTED = "not_tested"
TESTS = {
    # scored
    "resisted_hip_flexion": ("positive_pain", "negative"),
    "hip_flexor_stretch_thomas": ("positive_pain", "tight_no_pain", "negative"),
    "iliopsoas_palpation": ("positive_pain", "negative"),
    "internal_snapping": ("painful", "painless", "absent"),
    "anterior_hip_trigger_points": ("present", "absent"),
    # recorded, not scored
    "resisted_hip_adduction": ("positive_pain", "negative"),
    "adductor_palpation": ("positive_pain", "negative"),
    "gt_palpation": ("positive_pain", "negative"),
    "single_leg_stance_30s": ("positive_pain", "negative"),
    "slr": ("positive", "negative"),
    "passive_hip_internal_rotation": ("restricted_painful", "normal"),
}
HISTORY_FLAGS = (
    "athlete_repetitive_hip_flexion",
    "pregnant",
    "known_aaa",
    "aaa_risk_profile",
    "anticoagulant_or_bleeding_disorder",
    "acute_abdominal_inflammation",
    "iud",
    "menstruating_today",
)
HISTORY_CHOICES = {
    "ibd": ("none", "remission", "flare"),
    "hernia": ("none", "repaired", "symptomatic"),
    "abdominal_pelvic_cancer": ("none", "history_remission", "active"),
    "kidney": ("none", "ckd", "acute_colic_or_infection"),
}
SURGERY_WEEKS = "abdominal_pelvic_surgery_weeks_ago"
RED_FLAGS = (
    "saddle_anaesthesia",
    "new_bladder_dysfunction",
    "new_bowel_dysfunction",
    "progressive_neuro_deficit",
    "history_of_cancer",
    "unexplained_weight_loss",
    "night_pain_unrelieved",
    "new_onset_lbp_age_over_50",
    "fever_or_systemic_infection",
    "iv_drug_use",
    "immunosuppression_or_long_term_steroids",
    "trauma_significant_or_minor_with_osteoporosis",
    "pulsatile_abdominal_mass",
    "abdominal_pain_unknown_origin",
    "undiagnosed_lump_abdomen_groin",
    "paediatric_hip_flag",
)
TOP_LEVEL = ("age", "sex", "complaints", "aggravating", "tests", "history", "red_flags")
COMPLAINT_KEYS = ("region", "side", "nprs")

# The surgery number becomes one of these words, so the rules below can name it like any other answer.
SURGERY_UNDER_6_WEEKS = "under_6_weeks"
SURGERY_6_TO_26_WEEKS = "6_to_under_26_weeks"

# -- The rules ----------------------------------------------------------------------------------------------------

RED_FLAG = "red_flag"
CONTRAINDICATION = "contraindication"
CAUTION = "caution"
MAJOR = "major"
MINOR = "minor"


@dataclass(frozen=True)
class Rule:
    id: str
    kind: str
    fact: str  # a key of the facts made by `_facts` from the answers
    values: frozenset  # the rule fires when the fact is one of these (or, for a set, shares one)
    text: str
    source: str
    points: int = 0


def _rule(id, kind, fact, values, text, source, points=0):
    return Rule(id, kind, fact, frozenset(values), text, source, points)


CAUDA_EQUINA = "NICE CKS low back pain; GIRFT cauda equina pathway"
MALIGNANCY = "Chou et al., ACP/APS guideline 2007; NICE NG59"
INFECTION = "IFOMPT framework (Finucane et al., JOSPT 2020); NICE CKS"
ABDOMINAL = (
    "Werner, A Massage Therapist's Guide to Pathology; oncology massage guidance; NHS abdominal massage leaflets"
)
GROIN = "Doha agreement on groin pain (Weir et al., BJSM 2015); Hölmich examination"
MINOR_SOURCE = "Hölmich groin examination; iliopsoas clinical presentation"


def _red(answer, text, source):
    return _rule(f"red_flag.{answer}", RED_FLAG, f"red_flags.{answer}", {True}, text, source)


RULES: tuple[Rule, ...] = (
    # 1. Red flags: refer, no abdominal work, no iliopsoas work until a physician has assessed the client.
    _red("saddle_anaesthesia", "Numbness in the saddle area: possible cauda equina syndrome (emergency)", CAUDA_EQUINA),
    _red(
        "new_bladder_dysfunction",
        "New bladder problems: possible cauda equina syndrome (emergency)",
        CAUDA_EQUINA,
    ),
    _red("new_bowel_dysfunction", "New bowel problems: possible cauda equina syndrome (emergency)", CAUDA_EQUINA),
    _red(
        "progressive_neuro_deficit",
        "Worsening numbness or weakness: progressive neurological deficit",
        "IFOMPT framework (Finucane et al., JOSPT 2020)",
    ),
    _red("history_of_cancer", "History of cancer: back or hip pain needs ruling out of malignancy", MALIGNANCY),
    _red("unexplained_weight_loss", "Unexplained weight loss: possible malignancy", MALIGNANCY),
    _red("night_pain_unrelieved", "Night pain not eased by rest or position: possible malignancy", MALIGNANCY),
    _red("new_onset_lbp_age_over_50", "New low back pain after age 50: possible malignancy", MALIGNANCY),
    _red(
        "fever_or_systemic_infection",
        "Fever or feeling systemically unwell: possible infection (including psoas abscess)",
        INFECTION,
    ),
    _red("iv_drug_use", "Intravenous drug use: risk of spinal infection or psoas abscess", INFECTION),
    _red(
        "immunosuppression_or_long_term_steroids",
        "Immunosuppression or long-term steroids: risk of infection and fracture",
        INFECTION,
    ),
    _red(
        "trauma_significant_or_minor_with_osteoporosis",
        "Significant trauma, or minor trauma with osteoporosis: possible fracture",
        "IFOMPT framework (Finucane et al., JOSPT 2020)",
    ),
    _red(
        "pulsatile_abdominal_mass",
        "Pulsating mass in the abdomen: possible abdominal aortic aneurysm",
        "BMJ Best Practice, abdominal aortic aneurysm",
    ),
    _red(
        "abdominal_pain_unknown_origin",
        "Abdominal pain of unknown cause: may be visceral (appendicitis, diverticulitis, kidney stones)",
        "Iliopsoas differential diagnosis lists",
    ),
    _red("undiagnosed_lump_abdomen_groin", "Undiagnosed lump in the abdomen or groin", "NICE CKS"),
    _red(
        "paediatric_hip_flag",
        "Child with limp, fever, inability to bear weight, or painful restricted hip rotation: possible slipped "
        "epiphysis or septic hip",
        "RCH Melbourne limping child guideline; AAFP",
    ),
    # 2a. Abdominal work contraindicated.
    _rule("contraindication.pregnant", CONTRAINDICATION, "history.pregnant", {True}, "Pregnant", ABDOMINAL),
    _rule(
        "contraindication.known_aaa",
        CONTRAINDICATION,
        "history.known_aaa",
        {True},
        "Known abdominal aortic aneurysm",
        ABDOMINAL,
    ),
    _rule(
        "contraindication.recent_surgery",
        CONTRAINDICATION,
        "history.surgery_recency",
        {SURGERY_UNDER_6_WEEKS},
        "Abdominal or pelvic surgery less than 6 weeks ago",
        ABDOMINAL,
    ),
    _rule(
        "contraindication.ibd_flare",
        CONTRAINDICATION,
        "history.ibd",
        {"flare"},
        "Inflammatory bowel disease in a flare",
        ABDOMINAL,
    ),
    _rule(
        "contraindication.acute_abdominal_inflammation",
        CONTRAINDICATION,
        "history.acute_abdominal_inflammation",
        {True},
        "Acute inflammation in the abdomen",
        ABDOMINAL,
    ),
    _rule(
        "contraindication.hernia_symptomatic",
        CONTRAINDICATION,
        "history.hernia",
        {"symptomatic"},
        "Hernia with symptoms",
        ABDOMINAL,
    ),
    _rule(
        "contraindication.active_cancer",
        CONTRAINDICATION,
        "history.abdominal_pelvic_cancer",
        {"active"},
        "Active abdominal or pelvic cancer",
        ABDOMINAL,
    ),
    _rule(
        "contraindication.kidney_acute",
        CONTRAINDICATION,
        "history.kidney",
        {"acute_colic_or_infection"},
        "Kidney stone pain or kidney infection now",
        ABDOMINAL,
    ),
    # 2b. Abdominal work with caution (only when nothing contraindicates it).
    _rule(
        "caution.anticoagulant_or_bleeding_disorder",
        CAUTION,
        "history.anticoagulant_or_bleeding_disorder",
        {True},
        "Blood thinners or a bleeding disorder: bruising risk, no deep sustained pressure",
        ABDOMINAL,
    ),
    _rule(
        "caution.surgery_6_to_26_weeks",
        CAUTION,
        "history.surgery_recency",
        {SURGERY_6_TO_26_WEEKS},
        "Abdominal or pelvic surgery 6 to 26 weeks ago: gentle work, clearance where in doubt",
        ABDOMINAL,
    ),
    _rule(
        "caution.ibd_remission",
        CAUTION,
        "history.ibd",
        {"remission"},
        "Inflammatory bowel disease in remission",
        ABDOMINAL,
    ),
    _rule("caution.hernia_repaired", CAUTION, "history.hernia", {"repaired"}, "Repaired hernia", ABDOMINAL),
    _rule(
        "caution.cancer_history_remission",
        CAUTION,
        "history.abdominal_pelvic_cancer",
        {"history_remission"},
        "Past abdominal or pelvic cancer, in remission",
        ABDOMINAL,
    ),
    _rule("caution.kidney_ckd", CAUTION, "history.kidney", {"ckd"}, "Chronic kidney disease", ABDOMINAL),
    _rule(
        "caution.aaa_risk_profile",
        CAUTION,
        "history.aaa_risk_profile",
        {True},
        "Risk profile for abdominal aortic aneurysm (e.g. man 65-75 who ever smoked, family history, vascular "
        "disease): avoid deep pressure near the aorta",
        "AAFP 2022 (AAA screening); " + ABDOMINAL,
    ),
    _rule("caution.iud", CAUTION, "history.iud", {True}, "Intrauterine device (IUD)", ABDOMINAL),
    _rule(
        "caution.menstruating_today",
        CAUTION,
        "history.menstruating_today",
        {True},
        "Menstruating today: check comfort with abdominal work",
        ABDOMINAL,
    ),
    # 3. Iliopsoas signs. Major: 2 points each.
    _rule(
        "major.resisted_hip_flexion",
        MAJOR,
        "tests.resisted_hip_flexion",
        {"positive_pain"},
        "Resisted hip flexion reproduced familiar pain",
        GROIN,
        points=2,
    ),
    _rule(
        "major.hip_flexor_stretch_thomas",
        MAJOR,
        "tests.hip_flexor_stretch_thomas",
        {"positive_pain"},
        "Hip flexor stretch (Thomas test) reproduced familiar pain",
        GROIN,
        points=2,
    ),
    _rule(
        "major.iliopsoas_palpation",
        MAJOR,
        "tests.iliopsoas_palpation",
        {"positive_pain"},
        "Palpation of the iliopsoas reproduced familiar pain",
        "Hölmich groin examination",
        points=2,
    ),
    # Minor: 1 point each.
    _rule(
        "minor.B1",
        MINOR,
        "regions",
        {"anterior_hip_groin", "anterior_thigh", "deep_hip"},
        "Pain in the front of the hip or groin, the front of the thigh, or deep in the hip",
        MINOR_SOURCE,
        points=1,
    ),
    _rule(
        "minor.B2",
        MINOR,
        "aggravating",
        {"hip_extension", "standing_upright_hips_forward"},
        "Worse bringing the leg back or standing straight with the hips pushed forward",
        MINOR_SOURCE,
        points=1,
    ),
    _rule(
        "minor.B3",
        MINOR,
        "aggravating",
        {"stairs_leg_lift", "rising_from_sitting"},
        "Worse climbing stairs, lifting the leg, or rising from sitting",
        MINOR_SOURCE,
        points=1,
    ),
    _rule(
        "minor.B4",
        MINOR,
        "tests.internal_snapping",
        {"painful"},
        "Painful internal snapping of the hip (painless snapping is benign)",
        MINOR_SOURCE,
        points=1,
    ),
    _rule("minor.B5", MINOR, "regions", {"low_back"}, "Low back pain", MINOR_SOURCE, points=1),
    _rule(
        "minor.B6",
        MINOR,
        "tests.hip_flexor_stretch_thomas",
        {"tight_no_pain"},
        "Tight hip flexors on the Thomas test, without pain (unreliable alone)",
        "Vigotsky et al., PeerJ 2016",
        points=1,
    ),
    _rule(
        "minor.B7",
        MINOR,
        "history.athlete_repetitive_hip_flexion",
        {True},
        "Sport or work with repeated hip flexion (running, kicking, dance, cycling)",
        MINOR_SOURCE,
        points=1,
    ),
    _rule(
        "minor.B8",
        MINOR,
        "tests.anterior_hip_trigger_points",
        {"present"},
        "Knots or trigger points in the front of the hip",
        "Marschel, 'Got hip pain or anterior leg pain?' (2023)",
        points=1,
    ),
)

CONSIDER_THRESHOLD = 4
B1_RULE_ID = "minor.B1"

# -- Errors -------------------------------------------------------------------------------------------------------


class ScreeningInputError(ValueError):
    """Bad intake answers. `field` names the offending field, as `complaints[0].nprs` or `history.ibd`."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


# -- Validation ---------------------------------------------------------------------------------------------------


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value) -> bool:
    return (_is_int(value) or isinstance(value, float)) and math.isfinite(value)


def _choices(values) -> str:
    return ", ".join(str(v) for v in values)


def _mapping(answers: dict, key: str) -> dict:
    value = answers.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ScreeningInputError(key, "must be an object")
    return value


def _check_known_keys(where: str, given: dict, known) -> None:
    for key in given:
        if key not in known:
            raise ScreeningInputError(f"{where}.{key}" if where else str(key), "unknown field")


def validate(answers: Any) -> dict:
    """Check the answers against the vocabulary of SCREENING.md; return them complete, with defaults filled in."""
    if not isinstance(answers, dict):
        raise ScreeningInputError("answers", "must be a JSON object")
    _check_known_keys("", answers, TOP_LEVEL)

    age = answers.get("age")
    if age is None:
        raise ScreeningInputError("age", "is required (0-120)")
    if not _is_int(age) or not 0 <= age <= 120:
        raise ScreeningInputError("age", "must be a whole number from 0 to 120")
    sex = answers.get("sex")
    if sex is not None and sex not in SEXES:
        raise ScreeningInputError("sex", f"must be one of {_choices(SEXES)}")

    complaints_in = answers.get("complaints", [])
    if not isinstance(complaints_in, list):
        raise ScreeningInputError("complaints", "must be a list")
    complaints = []
    for i, complaint in enumerate(complaints_in):
        where = f"complaints[{i}]"
        if not isinstance(complaint, dict):
            raise ScreeningInputError(where, "must be an object with region, side and nprs")
        _check_known_keys(where, complaint, COMPLAINT_KEYS)
        if complaint.get("region") not in REGIONS:
            raise ScreeningInputError(f"{where}.region", f"must be one of {_choices(REGIONS)}")
        if complaint.get("side") not in SIDES:
            raise ScreeningInputError(f"{where}.side", f"must be one of {_choices(SIDES)}")
        nprs = complaint.get("nprs")
        if not _is_int(nprs) or not 0 <= nprs <= 10:
            raise ScreeningInputError(f"{where}.nprs", "pain must be a whole number from 0 to 10")
        complaints.append({"region": complaint["region"], "side": complaint["side"], "nprs": nprs})

    aggravating_in = answers.get("aggravating", [])
    if not isinstance(aggravating_in, list):
        raise ScreeningInputError("aggravating", "must be a list")
    for i, movement in enumerate(aggravating_in):
        if movement not in AGGRAVATING:
            raise ScreeningInputError(f"aggravating[{i}]", f"must be one of {_choices(AGGRAVATING)}")

    tests_in = _mapping(answers, "tests")
    _check_known_keys("tests", tests_in, TESTS)
    tests = {}
    for name, allowed in TESTS.items():
        value = tests_in.get(name, NOT_TESTED)
        if value != NOT_TESTED and value not in allowed:
            raise ScreeningInputError(f"tests.{name}", f"must be one of {_choices((*allowed, NOT_TESTED))}")
        tests[name] = value

    history_in = _mapping(answers, "history")
    _check_known_keys("history", history_in, (*HISTORY_FLAGS, *HISTORY_CHOICES, SURGERY_WEEKS))
    history: dict[str, Any] = {}
    for name in HISTORY_FLAGS:
        value = history_in.get(name, False)
        if not isinstance(value, bool):
            raise ScreeningInputError(f"history.{name}", "must be true or false")
        history[name] = value
    for name, allowed in HISTORY_CHOICES.items():
        value = history_in.get(name, "none")
        if value not in allowed:
            raise ScreeningInputError(f"history.{name}", f"must be one of {_choices(allowed)}")
        history[name] = value
    weeks = history_in.get(SURGERY_WEEKS)
    if weeks is not None and (not _is_number(weeks) or weeks < 0):
        raise ScreeningInputError(f"history.{SURGERY_WEEKS}", "must be a number of weeks, 0 or more, or null")
    history[SURGERY_WEEKS] = weeks

    flags_in = _mapping(answers, "red_flags")
    _check_known_keys("red_flags", flags_in, RED_FLAGS)
    red_flags = {}
    for name in RED_FLAGS:
        value = flags_in.get(name, False)
        if not isinstance(value, bool):
            raise ScreeningInputError(f"red_flags.{name}", "must be true or false")
        red_flags[name] = value

    return {
        "age": age,
        "sex": sex,
        "complaints": complaints,
        "aggravating": sorted(set(aggravating_in)),
        "tests": tests,
        "history": history,
        "red_flags": red_flags,
    }


# -- Judging ------------------------------------------------------------------------------------------------------


def _surgery_recency(weeks) -> str:
    if weeks is None:
        return "none"
    if weeks < 6:
        return SURGERY_UNDER_6_WEEKS
    if weeks < 26:
        return SURGERY_6_TO_26_WEEKS
    return "26_weeks_or_more"


def _facts(answers: dict) -> dict:
    """Flatten valid answers into the facts the rules name."""
    facts: dict[str, Any] = {
        # A complaint counts only with pain above 0.
        "regions": frozenset(c["region"] for c in answers["complaints"] if c["nprs"] > 0),
        "aggravating": frozenset(answers["aggravating"]),
        "history.surgery_recency": _surgery_recency(answers["history"][SURGERY_WEEKS]),
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
    if red_flag or CONTRAINDICATION in kinds:
        abdominal_work = "contraindicated"
        # Caution applies only when nothing above does.
        fired = [rule for rule in fired if rule.kind != CAUTION]
    elif CAUTION in kinds:
        abdominal_work = "caution"
    else:
        abdominal_work = "ok"

    score = sum(rule.points for rule in fired)
    has_major_or_b1 = any(rule.kind == MAJOR or rule.id == B1_RULE_ID for rule in fired)
    consider = score >= CONSIDER_THRESHOLD and has_major_or_b1 and not red_flag

    return {
        "ruleset": RULESET_VERSION,
        "iliopsoas": "consider" if consider else "not_indicated",
        "abdominal_work": abdominal_work,
        "refer": red_flag,
        "score": score,
        "reasons": [{"rule": rule.id, "text": rule.text, "source": rule.source} for rule in fired],
    }
