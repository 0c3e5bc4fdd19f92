"""The code systems, body sites and small builders the bundle's resources share."""

import uuid
from datetime import datetime

from clinic import local_time
from intake import labels

SNOMED = "http://snomed.info/sct"
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
# The app's own vocabularies (regions, answers, techniques ...): a code system per word list, named by this URN.
APP = "urn:massage-clinic"


def app_system(vocabulary: str) -> str:
    return f"{APP}:{vocabulary}"


# SNOMED CT body structures for the intake's regions, where one matches the region; the others are charted by
# their text alone (a code that only roughly matches would say something the chart does not).
BODY_SITES = {
    "low_back": ("37822005", "Lower back structure"),
    "anterior_hip_groin": ("26893007", "Inguinal region structure"),
    "anterior_thigh": ("182295001", "Structure of anterior thigh"),
    "deep_hip": ("24136001", "Hip joint structure"),
    "buttock": ("46862004", "Buttock structure"),
    "lateral_hip": ("29836001", "Hip region structure"),
    "knee": ("72696002", "Knee region structure"),
    "posterior_leg_below_knee": ("53840002", "Structure of calf of leg"),
    "lower_abdomen": ("27947004", "Lower abdomen structure"),
    "head": ("69536005", "Head structure"),
    "jaw": ("661005", "Jaw region structure"),
    "neck": ("45048000", "Neck structure"),
    "shoulder": ("16982005", "Shoulder region structure"),
    "chest": ("51185008", "Thoracic structure"),
    "upper_arm": ("40983000", "Upper arm structure"),
    "elbow": ("127949000", "Elbow region structure"),
    "forearm": ("14975008", "Forearm structure"),
}
LATERALITY = {
    "left": ("7771000", "Left"),
    "right": ("24028007", "Right"),
    "bilateral": ("51440002", "Bilateral"),
    "both": ("51440002", "Bilateral"),
}
ILIOPSOAS = ("68455001", "Structure of iliopsoas muscle")
PAIN_CODING = {
    "system": LOINC,
    "code": "72514-3",
    "display": "Pain severity - 0-10 verbal numeric rating [Score] - Reported",
}
# When a pain rating was taken: its Observation's category, in words in its note.
RATING_KINDS = {
    "intake": "At intake",
    "pre": "Before treatment",
    "post": "Immediately after treatment",
    "during": "During abdominal work",
}
RATING_KIND_SYSTEM = app_system("pain-rating-kind")


def ref(kind: str, public_id) -> dict:
    return {"reference": f"urn:uuid:{public_id}", "type": kind}


def when(value) -> str | None:
    """A FHIR instant or dateTime: ISO 8601 in the clinic's time zone, with its offset ("2026-12-03T14:05:09-05:00")."""
    return local_time.iso(value) if value else None


def entry(resource: dict) -> dict:
    return {"fullUrl": f"urn:uuid:{resource['id']}", "resource": resource}


def derived_uuid(base, name: str) -> uuid.UUID:
    """A stable id for a resource the app keeps no id of, from its record's id: the same on every export."""
    return uuid.uuid5(uuid.UUID(str(base)), name)


def coding(vocabulary: str, code: str, display) -> dict:
    return {"system": app_system(vocabulary), "code": code, "display": str(display)}


def concept(vocabulary: str, code: str, display) -> dict:
    return {"coding": [coding(vocabulary, code, display)], "text": str(display)}


def body_site(region: str, side: str, text: str | None = None) -> dict:
    """A region of the body chart with its side: SNOMED CT where a code matches, the app's region code always."""
    codings = [coding("region", region, labels.REGIONS.get(region, region))]
    if region in BODY_SITES:
        code, display = BODY_SITES[region]
        codings.insert(0, {"system": SNOMED, "code": code, "display": display})
    site = {"coding": codings, "text": text or _site_text(labels.REGIONS.get(region, region), side)}
    if side in labels.SIDES:  # the side is not another code for the region: an extension of the element
        site["extension"] = [{"url": app_system("side"), "valueCoding": coding("side", side, labels.SIDES[side])}]
    return site


def _site_text(region_label, side: str) -> str:
    side_label = labels.SIDES.get(side)
    return f"{region_label} ({str(side_label).lower()})" if side_label else str(region_label)


def iliopsoas_site(side: str) -> dict:
    """The iliopsoas, on the side worked: a SNOMED CT structure with its laterality in the text."""
    site = {"coding": [{"system": SNOMED, "code": ILIOPSOAS[0], "display": ILIOPSOAS[1]}], "text": "Iliopsoas"}
    if side in LATERALITY:
        site["text"] = f"Iliopsoas ({LATERALITY[side][1].lower()})"
    return site


def rating_kind(kind: str) -> list[dict]:
    return [{"coding": [{"system": RATING_KIND_SYSTEM, "code": kind, "display": RATING_KINDS[kind]}]}]


def pain_observation(public_id, patient: dict, kind: str, value: int, at, **extra) -> dict:
    """A pain rating (LOINC 72514-3, 0-10) and when it was taken (its category and note: intake, pre, post or
    during)."""
    observation = {
        "resourceType": "Observation",
        "id": str(public_id),
        "status": "final",
        "category": rating_kind(kind),
        "code": {"coding": [PAIN_CODING], "text": "Pain (0-10)"},
        "subject": patient,
        "effectiveDateTime": when(at),
        "valueInteger": value,
        "note": [{"text": RATING_KINDS[kind]}],
    }
    note = extra.pop("note", "")
    if note:
        observation["note"].append({"text": note})
    observation.update({name: value for name, value in extra.items() if value})
    return observation


def answer(value) -> list[dict]:
    """A QuestionnaireResponse answer: booleans, integers, decimals, moments, codings and text as FHIR types them;
    a list, one answer each."""
    if isinstance(value, list):
        return [found for one in value for found in answer(one)]
    if isinstance(value, datetime):
        return [{"valueDateTime": when(value)}]
    if isinstance(value, bool):
        return [{"valueBoolean": value}]
    if isinstance(value, int):
        return [{"valueInteger": value}]
    if isinstance(value, float):
        return [{"valueDecimal": value}]
    if isinstance(value, dict):
        return [{"valueCoding": value}]
    return [{"valueString": str(value)}]


def item(link_id: str, text, value=None, *, items: list | None = None) -> dict:
    """A question with its answer (none when `value` is None or ""), or a group of `items`."""
    found = {"linkId": link_id, "text": str(text)}
    if items is not None:
        found["item"] = items
    elif value not in (None, "", []):
        found["answer"] = answer(value)
    return found
