"""The rules of ruleset 2026.12 as data: each with its kind, the fact it reads, the answers that fire it, its text
and its source; and the threshold for considering iliopsoas work. Pure Python: no Django here."""

from dataclasses import dataclass

from intake.screening.vocabulary import (
    CHILDBIRTH_6_TO_26_WEEKS,
    CHILDBIRTH_CAESAREAN_12_TO_26_WEEKS,
    CHILDBIRTH_CAESAREAN_UNDER_12_WEEKS,
    CHILDBIRTH_UNDER_6_WEEKS,
    SURGERY_6_TO_26_WEEKS,
    SURGERY_UNDER_6_WEEKS,
)

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
HIP_PRECAUTIONS = "Hip precautions after hip replacement, by surgical approach; " + ABDOMINAL
SURGEONS_LIMITS = "always the surgeon's own limits first"
POSTERIOR_HIP = "no hip flexion past 90 degrees, no adduction past the midline, no internal rotation"


def _red(answer, text, source):
    return _rule(f"red_flag.{answer}", RED_FLAG, f"red_flags.{answer}", {True}, text, source)


def _yes(kind, answer, text, source=ABDOMINAL):
    """A section 2 rule fired by a yes to one health question."""
    return _rule(f"{kind}.{answer}", kind, f"history.{answer}", {True}, text, source)


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
    # From 2026.12.
    _yes(
        CONTRAINDICATION,
        "kidney_transplant",
        "Kidney transplant: the transplanted kidney lies in the lower abdomen",
    ),
    _yes(CONTRAINDICATION, "vascular_graft_abdominal", "Aortic or iliac graft or stent"),
    _yes(
        CONTRAINDICATION,
        "dvt_current_or_recent",
        "Blood clot (deep vein thrombosis) under treatment or in the last 3 months",
    ),
    _rule(
        "contraindication.childbirth_under_6_weeks",
        CONTRAINDICATION,
        "history.childbirth_recency",
        {CHILDBIRTH_UNDER_6_WEEKS},
        "Gave birth less than 6 weeks ago",
        ABDOMINAL,
    ),
    _rule(
        "contraindication.caesarean_under_12_weeks",
        CONTRAINDICATION,
        "history.childbirth_recency",
        {CHILDBIRTH_CAESAREAN_UNDER_12_WEEKS},
        "Gave birth by caesarean section less than 12 weeks ago",
        ABDOMINAL,
    ),
    _yes(CONTRAINDICATION, "ostomy", "Ostomy (stoma)"),
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
    # From 2026.12.
    _yes(
        CAUTION,
        "dvt_history",
        "Past blood clot (deep vein thrombosis): no deep sustained pressure; new leg swelling or pain means stop",
    ),
    _yes(CAUTION, "abdominal_mesh", "Mesh in the abdominal wall: no deep pressure over it"),
    _rule(
        "caution.hip_replacement_posterior",
        CAUTION,
        "history.hip_replacement",
        {"posterior"},
        f"Hip replacement, posterior approach: {POSTERIOR_HIP}; {SURGEONS_LIMITS}",
        HIP_PRECAUTIONS,
    ),
    _rule(
        "caution.hip_replacement_anterior",
        CAUTION,
        "history.hip_replacement",
        {"anterior"},
        f"Hip replacement, anterior approach: no hip hyperextension; {SURGEONS_LIMITS}",
        HIP_PRECAUTIONS,
    ),
    _rule(
        "caution.hip_replacement_unknown_approach",
        CAUTION,
        "history.hip_replacement",
        {"unknown"},
        f"Hip replacement, approach not known: {POSTERIOR_HIP}; {SURGEONS_LIMITS}",
        HIP_PRECAUTIONS,
    ),
    _yes(
        CAUTION,
        "lymph_nodes_removed_abdomen_groin",
        "Lymph nodes removed from the abdomen or groin: risk of lymphoedema, light pressure only",
    ),
    _yes(CAUTION, "endometriosis", "Endometriosis: check comfort with abdominal work"),
    _rule(
        "caution.childbirth_6_to_26_weeks",
        CAUTION,
        "history.childbirth_recency",
        {CHILDBIRTH_6_TO_26_WEEKS},
        "Gave birth 6 to 26 weeks ago: gentle work, clearance where in doubt",
        ABDOMINAL,
    ),
    _rule(
        "caution.caesarean_12_to_26_weeks",
        CAUTION,
        "history.childbirth_recency",
        {CHILDBIRTH_CAESAREAN_12_TO_26_WEEKS},
        "Gave birth by caesarean section 12 to 26 weeks ago: gentle work, clearance where in doubt",
        ABDOMINAL,
    ),
    _yes(CAUTION, "osteoporosis", "Osteoporosis: gentle pressure, care with positions"),
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
