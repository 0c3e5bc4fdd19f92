"""The client's health history as the chart keeps it (`Intake.health_history`): conditions, surgeries with dates,
medications with the anticoagulants marked, allergies, devices and transplants. Its words, how each answer is
shown ("none recorded" included), and how it keeps the screening's answers consistent with it.

The shape, one JSON object per intake (an empty object: taken before these questions were asked):
    {"conditions": ["diabetes", "hip_replacement"], "conditions_other": "",
     "surgeries": [{"what": "Appendectomy", "when": "2019-05"}],
     "medications": [{"name": "Apixaban", "dose": "5 mg twice a day", "anticoagulant": true}],
     "allergies": ["latex"], "allergies_other": "",
     "devices": ["iud"], "devices_other": ""}
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from intake import screening

CONDITIONS = {
    "cardiovascular": _l("Heart or blood-vessel disease, high blood pressure"),
    "diabetes": _l("Diabetes"),
    "epilepsy": _l("Epilepsy or seizures"),
    "osteoporosis": _l("Osteoporosis"),
    "blood_clots": _l("Blood clots (DVT, pulmonary embolism)"),
    "cancer": _l("Cancer, now or in the past"),
    "skin": _l("Skin condition (eczema, psoriasis, wounds)"),
    "arthritis": _l("Arthritis"),
    "hip_replacement": _l("Hip replacement"),
    "knee_replacement": _l("Knee replacement"),
    "other_joint_replacement": _l("Other joint replacement"),
}
ALLERGIES = {
    "massage_oils": _l("Massage oils"),
    "lotions": _l("Lotions or creams"),
    "latex": _l("Latex"),
    "nuts": _l("Nuts (nut oils)"),
    "fragrance": _l("Fragrances, essential oils"),
    "adhesives": _l("Tape or adhesives"),
}
DEVICES = {
    "iud": _l("IUD (intrauterine device)"),
    "ostomy": _l("Ostomy (stoma bag)"),
    "abdominal_mesh": _l("Hernia or abdominal mesh"),
    "vascular_graft_abdominal": _l("Graft or stent of the aorta or iliac arteries"),
    "kidney_transplant": _l("Kidney transplant"),
    "other_transplant": _l("Other transplant"),
    "pacemaker": _l("Pacemaker or defibrillator"),
    "insulin_pump": _l("Insulin pump"),
    "implants": _l("Breast or other implants"),
}
TICK_LISTS = {"conditions": CONDITIONS, "allergies": ALLERGIES, "devices": DEVICES}

# A structured answer that states a screening answer (docs/screening.md `history`): (list, tick) -> (key, value).
# Both say the same fact, so either one's "yes" makes both "yes".
SAME_FACT = {
    ("conditions", "osteoporosis"): ("osteoporosis", True),
    ("conditions", "hip_replacement"): ("hip_replacement", "unknown"),
    ("devices", "iud"): ("iud", True),
    ("devices", "ostomy"): ("ostomy", True),
    ("devices", "abdominal_mesh"): ("abdominal_mesh", True),
    ("devices", "vascular_graft_abdominal"): ("vascular_graft_abdominal", True),
    ("devices", "kidney_transplant"): ("kidney_transplant", True),
}
ANTICOAGULANT_KEY = "anticoagulant_or_bleeding_disorder"
NO = (None, False, "none")


def _known(key: str) -> bool:
    """Whether the screening engine's vocabulary has this answer (the 2026.12 words arrive with the engine)."""
    return key in screening.HISTORY_FLAGS or key in screening.HISTORY_CHOICES


def empty() -> dict:
    return {
        "conditions": [],
        "conditions_other": "",
        "surgeries": [],
        "medications": [],
        "allergies": [],
        "allergies_other": "",
        "devices": [],
        "devices_other": "",
    }


def reconcile(history: dict, health: dict | None) -> tuple[dict, dict | None, list[str]]:
    """The screening answers and the structured history made consistent, and the screening questions whose answer
    the structured history changed (their keys), to tell the person who entered them.

    A "yes" in either place wins: both are the client's own words, and a caution applied once too often costs
    less than one missed. An anticoagulant medication makes `anticoagulant_or_bleeding_disorder` yes; that answer
    without one stays as it is (a bleeding disorder is not a medication). No health history (None): nothing to
    reconcile."""
    if health is None:
        return dict(history), None, []
    history, health = dict(history), {**health, **{name: list(health.get(name, [])) for name in TICK_LISTS}}
    changed = []
    for (tick_list, tick), (key, value) in SAME_FACT.items():
        if not _known(key):
            continue
        ticked = tick in health[tick_list]
        answered = history.get(key) not in NO
        if ticked and not answered:
            history[key] = value
            changed.append(key)
        elif answered and not ticked:
            health[tick_list].append(tick)
    if any(m.get("anticoagulant") for m in health.get("medications", [])) and not history.get(ANTICOAGULANT_KEY):
        history[ANTICOAGULANT_KEY] = True
        changed.append(ANTICOAGULANT_KEY)
    return history, health, changed


def describe(health: dict) -> list[tuple[str, list[str]]]:
    """Every part of the health history with its answers in words, "none recorded" included: (part, lines). An
    intake taken before these questions says so once."""
    if not health:
        return [(_("Health history"), [_("Not asked on this intake (taken before these questions).")])]
    none = _("None recorded")

    def ticks(name, other):
        lines = [str(TICK_LISTS[name].get(code, code)) for code in health.get(name, [])]
        if health.get(other):
            lines.append(_("Other: %(text)s") % {"text": health[other]})
        return lines or [none]

    surgeries = [
        _("%(what)s (%(when)s)") % {"what": s["what"], "when": s["when"]} if s.get("when") else s["what"]
        for s in health.get("surgeries", [])
    ]
    medications = []
    for m in health.get("medications", []):
        line = f"{m['name']}, {m['dose']}" if m.get("dose") else m["name"]
        if m.get("anticoagulant"):
            line = _("%(medication)s: anticoagulant / blood thinner") % {"medication": line}
        medications.append(line)
    return [
        (_("Conditions"), ticks("conditions", "conditions_other")),
        (_("Surgeries"), surgeries or [none]),
        (_("Medications"), medications or [none]),
        (_("Allergies"), ticks("allergies", "allergies_other")),
        (_("Devices and transplants"), ticks("devices", "devices_other")),
    ]
