"""The client's questionnaires in each export: the PDF (trends and every answer), the FHIR bundle (a Questionnaire
per instrument used, a QuestionnaireResponse per response and its score as an Observation, valid R4B) and the CSV
(questionnaires.csv)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from fhir.resources.R4B import get_fhir_model_class

from intake.services import record_questionnaire
from tests.test_csv_export import csv_url, tables

pytestmark = pytest.mark.django_db

HOOS = {str(n): v for n, v in enumerate((1, 2, 2, 3, 0, 1, 0, 1, 4, 3, 3, 3), start=1)}
STARTBACK = {"1": 1, "2": 0, "3": 1, "4": 1, "5": 1, "6": 1, "7": 1, "8": 0, "9": 3}


@pytest.fixture
def answered(care_client, front_desk, therapist):
    now = timezone.now()
    earlier = now - timedelta(days=21)
    return [
        record_questionnaire(
            client=care_client,
            by=front_desk,
            instrument="rmdq",
            answers={"1": True, "2": True, "3": True, "4": True, "5": True, "6": True},
            taken_at=earlier,
        ),
        record_questionnaire(client=care_client, by=therapist, instrument="rmdq", answers={"1": True}, taken_at=now),
        record_questionnaire(client=care_client, by=therapist, instrument="hoos12", answers=HOOS, taken_at=now),
        record_questionnaire(client=care_client, by=therapist, instrument="startback", answers=STARTBACK, taken_at=now),
        record_questionnaire(
            client=care_client,
            by=therapist,
            instrument="psfs",
            answers={"activities": [{"name": "Climbing stairs", "rating": 4}, {"name": "Gardening", "rating": 6}]},
            taken_at=now,
        ),
    ]


def test_the_fhir_bundle_holds_each_instrument_response_and_score(as_user, therapist, care_client, answered):
    bundle = as_user(therapist).get(f"/clients/{care_client.public_id}/export.fhir.json").json()
    resources = [e["resource"] for e in bundle["entry"]]

    for resource in resources:
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    questionnaires = {r["url"]: r for r in resources if r["resourceType"] == "Questionnaire"}
    responses = {r["id"]: r for r in resources if r["resourceType"] == "QuestionnaireResponse" and "questionnaire" in r}
    scores = [r for r in resources if r["resourceType"] == "Observation" and r.get("derivedFrom")]
    assert sorted(questionnaires) == sorted(
        f"urn:massage-clinic:questionnaire:{c}" for c in ("rmdq", "hoos12", "startback", "psfs")
    )
    assert len(questionnaires["urn:massage-clinic:questionnaire:rmdq"]["item"]) == 24
    assert set(responses) == {str(r.public_id) for r in answered}
    by_response = {s["derivedFrom"][0]["reference"].removeprefix("urn:uuid:"): s for s in scores}
    assert by_response[str(answered[0].public_id)]["valueQuantity"]["value"] == 6
    hoos = by_response[str(answered[2].public_id)]
    assert "valueQuantity" not in hoos
    assert [c["valueQuantity"]["value"] for c in hoos["component"]] == [50, 87.5, 18.8]
    startback = by_response[str(answered[3].public_id)]["component"]
    assert (startback[0]["valueQuantity"]["value"], startback[1]["valueCodeableConcept"]["text"]) == (4, "high")
    psfs = responses[str(answered[4].public_id)]
    assert psfs["status"] == "in-progress"  # two activities: fewer than the 3 to 5 of a complete PSFS
    assert psfs["item"][0]["item"][0]["answer"] == [{"valueString": "Climbing stairs"}]


def test_the_csv_has_a_row_per_questionnaire_with_its_score(as_user, therapist, care_client, answered):
    rows = tables(as_user(therapist).get(csv_url(care_client)))["questionnaires.csv"]

    assert [(r["instrument"], r["score"], r["complete"]) for r in rows] == [
        ("rmdq", "6.0", "yes"),
        ("rmdq", "1.0", "yes"),
        ("hoos12", "", "yes"),
        ("startback", "7.0", "yes"),
        ("psfs", "5.0", "no"),
    ]
    assert rows[2]["score_label"] == "pain 50, function 87.5, quality of life 18.8 (of 100)"
    assert rows[0]["client_id"] == str(care_client.public_id)


def test_the_pdf_shows_the_trends_and_every_answer(as_user, therapist, care_client, answered):
    from django.template.loader import render_to_string

    from notes.exports import record_for_export

    html = render_to_string("notes/export_pdf/_questionnaires.html", record_for_export(care_client))

    assert "RMDQ-24" in html and "HOOS-12 pain" in html and "risk group, not an outcome" in html
    assert "I stay at home most of the time because of my back." in html
    assert "Climbing stairs" in html
    assert "-5" in html  # RMDQ 6 -> 1
