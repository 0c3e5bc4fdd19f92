"""The course of care: the treatment plan's versions as CarePlans, and each complaint's outcome by the clinic's rule
(notes/outcomes.py) as an Observation derived from the ratings it compares."""

import uuid
from collections import defaultdict

from django.conf import settings

from notes.fhir.codes import PAIN_CODING, UCUM, derived_uuid, ref, when
from notes.history import clinic_outcome, complaint_label
from notes.outcomes import Outcome, Rating


def care_plans(plans: list, patient_ref: dict) -> list[dict]:
    """The treatment plan, newest first: the current version active, the earlier ones revoked (replaced)."""
    resources = []
    public_ids = {plan.pk: plan.public_id for plan in plans}
    for index, plan in enumerate(plans):
        resource = {
            "resourceType": "CarePlan",
            "id": str(plan.public_id),
            "status": "active" if index == 0 else "revoked",
            "intent": "plan",
            "subject": patient_ref,
            "created": when(plan.written_at),
            "author": {"display": plan.written_by_shown},
            "description": plan.goals,
            "note": [
                {"text": f"Planned frequency: {plan.frequency or 'not said'}"},
                {"text": f"Reassessment: {plan.reassess_on.isoformat()}"},
            ],
        }
        if plan.replaces_id in public_ids:
            resource["replaces"] = [ref("CarePlan", public_ids[plan.replaces_id])]
        resources.append(resource)
    return resources


class Ratings:
    """Each complaint's ratings as they go into the bundle, each with its Observation's id, and its Conditions (the
    same region and side across intakes are one complaint, as on the history page)."""

    def __init__(self):
        self.by_label: dict[str, list[Rating]] = defaultdict(list)
        self.observation_of: dict[int, uuid.UUID] = {}
        self.conditions_of: dict[str, list] = defaultdict(list)

    def condition(self, complaint, condition_id) -> None:
        self.conditions_of[complaint_label(complaint)].append(condition_id)

    def rated(self, complaint, rating: Rating, observation_id) -> None:
        self.by_label[complaint_label(complaint)].append(rating)
        self.observation_of[id(rating)] = observation_id

    def outcomes(self, client_id, patient_ref: dict) -> list[dict]:
        found = []
        for label in sorted(self.by_label):
            result = clinic_outcome(self.by_label[label])
            if not result.has_data:
                continue
            compared = [r for r in (result.baseline_rating, result.current_rating) if r is not None]
            derived_from = [ref("Observation", self.observation_of[id(r)]) for r in compared]
            focus = [ref("Condition", condition_id) for condition_id in self.conditions_of[label]]
            obs_id = derived_uuid(client_id, f"outcome-{label}")
            found.append(_outcome_observation(obs_id, patient_ref, label, result, focus, derived_from))
        return found


def _outcome_observation(public_id, patient_ref, label: str, result: Outcome, focus: list, derived_from: list) -> dict:
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
        "subject": patient_ref,
        "focus": focus,
        "effectivePeriod": {"start": when(result.baseline_at)},
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
        observation["effectivePeriod"]["end"] = when(result.current_at)
        observation["valueInteger"] = result.change
    return observation
