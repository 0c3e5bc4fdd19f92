"""The screening engine against its specification, ruleset 2026.12 (docs/screening.md).

Written from the spec, not from the code: the vocabularies, thresholds and worked examples below are copied from
the rule set's specification. No database needed.
"""

import copy
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from intake.screening import RULESET_VERSION, ScreeningInputError, screen, validate

# -- The vocabulary of the specification -------------------------------------------------------------------------------

# Source named in section 1 (a fragment of it) -> its red-flag answers.
RED_FLAG_SOURCES = {
    "NICE CKS": "saddle_anaesthesia new_bladder_dysfunction new_bowel_dysfunction undiagnosed_lump_abdomen_groin",
    "IFOMPT": "progressive_neuro_deficit fever_or_systemic_infection iv_drug_use "
    "immunosuppression_or_long_term_steroids trauma_significant_or_minor_with_osteoporosis",
    "Chou": "history_of_cancer unexplained_weight_loss night_pain_unrelieved new_onset_lbp_age_over_50",
    "BMJ Best Practice": "pulsatile_abdominal_mass",
    "differential": "abdominal_pain_unknown_origin",
    "RCH Melbourne": "paediatric_hip_flag",
}
SOURCE_OF_FLAG = {flag: source for source, flags in RED_FLAG_SOURCES.items() for flag in flags.split()}
RED_FLAGS = sorted(SOURCE_OF_FLAG)
SURGERY = "abdominal_pelvic_surgery_weeks_ago"
CONTRAINDICATIONS = [{"pregnant": True}, {"known_aaa": True}, {SURGERY: 2}, {"ibd": "flare"}]
CONTRAINDICATIONS += [{"acute_abdominal_inflammation": True}, {"hernia": "symptomatic"}]
CONTRAINDICATIONS += [{"abdominal_pelvic_cancer": "active"}, {"kidney": "acute_colic_or_infection"}]
CAUTIONS = [{"anticoagulant_or_bleeding_disorder": True}, {SURGERY: 10}, {"ibd": "remission"}]
CAUTIONS += [{"hernia": "repaired"}, {"abdominal_pelvic_cancer": "history_remission"}, {"kidney": "ckd"}]
CAUTIONS += [{"aaa_risk_profile": True}, {"iud": True}, {"menstruating_today": True}]
REGIONS = "low_back anterior_hip_groin anterior_thigh deep_hip buttock lateral_hip knee posterior_leg_below_knee"
REGIONS = [*REGIONS.split(), "lower_abdomen"]
B1_REGIONS = {"anterior_hip_groin", "anterior_thigh", "deep_hip"}
SIDES = ["left", "right", "bilateral", "central"]
AGGRAVATING = """hip_extension standing_upright_hips_forward stairs_leg_lift rising_from_sitting walking running_kicking
    prolonged_sitting sitting_cross_legged squatting side_stepping single_leg_stance lying_down lying_on_affected_side
    cough_sneeze""".split()
MAJOR_TESTS = ["resisted_hip_flexion", "hip_flexor_stretch_thomas", "iliopsoas_palpation"]
PAIN = ["positive_pain", "negative"]
TEST_VALUES = {
    "resisted_hip_flexion": PAIN,
    "hip_flexor_stretch_thomas": ["positive_pain", "tight_no_pain", "negative"],
}
TEST_VALUES |= {"iliopsoas_palpation": PAIN, "internal_snapping": ["painful", "painless", "absent"]}
TEST_VALUES |= {"anterior_hip_trigger_points": ["present", "absent"], "slr": ["positive", "negative"]}
TEST_VALUES |= {
    name: PAIN for name in "resisted_hip_adduction adductor_palpation gt_palpation single_leg_stance_30s".split()
}
TEST_VALUES |= {"passive_hip_internal_rotation": ["restricted_painful", "normal"]}
HISTORY_FLAGS = """athlete_repetitive_hip_flexion pregnant known_aaa aaa_risk_profile anticoagulant_or_bleeding_disorder
    acute_abdominal_inflammation iud menstruating_today""".split()
HISTORY_CHOICES = {"ibd": ["none", "remission", "flare"], "hernia": ["none", "repaired", "symptomatic"]}
HISTORY_CHOICES |= {"abdominal_pelvic_cancer": ["none", "history_remission", "active"]}
HISTORY_CHOICES |= {"kidney": ["none", "ckd", "acute_colic_or_infection"]}


def answers(**parts):
    return {"age": 38, **parts}


def complaint(region, nprs=5, side="right"):
    return {"region": region, "side": side, "nprs": nprs}


def outputs(result):
    return result["iliopsoas"], result["abdominal_work"], result["refer"]


def rule_ids(result):
    return [reason["rule"] for reason in result["reasons"]]


def only_reason(result, rule=None, source=None):
    """The single reason of a result, with words and a source; checked against `rule` and `source` if given."""
    assert len(result["reasons"]) == 1, result["reasons"]
    reason = result["reasons"][0]
    assert reason["text"].strip() and reason["source"].strip()
    if rule:
        assert reason["rule"] == rule
    if source:
        assert source.lower() in reason["source"].lower()
    return reason


def _id(parts):
    return ",".join(f"{key}={value}" for key, value in parts.items())


# -- Every rule alone ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("flag", RED_FLAGS)
def test_each_red_flag_alone_refers_and_stops_all_work(flag):
    result = screen(answers(red_flags={flag: True}))
    assert outputs(result) == ("not_indicated", "contraindicated", True)
    only_reason(result, f"red_flag.{flag}", SOURCE_OF_FLAG[flag])


ABDOMINAL_RULES = [(h, "contraindicated") for h in CONTRAINDICATIONS] + [(h, "caution") for h in CAUTIONS]


@pytest.mark.parametrize(("history", "abdominal_work"), ABDOMINAL_RULES, ids=[_id(h) for h, _ in ABDOMINAL_RULES])
def test_each_contraindication_or_caution_alone_affects_abdominal_work_only(history, abdominal_work):
    result = screen(answers(history=history))
    assert outputs(result) == ("not_indicated", abdominal_work, False)
    # The spec names Werner for the contraindications, and AAFP 2022 for the AAA risk profile.
    source = "Werner" if abdominal_work == "contraindicated" else "AAFP" if "aaa_risk_profile" in history else None
    rule = only_reason(result, source=source)["rule"]
    assert rule.startswith("contraindication." if abdominal_work == "contraindicated" else "caution.")


@pytest.mark.parametrize("kind", [CONTRAINDICATIONS, CAUTIONS], ids=["contraindications", "cautions"])
def test_each_abdominal_rule_has_its_own_reason(kind):
    assert len({only_reason(screen(answers(history=history)))["rule"] for history in kind}) == len(kind)


SIGNS = [(f"major.{test}", {"tests": {test: "positive_pain"}}, 2) for test in MAJOR_TESTS]
SIGNS += [("minor.B1", {"complaints": [complaint(region)]}, 1) for region in sorted(B1_REGIONS)]
SIGNS += [("minor.B2", {"aggravating": [move]}, 1) for move in ("hip_extension", "standing_upright_hips_forward")]
SIGNS += [("minor.B3", {"aggravating": [move]}, 1) for move in ("stairs_leg_lift", "rising_from_sitting")]
SIGNS += [
    ("minor.B4", {"tests": {"internal_snapping": "painful"}}, 1),
    ("minor.B5", {"complaints": [complaint("low_back", side="central")]}, 1),
    ("minor.B6", {"tests": {"hip_flexor_stretch_thomas": "tight_no_pain"}}, 1),
    ("minor.B7", {"history": {"athlete_repetitive_hip_flexion": True}}, 1),
    ("minor.B8", {"tests": {"anterior_hip_trigger_points": "present"}}, 1),
]
SIGN_SOURCES = {"major": "Hölmich", "minor.B6": "Vigotsky"}  # as named in section 3


@pytest.mark.parametrize(("rule", "parts", "points"), SIGNS, ids=[f"{r}-{json.dumps(p)}" for r, p, _ in SIGNS])
def test_each_sign_alone_scores_its_points_and_is_not_enough(rule, parts, points):
    result = screen(answers(**parts))
    assert (outputs(result), result["score"]) == (("not_indicated", "ok", False), points)
    only_reason(result, rule, SIGN_SOURCES.get(rule, SIGN_SOURCES.get(rule.split(".")[0])))


RECORDED_ONLY = "resisted_hip_adduction adductor_palpation gt_palpation single_leg_stance_30s slr".split()
RECORDED_ONLY += ["passive_hip_internal_rotation"]
UNSCORED = [
    {"tests": {name: TEST_VALUES[name][0] for name in RECORDED_ONLY}},  # each one's positive finding
    {"tests": {"internal_snapping": "painless", "anterior_hip_trigger_points": "absent"}},
    {"tests": {name: "not_tested" for name in TEST_VALUES}},
    {"tests": {name: "negative" for name in MAJOR_TESTS}},
    {"complaints": [complaint(region) for region in REGIONS if region not in B1_REGIONS | {"low_back"}]},
    {"aggravating": AGGRAVATING[4:]},
    {"sex": "F", "history": {"ibd": "none", "hernia": "none", "abdominal_pelvic_cancer": "none", SURGERY: None}},
]


@pytest.mark.parametrize("parts", UNSCORED, ids=lambda parts: json.dumps(parts)[:60])
def test_answers_outside_the_signs_score_nothing(parts):
    result = screen(answers(**parts))
    assert (outputs(result), result["score"], result["reasons"]) == (("not_indicated", "ok", False), 0, [])


# -- Thresholds ---------------------------------------------------------------------------------------------------

MAJOR_AND_LOW_BACK = {"tests": {"iliopsoas_palpation": "positive_pain"}, "complaints": [complaint("low_back")]}


@pytest.mark.parametrize(("athlete", "score", "iliopsoas"), [(False, 3, "not_indicated"), (True, 4, "consider")])
def test_with_a_major_sign_consider_starts_at_score_four(athlete, score, iliopsoas):
    result = screen(answers(**MAJOR_AND_LOW_BACK, history={"athlete_repetitive_hip_flexion": athlete}))
    assert (result["score"], result["iliopsoas"]) == (score, iliopsoas)


@pytest.mark.parametrize(
    ("nprs", "trigger_points", "score", "iliopsoas"),
    [(1, "absent", 4, "consider"), (0, "present", 4, "not_indicated"), (0, "absent", 3, "not_indicated")],
)
def test_a_b1_region_opens_consider_without_a_major_sign_only_with_pain(nprs, trigger_points, score, iliopsoas):
    result = screen(
        answers(
            complaints=[complaint("deep_hip", nprs=nprs)],
            aggravating=["hip_extension", "rising_from_sitting"],
            tests={"anterior_hip_trigger_points": trigger_points},
            history={"athlete_repetitive_hip_flexion": True},
        )
    )
    assert (result["score"], result["iliopsoas"]) == (score, iliopsoas)


def test_low_back_pain_with_tight_hip_flexors_and_every_other_minor_sign_never_reaches_consider():
    result = screen(
        answers(
            complaints=[complaint("low_back", side="bilateral", nprs=9)],
            aggravating=["hip_extension", "stairs_leg_lift"],
            tests={"hip_flexor_stretch_thomas": "tight_no_pain", "internal_snapping": "painful"}
            | {"anterior_hip_trigger_points": "present"},
            history={"athlete_repetitive_hip_flexion": True},
        )
    )
    assert (result["score"], result["iliopsoas"]) == (7, "not_indicated")


SURGERY_EDGES = [(w, "contraindicated") for w in (0, 5, 5.9)] + [(w, "caution") for w in (6, 25, 25.9)]
SURGERY_EDGES += [(w, "ok") for w in (26, 104, None)]


@pytest.mark.parametrize(("weeks", "abdominal_work"), SURGERY_EDGES)
def test_surgery_is_contraindicated_below_6_weeks_and_a_caution_until_26(weeks, abdominal_work):
    result = screen(answers(history={SURGERY: weeks}))
    assert result["abdominal_work"] == abdominal_work
    kinds = {"contraindicated": ["contraindication"], "caution": ["caution"], "ok": []}[abdominal_work]
    assert [rule.split(".")[0] for rule in rule_ids(result)] == kinds


@pytest.mark.parametrize(("region", "sign"), [*[(r, "B1") for r in sorted(B1_REGIONS)], ("low_back", "B5")])
def test_a_complaint_counts_only_with_pain_above_zero(region, sign):
    no_pain = screen(answers(complaints=[complaint(region, nprs=0)]))
    assert (no_pain["score"], no_pain["reasons"]) == (0, [])
    some_pain = screen(answers(complaints=[complaint(region, nprs=1)]))
    assert (some_pain["score"], rule_ids(some_pain)) == (1, [f"minor.{sign}"])


# -- Precedence ---------------------------------------------------------------------------------------------------

DANCER = answers(
    age=24,
    sex="F",
    complaints=[complaint("anterior_hip_groin", nprs=6, side="right")],
    aggravating=["hip_extension", "stairs_leg_lift"],
    tests={"resisted_hip_flexion": "positive_pain", "hip_flexor_stretch_thomas": "positive_pain"}
    | {"internal_snapping": "painful"},
    history={"athlete_repetitive_hip_flexion": True},
)
DANCER_SIGNS = {"major.resisted_hip_flexion", "major.hip_flexor_stretch_thomas"}
DANCER_SIGNS |= {"minor.B1", "minor.B2", "minor.B3", "minor.B4", "minor.B7"}


def with_parts(base, section, **values):
    changed = copy.deepcopy(base)
    changed[section] = {**changed.get(section, {}), **values}
    return changed


def test_red_flag_beats_contraindication_and_indication_and_every_rule_is_a_reason():
    result = screen(with_parts(with_parts(DANCER, "history", pregnant=True), "red_flags", saddle_anaesthesia=True))
    assert outputs(result) == ("not_indicated", "contraindicated", True)
    ids = rule_ids(result)
    assert "red_flag.saddle_anaesthesia" in ids
    assert any(rule.startswith("contraindication.") for rule in ids)
    assert DANCER_SIGNS <= set(ids)


def test_contraindication_suppresses_caution_reasons():
    history = {"pregnant": True, "iud": True, "anticoagulant_or_bleeding_disorder": True, "ibd": "remission"}
    result = screen(answers(history=history))
    assert result["abdominal_work"] == "contraindicated"
    assert [rule.split(".")[0] for rule in rule_ids(result)] == ["contraindication"]


def test_red_flag_reports_section_two_cautions_and_what_applies_after_clearance():
    """2026.12: section 2 is evaluated and reported under a red flag, so a cleared client's cautions still apply."""
    result = screen(answers(red_flags={"iv_drug_use": True}, history={"iud": True, "kidney": "ckd"}))
    assert (result["abdominal_work"], result["refer"]) == ("contraindicated", True)
    assert sorted(rule_ids(result)) == ["caution.iud", "caution.kidney_ckd", "red_flag.iv_drug_use"]
    assert result["abdominal_work_after_clearance"] == "caution"


def test_red_flag_with_a_contraindication_stays_contraindicated_after_clearance():
    result = screen(answers(red_flags={"iv_drug_use": True}, history={"pregnant": True, "iud": True}))
    assert result["abdominal_work_after_clearance"] == "contraindicated"
    assert {r.split(".")[0] for r in rule_ids(result)} == {"red_flag", "contraindication"}


def test_red_flag_alone_is_ok_after_clearance_and_the_threshold_is_reported():
    result = screen(answers(red_flags={"iv_drug_use": True}))
    assert (result["abdominal_work"], result["abdominal_work_after_clearance"], result["threshold"]) == (
        "contraindicated",
        "ok",
        4,
    )


@pytest.mark.parametrize("history", CONTRAINDICATIONS, ids=_id)
def test_contraindication_does_not_stop_consider(history):
    result = screen(with_parts(DANCER, "history", **history))
    assert (result["score"], outputs(result)) == (9, ("consider", "contraindicated", False))


# -- The worked examples of the specification --------------------------------------------------------------------------


def test_worked_example_dancer():
    result = screen(DANCER)
    assert (result["score"], outputs(result)) == (9, ("consider", "ok", False))
    assert set(rule_ids(result)) == DANCER_SIGNS


@pytest.mark.parametrize(
    ("section", "answer", "expected"),
    [
        ("history", "pregnant", ("consider", "contraindicated", False)),
        ("red_flags", "saddle_anaesthesia", ("not_indicated", "contraindicated", True)),
    ],
)
def test_worked_examples_dancer_22_weeks_pregnant_or_with_new_saddle_numbness(section, answer, expected):
    assert outputs(screen(with_parts(DANCER, section, **{answer: True}))) == expected


def test_worked_example_spin_instructor_scores_four_but_is_not_indicated():
    result = screen(
        answers(
            complaints=[complaint("low_back", nprs=4, side="central")],
            aggravating=["standing_upright_hips_forward"],
            tests={"hip_flexor_stretch_thomas": "tight_no_pain"},
            history={"athlete_repetitive_hip_flexion": True},
        )
    )
    assert (result["score"], outputs(result)) == (4, ("not_indicated", "ok", False))
    assert set(rule_ids(result)) == {"minor.B2", "minor.B5", "minor.B6", "minor.B7"}


SPEC_INPUT = json.loads("""{
  "age": 38, "sex": "M",
  "complaints": [{"region": "low_back", "side": "bilateral", "nprs": 5}],
  "aggravating": ["standing_upright_hips_forward", "rising_from_sitting"],
  "tests": {"hip_flexor_stretch_thomas": "positive_pain", "iliopsoas_palpation": "positive_pain"},
  "history": {"pregnant": false, "abdominal_pelvic_surgery_weeks_ago": null, "ibd": "none"},
  "red_flags": {"saddle_anaesthesia": false}
}""")


def test_output_has_the_documented_shape_and_is_json():
    result = screen(SPEC_INPUT)
    assert set(result) == {
        "ruleset",
        "iliopsoas",
        "abdominal_work",
        "refer",
        "score",
        "threshold",
        "abdominal_work_after_clearance",
        "reasons",
    }
    assert result["ruleset"] == RULESET_VERSION == "2026.12"
    assert (result["score"], outputs(result)) == (7, ("consider", "ok", False))
    assert isinstance(result["refer"], bool) and type(result["score"]) is int
    assert all(set(reason) == {"rule", "text", "source"} for reason in result["reasons"])
    assert json.loads(json.dumps(result)) == result


# -- Validation ---------------------------------------------------------------------------------------------------

SURGERY_FIELD = f"history.{SURGERY}"
BAD_ANSWERS = [
    (answers(weight=80), "weight"),
    (answers(complaints=[{**complaint("knee"), "onset": "sudden"}]), "complaints[0].onset"),
    (answers(tests={"faber": "positive_pain"}), "tests.faber"),
    (answers(history={"diabetes": True}), "history.diabetes"),
    (answers(red_flags={"headache": True}), "red_flags.headache"),
    (answers(complaints=[complaint("knee"), complaint("tail")]), "complaints[1].region"),  # shoulder is charted now
    (answers(complaints=[complaint("knee", side="front")]), "complaints[0].side"),
    (answers(aggravating=["walking", "jumping"]), "aggravating[1]"),
    (answers(tests={"iliopsoas_palpation": "positive"}), "tests.iliopsoas_palpation"),
    (answers(history={"ibd": "active"}), "history.ibd"),
    (answers(sex="male"), "sex"),
    *[(answers(complaints=[complaint("knee", nprs=nprs)]), "complaints[0].nprs") for nprs in (-1, 11, 5.5, "5", True)],
    *[(answers(age=age), "age") for age in (-1, 121, "38")],
    ({"sex": "F"}, "age"),
    (answers(history={SURGERY: -3}), SURGERY_FIELD),
    (answers(history={SURGERY: "six"}), SURGERY_FIELD),
]


@pytest.mark.parametrize(("bad", "field"), BAD_ANSWERS, ids=[f"{f}-{json.dumps(b)[:50]}" for b, f in BAD_ANSWERS])
@pytest.mark.parametrize("check", [screen, validate])
def test_bad_answers_name_the_field(check, bad, field):
    with pytest.raises(ScreeningInputError) as error:
        check(bad)
    assert error.value.field == field


@pytest.mark.parametrize("edge", [{"age": 0}, {"age": 120}, {"complaints": [complaint("knee", nprs=10)]}])
def test_edges_of_the_ranges_are_valid(edge):
    assert screen(answers(**edge))["ruleset"] == "2026.12"


# -- Properties (hypothesis), over valid answers built from the vocabulary of the specification ------------------------

PROPERTY = settings(max_examples=200, deadline=None, database=None)
complaints = st.fixed_dictionaries(
    {"region": st.sampled_from(REGIONS), "side": st.sampled_from(SIDES), "nprs": st.integers(0, 10)}
)
weeks = st.none() | st.integers(0, 200) | st.floats(0, 200, allow_nan=False, allow_infinity=False)
history = st.fixed_dictionaries(
    {},
    optional={flag: st.booleans() for flag in HISTORY_FLAGS}
    | {name: st.sampled_from(values) for name, values in HISTORY_CHOICES.items()}
    | {SURGERY: weeks},
)
valid_answers = st.fixed_dictionaries(
    {"age": st.integers(0, 120)},
    optional={
        "sex": st.sampled_from(["F", "M", "X"]),
        "complaints": st.lists(complaints, max_size=4),
        "aggravating": st.lists(st.sampled_from(AGGRAVATING), max_size=6),
        "tests": st.fixed_dictionaries(
            {}, optional={name: st.sampled_from([*values, "not_tested"]) for name, values in TEST_VALUES.items()}
        ),
        "history": history,
        # Mostly without red flags, so that the iliopsoas indication gets exercised too.
        "red_flags": st.dictionaries(st.sampled_from(RED_FLAGS), st.booleans(), max_size=2),
    },
)
findings = st.one_of(
    st.sampled_from(
        [("tests", {test: "positive_pain"}) for test in MAJOR_TESTS]
        + [("tests", {"internal_snapping": "painful"}), ("tests", {"anterior_hip_trigger_points": "present"})]
        + [("history", {"athlete_repetitive_hip_flexion": True})]
    ),
    st.sampled_from(AGGRAVATING).map(lambda movement: ("aggravating", [movement])),
    complaints.filter(lambda c: c["nprs"] > 0).map(lambda c: ("complaints", [c])),
)


def spec_judgement(given_answers):
    """Rule 3 of "How the rules combine" (docs/screening.md) and the refer rule, restated: (score, consider, refer,
    sign rule ids)."""
    tests = given_answers.get("tests", {})
    regions = {c["region"] for c in given_answers.get("complaints", []) if c["nprs"] > 0}
    moves = set(given_answers.get("aggravating", []))
    signs = {f"major.{test}" for test in MAJOR_TESTS if tests.get(test) == "positive_pain"}
    minors = {
        "B1": regions & B1_REGIONS,
        "B2": moves & {"hip_extension", "standing_upright_hips_forward"},
        "B3": moves & {"stairs_leg_lift", "rising_from_sitting"},
        "B4": tests.get("internal_snapping") == "painful",
        "B5": "low_back" in regions,
        "B6": tests.get("hip_flexor_stretch_thomas") == "tight_no_pain",
        "B7": given_answers.get("history", {}).get("athlete_repetitive_hip_flexion"),
        "B8": tests.get("anterior_hip_trigger_points") == "present",
    }
    score = 2 * len(signs) + sum(bool(fired) for fired in minors.values())
    signs |= {f"minor.{sign}" for sign, fired in minors.items() if fired}
    flags = {f"red_flag.{flag}" for flag, on in given_answers.get("red_flags", {}).items() if on}
    consider = score >= 4 and bool(signs & ({"minor.B1"} | {f"major.{test}" for test in MAJOR_TESTS})) and not flags
    return score, consider, bool(flags), signs | flags


@PROPERTY
@given(valid_answers)
def test_score_consider_and_refer_follow_the_spec(given_answers):
    result = screen(given_answers)
    score, consider, refer, rules = spec_judgement(given_answers)
    assert (result["score"], result["iliopsoas"] == "consider", result["refer"]) == (score, consider, refer)
    assert {rule for rule in rule_ids(result) if rule.startswith(("major.", "minor.", "red_flag."))} == rules
    assert len(set(rule_ids(result))) == len(result["reasons"])


@PROPERTY
@given(valid_answers)
def test_without_a_major_sign_or_a_b1_region_iliopsoas_is_never_considered(given_answers):
    tests = given_answers.get("tests", {})
    kept = {"tests": {name: value for name, value in tests.items() if name not in MAJOR_TESTS}}
    kept["complaints"] = [c for c in given_answers.get("complaints", []) if c["region"] not in B1_REGIONS]
    assert screen({**given_answers, **kept})["iliopsoas"] == "not_indicated"


@PROPERTY
@given(valid_answers, st.sampled_from(RED_FLAGS))
def test_a_red_flag_always_refers(given_answers, flag):
    result = screen(with_parts(given_answers, "red_flags", **{flag: True}))
    assert outputs(result) == ("not_indicated", "contraindicated", True)
    # Section 2 is judged as without the red flag: it is what applies after a clearance including abdominal work.
    without = screen({**given_answers, "red_flags": {}})
    assert result["abdominal_work_after_clearance"] == without["abdominal_work"]
    section_two = ("contraindication.", "caution.")
    assert [r for r in rule_ids(result) if r.startswith(section_two)] == [
        r for r in rule_ids(without) if r.startswith(section_two)
    ]


@PROPERTY
@given(valid_answers)
def test_refer_is_true_exactly_when_some_red_flag_is_true(given_answers):
    assert screen(given_answers)["refer"] is any(given_answers.get("red_flags", {}).values())


@PROPERTY
@given(valid_answers, st.sampled_from(CONTRAINDICATIONS), st.floats(0, 5.99))
def test_a_contraindication_never_yields_ok_and_leaves_the_indication_alone(given_answers, contra, surgery_weeks):
    contra = {SURGERY: surgery_weeks} if SURGERY in contra else contra
    before = screen(given_answers)
    after = screen(with_parts(given_answers, "history", **contra))
    assert after["abdominal_work"] == "contraindicated"
    assert not any(rule.startswith("caution.") for rule in rule_ids(after))
    kept = ("iliopsoas", "refer", "score")
    assert [after[key] for key in kept] == [before[key] for key in kept]


@PROPERTY
@given(valid_answers, findings)
def test_adding_a_finding_never_lowers_the_score_or_withdraws_consider(given_answers, finding):
    section, added = finding
    more = copy.deepcopy(given_answers)
    if isinstance(added, list):
        more[section] = more.get(section, []) + added
    else:
        more = with_parts(more, section, **added)
    before, after = screen(given_answers), screen(more)
    assert after["score"] >= before["score"]
    assert before["iliopsoas"] != "consider" or after["iliopsoas"] == "consider"


@PROPERTY
@given(valid_answers, st.data())
def test_the_order_of_lists_does_not_matter(given_answers, data):
    shuffled = copy.deepcopy(given_answers)
    for key in ("complaints", "aggravating"):
        if key in shuffled:
            shuffled[key] = data.draw(st.permutations(shuffled[key]), label=key)
    assert screen(shuffled) == screen(given_answers)


@PROPERTY
@given(valid_answers)
def test_screening_is_deterministic_and_leaves_the_answers_unchanged(given_answers):
    kept = copy.deepcopy(given_answers)
    assert screen(given_answers) == screen(kept)
    assert given_answers == kept
