"""The client's word at each visit on each sensitive area (AreaConfirmation) in the three exports of the record: the
PDF lists the areas agreed at the visit (how, when in the clinic's zone, recorded by whom, drawn initials as an
image), the FHIR bundle holds a Consent per area confirmed (permit or deny, confirming the signed consent, for the
visit's Encounter, drawn initials as a Provenance's signature), and the CSV zip a row each in
area_confirmations.csv."""

import base64
from datetime import datetime

import pytest
from django.utils import timezone
from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle

from clinic import local_time
from notes import services, visit_consent
from notes.models import AreaConfirmation, TreatmentSession
from tests import history_helpers as h
from tests.test_csv_export import csv_url, tables
from tests.test_exports import fhir_url, pdf_text, pdf_url

pytestmark = pytest.mark.django_db
AREAS = "urn:massage-clinic:sensitive-area"


@pytest.fixture
def visit(care_client, therapist, front_desk):
    """A signed session where the client typed initials for the abdomen, drew them for the gluteal region and said
    "not today" to the chest wall."""
    h.take_intake(care_client, by=front_desk)
    consent = h.give_consent(care_client, by=front_desk, areas=["abdomen", "gluteal", "chest_wall"])
    session = h.draft_session(care_client, therapist=therapist, after=3, initialled=())
    (typed,) = h.initial_areas(session, "abdomen", by=therapist, initials="MC")
    (drawn,) = visit_consent.confirm_areas(
        session=session,
        by=therapist,
        answers=[
            {
                "area": "gluteal",
                "agreed": True,
                "method": AreaConfirmation.Method.INITIALS_DRAWN,
                "drawing": h.SIGNATURE_PNG,
            }
        ],
    )
    (refused,) = h.initial_areas(session, "chest_wall", by=therapist, agreed=False)
    signed = services.sign_session(session=TreatmentSession.objects.get(pk=session.pk), by=therapist)
    return {"session": signed, "consent": consent, "typed": typed, "drawn": drawn, "refused": refused}


def test_the_pdf_lists_the_areas_agreed_at_the_visit(as_user, therapist, care_client, visit):
    response = as_user(therapist).get(pdf_url(care_client))

    assert response.status_code == 200
    _reader, text = pdf_text(response)
    assert "Areas agreed at this visit" in text
    typed, drawn, refused = visit["typed"], visit["drawn"], visit["refused"]
    assert f"Abdomen: agreed, {typed.shown}" in text
    assert "initials “MC”" in text
    assert f"{drawn.get_area_display()}: agreed, initials drawn on the tablet" in text
    assert f"{refused.get_area_display()}: not today" in text
    assert f"{local_time.minute(typed.confirmed_at)}, recorded by {therapist.display_name}" in text


def test_the_pdf_shows_drawn_initials_as_an_image(as_user, therapist, care_client, visit):
    reader, _text = pdf_text(as_user(therapist).get(pdf_url(care_client)))

    images = [image for page in reader.pages for image in page.images]
    assert images, "the drawn initials are an image in the PDF"


def fhir(as_user, therapist, care_client) -> dict:
    response = as_user(therapist).get(fhir_url(care_client))
    assert response.status_code == 200
    return response.json()


def test_the_bundle_holds_a_consent_per_area_confirmed_at_the_visit(as_user, therapist, care_client, visit):
    bundle = fhir(as_user, therapist, care_client)
    Bundle.model_validate(bundle)
    resources = [e["resource"] for e in bundle["entry"]]
    by_id = {r["id"]: r for r in resources}
    for resource in resources:
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    session, consent = visit["session"], visit["consent"]

    found = {}
    for row in (visit["typed"], visit["drawn"], visit["refused"]):
        resource = by_id[str(row.public_id)]
        assert resource["resourceType"] == "Consent"
        (area,) = resource["provision"]["code"][0]["coding"]
        assert area["system"] == AREAS
        found[area["code"]] = (resource["status"], resource["provision"]["type"])
        assert resource["sourceReference"] == {"reference": f"urn:uuid:{consent.public_id}", "type": "Consent"}
        assert by_id[str(consent.public_id)]["resourceType"] == "Consent"
        (data,) = resource["provision"]["data"]
        assert data["reference"] == {"reference": f"urn:uuid:{session.public_id}", "type": "Encounter"}
        assert by_id[str(session.public_id)]["resourceType"] == "Encounter"
        when = datetime.fromisoformat(resource["dateTime"])
        assert when == row.confirmed_at.replace(microsecond=0)
        assert when.utcoffset() == timezone.localtime(row.confirmed_at).utcoffset()
        extensions = {e["url"].rpartition("#")[2]: e for e in resource["extension"]}
        assert extensions["method"]["valueCoding"]["code"] == row.method
        assert extensions.get("initials", {}).get("valueString", "") == row.initials
    assert found == {
        "abdomen": ("active", "permit"),
        "gluteal": ("active", "permit"),
        "chest_wall": ("rejected", "deny"),
    }


def test_drawn_initials_are_the_signature_of_a_provenance(as_user, therapist, care_client, visit):
    bundle = fhir(as_user, therapist, care_client)
    drawn = visit["drawn"]

    (provenance,) = [
        r["resource"]
        for r in bundle["entry"]
        if r["resource"]["resourceType"] == "Provenance"
        and r["resource"]["target"][0]["reference"] == f"urn:uuid:{drawn.public_id}"
    ]
    (signature,) = provenance["signature"]
    assert signature["sigFormat"] == "image/png"
    assert base64.b64decode(signature["data"]).startswith(b"\x89PNG")
    typed = str(visit["typed"].public_id)
    assert not [r for r in bundle["entry"] if r["resource"].get("target", [{}])[0].get("reference") == typed]


def test_the_csv_has_a_row_per_area_confirmed(as_user, therapist, care_client, visit):
    response = as_user(therapist).get(csv_url(care_client))
    assert response.status_code == 200
    rows = tables(response)["area_confirmations.csv"]

    by_area = {row["area"]: row for row in rows}
    assert set(by_area) == {"abdomen", "gluteal", "chest_wall"}
    session, consent = visit["session"], visit["consent"]
    for row in rows:
        assert row["session_id"] == str(session.public_id)
        assert row["consent_id"] == str(consent.public_id)
        assert row["recorded_by"] == therapist.display_name
        at = datetime.fromisoformat(row["confirmed_at"])
        assert at.utcoffset() is not None
        assert at.utcoffset() == timezone.localtime(at).utcoffset()
    abdomen, gluteal, chest = by_area["abdomen"], by_area["gluteal"], by_area["chest_wall"]
    assert (abdomen["agreed"], abdomen["method"], abdomen["initials"], abdomen["has_drawn_initials"]) == (
        "yes",
        "initials_typed",
        "MC",
        "no",
    )
    assert (gluteal["agreed"], gluteal["method"], gluteal["has_drawn_initials"]) == ("yes", "initials_drawn", "yes")
    assert (chest["agreed"], chest["shown"]) == ("no", "not today")
    assert datetime.fromisoformat(abdomen["confirmed_at"]) == visit["typed"].confirmed_at.replace(microsecond=0)


def test_a_record_without_visit_confirmations_has_none_in_any_export(as_user, therapist, care_client, front_desk):
    h.take_intake(care_client, by=front_desk)
    h.signed_session(care_client, therapist=therapist)
    browser = as_user(therapist)

    _reader, text = pdf_text(browser.get(pdf_url(care_client)))
    assert "Areas agreed at this visit" not in text
    bundle = browser.get(fhir_url(care_client)).json()
    assert not [e for e in bundle["entry"] if e["resource"]["resourceType"] == "Consent"]
    assert tables(browser.get(csv_url(care_client)))["area_confirmations.csv"] == []
