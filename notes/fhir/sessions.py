"""Each signed session: an Encounter, a Procedure for the treatment with a Procedure per area treated and per
stretch of abdominal work (stopped when the client said stop), an Observation per pain rating before and after
treatment and per feedback entry during the abdominal work (side, technique, pressure, breath, hold, response,
note), "pulse felt, hands moved" as an Observation of its own, the visit's health check as a QuestionnaireResponse,
and adverse effects."""

from django.utils.translation import gettext as _

from intake import labels
from notes.fhir.codes import (
    UCUM,
    body_site,
    coding,
    concept,
    derived_uuid,
    iliopsoas_site,
    item,
    pain_observation,
    ref,
    when,
)
from notes.models import AbdominalSegment, FeedbackEntry, TreatmentSession

ABDOMINAL_WORK = "Slow soft-tissue work of the iliopsoas through the lower abdomen"
PULSE = "Pulse felt, hands moved"


def encounter(session: TreatmentSession, patient_ref: dict, conditions: list) -> dict:
    resource = {
        "resourceType": "Encounter",
        "id": str(session.public_id),
        "status": "finished",
        "class": {
            "system": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
            "code": "AMB",
            "display": "ambulatory",
        },
        "type": [{"text": "Massage therapy treatment"}],
        "subject": patient_ref,
        "participant": [{"individual": {"display": session.therapist_name_shown}}],
        "period": {"start": when(session.started_at), "end": when(session.ended_at or session.signed_at)},
    }
    if conditions:
        resource["reasonReference"] = conditions
    return resource


def treatment(session: TreatmentSession, patient_ref: dict, conditions: list) -> dict:
    """The session's treatment: the Procedure its areas and stretches of abdominal work are part of."""
    resource = {
        "resourceType": "Procedure",
        "id": str(treatment_id(session)),
        "status": "completed",
        "code": {"text": "Massage therapy treatment"},
        "subject": patient_ref,
        "encounter": ref("Encounter", session.public_id),
        "performedPeriod": {"start": when(session.started_at), "end": when(session.ended_at or session.signed_at)},
        "performer": [{"actor": {"display": session.therapist_name_shown}}],
        "note": [{"text": f"Abdominal (iliopsoas) work planned: {'yes' if session.abdominal_planned else 'no'}"}],
    }
    if conditions:
        resource["reasonReference"] = conditions
    return resource


def treatment_id(session: TreatmentSession):
    return derived_uuid(session.public_id, "treatment")


def areas_treated(session: TreatmentSession, patient_ref: dict) -> list[dict]:
    """A Procedure per area treated: the area and side as its body site, the techniques as its code."""
    procedures = []
    for area in session.areas.all():
        techniques = [
            coding("technique", t, label) for t, label in zip(area.techniques, area.technique_labels, strict=True)
        ]
        text = ", ".join(area.technique_labels) + (f" ({area.note})" if area.note else "")
        site = str(area.get_area_display()) + (f" ({area.get_side_display().lower()})" if area.side else "")
        site_codings = [coding("area", area.area, area.get_area_display())]
        if area.side:
            site_codings.append(coding("area-side", area.side, area.get_side_display()))
        resource = {
            "resourceType": "Procedure",
            "id": str(derived_uuid(session.public_id, f"area-{area.position}-{area.area}")),
            "status": "completed",
            "partOf": [ref("Procedure", treatment_id(session))],
            "code": {"coding": techniques, "text": text},
            "subject": patient_ref,
            "encounter": ref("Encounter", session.public_id),
            "performedDateTime": when(session.started_at),
            "bodySite": [{"coding": site_codings, "text": site}],
        }
        if area.note:
            resource["note"] = [{"text": area.note}]
        procedures.append(resource)
    return procedures


def stretch_id(session: TreatmentSession, number: int):
    return derived_uuid(session.public_id, f"stretch-{number}")


def stretch(session: TreatmentSession, number: int, segment: AbdominalSegment, patient_ref: dict) -> dict:
    """A stretch of abdominal work: from the client's re-confirmation to its end (stopped when the client said stop),
    with its position, approach and landmark."""
    stopped = segment.end_reason == AbdominalSegment.EndReason.STOP
    resource = {
        "resourceType": "Procedure",
        "id": str(stretch_id(session, number)),
        "status": "stopped" if stopped else "completed",
        "partOf": [ref("Procedure", treatment_id(session))],
        "code": {"text": ABDOMINAL_WORK},
        "subject": patient_ref,
        "encounter": ref("Encounter", session.public_id),
        "performedPeriod": {"start": when(segment.reconfirmed_at)},
        "bodySite": [iliopsoas_site(""), body_site("lower_abdomen", "central")],
        "note": [
            {
                "time": when(segment.reconfirmed_at),
                "text": f"Re-confirmed by the client (recorded by {segment.reconfirmed_by.display_name})",
            }
        ],
    }
    if segment.ended_at:
        resource["performedPeriod"]["end"] = when(segment.ended_at)
    if segment.end_reason:
        reason = concept("stretch-end", segment.end_reason, segment.get_end_reason_display())
        if stopped:
            resource["statusReason"] = reason
        resource["outcome"] = reason
    details = []
    for name, label in (("position", _("Position")), ("approach", _("Approach")), ("landmark", _("Landmark"))):
        value = getattr(segment, name)
        if value:
            shown = getattr(segment, f"get_{name}_display")()
            details.append({"url": f"urn:massage-clinic:stretch-{name}", "valueCoding": coding(name, value, shown)})
            resource["note"].append({"text": f"{label}: {shown}"})
    if details:
        resource["extension"] = details
    if segment.precautions_reviewed:
        resource["note"].append({"text": "Precautions reviewed: " + ", ".join(segment.precautions_reviewed)})
    return resource


def feedback(entry: FeedbackEntry, session: TreatmentSession, stretch_ref: dict, patient_ref: dict) -> dict:
    """A feedback entry: the client's pain during the work, with the side, technique, pressure, breath, hold,
    response and note as the therapist recorded them."""
    components = [
        {"code": {"text": "Side"}, "valueCodeableConcept": concept("side", entry.side, entry.get_side_display())},
        {
            "code": {"text": "Technique"},
            "valueCodeableConcept": concept("technique", entry.technique, entry.get_technique_display()),
        },
        {"code": {"text": "Pressure (1-5)"}, "valueInteger": entry.pressure},
        {
            "code": {"text": "Response"},
            "valueCodeableConcept": concept("response", entry.response, entry.get_response_display()),
        },
    ]
    if entry.breath_phase:
        components.append(
            {
                "code": {"text": "Breath phase"},
                "valueCodeableConcept": concept("breath", entry.breath_phase, entry.get_breath_phase_display()),
            }
        )
    if entry.hold_seconds is not None:
        components.append(
            {
                "code": {"text": "Hold time"},
                "valueQuantity": {"value": entry.hold_seconds, "unit": "s", "system": UCUM, "code": "s"},
            }
        )
    return pain_observation(
        entry.public_id,
        patient_ref,
        "during",
        entry.pain,
        entry.at,
        note=entry.note,
        encounter=ref("Encounter", session.public_id),
        partOf=[stretch_ref],
        bodySite=iliopsoas_site(entry.side),
        method=concept("technique", entry.technique, entry.get_technique_display()),
        component=components,
    )


def pulse(found, session: TreatmentSession, stretch_ref: dict, patient_ref: dict) -> dict:
    """ "Pulse felt, hands moved": an event of its own, at its moment."""
    return {
        "resourceType": "Observation",
        "id": str(derived_uuid(session.public_id, f"pulse-{found.pk}")),
        "status": "final",
        "category": [{"coding": [coding("event", "pulse_felt", PULSE)]}],
        "code": {"coding": [coding("event", "pulse_felt", PULSE)], "text": PULSE},
        "subject": patient_ref,
        "encounter": ref("Encounter", session.public_id),
        "partOf": [stretch_ref],
        "effectiveDateTime": when(found.at),
        "valueBoolean": True,
        "interpretation": [{"text": "Hands moved away from the pulse"}],
    }


def health_check(check, session: TreatmentSession | None, patient_ref: dict) -> dict:
    """The visit's health check, every answer ("no" included), with the session of that day if one is signed."""
    fields = (
        "no_change",
        "medication",
        "anticoagulant",
        "surgery",
        "abdominal_surgery_weeks_ago",
        "childbirth_weeks_ago",
        "caesarean",
        "injury",
        "pregnant",
        "menstruating_today",
        "note",
    )
    items = [item(name, check._meta.get_field(name).verbose_name, getattr(check, name)) for name in fields]
    items.append(
        item(
            "new_red_flags",
            _("New symptoms"),
            [coding("red-flag", f, labels.RED_FLAGS.get(f, f)) for f in check.new_red_flags],
        )
    )
    resource = {
        "resourceType": "QuestionnaireResponse",
        "id": str(check.public_id),
        "status": "completed",
        "subject": patient_ref,
        "authored": when(check.recorded_at),
        "author": {"display": check.recorded_by.display_name},
        "item": [item("visit_day", _("Day of the visit"), check.visit_day.isoformat()), *items],
    }
    if session is not None:
        resource["encounter"] = ref("Encounter", session.public_id)
    return resource


def adverse_event(effect, session: TreatmentSession, patient_ref: dict) -> dict:
    resource = {
        "resourceType": "AdverseEvent",
        "id": str(effect.public_id),
        "actuality": "actual",
        "event": concept("adverse-effect", effect.kind, effect.get_kind_display()),
        "subject": patient_ref,
        "encounter": ref("Encounter", session.public_id),
        "recordedDate": when(effect.reported_at),
        "recorder": {"display": effect.reported_by_shown},
        "suspectEntity": [{"instance": ref("Procedure", treatment_id(session))}],
    }
    if effect.onset_on:
        resource["date"] = effect.onset_on.isoformat()
    notes = [effect.note] if effect.note else []
    notes.append("reported after the note was signed" if effect.reported_later else "recorded with the note")
    resource["extension"] = [{"url": "http://hl7.org/fhir/StructureDefinition/note", "valueString": "; ".join(notes)}]
    return resource
