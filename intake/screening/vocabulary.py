"""The words of ruleset 2026.12 (those of 2026.11): regions, sides, movements, tests, health and red-flag
questions, and the shape of the answers the engine takes. Pure Python: no Django here."""

from __future__ import annotations

RULESET_VERSION = "2026.12"

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
