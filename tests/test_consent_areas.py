"""A consent names each sensitive area agreed or not, the support person's offer, and who signed: the client, or a
substitute decision-maker with their relationship and authority, and the client's own assent."""

import pytest
from auditlog.models import LogEntry

from notes.models import Consent
from tests.history_helpers import consent_form_data
from tests.test_csv_export import csv_url, tables
from tests.test_exports import fhir_url, pdf_text

pytestmark = pytest.mark.django_db


def sign(browser, client, **overrides):
    return browser.post(f"/clients/{client.public_id}/consents/new/", consent_form_data(client, **overrides))


def test_each_area_is_recorded_agreed_or_not(as_user, front_desk, care_client):
    response = sign(as_user(front_desk), care_client, area_breast="not_agreed", area_chest_wall="not_agreed")

    consent = Consent.objects.get()
    page = as_user(front_desk).get(response["Location"]).content.decode()
    assert sorted(consent.areas) == ["abdomen", "front_hip", "gluteal"]
    assert Consent.objects.agreed_areas(care_client) == {"abdomen", "front_hip", "gluteal"}
    assert "Not agreed</li>" not in page
    assert 'data-area="breast">Not agreed: Breast' in page
    assert (consent.support_person_offered, consent.signed_by) == (True, "client")


def test_every_area_must_be_chosen(as_user, front_desk, care_client):
    data = consent_form_data(care_client)
    del data["area_gluteal"]

    response = as_user(front_desk).post(f"/clients/{care_client.public_id}/consents/new/", data)

    assert response.status_code == 200
    assert "Choose agree or do not agree for this area." in response.content.decode()
    assert not Consent.objects.exists()


@pytest.mark.parametrize(
    "forged", [{"area_abdomen": "maybe"}, {"area_abdomen": "abdomen"}, {"support_person_offered": "perhaps"}]
)
def test_forged_area_answers_are_refused_and_nothing_is_saved(as_user, front_desk, care_client, forged):
    response = sign(as_user(front_desk), care_client, **forged)

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Consent.objects.exists()


def test_an_unknown_area_posted_is_not_recorded(as_user, front_desk, care_client):
    sign(as_user(front_desk), care_client, area_tongue="agreed", areas="tongue")

    assert "tongue" not in Consent.objects.get().areas


def test_a_guardian_signs_with_their_own_name_and_the_clients_assent(as_user, front_desk, care_client):
    response = sign(
        as_user(front_desk),
        care_client,
        signed_by="sdm",
        sdm_name="Rosa Quispe",
        sdm_relationship="Mother",
        sdm_authority="guardian",
        client_assent="yes",
        client_assent_note="Nodded and said yes",
        signed_name="Rosa  Quispe",
    )

    consent = Consent.objects.get()
    page = as_user(front_desk).get(response["Location"]).content.decode()
    assert (consent.signed_by, consent.signed_name, consent.sdm_relationship, consent.sdm_authority) == (
        "sdm",
        "Rosa Quispe",
        "Mother",
        "guardian",
    )
    assert "Signed by a substitute decision-maker: Rosa Quispe (Mother; authority: Guardian of the person)" in page
    assert "Nodded and said yes" in page


def test_a_substitute_decision_maker_may_not_sign_with_the_clients_name(as_user, front_desk, care_client):
    response = sign(
        as_user(front_desk),
        care_client,
        signed_by="sdm",
        sdm_name="Rosa Quispe",
        sdm_relationship="Mother",
        sdm_authority="parent",
        client_assent="not_able",
    )

    assert "The substitute decision-maker signs with their own name: Rosa Quispe." in response.content.decode()
    assert not Consent.objects.exists()


def test_a_substitute_decision_maker_without_relationship_or_authority_is_refused(as_user, front_desk, care_client):
    response = sign(
        as_user(front_desk), care_client, signed_by="sdm", sdm_name="Rosa Quispe", signed_name="Rosa Quispe"
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Say how the substitute decision-maker is related to the client." in page
    assert "Choose the substitute decision-maker&#x27;s authority to decide." in page
    assert "Note whether the client assents, or is not able to say." in page
    assert not Consent.objects.exists()


def test_a_client_signing_for_themselves_keeps_no_substitute_details(as_user, front_desk, care_client):
    sign(as_user(front_desk), care_client, sdm_name="Someone", sdm_relationship="Friend", client_assent="no")

    consent = Consent.objects.get()
    assert (consent.sdm_name, consent.sdm_relationship, consent.client_assent) == ("", "", "")


def test_the_drawn_signature_is_served_to_readers_only_and_audited(
    as_user, front_desk, outsider_therapist, care_client
):
    png = "data:image/png;base64,iVBORw0KGgoAAAAAAAAAAAAAAAAAAAA="
    sign(as_user(front_desk), care_client, signature_drawing=png)
    consent = Consent.objects.get()
    before = LogEntry.objects.filter(object_pk=str(consent.pk), action=LogEntry.Action.ACCESS).count()

    mine = as_user(front_desk).get(f"/consents/{consent.public_id}/signature.png")
    theirs = as_user(outsider_therapist).get(f"/consents/{consent.public_id}/signature.png")

    assert (mine.status_code, mine["Content-Type"]) == (200, "image/png")
    assert theirs.status_code == 404
    assert LogEntry.objects.filter(object_pk=str(consent.pk), action=LogEntry.Action.ACCESS).count() == before + 1


def test_a_consent_without_a_drawing_has_no_signature_image(as_user, front_desk, care_client):
    sign(as_user(front_desk), care_client)

    response = as_user(front_desk).get(f"/consents/{Consent.objects.get().public_id}/signature.png")

    assert response.status_code == 404


def test_an_abdominal_consent_from_before_the_areas_covers_what_its_text_named(care_client, front_desk):
    from tests.history_helpers import give_consent

    give_consent(care_client, by=front_desk)

    assert Consent.objects.agreed_areas(care_client) == {"abdomen", "front_hip"}


GUARDIAN = {
    "signed_by": "sdm",
    "sdm_name": "Rosa Quispe",
    "sdm_relationship": "Mother",
    "sdm_authority": "guardian",
    "client_assent": "not_able",
    "signed_name": "Rosa Quispe",
    "area_breast": "not_agreed",
}


def test_a_guardians_consent_is_exported_with_its_areas_in_csv_fhir_and_pdf(
    as_user, therapist, front_desk, care_client
):
    sign(as_user(front_desk), care_client, **GUARDIAN)
    reader = as_user(therapist)

    (row,) = tables(reader.get(csv_url(care_client)))["consents.csv"]
    bundle = reader.get(fhir_url(care_client)).json()
    _, text = pdf_text(reader.get(f"/clients/{care_client.public_id}/export.pdf"))

    assert (row["signed_by"], row["sdm_name"], row["sdm_authority"], row["client_assent"]) == (
        "sdm",
        "Rosa Quispe",
        "guardian",
        "not_able",
    )
    assert "breast" not in row["areas_agreed"] and "abdomen" in row["areas_agreed"]
    (resource,) = [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Consent"]
    assert resource["performer"] == [{"display": "Rosa Quispe (Mother; Guardian of the person)"}]
    provisions = {p["code"][0]["coding"][0]["code"]: p["type"] for p in resource["provision"]["provision"]}
    assert provisions == {
        "abdomen": "permit",
        "front_hip": "permit",
        "gluteal": "permit",
        "chest_wall": "permit",
        "breast": "deny",
    }
    assert "Signed by a substitute decision-maker: Rosa Quispe" in text
    assert "Not agreed: Breast" in text


@pytest.mark.parametrize(
    ("role", "status"),
    [("front_desk", 200), ("therapist", 200), ("clinic_admin", 200), ("outsider_therapist", 404)],
)
def test_the_signature_image_role_by_role(request, as_user, front_desk, care_client, role, status):
    png = "data:image/png;base64,iVBORw0KGgoAAAAAAAAAAAAAAAAAAAA="
    sign(as_user(front_desk), care_client, signature_drawing=png)

    response = as_user(request.getfixturevalue(role)).get(f"/consents/{Consent.objects.get().public_id}/signature.png")

    assert response.status_code == status


@pytest.mark.parametrize(
    "drawing",
    ["data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=", "data:image/png;base64,R0lGODlhAQABAAAAACw=", "not a drawing"],
)
def test_a_drawing_that_is_not_a_png_is_refused_and_nothing_saved(as_user, front_desk, care_client, drawing):
    response = sign(as_user(front_desk), care_client, signature_drawing=drawing, **GUARDIAN)

    assert response.status_code == 200
    assert "The drawn signature could not be read" in response.content.decode()
    assert not Consent.objects.exists()
