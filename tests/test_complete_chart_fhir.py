"""The FHIR R4B bundle of a fully filled chart, read as a consumer would: every resource is valid by the
fhir.resources R4B models, and the bundle read back reproduces every recorded value: the client, every intake
answer and test, the screenings and judgements, the clearance, the consents with the drawn signature, each pain
rating with its kind (intake, pre, post, during), every feedback entry, stretch, pulse event and area treated, the
adverse effects, the plan, and each signed note and addendum with its seal."""

import base64
import io
from collections import Counter
from datetime import datetime

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle

from clinic.models import Client, User
from intake import labels
from intake.models import Complaint, HealthCheck, Intake, Screening
from notes.models import (
    AbdominalSegment,
    Addendum,
    AdverseEffect,
    AreaTreated,
    ComplaintPain,
    FeedbackEntry,
    PulseEvent,
    TreatmentPlan,
    TreatmentSession,
)
from tests import history_helpers as h
from tests.test_exports import fhir_url, rating_kind

pytestmark = pytest.mark.django_db
APP = "urn:massage-clinic"


# -- Reading the bundle back, as another system would -------------------------------------------------------------


class ReadBack:
    """The bundle's resources by type and id, and what they say, in the app's own words and codes."""

    def __init__(self, bundle: dict):
        self.resources = [e["resource"] for e in bundle["entry"]]
        self.by_id = {r["id"]: r for r in self.resources}
        assert len(self.by_id) == len(self.resources), "every resource has an id of its own"
        assert all(e["fullUrl"] == f"urn:uuid:{e['resource']['id']}" for e in bundle["entry"])

    def of(self, kind: str) -> list[dict]:
        return [r for r in self.resources if r["resourceType"] == kind]

    def target(self, reference: dict) -> dict:
        return self.by_id[reference["reference"].removeprefix("urn:uuid:")]

    def ratings(self, kind: str) -> list[dict]:
        return [o for o in self.of("Observation") if rating_kind(o) == kind]


def moment(text: str) -> datetime:
    """A FHIR moment, which must carry the clinic's offset."""
    value = datetime.fromisoformat(text)
    assert value.utcoffset() is not None, text
    return value


def to_the_second(value: datetime) -> datetime:
    return value.replace(microsecond=0)


def code(concept: dict, vocabulary: str) -> str:
    return next(c["code"] for c in concept["coding"] if c["system"] == f"{APP}:{vocabulary}")


def component(observation: dict, name: str) -> dict | None:
    return next((c for c in observation.get("component", []) if c["code"]["text"] == name), None)


def decoded(attachment: dict) -> str:
    return base64.b64decode(attachment["data"]).decode("utf-8")


def answers(items: list[dict]) -> dict:
    """A QuestionnaireResponse's items as {linkId: answer values or nested items}."""
    found = {}
    for item in items:
        if "item" in item:
            found[item["linkId"]] = answers(item["item"])
        else:
            values = [next(iter(a.values())) for a in item.get("answer", [])]
            found[item["linkId"]] = [v["code"] if isinstance(v, dict) else v for v in values]
    return found


def the_bundle(client, user) -> tuple[dict, ReadBack]:
    response = client.get(fhir_url(user["client"]))
    assert response.status_code == 200
    bundle = response.json()
    return bundle, ReadBack(bundle)


# -- The demo's long-course client: twelve signed sessions, every kind of record ---------------------------------


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """The demo, seeded once for the module's tests (they only read it) and rolled back after them."""
    with django_db_blocker.unblock(), transaction.atomic(), override_settings(DEBUG=True):
        call_command("seed_demo", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture
def kowalski(seeded, client):
    found = Client.objects.get(first_name="Diane", last_name="Kowalski")
    client.force_login(found.care_team.first())
    bundle, read = the_bundle(client, {"client": found})
    return found, bundle, read


def test_every_resource_is_valid_fhir_r4b(kowalski):
    _client, bundle, read = kowalski

    Bundle.model_validate(bundle)
    for resource in read.resources:
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    kinds = Counter(r["resourceType"] for r in read.resources)
    for kind in (
        "Patient",
        "Condition",
        "QuestionnaireResponse",
        "Observation",
        "Procedure",
        "Encounter",
        "Consent",
        "DocumentReference",
        "Provenance",
        "RiskAssessment",
        "AdverseEvent",
        "CarePlan",
    ):
        assert kinds[kind] >= 1, kind


def test_every_reference_resolves_within_the_bundle(kowalski):
    _client, bundle, read = kowalski
    references = []

    def walk(value):
        if isinstance(value, dict):
            if isinstance(value.get("reference"), str):
                references.append(value)
            for inner in value.values():
                walk(inner)
        elif isinstance(value, list):
            for inner in value:
                walk(inner)

    walk(bundle)
    assert len(references) > 200
    for reference in references:
        assert read.target(reference)["resourceType"] == reference["type"], reference


def test_every_moment_is_in_the_clinics_zone_with_its_offset(kowalski):
    _client, bundle, _read = kowalski
    found = []

    def walk(value, key=""):
        if isinstance(value, dict):
            for name, inner in value.items():
                walk(inner, name)
        elif isinstance(value, list):
            for inner in value:
                walk(inner, key)
        elif isinstance(value, str) and "T" in value and key in {"recorded", "authored", "date", "start", "end"}:
            found.append(value)
        elif isinstance(value, str) and key.endswith(("DateTime", "Date")) and "T" in value:
            found.append(value)

    walk(bundle)
    assert len(found) > 100
    for text in found:
        value = moment(text)
        assert value.utcoffset() == timezone.localtime(value).utcoffset(), text


def test_the_bundle_reads_back_every_pain_rating_with_its_kind(kowalski):
    client, _bundle, read = kowalski

    expected = Counter()
    for complaint in Complaint.objects.filter(intake__client=client).select_related("intake"):
        expected[("intake", complaint.region, complaint.side, complaint.pain_now, complaint.intake.taken_at)] += 1
    for pain in ComplaintPain.objects.filter(session__client=client, session__status="signed").select_related(
        "session", "complaint"
    ):
        if pain.before is not None:
            expected[("pre", pain.complaint.region, pain.complaint.side, pain.before, pain.session.started_at)] += 1
        if pain.after is not None:
            expected[("post", pain.complaint.region, pain.complaint.side, pain.after, pain.session.ended_at)] += 1

    found = Counter()
    for kind in ("intake", "pre", "post"):
        for observation in read.ratings(kind):
            assert observation["code"]["coding"][0]["code"] == "72514-3"
            (focus,) = observation["focus"]
            condition = read.target(focus)
            region = code(condition["bodySite"][0], "region")
            (side,) = [
                e["valueCoding"]["code"] for e in condition["bodySite"][0]["extension"] if e["url"] == f"{APP}:side"
            ]
            at = moment(observation["effectiveDateTime"])
            found[(kind, region, side, observation["valueInteger"], at)] += 1

    assert {(k, r, s, v, to_the_second(a)): n for (k, r, s, v, a), n in expected.items()} == dict(found)
    assert sum(found.values()) > 30


def test_the_bundle_reads_back_every_feedback_entry(kowalski):
    client, _bundle, read = kowalski
    entries = FeedbackEntry.objects.filter(session__client=client, session__status="signed")

    def entry_of(observation) -> tuple:
        hold = component(observation, "Hold time")
        breath = component(observation, "Breath phase")
        notes = [n["text"] for n in observation["note"][1:]]
        return (
            observation["id"],
            to_the_second(moment(observation["effectiveDateTime"])),
            code(component(observation, "Side")["valueCodeableConcept"], "side"),
            code(component(observation, "Technique")["valueCodeableConcept"], "technique"),
            component(observation, "Pressure (1-5)")["valueInteger"],
            observation["valueInteger"],
            code(component(observation, "Response")["valueCodeableConcept"], "response"),
            notes[0] if notes else "",
            code(breath["valueCodeableConcept"], "breath") if breath else None,
            hold["valueQuantity"]["value"] if hold else None,
        )

    read_back = sorted(entry_of(o) for o in read.ratings("during"))
    recorded = sorted(
        (
            str(e.public_id),
            to_the_second(e.at),
            e.side,
            e.technique,
            e.pressure,
            e.pain,
            e.response,
            e.note,
            e.breath_phase,
            e.hold_seconds,
        )
        for e in entries
    )
    assert read_back == recorded
    assert len(recorded) > 20
    assert any(r[6] == "stop" for r in read_back) and any(r[9] is not None for r in read_back)


def test_each_session_is_an_encounter_with_a_procedure_its_stretches_and_areas_are_part_of(kowalski):
    client, _bundle, read = kowalski
    sessions = TreatmentSession.objects.for_client(client).signed()

    procedures = read.of("Procedure")
    for session in sessions:
        encounter = read.by_id[str(session.public_id)]
        assert encounter["resourceType"] == "Encounter"
        mine = [p for p in procedures if p["encounter"]["reference"] == f"urn:uuid:{session.public_id}"]
        (treatment,) = [p for p in mine if "partOf" not in p]
        assert treatment["code"]["text"] == "Massage therapy treatment"
        parts = [p for p in mine if "partOf" in p]
        assert all(read.target(p["partOf"][0]) is treatment for p in parts)
        stretches = [p for p in parts if "iliopsoas" in p["code"]["text"]]
        segments = list(AbdominalSegment.objects.filter(session=session).order_by("reconfirmed_at", "id"))
        assert len(stretches) == len(segments)
        for stretch, segment in zip(stretches, segments, strict=True):
            assert moment(stretch["performedPeriod"]["start"]) == to_the_second(segment.reconfirmed_at)
            assert stretch["status"] == ("stopped" if segment.end_reason == "stop" else "completed")
            details = {e["url"].rsplit("-", 1)[1]: e["valueCoding"]["code"] for e in stretch.get("extension", [])}
            recorded = {n: getattr(segment, n) for n in ("position", "approach", "landmark") if getattr(segment, n)}
            assert details == recorded
        areas = [p for p in parts if p not in stretches]
        recorded_areas = list(AreaTreated.objects.filter(session=session).order_by("position", "id"))
        assert [
            (
                code(a["bodySite"][0], "area"),
                [c["code"] for c in a["code"]["coding"]],
                a.get("note", [{}])[0].get("text", ""),
            )
            for a in areas
        ] == [(a.area, a.techniques, a.note) for a in recorded_areas]
    assert sum(1 for p in procedures if p["status"] == "stopped") == 1


def test_the_pulse_felt_is_an_observation_of_its_own_in_its_stretch(kowalski):
    client, _bundle, read = kowalski
    (pulse,) = PulseEvent.objects.filter(session__client=client)

    (found,) = [o for o in read.of("Observation") if o["code"]["text"] == "Pulse felt, hands moved"]
    assert moment(found["effectiveDateTime"]) == to_the_second(pulse.at)
    stretch = read.target(found["partOf"][0])
    assert moment(stretch["performedPeriod"]["start"]) == to_the_second(pulse.segment.reconfirmed_at)


def test_each_signed_note_is_a_document_with_its_seal_and_the_provenance_of_its_signing(kowalski):
    client, _bundle, read = kowalski

    for session in TreatmentSession.objects.for_client(client).signed():
        (document,) = [
            d
            for d in read.of("DocumentReference")
            if d.get("context", {}).get("encounter")
            == [{"reference": f"urn:uuid:{session.public_id}", "type": "Encounter"}]
            and "relatesTo" not in d
        ]
        assert document["docStatus"] == "final" and document["type"]["coding"][0]["code"] == "11506-3"
        assert document["identifier"][0]["value"] == session.content_hash
        text = decoded(document["content"][0]["attachment"])
        for field in ("subjective", "objective", "assessment", "plan", "home_care"):
            assert getattr(session, field) in text
        (provenance,) = [
            p
            for p in read.of("Provenance")
            if {"reference": f"urn:uuid:{document['id']}", "type": "DocumentReference"} in p["target"]
        ]
        (signature,) = provenance["signature"]
        assert base64.b64decode(signature["data"]) == bytes.fromhex(session.content_hash)
        assert moment(signature["when"]) == to_the_second(session.signed_at)
        assert signature["who"]["display"] == session.therapist_name_shown
    (addendum,) = Addendum.objects.filter(session__client=client)
    document = read.by_id[str(addendum.public_id)]
    assert decoded(document["content"][0]["attachment"]) == addendum.text
    assert document["description"] == f"Reason: {addendum.reason}"
    assert read.target(document["relatesTo"][0]["target"])["docStatus"] == "final"
    assert document["identifier"][0]["value"] == addendum.content_hash


def test_the_adverse_effects_and_the_plan_read_back(kowalski):
    client, _bundle, read = kowalski

    found = {
        e["id"]: (code(e["event"], "adverse-effect"), e["extension"][0]["valueString"], e.get("date"))
        for e in read.of("AdverseEvent")
    }
    for effect in AdverseEffect.objects.filter(session__client=client):
        kind, note, onset = found[str(effect.public_id)]
        assert kind == effect.kind and (effect.note in note)
        assert ("reported after the note was signed" in note) == effect.reported_later
        assert onset == (effect.onset_on.isoformat() if effect.onset_on else None)
    (plan,) = TreatmentPlan.objects.filter(client=client)
    (care_plan,) = read.of("CarePlan")
    assert care_plan["description"] == plan.goals and care_plan["status"] == "active"
    assert {"text": f"Reassessment: {plan.reassess_on.isoformat()}"} in care_plan["note"]
    assert {"text": f"Planned frequency: {plan.frequency}"} in care_plan["note"]


def test_the_intake_reads_back_every_answer_and_test(kowalski):
    client, _bundle, read = kowalski
    intake = Intake.objects.get(client=client)

    (response,) = [q for q in read.of("QuestionnaireResponse") if q["id"] == str(intake.public_id)]
    said = answers(response["item"])
    for name in labels.HISTORY_FLAGS:
        assert said["history"][name] == [bool(intake.history.get(name))], name
    for name in labels.HISTORY_CHOICES:
        assert said["history"][name] == [intake.history.get(name, "none")], name
    for name in labels.RED_FLAGS:
        assert said["red_flags"][name] == [bool(intake.red_flags.get(name))], name
    for name, value in intake.tests.items():
        result, side = labels.test_result_and_side(value)
        assert said["tests"][name]["result"] == [result]
        assert said["tests"][name].get("side", [None]) == [side]
    health = intake.health_history
    assert said["health_history"]["conditions"] == health["conditions"]
    assert said["health_history"]["allergies"] == health["allergies"]
    assert said["health_history"]["devices"] == health["devices"]
    medications = list(said["health_history"]["medications"].values())
    assert [(m["name"], m.get("dose", [""]), m["anticoagulant"]) for m in medications] == [
        ([m["name"]], [m["dose"]] if m.get("dose") else [], [bool(m.get("anticoagulant"))])
        for m in health["medications"]
    ]
    surgeries = list(said["health_history"]["surgeries"].values())
    assert [(s["what"], s["when"]) for s in surgeries] == [
        ([s["what"]], [s["when"]] if s.get("when") else []) for s in health["surgeries"]
    ]
    assert said["aggravating"] == intake.aggravating
    complaints = {c["region"][0]: c for c in said["complaints"].values()}
    for complaint in intake.complaints.all():
        found = complaints[complaint.region]
        assert (found["side"], found["pain_now"]) == ([complaint.side], [complaint.pain_now])
        assert found["pain_worst"] == ([complaint.pain_worst] if complaint.pain_worst is not None else [])
    checks = HealthCheck.objects.filter(client=client)
    assert {str(c.public_id) for c in checks} <= {q["id"] for q in read.of("QuestionnaireResponse")}


def test_the_screening_and_the_clearance_read_back(kowalski):
    client, _bundle, read = kowalski

    for screening in Screening.objects.filter(intake__client=client):
        assessment = read.by_id[str(screening.public_id)]
        points = {e["url"].rsplit("-", 1)[1]: e["valueInteger"] for e in assessment["extension"]}
        assert points == {"points": screening.score, "threshold": screening.threshold}
        notes = [n["text"] for n in assessment["note"]]
        assert notes == [f"{r['text']} ({r['source']})" for r in screening.reasons] + [
            "Screening support, not a diagnosis."
        ]
        (iliopsoas, abdominal, *refer) = assessment["prediction"]
        assert code(iliopsoas["outcome"], "iliopsoas") == screening.iliopsoas
        assert screening.points_line in iliopsoas["rationale"]
        if screening.why_not:
            assert screening.why_not in iliopsoas["rationale"]
        assert code(abdominal["outcome"], "abdominal-work") == screening.abdominal_work
        assert bool(refer) == screening.refer
    clearance = client.clearances.get()
    document = read.by_id[str(clearance.public_id)]
    assert decoded(document["content"][0]["attachment"]) == clearance.what_was_cleared
    assert document["context"]["period"]["start"] == clearance.cleared_on.isoformat()


def test_the_patient_names_the_family_physician_and_how_they_were_referred(kowalski):
    client, _bundle, read = kowalski

    (patient,) = read.of("Patient")
    assert patient["birthDate"] == client.date_of_birth.isoformat()
    if client.family_physician_name:
        assert client.family_physician_name in patient["generalPractitioner"][0]["display"]
    if client.referral_source:
        assert code(patient["extension"][0]["valueCodeableConcept"], "how-referred") == client.referral_source


# -- A chart with every field filled: the drawn consent, the withdrawal, the clinical judgement ---------------------


@pytest.fixture
def chart(care_client, therapist, front_desk):
    return h.complete_chart(care_client, therapist=therapist, desk=front_desk)


@pytest.fixture
def complete(as_user, therapist, care_client, chart):
    bundle, read = the_bundle(as_user(therapist), {"client": care_client})
    Bundle.model_validate(bundle)
    return read


def test_the_consents_hold_their_text_the_drawn_signature_and_the_withdrawal(complete, chart):
    drawn, withdrawn = chart["drawn_consent"], chart["withdrawn_consent"]

    consent = complete.by_id[str(drawn.public_id)]
    assert decoded(consent["sourceAttachment"]) == drawn.text.text
    assert consent["policyRule"]["text"] == f"{drawn.text.title} (version {drawn.text.version})"
    (signing,) = [p for p in complete.of("Provenance") if p["target"][0]["reference"] == f"urn:uuid:{drawn.public_id}"]
    (signature,) = signing["signature"]
    assert signature["sigFormat"] == "image/png" and signature["who"]["display"] == "Maya W. Chen"
    assert base64.b64decode(signature["data"]).startswith(b"\x89PNG")
    gone = complete.by_id[str(withdrawn.public_id)]
    assert gone["status"] == "inactive"
    assert moment(gone["provision"]["period"]["end"]) == to_the_second(withdrawn.withdrawn_at)
    (withdrawal,) = [
        p
        for p in complete.of("Provenance")
        if p["target"][0]["reference"] == f"urn:uuid:{withdrawn.public_id}"
        and p["activity"]["text"] == "Consent withdrawn"
    ]
    assert withdrawal["reason"] == [{"text": "Wants to think it over"}]


def test_the_clinical_judgement_is_a_risk_assessment_beside_its_screening(complete, chart):
    judgement = chart["judgement"]

    found = complete.by_id[str(judgement.public_id)]
    assert found["prediction"][0]["rationale"] == h.JUDGEMENT_REASON
    assert code(found["prediction"][0]["outcome"], "judgement") == judgement.judgement
    assert complete.target(found["parent"])["id"] == str(judgement.screening.public_id)


def test_the_visit_health_check_is_a_questionnaire_response_of_the_session(complete, chart):
    check = chart["health_check"]

    found = complete.by_id[str(check.public_id)]
    said = answers(found["item"])
    assert said["medication"] == ["Started ibuprofen 200 mg"]
    assert said["injury"] == ["Twisted ankle on stairs"]
    assert said["pregnant"] == [False]
    assert complete.target(found["encounter"])["id"] == str(chart["session"].public_id)


def test_a_removed_complaint_stays_in_the_bundle_as_an_inactive_condition(as_user, therapist, care_client, front_desk):
    intake = h.take_intake(care_client, by=front_desk)
    complaint = intake.complaints.first()
    complaint.removed_at = timezone.now()
    complaint.save()

    _bundle, read = the_bundle(as_user(therapist), {"client": care_client})

    (condition,) = read.of("Condition")
    assert condition["clinicalStatus"]["coding"][0]["code"] == "inactive"


def test_only_the_care_team_and_admins_read_the_bundle(as_user, outsider_therapist, front_desk, care_client):
    assert as_user(outsider_therapist).get(fhir_url(care_client)).status_code == 404
    assert as_user(front_desk).get(fhir_url(care_client)).status_code == 403
    assert not User.objects.filter(username="nobody").exists()
