"""The client and what the intakes recorded: Patient, a Condition per complaint with its pain at intake, a
QuestionnaireResponse per intake holding every answer (health history, warning signs, tests with their sides), a
RiskAssessment per screening (every reason, the points, the threshold, why not) and per clinical judgement, and a
DocumentReference per physician clearance."""

import base64

from django.utils.translation import gettext as _

from clinic.models import Client
from intake import health_history, labels
from notes.fhir.codes import (
    body_site,
    coding,
    concept,
    derived_uuid,
    item,
    pain_observation,
    ref,
    when,
)
from notes.history import complaint_label

GENDER = {"F": "female", "M": "male", "X": "other"}
HOW_REFERRED = "urn:massage-clinic:how-referred"
SCREENING_POINTS = "urn:massage-clinic:screening-points"
SCREENING_THRESHOLD = "urn:massage-clinic:screening-threshold"


def patient(client: Client, sex: str) -> dict:
    names = [{"use": "official", "family": client.last_name, "given": [client.first_name]}]
    if client.preferred_name:
        names.append({"use": "usual", "family": client.last_name, "given": [client.preferred_name]})
    telecom = [{"system": "phone", "value": client.phone}] if client.phone else []
    if client.email:
        telecom.append({"system": "email", "value": client.email})
    resource = {
        "resourceType": "Patient",
        "id": str(client.public_id),
        "active": not client.is_archived,
        "name": names,
        "birthDate": client.date_of_birth.isoformat(),
    }
    if telecom:
        resource["telecom"] = telecom
    if client.address:
        resource["address"] = [{"text": client.address}]
    if sex in GENDER:
        resource["gender"] = GENDER[sex]
    if client.emergency_contact_name:
        contact = {"name": {"text": client.emergency_contact_name}}
        if client.emergency_contact_phone:
            contact["telecom"] = [{"system": "phone", "value": client.emergency_contact_phone}]
        if client.emergency_contact_relationship:
            contact["relationship"] = [{"text": client.emergency_contact_relationship}]
        resource["contact"] = [contact]
    if client.family_physician_name or client.family_physician_contact:
        physician = ", ".join(v for v in (client.family_physician_name, client.family_physician_contact) if v)
        resource["generalPractitioner"] = [{"display": physician}]
    if client.referral_source:
        words = str(client.get_referral_source_display())
        resource["extension"] = [
            {
                "url": HOW_REFERRED,
                "valueCodeableConcept": {
                    "coding": [coding("how-referred", client.referral_source, words)],
                    "text": f"{words}: {client.referral_detail}" if client.referral_detail else words,
                },
            }
        ]
    return resource


def condition(complaint, intake, condition_id, patient_ref: dict) -> dict:
    status = "inactive" if complaint.removed_at else "active"
    return {
        "resourceType": "Condition",
        "id": str(condition_id),
        "clinicalStatus": {
            "coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": status}]
        },
        "code": {"text": f"Pain: {complaint_label(complaint)}"},
        "bodySite": [body_site(complaint.region, complaint.side)],
        "subject": patient_ref,
        "recordedDate": when(intake.taken_at),
        "evidence": [{"detail": [ref("QuestionnaireResponse", intake.public_id)]}],
    }


def intake_rating(complaint, intake, condition_id, patient_ref: dict) -> dict:
    return pain_observation(
        derived_uuid(condition_id, "intake"),
        patient_ref,
        "intake",
        complaint.pain_now,
        intake.taken_at,
        focus=[ref("Condition", condition_id)],
        bodySite=body_site(complaint.region, complaint.side),
        derivedFrom=[ref("QuestionnaireResponse", intake.public_id)],
    )


def questionnaire_response(intake, complaints: list, patient_ref: dict) -> dict:
    """Every answer of an intake, "no" included, each under the app's own key (its linkId) with the question's
    words: complaints, aggravating movements, health history, the screening's health and warning-sign questions,
    the tests with result and side, and the therapist's notes."""
    items = [
        item("sex", _("Sex"), coding("sex", intake.sex, intake.get_sex_display()) if intake.sex else None),
        item("complaints", _("Complaints"), items=[_complaint_item(c) for c in complaints]),
        item(
            "aggravating",
            _("Aggravating movements"),
            [coding("aggravating", m, labels.AGGRAVATING.get(m, m)) for m in intake.aggravating],
        ),
        item("health_history", _("Health history"), items=_health_history_items(intake.health_history)),
        item("history", _("Health"), items=_history_items(intake.history)),
        item(
            "red_flags",
            _("Warning signs"),
            items=[
                item(name, question, bool(intake.red_flags.get(name))) for name, question in labels.RED_FLAGS.items()
            ],
        ),
        item("tests", _("Tests"), items=_test_items(intake.tests)),
        item("notes", _("Anything else the therapist should know"), intake.notes),
    ]
    if intake.assessed_at:
        items.append(item("assessed_at", _("Assessed"), intake.assessed_at))
    return {
        "resourceType": "QuestionnaireResponse",
        "id": str(intake.public_id),
        "status": "completed",
        "subject": patient_ref,
        "authored": when(intake.taken_at),
        "author": {"display": intake.taken_by.display_name},
        "item": items,
    }


def _complaint_item(complaint) -> dict:
    parts = [
        item("region", _("Where"), coding("region", complaint.region, complaint.get_region_display())),
        item("side", _("Side"), coding("side", complaint.side, complaint.get_side_display())),
        item("pain_now", _("Pain now (0-10)"), complaint.pain_now),
        item("pain_worst", _("Worst pain (0-10)"), complaint.pain_worst),
        item(
            "onset",
            _("Started"),
            coding("onset", complaint.onset, complaint.get_onset_display()) if complaint.onset else None,
        ),
    ]
    if complaint.removed_at:
        parts.append(item("removed_at", _("Removed from the chart"), complaint.removed_at))
    return item(f"complaint-{complaint.pk}", complaint_label(complaint), items=parts)


def _health_history_items(health: dict) -> list[dict]:
    if not health:
        return [item("not_asked", _("Not asked on this intake (taken before these questions)."), True)]

    def ticks(name, other, question):
        chosen = [coding(name, code, health_history.TICK_LISTS[name].get(code, code)) for code in health.get(name, [])]
        return [item(name, question, chosen), item(other, _("Other"), health.get(other, ""))]

    surgeries = [
        item(
            f"surgery-{n}",
            s["what"],
            items=[item("what", _("What"), s["what"]), item("when", _("When"), s.get("when", ""))],
        )
        for n, s in enumerate(health.get("surgeries", []), start=1)
    ]
    medications = [
        item(
            f"medication-{n}",
            m["name"],
            items=[
                item("name", _("Medication"), m["name"]),
                item("dose", _("Dose"), m.get("dose", "")),
                item("anticoagulant", _("Anticoagulant / blood thinner"), bool(m.get("anticoagulant"))),
            ],
        )
        for n, m in enumerate(health.get("medications", []), start=1)
    ]
    return [
        *ticks("conditions", "conditions_other", _("Conditions")),
        item("surgeries", _("Surgeries"), items=surgeries),
        item("medications", _("Medications"), items=medications),
        *ticks("allergies", "allergies_other", _("Allergies")),
        *ticks("devices", "devices_other", _("Devices and transplants")),
    ]


def _history_items(history: dict) -> list[dict]:
    found = [item(name, question, bool(history.get(name))) for name, question in labels.HISTORY_FLAGS.items()]
    for name, (question, choices) in labels.HISTORY_CHOICES.items():
        value = history.get(name, "none")
        found.append(item(name, question, coding(name, value, choices.get(value, value))))
    for name, (question, _said) in labels.HISTORY_WEEKS.items():
        weeks = history.get(name)
        found.append(item(name, question, float(weeks) if weeks is not None else None))
    return found


def _test_items(tests: dict) -> list[dict]:
    found = []
    for name, value in tests.items():
        if name not in labels.TESTS:
            continue
        result, side = labels.test_result_and_side(value)
        parts = [item("result", _("Result"), coding("test-result", result, labels.TEST_RESULTS.get(result, result)))]
        if side:
            parts.append(item("side", _("Side"), coding("test-side", side, labels.TEST_SIDES.get(side, side))))
        found.append(item(name, labels.TESTS[name], items=parts))
    return found


def risk_assessment(screening, patient_ref: dict) -> dict:
    """A screening: its iliopsoas flag with the points, the threshold and why not; whether abdominal work may be
    done; a referral; every reason with its source. Screening support, never a diagnosis."""
    basis = [ref("QuestionnaireResponse", screening.intake.public_id)]
    if screening.health_check_id:
        basis.append(ref("QuestionnaireResponse", screening.health_check.public_id))
    rationale = screening.points_line + (f"; not considered: {screening.why_not}" if screening.why_not else "")
    predictions = [
        {
            "outcome": concept("iliopsoas", screening.iliopsoas, screening.get_iliopsoas_display()),
            "rationale": rationale,
        },
        {"outcome": concept("abdominal-work", screening.abdominal_work, screening.get_abdominal_work_display())},
    ]
    if screening.refer:
        predictions.append({"outcome": concept("refer", "refer", _("Refer to a physician"))})
    return {
        "resourceType": "RiskAssessment",
        "id": str(screening.public_id),
        "status": "final",
        "method": {"text": f"Screening, ruleset {screening.ruleset} ({screening.source_label})"},
        "code": {"text": "Screening for iliopsoas work and abdominal precautions"},
        "subject": patient_ref,
        "occurrenceDateTime": when(screening.screened_at),
        "performer": {"display": screening.screened_by.display_name},
        "basis": basis,
        "prediction": predictions,
        "extension": [
            {"url": SCREENING_POINTS, "valueInteger": screening.score},
            {"url": SCREENING_THRESHOLD, "valueInteger": screening.threshold},
        ],
        "note": [
            *({"text": f"{r['text']} ({r['source']})"} for r in screening.reasons),
            {"text": "Screening support, not a diagnosis."},
        ],
    }


def judgement_assessment(judgement, patient_ref: dict) -> dict:
    """A therapist's clinical judgement that differs from a screening's iliopsoas flag, with its reason."""
    return {
        "resourceType": "RiskAssessment",
        "id": str(judgement.public_id),
        "status": "final",
        "method": {"text": "Clinical judgement"},
        "subject": patient_ref,
        "parent": ref("RiskAssessment", judgement.screening.public_id),
        "occurrenceDateTime": when(judgement.recorded_at),
        "performer": {"display": judgement.recorded_by.display_name},
        "prediction": [
            {
                "outcome": concept("judgement", judgement.judgement, judgement.get_judgement_display()),
                "rationale": judgement.reason,
            }
        ],
        "note": [{"text": f"The screening said: {judgement.get_differs_from_display()}"}],
    }


def clearance(found, intake_id, patient_ref: dict) -> dict:
    """A physician's clearance: the physician's words, what it covers and until when."""
    period = {"start": found.cleared_on.isoformat()}
    if found.valid_until:
        period["end"] = found.valid_until.isoformat()
    answered = ", ".join(found.red_flags_cleared) or _("none")
    by = ", ".join(v for v in (found.clinician_name, found.clinician_practice) if v)
    return {
        "resourceType": "DocumentReference",
        "id": str(found.public_id),
        "status": "current",
        "type": {"text": "Physician clearance"},
        "subject": patient_ref,
        "date": when(found.recorded_at),
        "author": [{"display": by}],
        "description": f"Cleared {found.get_scope_display()}; red flags answered: {answered}"
        + ("; scanned letter on file" if found.letter else ""),
        "context": {"period": period, "related": [ref("QuestionnaireResponse", intake_id)]},
        "content": [
            {
                "attachment": {
                    "contentType": "text/plain; charset=utf-8",
                    "data": base64.b64encode(found.what_was_cleared.encode()).decode(),
                    "title": "The physician's words",
                }
            }
        ],
    }
