"""What ruleset 2026.12 adds to the engine, against its specification (docs/screening.md): charted-only regions, the
new health answers with their contraindications and cautions, tests given with a side, and weakness on resisted hip
flexion. Every 2026.11 input screens the same. No database needed."""

import copy
import json

import pytest
from hypothesis import given, settings

from intake.screening import ScreeningInputError, screen
from tests.test_screening import DANCER, answers, complaint, outputs, rule_ids, valid_answers

# Copied from docs/screening.md: regions charted, not scored.
CHARTED_REGIONS = """head jaw neck shoulder upper_back mid_back chest upper_abdomen upper_arm elbow forearm wrist_hand
    sacrum posterior_thigh medial_thigh anterior_leg_below_knee ankle_foot""".split()
NEW_FLAGS = """kidney_transplant vascular_graft_abdominal dvt_current_or_recent dvt_history caesarean ostomy
    abdominal_mesh lymph_nodes_removed_abdomen_groin endometriosis osteoporosis""".split()
NEW_CONTRAINDICATIONS = ["kidney_transplant", "vascular_graft_abdominal", "dvt_current_or_recent", "ostomy"]
NEW_CAUTIONS = ["dvt_history", "abdominal_mesh", "lymph_nodes_removed_abdomen_groin", "endometriosis", "osteoporosis"]
CHILDBIRTH = "childbirth_weeks_ago"


def section_two(result):
    return [rule for rule in rule_ids(result) if rule.startswith(("contraindication.", "caution."))]


# -- Regions ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("region", CHARTED_REGIONS)
def test_a_charted_region_is_accepted_and_never_scored(region):
    result = screen(answers(complaints=[complaint(region, nprs=9, side="left")]))

    assert (outputs(result), result["score"], result["reasons"]) == (("not_indicated", "ok", False), 0, [])


def test_charted_regions_beside_a_scored_one_change_nothing():
    groin = [complaint("anterior_hip_groin", nprs=6)]
    whole_body = groin + [complaint(region, nprs=8) for region in CHARTED_REGIONS]

    assert screen(answers(complaints=whole_body)) == screen(answers(complaints=groin))


# -- Health answers: contraindications and cautions ---------------------------------------------------------------


@pytest.mark.parametrize("answer", NEW_CONTRAINDICATIONS)
def test_each_new_contraindication_alone_contraindicates_abdominal_work_with_a_reason(answer):
    result = screen(answers(history={answer: True}))

    assert outputs(result) == ("not_indicated", "contraindicated", False)
    (reason,) = result["reasons"]
    assert reason["rule"] == f"contraindication.{answer}"
    assert reason["text"].strip() and "Werner" in reason["source"]


@pytest.mark.parametrize("answer", NEW_CAUTIONS)
def test_each_new_caution_alone_makes_abdominal_work_a_caution_with_a_reason(answer):
    result = screen(answers(history={answer: True}))

    assert outputs(result) == ("not_indicated", "caution", False)
    (reason,) = result["reasons"]
    assert reason["rule"] == f"caution.{answer}"
    assert reason["text"].strip() and reason["source"].strip()


def test_a_current_or_recent_clot_names_the_three_months():
    (reason,) = screen(answers(history={"dvt_current_or_recent": True}))["reasons"]

    assert "3 months" in reason["text"]


def test_a_caesarean_without_a_date_of_birth_fires_nothing():
    assert screen(answers(history={"caesarean": True}))["reasons"] == []


CHILDBIRTH_EDGES = [
    # weeks, caesarean, abdominal work, rule
    (0, False, "contraindicated", "contraindication.childbirth_under_6_weeks"),
    (5, False, "contraindicated", "contraindication.childbirth_under_6_weeks"),
    (5.9, False, "contraindicated", "contraindication.childbirth_under_6_weeks"),
    (6, False, "caution", "caution.childbirth_6_to_26_weeks"),
    (25, False, "caution", "caution.childbirth_6_to_26_weeks"),
    (25.9, False, "caution", "caution.childbirth_6_to_26_weeks"),
    (26, False, "ok", None),
    (104, False, "ok", None),
    (None, False, "ok", None),
    (5, True, "contraindicated", "contraindication.caesarean_under_12_weeks"),
    (6, True, "contraindicated", "contraindication.caesarean_under_12_weeks"),
    (11, True, "contraindicated", "contraindication.caesarean_under_12_weeks"),
    (11.9, True, "contraindicated", "contraindication.caesarean_under_12_weeks"),
    (12, True, "caution", "caution.caesarean_12_to_26_weeks"),
    (25, True, "caution", "caution.caesarean_12_to_26_weeks"),
    (26, True, "ok", None),
    (None, True, "ok", None),
]


@pytest.mark.parametrize(("weeks", "caesarean", "abdominal_work", "rule"), CHILDBIRTH_EDGES)
def test_childbirth_is_contraindicated_under_6_weeks_or_12_after_a_caesarean_and_a_caution_until_26(
    weeks, caesarean, abdominal_work, rule
):
    result = screen(answers(history={CHILDBIRTH: weeks, "caesarean": caesarean}))

    assert result["abdominal_work"] == abdominal_work
    assert rule_ids(result) == ([rule] if rule else [])


POSTERIOR_LIMITS = ["hip flexion past 90 degrees", "adduction past the midline", "internal rotation"]


@pytest.mark.parametrize(
    ("approach", "avoid", "not_named"),
    [
        ("posterior", POSTERIOR_LIMITS, ["hyperextension"]),
        ("unknown", POSTERIOR_LIMITS, ["hyperextension"]),
        ("anterior", ["hyperextension"], POSTERIOR_LIMITS),
    ],
)
def test_a_hip_replacement_is_a_caution_naming_the_movements_to_avoid_for_its_approach(approach, avoid, not_named):
    result = screen(answers(history={"hip_replacement": approach}))

    assert outputs(result) == ("not_indicated", "caution", False)
    (reason,) = result["reasons"]
    assert reason["rule"].startswith("caution.hip_replacement_")
    assert all(movement in reason["text"] for movement in avoid)
    assert not any(movement in reason["text"] for movement in not_named)
    assert "always the surgeon's own limits first" in reason["text"]


def test_no_hip_replacement_fires_nothing():
    assert screen(answers(history={"hip_replacement": "none"}))["reasons"] == []


def test_a_new_contraindication_suppresses_the_new_cautions_as_before():
    history = {"ostomy": True, "osteoporosis": True, "hip_replacement": "anterior", CHILDBIRTH: 10}
    result = screen(answers(history=history))

    assert result["abdominal_work"] == "contraindicated"
    assert section_two(result) == ["contraindication.ostomy"]


def test_under_a_red_flag_the_new_answers_are_reported_and_say_what_applies_after_clearance():
    result = screen(
        answers(red_flags={"iv_drug_use": True}, history={"dvt_history": True, "hip_replacement": "posterior"})
    )

    assert outputs(result) == ("not_indicated", "contraindicated", True)
    assert section_two(result) == ["caution.dvt_history", "caution.hip_replacement_posterior"]
    assert result["abdominal_work_after_clearance"] == "caution"


@pytest.mark.parametrize("answer", NEW_CONTRAINDICATIONS)
def test_a_new_contraindication_leaves_the_dancer_considered(answer):
    result = screen(copy.deepcopy(DANCER) | {"history": {**DANCER["history"], answer: True}})

    assert (result["score"], outputs(result)) == (9, ("consider", "contraindicated", False))


# -- Tests with a side --------------------------------------------------------------------------------------------

DANCER_TESTS = DANCER["tests"]


@pytest.mark.parametrize("side", ["left", "right", "both", None])
def test_a_test_given_as_an_object_scores_as_its_result_whatever_its_side(side):
    tests = {name: {"result": result, "side": side} for name, result in DANCER_TESTS.items()}
    result = screen({**DANCER, "tests": tests})

    assert result == screen(DANCER)
    assert (result["score"], outputs(result)) == (9, ("consider", "ok", False))


def test_a_positive_test_on_both_sides_counts_once():
    one_side = screen(answers(tests={"iliopsoas_palpation": {"result": "positive_pain", "side": "left"}}))
    both_sides = screen(answers(tests={"iliopsoas_palpation": {"result": "positive_pain", "side": "both"}}))

    assert one_side["score"] == both_sides["score"] == 2
    assert rule_ids(both_sides) == ["major.iliopsoas_palpation"]


def test_an_object_without_a_result_is_not_tested():
    assert screen(answers(tests={"iliopsoas_palpation": {"side": "left"}}))["score"] == 0


@pytest.mark.parametrize("given_as", ["weak_no_pain", {"result": "weak_no_pain", "side": "right"}])
def test_resisted_hip_flexion_weak_without_pain_is_accepted_and_not_scored(given_as):
    result = screen(answers(tests={"resisted_hip_flexion": given_as}, complaints=[complaint("deep_hip")]))

    assert (result["score"], rule_ids(result)) == (1, ["minor.B1"])


# -- 2026.11 inputs screen the same -------------------------------------------------------------------------------

NOTHING_NEW = {
    "history": {name: False for name in NEW_FLAGS} | {"hip_replacement": "none", CHILDBIRTH: None},
}


@pytest.mark.parametrize(
    "example",
    [
        DANCER,
        copy.deepcopy(DANCER) | {"history": {**DANCER["history"], "pregnant": True}},
        copy.deepcopy(DANCER) | {"red_flags": {"saddle_anaesthesia": True}},
        answers(
            complaints=[complaint("low_back", nprs=4, side="central")],
            aggravating=["standing_upright_hips_forward"],
            tests={"hip_flexor_stretch_thomas": "tight_no_pain"},
            history={"athlete_repetitive_hip_flexion": True},
        ),
    ],
    ids=["dancer", "dancer-pregnant", "dancer-saddle-numbness", "spin-instructor"],
)
def test_the_worked_examples_screen_the_same_with_every_new_answer_given_as_no(example):
    spelled_out = copy.deepcopy(example)
    spelled_out["history"] = {**example.get("history", {}), **NOTHING_NEW["history"]}
    spelled_out["tests"] = {name: {"result": value} for name, value in example.get("tests", {}).items()}

    assert screen(spelled_out) == screen(example)


@settings(max_examples=200, deadline=None, database=None)
@given(valid_answers)
def test_any_2026_11_input_screens_the_same_with_the_new_answers_spelled_out_as_no(given_answers):
    spelled_out = copy.deepcopy(given_answers)
    spelled_out["history"] = {**given_answers.get("history", {}), **NOTHING_NEW["history"]}

    assert screen(spelled_out) == screen(given_answers)


# -- Validation of the new answers --------------------------------------------------------------------------------

BAD = [
    ({"history": {"kidney_transplant": "yes"}}, "history.kidney_transplant"),
    ({"history": {"hip_replacement": "lateral"}}, "history.hip_replacement"),
    ({"history": {CHILDBIRTH: -1}}, f"history.{CHILDBIRTH}"),
    ({"history": {CHILDBIRTH: "six"}}, f"history.{CHILDBIRTH}"),
    ({"history": {"dvt_last_year": True}}, "history.dvt_last_year"),
    ({"tests": {"slr": {"result": "positive", "side": "left", "angle": 40}}}, "tests.slr.angle"),
    ({"tests": {"slr": {"result": "ouch", "side": "left"}}}, "tests.slr.result"),
    ({"tests": {"slr": {"result": "positive", "side": "bilateral"}}}, "tests.slr.side"),
    ({"tests": {"iliopsoas_palpation": "weak_no_pain"}}, "tests.iliopsoas_palpation"),
    ({"complaints": [complaint("tail")]}, "complaints[0].region"),
]


@pytest.mark.parametrize(("parts", "field"), BAD, ids=[field for _, field in BAD])
def test_bad_new_answers_name_the_field(parts, field):
    with pytest.raises(ScreeningInputError) as error:
        screen(answers(**parts))

    assert error.value.field == field


def test_a_2026_12_input_round_trips_as_json():
    given_answers = answers(
        complaints=[complaint("neck", side="bilateral"), complaint("anterior_hip_groin")],
        tests={"resisted_hip_flexion": {"result": "weak_no_pain", "side": "both"}},
        history={"hip_replacement": "unknown", CHILDBIRTH: 14.5, "caesarean": True, "dvt_history": True},
    )

    assert screen(json.loads(json.dumps(given_answers))) == screen(given_answers)
