"""The validated questionnaires (intake/questionnaire_instruments.py) in the bundle: a Questionnaire per
instrument the client answered (its canonical URL, its items and answer options, its source and terms), a
QuestionnaireResponse per response, and its score as an Observation derived from it (HOOS-12's scales and STarT
Back's subscale and risk group as components)."""

from django.utils.translation import gettext as _

from intake.questionnaire_instruments import (
    HOOS12,
    HOOS12_SCALE_NAMES,
    HOOS12_SCALES,
    INSTRUMENTS,
    NPRS,
    PSFS,
    RMDQ,
    STARTBACK,
)
from notes.fhir.codes import APP, UCUM, concept, derived_uuid, item, ref, when

CANONICAL = f"{APP}:questionnaire"


def canonical(code: str) -> str:
    return f"{CANONICAL}:{code}"


def _item_type(instrument) -> str:
    return {RMDQ: "boolean", NPRS: "integer"}.get(instrument.code, "choice")


def questionnaire(instrument, bundle_base) -> dict:
    if instrument.code == PSFS:
        items = [
            {
                "linkId": "activities",
                "text": _("Activities"),
                "type": "group",
                "repeats": True,
                "item": [
                    {"linkId": "name", "text": _("Activity"), "type": "string", "required": True},
                    {"linkId": "rating", "text": _("Rating, 0 (unable) to 10 (as before)"), "type": "integer"},
                ],
            }
        ]
    else:
        items = []
        for question in instrument.items:
            found = {"linkId": question.key, "text": question.text, "type": _item_type(instrument)}
            if found["type"] == "choice":
                found["answerOption"] = [
                    {"valueCoding": {"system": canonical(instrument.code), "code": str(c.value), "display": c.label}}
                    for c in question.choices
                ]
            items.append(found)
    resource = {
        "resourceType": "Questionnaire",
        "id": str(derived_uuid(bundle_base, f"questionnaire-{instrument.code}")),
        "url": canonical(instrument.code),
        "name": instrument.short_name.replace("-", "").replace(" ", ""),
        "title": instrument.name,
        "status": "active",
        "subjectType": ["Patient"],
        "description": f"{instrument.instructions} Source: {instrument.source}.",
        "copyright": " ".join(part for part in (instrument.licence, instrument.copyright) if part),
        "item": items,
    }
    return resource


def _answers(response) -> list[dict]:
    instrument = response.definition
    if instrument.code == PSFS:
        return [
            item(
                "activities",
                _("Activity"),
                items=[item("name", _("Activity"), a["name"]), item("rating", _("Rating"), a["rating"])],
            )
            for a in response.answers.get("activities", [])
        ]
    found = []
    for question in instrument.items:
        value = response.answers.get(question.key)
        if instrument.code == RMDQ:
            value = bool(value)
        elif value is not None and _item_type(instrument) == "choice":
            label = next(c.label for c in question.choices if c.value == value)
            value = {"system": canonical(instrument.code), "code": str(value), "display": label}
        found.append(item(question.key, question.text, value))
    return found


def questionnaire_response(response, patient: dict) -> dict:
    author = {"display": response.recorded_by.display_name} if response.recorded_by else {"display": _("the client")}
    return {
        "resourceType": "QuestionnaireResponse",
        "id": str(response.public_id),
        "questionnaire": canonical(response.instrument),
        "status": "completed" if response.complete else "in-progress",
        "subject": patient,
        "authored": when(response.taken_at),
        "author": author,
        "source": patient if response.source == "client" else author,
        "item": _answers(response),
    }


def _quantity(value) -> dict:
    return {"value": value, "unit": "score", "system": UCUM, "code": "{score}"}


def score_observation(response, patient: dict) -> dict:
    instrument = response.definition
    observation = {
        "resourceType": "Observation",
        "id": str(derived_uuid(response.public_id, "score")),
        "status": "final",
        "category": [
            {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category", "code": "survey"}]}
        ],
        "code": concept("questionnaire-score", response.instrument, f"{instrument.short_name} score"),
        "subject": patient,
        "effectiveDateTime": when(response.taken_at),
        "derivedFrom": [ref("QuestionnaireResponse", response.public_id)],
        "note": [{"text": f"{response.summary}. {instrument.source}."}],
    }
    if response.score is not None:
        observation["valueQuantity"] = _quantity(response.score)
    components = []
    if instrument.code == HOOS12:
        for scale in HOOS12_SCALES:
            part = {"code": concept("hoos12-scale", scale, HOOS12_SCALE_NAMES[scale])}
            value = response.subscales.get(scale)
            if value is None:
                part["dataAbsentReason"] = {"text": _("fewer than 2 of its 4 items answered")}
            else:
                part["valueQuantity"] = _quantity(value)
            components.append(part)
    if instrument.code == STARTBACK and response.score is not None:
        components = [
            {
                "code": concept("startback", "psychosocial", _("Psychosocial subscale")),
                "valueQuantity": _quantity(response.psychosocial),
            },
            {
                "code": concept("startback", "risk", _("Risk group")),
                "valueCodeableConcept": concept("startback-risk", response.risk, response.risk),
            },
        ]
    if components:
        observation["component"] = components
    if response.score is None and not components:
        observation["dataAbsentReason"] = {"text": _("too few answers to score")}
    return observation


def resources(responses, client, patient: dict) -> list[dict]:
    used = dict.fromkeys(response.instrument for response in responses)
    found = [questionnaire(INSTRUMENTS[code], client.public_id) for code in used]
    for response in responses:
        found += [questionnaire_response(response, patient), score_observation(response, patient)]
    return found
