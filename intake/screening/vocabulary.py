"""The words of ruleset 2026.12: regions, sides, movements, tests, health and red-flag questions, and the shape of
the answers the engine takes. 2026.12 keeps every word of 2026.11 and adds the charted-only regions, more health
answers, tests given with a side, and weakness on resisted hip flexion. Pure Python: no Django here."""

from __future__ import annotations

RULESET_VERSION = "2026.12"

SCORED_REGIONS = (
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
# Charted on the whole-body chart, never scored (from 2026.12).
CHARTED_REGIONS = (
    "head",
    "jaw",
    "neck",
    "shoulder",
    "upper_back",
    "mid_back",
    "chest",
    "upper_abdomen",
    "upper_arm",
    "elbow",
    "forearm",
    "wrist_hand",
    "sacrum",
    "posterior_thigh",
    "medial_thigh",
    "anterior_leg_below_knee",
    "ankle_foot",
)
REGIONS = SCORED_REGIONS + CHARTED_REGIONS
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
    "resisted_hip_flexion": ("positive_pain", "weak_no_pain", "negative"),  # weak_no_pain: recorded, not scored
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
# A test may be given as {"result": ..., "side": ...} (from 2026.12): the side is recorded, never scored.
TEST_OBJECT_KEYS = ("result", "side")
TEST_SIDES = ("left", "right", "both")
HISTORY_FLAGS = (
    "athlete_repetitive_hip_flexion",
    "pregnant",
    "known_aaa",
    "aaa_risk_profile",
    "anticoagulant_or_bleeding_disorder",
    "acute_abdominal_inflammation",
    "iud",
    "menstruating_today",
    # from 2026.12
    "kidney_transplant",
    "vascular_graft_abdominal",
    "dvt_current_or_recent",
    "dvt_history",
    "caesarean",
    "ostomy",
    "abdominal_mesh",
    "lymph_nodes_removed_abdomen_groin",
    "endometriosis",
    "osteoporosis",
)
HISTORY_CHOICES = {
    "ibd": ("none", "remission", "flare"),
    "hernia": ("none", "repaired", "symptomatic"),
    "abdominal_pelvic_cancer": ("none", "history_remission", "active"),
    "kidney": ("none", "ckd", "acute_colic_or_infection"),
    "hip_replacement": ("none", "posterior", "anterior", "unknown"),  # the surgical approach, from 2026.12
}
SURGERY_WEEKS = "abdominal_pelvic_surgery_weeks_ago"
CHILDBIRTH_WEEKS = "childbirth_weeks_ago"  # from 2026.12
HISTORY_WEEKS = (SURGERY_WEEKS, CHILDBIRTH_WEEKS)
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
# So does the childbirth number, with the caesarean answer: 6 weeks after a vaginal birth, 12 after a caesarean.
CHILDBIRTH_UNDER_6_WEEKS = "under_6_weeks"
CHILDBIRTH_CAESAREAN_UNDER_12_WEEKS = "caesarean_under_12_weeks"
CHILDBIRTH_6_TO_26_WEEKS = "6_to_under_26_weeks"
CHILDBIRTH_CAESAREAN_12_TO_26_WEEKS = "caesarean_12_to_under_26_weeks"
