"""The client's record as a FHIR R4 Bundle (collection), for referral letters and other systems.

Patient, a Condition per complaint (with its body site), an Observation per pain rating (LOINC 72514-3, 0-10),
a Consent per consent, an Encounter per signed session and a Procedure for each session's abdominal work, then
an Observation per complaint of its outcome by the clinic's rule (notes/outcomes.py): the baseline, the current
rating before treatment on a later day, the change and whether it reaches the MCID, derived from the ratings'
Observations. Drafts are left out. Plain dictionaries: the tests validate them with the fhir.resources models.
"""

import uuid
from collections import defaultdict

from django.conf import settings
from django.db.models import Exists, OuterRef, prefetch_related_objects

from clinic import local_time
from clinic.models import Client
from intake.models import Complaint, Intake
from notes.history import clinic_outcome, complaint_label
from notes.models import AdverseEffect, AreaTreated, Consent, PulseEvent, TreatmentPlan, TreatmentSession
from notes.outcomes import Outcome, Rating

SNOMED = "http://snomed.info/sct"
LOINC = "http://loinc.org"
# SNOMED CT body structures for the intake's regions.
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
}
LATERALITY = {"left": ("7771000", "Left"), "right": ("24028007", "Right"), "bilateral": ("51440002", "Bilateral")}
ILIOPSOAS = ("68455001", "Structure of iliopsoas muscle")
UCUM = "http://unitsofmeasure.org"
PAIN_CODING = {
    "system": LOINC,
    "code": "72514-3",
    "display": "Pain severity - 0-10 verbal numeric rating [Score] - Reported",
}
# Each pain rating's note: when it was taken.
RATING_NOTES = {"intake": "At intake", "pre": "Before treatment", "post": "Immediately after treatment"}
GENDER = {"F": "female", "M": "male", "X": "other"}


def _ref(kind: str, public_id) -> dict:
    return {"reference": f"urn:uuid:{public_id}", "type": kind}


def _when(value) -> str | None:
    """A FHIR instant or dateTime: ISO 8601 in the clinic's time zone, with its offset ("2026-12-03T14:05:09-05:00")."""
    return local_time.iso(value) if value else None


def _body_site(region: str, side: str) -> dict:
    code, display = BODY_SITES[region]
    text = display if side not in LATERALITY else f"{LATERALITY[side][1]} {display[0].lower()}{display[1:]}"
    return {"coding": [{"system": SNOMED, "code": code, "display": display}], "text": text}


def _entry(resource: dict, public_id) -> dict:
    return {"fullUrl": f"urn:uuid:{public_id}", "resource": resource}


def _patient(client: Client, sex: str) -> dict:
    names = [{"use": "official", "family": client.last_name, "given": [client.first_name]}]
    if client.preferred_name:
        names.append({"use": "usual", "family": client.last_name, "given": [client.preferred_name]})
    telecom = [{"system": "phone", "value": client.phone}] if client.phone else []
    if client.email:
        telecom.append({"system": "email", "value": client.email})
    patient = {
        "resourceType": "Patient",
        "id": str(client.public_id),
        "active": not client.is_archived,
        "name": names,
        "birthDate": local_time.day(client.date_of_birth),
    }
    if telecom:
        patient["telecom"] = telecom
    if client.address:
        patient["address"] = [{"text": client.address}]
    if sex in GENDER:
        patient["gender"] = GENDER[sex]
    if client.emergency_contact_name:
        contact = {"name": {"text": client.emergency_contact_name}}
        if client.emergency_contact_phone:
            contact["telecom"] = [{"system": "phone", "value": client.emergency_contact_phone}]
        if client.emergency_contact_relationship:
            contact["relationship"] = [{"text": client.emergency_contact_relationship}]
        patient["contact"] = [contact]
    return patient


def _pain_observation(
    public_id, patient, complaint_id, value: int, at, encounter_id=None, note="", body_site=None
) -> dict:
    observation = {
        "resourceType": "Observation",
        "id": str(public_id),
        "status": "final",
        "code": {"coding": [PAIN_CODING], "text": "Pain (0-10)"},
        "subject": patient,
        "focus": [_ref("Condition", complaint_id)],
        "effectiveDateTime": _when(at),
        "valueInteger": value,
    }
    if body_site:
        observation["bodySite"] = body_site
    if encounter_id:
        observation["encounter"] = _ref("Encounter", encounter_id)
    if note:
        observation["note"] = [{"text": note}]
    return observation


def _outcome_observation(public_id, patient, label: str, result: Outcome, focus: list, derived_from: list) -> dict:
    """A complaint's outcome: the change from its baseline to its current rating (before treatment, on a later
    day), with both ratings, the percent change and the MCID as components; no value while there is no later
    visit."""
    no_later_visit = {"text": "No later visit yet"}
    current = {"code": {"coding": [PAIN_CODING], "text": "Current: the latest rating before treatment on a later day"}}
    if result.current is None:
        current["dataAbsentReason"] = no_later_visit
    else:
        current["valueInteger"] = result.current
    percent = {"code": {"text": "Percent change from the baseline"}}
    if result.percent_change is None:
        percent["dataAbsentReason"] = {"text": "No later visit yet" if result.current is None else "Baseline of 0"}
    else:
        percent["valueQuantity"] = {"value": result.percent_change, "unit": "%", "system": UCUM, "code": "%"}
    mcid = f"{settings.PAIN_MCID_POINTS:g} points, {settings.PAIN_MCID_PERCENT:g}%, rule {settings.PAIN_MCID_RULE}"
    observation = {
        "resourceType": "Observation",
        "id": str(public_id),
        "status": "final",
        "code": {"text": "Pain outcome: change from the baseline to the current rating (0-10)"},
        "subject": patient,
        "focus": focus,
        "effectivePeriod": {"start": _when(result.baseline_at)},
        "component": [
            {
                "code": {"coding": [PAIN_CODING], "text": "Baseline: the first rating before any treatment"},
                "valueInteger": result.baseline,
            },
            current,
            percent,
            {
                "code": {"text": f"Reaches the minimal clinically important difference ({mcid})"},
                "valueBoolean": result.reaches_mcid,
            },
        ],
        "derivedFrom": derived_from,
        "note": [
            {
                "text": f"{label}. Compares visits: a rating taken immediately after treatment is never the "
                "current rating. Reported pain only; not a diagnosis or a cure."
            }
        ],
    }
    if result.current is None:
        observation["dataAbsentReason"] = no_later_visit
    else:
        observation["effectivePeriod"]["end"] = _when(result.current_at)
        observation["valueInteger"] = result.change
    return observation


def client_bundle(client: Client) -> dict:
    patient = _ref("Patient", client.public_id)
    intakes = list(Intake.objects.for_client(client).order_by("taken_at").prefetch_related("complaints"))
    latest_sex = next((i.sex for i in reversed(intakes) if i.sex), "")
    entries = [_entry(_patient(client, latest_sex), client.public_id)]
    condition_ids = {}
    # Each complaint label's ratings (the same region and side across intakes are one complaint), each with the
    # id of its Observation, and its Conditions: for the outcomes.
    ratings: dict[str, list[Rating]] = defaultdict(list)
    observation_of: dict[int, uuid.UUID] = {}
    conditions_of: dict[str, list] = defaultdict(list)

    def rated(complaint: Complaint, rating: Rating, observation_id) -> None:
        ratings[complaint_label(complaint)].append(rating)
        observation_of[id(rating)] = observation_id

    for intake in intakes:
        for complaint in intake.complaints.all():
            condition_id = _complaint_uuid(complaint)
            condition_ids[complaint.pk] = condition_id
            conditions_of[complaint_label(complaint)].append(condition_id)
            entries.append(
                _entry(
                    {
                        "resourceType": "Condition",
                        "id": str(condition_id),
                        "clinicalStatus": {
                            "coding": [
                                {
                                    "system": "http://terminology.hl7.org/CodeSystem/condition-clinical",
                                    "code": "inactive" if complaint.removed_at else "active",
                                }
                            ]
                        },
                        "code": {"text": f"Pain: {complaint.get_region_display()} ({complaint.get_side_display()})"},
                        "bodySite": [_body_site(complaint.region, complaint.side)],
                        "subject": patient,
                        "recordedDate": _when(intake.taken_at),
                    },
                    condition_id,
                )
            )
            obs_id = _derived_uuid(condition_id, "intake")
            entries.append(
                _entry(
                    _pain_observation(
                        obs_id, patient, condition_id, complaint.pain_now, intake.taken_at, note=RATING_NOTES["intake"]
                    ),
                    obs_id,
                )
            )
            rated(complaint, Rating(intake.taken_at, complaint.pain_now, "intake"), obs_id)
    for consent in Consent.objects.filter(client=client).select_related("text").order_by("signed_at"):
        entries.append(_entry(_consent(consent, patient), consent.public_id))
    sessions = (
        TreatmentSession.objects.for_client(client)
        .signed()
        .select_related("therapist")
        .prefetch_related("pains__complaint", "segments")
        .annotate(
            has_areas=Exists(AreaTreated.objects.filter(session=OuterRef("pk"))),
            has_pulses=Exists(PulseEvent.objects.filter(session=OuterRef("pk"))),
            has_effects=Exists(AdverseEffect.objects.filter(session=OuterRef("pk"))),
        )
        .order_by("started_at")
    )
    sessions = list(sessions)
    # What the chart came to record later: one query a kind when any session holds it, none otherwise.
    for related, flag in (("areas", "has_areas"), ("pulses", "has_pulses"), ("adverse_effects", "has_effects")):
        prefetch_related_objects([s for s in sessions if getattr(s, flag)], related)
    for session in sessions:
        encounter = {
            "resourceType": "Encounter",
            "id": str(session.public_id),
            "status": "finished",
            "class": {
                "system": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
                "code": "AMB",
                "display": "ambulatory",
            },
            "type": [{"text": "Massage therapy treatment"}],
            "subject": patient,
            "participant": [{"individual": {"display": session.therapist_name_shown}}],
            "period": {"start": _when(session.started_at), "end": _when(session.ended_at or session.signed_at)},
        }
        entries.append(_entry(encounter, session.public_id))
        for pain in session.pains.all():
            condition_id = condition_ids.get(pain.complaint_id) or _complaint_uuid(pain.complaint)
            # The complaint as the signed note names it, whatever the intake says of it since.
            shown = pain.complaint_shown
            body_site = _body_site(shown["region"], shown["side"])
            body_site["text"] = f"{shown['region_label']} ({shown['side_label'].lower()})"
            for moment, kind, value, at in (
                ("before", "pre", pain.before, session.started_at),
                ("after", "post", pain.after, session.ended_at),
            ):
                if value is None:
                    continue
                obs_id = _derived_uuid(session.public_id, f"{pain.complaint_id}-{moment}")
                note = RATING_NOTES[kind]
                observation = _pain_observation(
                    obs_id, patient, condition_id, value, at, session.public_id, note, body_site
                )
                entries.append(_entry(observation, obs_id))
                rated(pain.complaint, Rating(at or session.signed_at or session.started_at, value, kind), obs_id)
        segments = list(session.segments.all())
        if segments:
            procedure_id = _derived_uuid(session.public_id, "abdominal")
            entries.append(
                _entry(
                    {
                        "resourceType": "Procedure",
                        "id": str(procedure_id),
                        "status": "completed",
                        "code": {"text": "Slow soft-tissue work of the iliopsoas through the lower abdomen"},
                        "subject": patient,
                        "encounter": _ref("Encounter", session.public_id),
                        "performedPeriod": {
                            "start": _when(segments[0].reconfirmed_at),
                            "end": _when(segments[-1].ended_at or session.ended_at),
                        },
                        "bodySite": [
                            {"coding": [{"system": SNOMED, "code": ILIOPSOAS[0], "display": ILIOPSOAS[1]}]},
                            _body_site("lower_abdomen", "central"),
                        ],
                        "note": [
                            {
                                "text": f"{len(segments)} stretch(es) of work, each after the client's "
                                "verbal re-confirmation."
                            },
                            *_stretch_notes(segments, list(session.pulses.all()) if session.has_pulses else []),
                        ],
                    },
                    procedure_id,
                )
            )
        if session.has_areas:
            entries += _areas_treated(session, patient)
        if session.has_effects:
            entries += [_adverse_event(effect, session, patient) for effect in session.adverse_effects.all()]
    entries += _care_plans(client, patient)
    for label in sorted(ratings):
        result = clinic_outcome(ratings[label])
        if not result.has_data:
            continue
        compared = [r for r in (result.baseline_rating, result.current_rating) if r is not None]
        derived_from = [_ref("Observation", observation_of[id(r)]) for r in compared]
        focus = [_ref("Condition", condition_id) for condition_id in conditions_of[label]]
        obs_id = _derived_uuid(client.public_id, f"outcome-{label}")
        entries.append(_entry(_outcome_observation(obs_id, patient, label, result, focus, derived_from), obs_id))
    return {"resourceType": "Bundle", "type": "collection", "entry": entries}


def _consent(consent: Consent, patient: dict) -> dict:
    resource = {
        "resourceType": "Consent",
        "id": str(consent.public_id),
        "status": "active" if consent.is_active else "inactive",
        "scope": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/consentscope", "code": "treatment"}]},
        "category": [{"coding": [{"system": LOINC, "code": "59284-0", "display": "Patient Consent"}]}],
        "patient": patient,
        "dateTime": _when(consent.signed_at),
        "policyRule": {"text": f"{consent.text.title} (version {consent.text.version})"},
        "sourceAttachment": {"contentType": "text/plain", "title": consent.text.title},
        "provision": {"type": "permit", "period": {"start": _when(consent.signed_at)}},
    }
    if consent.withdrawn_at:
        resource["provision"]["period"]["end"] = _when(consent.withdrawn_at)
    return resource


def _complaint_uuid(complaint: Complaint):
    return _derived_uuid(complaint.intake.public_id, f"complaint-{complaint.pk}")


def _derived_uuid(base, name: str):
    return uuid.uuid5(uuid.UUID(str(base)), name)


def _stretch_notes(segments, pulses) -> list[dict]:
    """Each stretch's position, approach and landmark, and each "pulse felt, hands moved" with its moment."""
    notes = [
        {"time": _when(segment.reconfirmed_at), "text": f"Stretch re-confirmed: {segment.details_shown}"}
        for segment in segments
        if segment.details_shown
    ]
    notes += [{"time": _when(pulse.at), "text": "Pulse felt, hands moved"} for pulse in pulses]
    return notes


def _areas_treated(session: TreatmentSession, patient: dict) -> list[dict]:
    """A Procedure per area treated, its techniques as its code's text."""
    procedures = []
    for area in session.areas.all():
        procedure_id = _derived_uuid(session.public_id, f"area-{area.position}-{area.area}")
        text = ", ".join(area.technique_labels) + (f" ({area.note})" if area.note else "")
        site = area.get_area_display() + (f" ({area.get_side_display().lower()})" if area.side else "")
        resource = {
            "resourceType": "Procedure",
            "id": str(procedure_id),
            "status": "completed",
            "code": {"text": text},
            "subject": patient,
            "encounter": _ref("Encounter", session.public_id),
            "performedDateTime": _when(session.started_at),
            "bodySite": [{"text": str(site)}],
        }
        procedures.append(_entry(resource, procedure_id))
    return procedures


def _adverse_event(effect, session: TreatmentSession, patient: dict) -> dict:
    resource = {
        "resourceType": "AdverseEvent",
        "id": str(effect.public_id),
        "actuality": "actual",
        "event": {"text": str(effect.get_kind_display())},
        "subject": patient,
        "encounter": _ref("Encounter", session.public_id),
        "recordedDate": _when(effect.reported_at),
        "recorder": {"display": effect.reported_by_shown},
    }
    if effect.onset_on:
        resource["date"] = effect.onset_on.isoformat()
    notes = [effect.note] if effect.note else []
    notes.append("reported after the note was signed" if effect.reported_later else "recorded with the note")
    resource["extension"] = [{"url": "http://hl7.org/fhir/StructureDefinition/note", "valueString": "; ".join(notes)}]
    return _entry(resource, effect.public_id)


def _care_plans(client: Client, patient: dict) -> list[dict]:
    """The treatment plan: the current version active, the earlier ones revoked (replaced by a later version)."""
    plans = list(TreatmentPlan.objects.filter(client=client).order_by("-id"))
    resources = []
    for index, plan in enumerate(plans):
        resource = {
            "resourceType": "CarePlan",
            "id": str(plan.public_id),
            "status": "active" if index == 0 else "revoked",
            "intent": "plan",
            "subject": patient,
            "created": _when(plan.written_at),
            "author": {"display": plan.written_by_shown},
            "description": plan.goals,
            "note": [
                {"text": f"Planned frequency: {plan.frequency or 'not said'}"},
                {"text": f"Reassessment: {plan.reassess_on.isoformat()}"},
            ],
        }
        resources.append(_entry(resource, plan.public_id))
    return resources
