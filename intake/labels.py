"""Plain-language words for the screening vocabulary, as the front desk and therapists see them."""

from django.utils.translation import gettext_lazy as _

REGIONS = {
    "low_back": _("Low back"),
    "anterior_hip_groin": _("Front of hip / groin"),
    "anterior_thigh": _("Front of thigh"),
    "deep_hip": _("Deep in the hip"),
    "buttock": _("Buttock"),
    "lateral_hip": _("Side of hip"),
    "knee": _("Knee"),
    "posterior_leg_below_knee": _("Back of leg below the knee"),
    "lower_abdomen": _("Lower belly"),
    # Charted on the body chart, never scored (ruleset 2026.12).
    "head": _("Head"),
    "jaw": _("Jaw"),
    "neck": _("Neck"),
    "shoulder": _("Shoulder"),
    "upper_back": _("Upper back"),
    "mid_back": _("Middle of the back"),
    "chest": _("Chest"),
    "upper_abdomen": _("Upper belly"),
    "upper_arm": _("Upper arm"),
    "elbow": _("Elbow"),
    "forearm": _("Forearm"),
    "wrist_hand": _("Wrist / hand"),
    "sacrum": _("Sacrum (base of the spine)"),
    "posterior_thigh": _("Back of thigh"),
    "medial_thigh": _("Inner thigh"),
    "anterior_leg_below_knee": _("Shin (front of leg below the knee)"),
    "ankle_foot": _("Ankle / foot"),
}
SIDES = {
    "left": _("Left"),
    "right": _("Right"),
    "bilateral": _("Both sides"),
    "central": _("Middle"),
}
AGGRAVATING = {
    "hip_extension": _("Bringing the leg back"),
    "standing_upright_hips_forward": _("Standing straight with hips pushed forward"),
    "stairs_leg_lift": _("Climbing stairs or lifting the leg"),
    "rising_from_sitting": _("Getting up from a chair"),
    "walking": _("Walking"),
    "running_kicking": _("Running or kicking"),
    "prolonged_sitting": _("Sitting for a long time"),
    "sitting_cross_legged": _("Sitting cross-legged"),
    "squatting": _("Squatting"),
    "side_stepping": _("Stepping sideways"),
    "single_leg_stance": _("Standing on one leg"),
    "lying_down": _("Lying down"),
    "lying_on_affected_side": _("Lying on the sore side"),
    "cough_sneeze": _("Coughing or sneezing"),
}
SEXES = {"F": _("Female"), "M": _("Male"), "X": _("Another / prefer not to say")}

HISTORY_FLAGS = {
    "athlete_repetitive_hip_flexion": _(
        "Do you do a sport or work with a lot of running, kicking, dancing, cycling or lifting the knee?"
    ),
    "pregnant": _("Are you pregnant, or could you be?"),
    "known_aaa": _("Have you been told you have an aneurysm of the aorta in your belly (AAA)?"),
    "aaa_risk_profile": _(
        "Man aged 65-75 who ever smoked, or family history of aortic aneurysm, or known disease of the blood vessels?"
    ),
    "anticoagulant_or_bleeding_disorder": _("Do you take blood thinners, or bruise or bleed easily?"),
    "acute_abdominal_inflammation": _(
        "Do you have an inflammation in your belly right now (e.g. appendicitis, diverticulitis, pancreatitis)?"
    ),
    "iud": _("Do you have an IUD (intrauterine device)?"),
    "menstruating_today": _("Are you having your period today?"),
    # Ruleset 2026.12.
    "kidney_transplant": _("Have you had a kidney transplant?"),
    "vascular_graft_abdominal": _("Do you have a graft or stent in the aorta or the arteries of the belly or pelvis?"),
    "dvt_current_or_recent": _(
        "Do you have a blood clot (deep vein thrombosis) now, being treated, or had one in the last 3 months?"
    ),
    "dvt_history": _("Have you ever had a blood clot (deep vein thrombosis) before that?"),
    "caesarean": _("If you gave birth in the last 6 months: was it by caesarean section?"),
    "ostomy": _("Do you have an ostomy (stoma bag)?"),
    "abdominal_mesh": _("Do you have mesh in your belly wall (for example from a hernia repair)?"),
    "lymph_nodes_removed_abdomen_groin": _("Have lymph nodes been removed from your belly or groin?"),
    "endometriosis": _("Do you have endometriosis?"),
    "osteoporosis": _("Do you have osteoporosis (thin, fragile bones)?"),
}
HISTORY_CHOICES = {
    "ibd": (
        _("Crohn's disease or ulcerative colitis?"),
        {"none": _("No"), "remission": _("Yes, quiet now"), "flare": _("Yes, flaring up now")},
    ),
    "hernia": (
        _("A hernia?"),
        {"none": _("No"), "repaired": _("Yes, repaired"), "symptomatic": _("Yes, with symptoms now")},
    ),
    "abdominal_pelvic_cancer": (
        _("Cancer in the belly or pelvis?"),
        {"none": _("No"), "history_remission": _("In the past, in remission"), "active": _("Yes, now")},
    ),
    "kidney": (
        _("Kidney problems?"),
        {"none": _("No"), "ckd": _("Chronic kidney disease"), "acute_colic_or_infection": _("Stone or infection now")},
    ),
    "hip_replacement": (
        _("A hip replacement? If so, which approach did the surgeon use?"),
        {
            "none": _("No"),
            "posterior": _("Yes, from the back (posterior)"),
            "anterior": _("Yes, from the front (anterior)"),
            "unknown": _("Yes, approach not known"),
        },
    ),
}
SURGERY_WEEKS_LABEL = _("Surgery on the belly or pelvis: how many weeks ago? (leave empty if none)")
CHILDBIRTH_WEEKS_LABEL = _("Gave birth: how many weeks ago? (leave empty if not in the last 6 months)")
# The questions answered with a number of weeks: (label, the answer's words).
HISTORY_WEEKS = {
    "abdominal_pelvic_surgery_weeks_ago": (SURGERY_WEEKS_LABEL, _("Abdominal or pelvic surgery %(weeks)s weeks ago")),
    "childbirth_weeks_ago": (CHILDBIRTH_WEEKS_LABEL, _("Gave birth %(weeks)s weeks ago")),
}

RED_FLAGS = {
    "saddle_anaesthesia": _(
        "Any numbness or tingling around the genitals, buttocks or inner thighs (where you would sit on a saddle)?"
    ),
    "new_bladder_dysfunction": _("Any new trouble passing urine or controlling your bladder?"),
    "new_bowel_dysfunction": _("Any new trouble controlling your bowels?"),
    "progressive_neuro_deficit": _("Is numbness or weakness in your legs getting worse?"),
    "history_of_cancer": _("Have you ever had cancer?"),
    "unexplained_weight_loss": _("Have you lost weight recently without trying?"),
    "night_pain_unrelieved": _("Does the pain keep you awake at night whatever position you try?"),
    "new_onset_lbp_age_over_50": _("Did this back pain start for the first time after age 50?"),
    "fever_or_systemic_infection": _("Do you have a fever or chills, or feel generally unwell?"),
    "iv_drug_use": _("Have you ever injected drugs?"),
    "immunosuppression_or_long_term_steroids": _(
        "Do you take steroids long-term, or medicines that weaken the immune system?"
    ),
    "trauma_significant_or_minor_with_osteoporosis": _(
        "Did the pain start after a fall or accident (even a small one, if you have osteoporosis)?"
    ),
    "pulsatile_abdominal_mass": _("Have you noticed a lump in your belly that pulses?"),
    "abdominal_pain_unknown_origin": _("Do you have belly pain that a doctor has not explained?"),
    "undiagnosed_lump_abdomen_groin": _("Any lump in your belly or groin that a doctor has not checked?"),
    "paediatric_hip_flag": _(
        "For a child: limping, fever, cannot put weight on the leg, or (age 8-15) a painful stiff hip?"
    ),
}

TESTS = {
    "resisted_hip_flexion": _("Resisted hip flexion"),
    "hip_flexor_stretch_thomas": _("Hip flexor stretch (Thomas test)"),
    "iliopsoas_palpation": _("Iliopsoas palpation"),
    "internal_snapping": _("Internal snapping hip"),
    "anterior_hip_trigger_points": _("Trigger points, front of hip"),
    "resisted_hip_adduction": _("Resisted hip adduction"),
    "adductor_palpation": _("Adductor palpation"),
    "gt_palpation": _("Greater trochanter palpation"),
    "single_leg_stance_30s": _("Single-leg stance, 30 s"),
    "slr": _("Straight leg raise"),
    "passive_hip_internal_rotation": _("Passive hip internal rotation"),
}
TEST_RESULTS = {
    "not_tested": _("Not tested"),
    "positive_pain": _("Reproduces familiar pain"),
    "weak_no_pain": _("Weak, no pain"),
    "negative": _("Negative"),
    "tight_no_pain": _("Tight, no pain"),
    "painful": _("Painful"),
    "painless": _("Painless"),
    "absent": _("Absent"),
    "present": _("Present"),
    "positive": _("Positive"),
    "restricted_painful": _("Restricted and painful"),
    "normal": _("Normal"),
}

TEST_SIDES = {"left": _("Left"), "right": _("Right"), "both": _("Both")}

ONSETS = {
    "": _("Not sure"),
    "acute": _("Less than 6 weeks ago"),
    "subacute": _("6 to 12 weeks ago"),
    "chronic": _("More than 12 weeks ago"),
}

ILIOPSOAS = {"consider": _("Consider iliopsoas work"), "not_indicated": _("Iliopsoas work not indicated")}
# A therapist's clinical judgement, when it differs from the screening's iliopsoas flag.
JUDGEMENTS = {
    "consider": _("Consider iliopsoas work, in my clinical judgement"),
    "not_indicated": _("Iliopsoas work not indicated, in my clinical judgement"),
}
ABDOMINAL_WORK = {
    "ok": _("Abdominal work OK"),
    "caution": _("Abdominal work with caution"),
    "contraindicated": _("Abdominal work contraindicated"),
}


def describe_aggravating(movements) -> list:
    return [AGGRAVATING.get(m, m) for m in movements]


def describe_health(history: dict, red_flags: dict) -> list[str]:
    """The answers that are not "no", in words: red flags first."""
    lines = [f"⚠ {RED_FLAGS[name]}" for name in RED_FLAGS if red_flags.get(name)]
    lines += [str(HISTORY_FLAGS[name]) for name in HISTORY_FLAGS if history.get(name)]
    for name, (question, choices) in HISTORY_CHOICES.items():
        value = history.get(name, "none")
        if value != "none":
            lines.append(f"{question} {choices.get(value, value)}")
    for name, (_question, said) in HISTORY_WEEKS.items():
        weeks = history.get(name)
        if weeks is not None:
            lines.append(said % {"weeks": f"{weeks:g}"})
    return lines


# The two groups of questions an intake asks, by the key `every_answer` gives them.
ANSWER_GROUPS = {"warning_sign": _("Warning signs"), "health": _("Health")}


def every_answer(history: dict, red_flags: dict) -> list[tuple]:
    """Every health and warning-sign question with its answer, "no" included: (group key, question key, question,
    the answer as stored (None: not answered), the answer in words, notable), warning signs first. A question not
    answered reads "No" ("None" for a number of weeks)."""
    yes, no = _("Yes"), _("No")
    rows = []
    for name, question in RED_FLAGS.items():
        stored = red_flags.get(name)
        rows.append(("warning_sign", name, question, stored, yes if stored else no, bool(stored)))
    for name, question in HISTORY_FLAGS.items():
        stored = history.get(name)
        rows.append(("health", name, question, stored, yes if stored else no, bool(stored)))
    for name, (question, choices) in HISTORY_CHOICES.items():
        value = history.get(name, "none")
        rows.append(("health", name, question, history.get(name), choices.get(value, value), value != "none"))
    for name, (question, _said) in HISTORY_WEEKS.items():
        weeks = history.get(name)
        answer = _("%(weeks)s weeks ago") % {"weeks": f"{weeks:g}"} if weeks is not None else _("None")
        rows.append(("health", name, question, weeks, answer, weeks is not None))
    return rows


def describe_every_answer(history: dict, red_flags: dict) -> list[tuple]:
    """Every health and warning-sign question with its answer, "no" included: (group, question, answer, notable),
    warning signs first. An intake shows what was asked and answered, not only what was said yes to."""
    return [
        (ANSWER_GROUPS[group], question, answer, notable)
        for group, _name, question, _stored, answer, notable in every_answer(history, red_flags)
    ]


def test_result_and_side(value) -> tuple[str, str | None]:
    """A stored test: a result, or (ruleset 2026.12) {"result": ..., "side": ...}."""
    if isinstance(value, dict):
        return value.get("result", "not_tested"), value.get("side")
    return value, None


def describe_test(value) -> str:
    """ "Reproduces familiar pain (left)", or the result alone when no side was recorded."""
    result, side = test_result_and_side(value)
    words = str(TEST_RESULTS.get(result, result))
    return f"{words} ({str(TEST_SIDES.get(side, side)).lower()})" if side else words


def describe_tests(tests: dict) -> list[tuple]:
    return [(TESTS[name], describe_test(value)) for name, value in tests.items() if name in TESTS]
