"""The client's record as a FHIR R4B Bundle (collection), for referral letters and other systems: everything the
PDF holds, from the same read (notes.exports.record_for_export, a bounded number of queries however long the
record). Drafts are left out. Plain dictionaries: the tests validate each with the fhir.resources R4B models and
read the bundle back.

- Patient (family physician, how referred); per intake a QuestionnaireResponse of every answer, a Condition per
  complaint and an Observation of its pain at intake; a RiskAssessment per screening and per clinical judgement; a
  DocumentReference per physician clearance; each Consent with the Provenance of its signature (and withdrawal).
  The client's word at each visit on each sensitive area: a Consent of its own (active and permit when agreed,
  rejected and deny when "not today"), its sourceReference the signed Consent it confirms, the visit's Encounter
  in provision.data, how (typed or drawn initials, out loud) and the initials in extensions; drawn initials as the
  signature of a Provenance (notes/fhir/signing.py).
- Per signed session: an Encounter; a Procedure for the treatment, with a Procedure per area treated and per
  stretch of abdominal work; an Observation per pain rating before and after treatment and per feedback entry
  during the work (each rating's category says which: intake, pre, post, during); "pulse felt, hands moved" as an
  Observation; the visit's health check as a QuestionnaireResponse; AdverseEvents; the signed note and each
  addendum as a DocumentReference with the Provenance of its signing (its seal as the signature's data).
- The treatment plan's versions as CarePlans, and each complaint's outcome (notes/outcomes.py) as an Observation.
- Each validated questionnaire: its Questionnaire (once per instrument), the QuestionnaireResponse and its score as
  an Observation (notes/fhir/questionnaires.py).
"""

from clinic.models import Client
from notes.exports import record_for_export
from notes.fhir import course, intakes, questionnaires, sessions, signing
from notes.fhir.codes import body_site, derived_uuid, entry, pain_observation, ref
from notes.outcomes import Rating


def client_bundle(client: Client) -> dict:
    record = record_for_export(client, drafts=0)
    patient = ref("Patient", client.public_id)
    latest_sex = next((i.sex for i in reversed(record["intakes"]) if i.sex), "")
    resources = [intakes.patient(client, latest_sex)]
    ratings = course.Ratings()
    condition_ids = {}
    for intake in record["intakes"]:
        resources.append(intakes.questionnaire_response(intake, intake.all_complaints, patient))
        for complaint in intake.all_complaints:
            condition_id = derived_uuid(intake.public_id, f"complaint-{complaint.pk}")
            condition_ids[complaint.pk] = condition_id
            ratings.condition(complaint, condition_id)
            rating = intakes.intake_rating(complaint, intake, condition_id, patient)
            resources += [intakes.condition(complaint, intake, condition_id, patient), rating]
            ratings.rated(complaint, Rating(intake.taken_at, complaint.pain_now, "intake"), rating["id"])
        resources += [intakes.risk_assessment(screening, patient) for screening in intake.screenings_list]
        resources += [intakes.judgement_assessment(judgement, patient) for judgement in reversed(intake.judgements)]
    taken = {intake.pk: intake.public_id for intake in record["intakes"]}
    resources += [intakes.clearance(found, taken[found.intake_id], patient) for found in record["clearances"]]
    for consent in record["consents"]:
        resources += signing.consent(consent, patient)
    checks_done = set()
    for session in record["sessions"]:
        resources += _session(session, patient, condition_ids, ratings, checks_done)
    resources += [sessions.health_check(check["check"], None, patient) for check in record["checks_alone"]]
    resources += course.care_plans(record["plans"], patient)
    resources += ratings.outcomes(client.public_id, patient)
    resources += questionnaires.resources(record["questionnaires"], client, patient)
    return {"resourceType": "Bundle", "type": "collection", "entry": [entry(r) for r in resources]}


def _session(session, patient: dict, condition_ids: dict, ratings: course.Ratings, checks_done: set) -> list[dict]:
    pains = list(session.pains.all())
    conditions = [ref("Condition", condition_ids[pain.complaint_id]) for pain in pains]
    found = [sessions.encounter(session, patient, conditions), sessions.treatment(session, patient, conditions)]
    for check in session.health_checks:  # a day's checks, once however many sessions that day
        if check["check"].pk not in checks_done:
            checks_done.add(check["check"].pk)
            found.append(sessions.health_check(check["check"], session, patient))
    for pain in pains:
        shown = pain.complaint_shown  # the complaint as the signed note names it, whatever the intake says since
        site = body_site(shown["region"], shown["side"], f"{shown['region_label']} ({shown['side_label'].lower()})")
        for moment, kind, value, at in (
            ("before", "pre", pain.before, session.started_at),
            ("after", "post", pain.after, session.ended_at),
        ):
            if value is None:
                continue
            observation = pain_observation(
                derived_uuid(session.public_id, f"{pain.complaint_id}-{moment}"),
                patient,
                kind,
                value,
                at,
                focus=[ref("Condition", condition_ids[pain.complaint_id])],
                encounter=ref("Encounter", session.public_id),
                bodySite=site,
            )
            found.append(observation)
            ratings.rated(
                pain.complaint, Rating(at or session.signed_at or session.started_at, value, kind), observation["id"]
            )
    if session.has_areas:
        found += sessions.areas_treated(session, patient)
    pulses = list(session.pulses.all()) if session.has_pulses else []
    for number, segment in enumerate(session.stretches, start=1):
        stretch = sessions.stretch(session, number, segment, patient)
        stretch_ref = ref("Procedure", stretch["id"])
        found.append(stretch)
        found += [sessions.feedback(e, session, stretch_ref, patient) for e in segment.entry_list]
        found += [sessions.pulse(p, session, stretch_ref, patient) for p in pulses if p.segment_id == segment.pk]
    if session.has_effects:
        found += [sessions.adverse_event(effect, session, patient) for effect in session.adverse_effects.all()]
    for row in session.confirmations:
        found += signing.visit_confirmation(row, session, patient)
    found += signing.signed_note(session, patient)
    for addendum in session.addenda.all():
        found += signing.addendum(addendum, session, patient)
    return found
