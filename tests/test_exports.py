"""Exports of clinical records: the client's PDF and FHIR bundle (signed work only, audited, care team only) and the
client list as CSV (clinic admins only, safe to open in a spreadsheet)."""

import csv
import io
import re
from datetime import timedelta

import pytest
import time_machine
from auditlog.models import LogEntry
from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle
from pypdf import PdfReader

from clinic import local_time
from clinic.csv_export import COLUMNS
from intake import services as intake_services
from intake.models import Intake, Screening
from notes.exports import record_for_export
from tests import history_helpers as h
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db

PAIN_LOINC = "72514-3"
ROLES = ("clinic_admin", "therapist", "outsider_therapist", "front_desk", "no_role_user")
CARE_TEAM_ONLY = list(zip(ROLES, (200, 200, 404, 403, 403), strict=True))
ADMINS_ONLY = list(zip(ROLES, (200, 403, 403, 403, 403), strict=True))


@pytest.fixture
def course(care_client, therapist, front_desk):
    return h.full_course(care_client, therapist=therapist, desk=front_desk)


def pdf_url(client):
    return f"/clients/{client.public_id}/export.pdf"


def fhir_url(client):
    return f"/clients/{client.public_id}/export.fhir.json"


def pdf_text(response) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(response.content))
    return reader, " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def export_entries(client, kind):
    return LogEntry.objects.filter(
        action=LogEntry.Action.ACCESS, additional_data__client=str(client.public_id), additional_data__export=kind
    )


def resources(bundle: dict, kind: str) -> list[dict]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


# -- The PDF -----------------------------------------------------------------------------------------------------


@pytest.fixture
def pdf_response(as_user, therapist, care_client, course):
    return as_user(therapist).get(pdf_url(care_client))


def test_the_pdf_is_a_readable_pdf_attachment_of_a_few_pages(pdf_response, care_client):
    reader, _ = pdf_text(pdf_response)

    assert pdf_response.status_code == 200
    assert pdf_response["Content-Type"] == "application/pdf"
    assert pdf_response["Content-Disposition"] == f'attachment; filename="client-record-{care_client.public_id}.pdf"'
    assert pdf_response.content.startswith(b"%PDF-")
    assert 1 <= len(reader.pages) <= 10


def test_the_pdf_holds_the_client_and_the_signed_note_with_its_addendum(pdf_response, care_client):
    _, text = pdf_text(pdf_response)

    assert care_client.full_name in text
    assert h.SIGNED_NOTE in text
    assert h.ADDENDUM_NOTE in text
    assert "Page 1 of" in text


def test_the_pdf_keeps_the_lines_of_a_note_as_the_therapist_wrote_them(as_user, therapist, front_desk, care_client):
    h.take_intake(care_client, by=front_desk)
    h.give_consent(care_client, by=front_desk)
    h.signed_session(care_client, therapist=therapist, subjective="Groin ache after long drives\nBetter after a walk")

    reader, _ = pdf_text(as_user(therapist).get(pdf_url(care_client)))

    lines = [line.strip() for page in reader.pages for line in page.extract_text().splitlines()]
    assert "S: Groin ache after long drives" in lines
    assert "Better after a walk" in lines


def test_the_pdf_holds_intake_screening_consents_and_clearance(pdf_response):
    _, text = pdf_text(pdf_response)

    assert h.NIGHT_PAIN in text
    assert "Sensitive areas (abdomen, hip, gluteal, chest)" in text
    assert "Withdrawn on" in text and "Moving abroad" in text
    assert "Dr. Okafor" in text


def test_the_pdf_leaves_drafts_out_and_says_so(pdf_response):
    _, text = pdf_text(pdf_response)

    assert h.DRAFT_NOTE not in text
    assert "1 unsigned draft is not included" in text


def test_a_client_with_nothing_recorded_still_exports(as_user, clinic_admin):
    client = ClientFactory(first_name="Ida", last_name="Blank")

    response = as_user(clinic_admin).get(pdf_url(client))

    _, text = pdf_text(response)
    assert response.status_code == 200
    assert "Ida Blank" in text
    assert "No signed session." in text


def test_the_page_header_shows_names_with_apostrophes_and_hyphens_as_written(as_user, clinic_admin, settings):
    # Every page's header repeats the clinic and the client's name: a name like O'Brien-Ng must not be garbled.
    settings.CLINIC_NAME = "Rose & Thorn's Clinic"
    client = ClientFactory(first_name="Siobhan", last_name="O'Brien-Ng")

    _, text = pdf_text(as_user(clinic_admin).get(pdf_url(client)))

    assert "Rose & Thorn's Clinic" in text
    assert text.count("Siobhan O'Brien-Ng") == 2  # the heading and the page header


@pytest.mark.parametrize(("role", "status"), CARE_TEAM_ONLY)
def test_the_pdf_is_for_admins_and_the_care_team_only(request, as_user, care_client, role, status):
    h.take_intake(care_client, by=request.getfixturevalue("therapist"))

    response = as_user(request.getfixturevalue(role)).get(pdf_url(care_client))

    assert response.status_code == status
    assert export_entries(care_client, "pdf").count() == (1 if status == 200 else 0)


def test_exporting_the_pdf_is_audited_with_who_and_where(as_user, clinic_admin, care_client):
    as_user(clinic_admin).get(pdf_url(care_client), REMOTE_ADDR="10.0.0.31")

    entry = export_entries(care_client, "pdf").get()
    assert entry.actor == clinic_admin
    assert entry.remote_addr == "10.0.0.31"
    assert entry.object_pk == str(care_client.pk)


def test_the_pdfs_outcome_compares_visits_and_shows_each_sessions_change_after_treatment(
    as_user, therapist, front_desk, care_client
):
    # In at 6 and out at 2 every week for four weeks: no change from visit to visit.
    h.weekly_course(care_client, therapist=therapist, desk=front_desk, weeks=4, before=6, after=2)

    _, text = pdf_text(as_user(therapist).get(pdf_url(care_client)))

    outcomes = text.split("Pain trend and outcomes", 1)[1].split("Intakes and screenings", 1)[0]
    assert "Complaint Baseline Current Change Meaningful change (MCID) Sessions" in outcomes
    assert re.search(r"Low back \(middle\) 6 \(\d{4}-\d\d-\d\d\) 6 \(\d{4}-\d\d-\d\d\) \+0 \(0%\) not yet 4", outcomes)
    assert "-4" not in outcomes and "First" not in outcomes and "Latest" not in outcomes
    sessions = text.split("Signed sessions", 1)[1]
    assert sessions.count("Low back: 6 → 2 (-4 immediately after treatment)") == 4


def test_the_pdf_says_when_there_is_no_later_visit_yet(as_user, therapist, front_desk, care_client):
    h.take_intake(care_client, by=front_desk)
    h.signed_session(care_client, therapist=therapist, before=6, after=3)

    _, text = pdf_text(as_user(therapist).get(pdf_url(care_client)))

    assert re.search(r"Low back \(middle\) 6 \(\d{4}-\d\d-\d\d\) no later visit yet — — 1", text)
    assert "Low back: 6 → 3 (-3 immediately after treatment)" in text


# -- The FHIR bundle ---------------------------------------------------------------------------------------------


@pytest.fixture
def bundle(as_user, therapist, care_client, course):
    response = as_user(therapist).get(fhir_url(care_client))
    assert response.status_code == 200
    return response.json()


def test_the_bundle_validates_as_fhir_r4b(bundle):
    parsed = Bundle.model_validate(bundle)

    assert parsed.type == "collection"
    assert len(parsed.entry) == len(bundle["entry"])


def test_the_bundle_is_served_as_a_fhir_json_attachment(as_user, therapist, care_client):
    response = as_user(therapist).get(fhir_url(care_client))

    assert response["Content-Type"] == "application/fhir+json"
    assert response["Content-Disposition"].startswith("attachment;")


def test_every_entry_has_a_unique_full_url_matching_its_id(bundle):
    urls = [e["fullUrl"] for e in bundle["entry"]]

    assert len(set(urls)) == len(urls)
    assert all(e["fullUrl"] == f"urn:uuid:{e['resource']['id']}" for e in bundle["entry"])


def test_the_bundle_names_the_patient(bundle, care_client):
    (patient,) = resources(bundle, "Patient")

    assert patient["id"] == str(care_client.public_id)
    assert patient["name"][0] == {"use": "official", "family": "Chen", "given": ["Maya"]}
    assert patient["birthDate"] == care_client.date_of_birth.isoformat()


def test_a_fully_described_patient_validates(as_user, clinic_admin, front_desk):
    client = ClientFactory(
        first_name="Margaret",
        last_name="O'Hara",
        preferred_name="Peggy",
        email="peggy@example.org",
        address="12 Elm St\nToronto ON",
        emergency_contact_name="Sam O'Hara",
        emergency_contact_relationship="Son",
        emergency_contact_phone="416-555-0199",
    )
    client.archived_at = timezone.now()
    client.save()
    h.take_intake(
        client, by=front_desk, sex="F", complaints=[{"region": "anterior_hip_groin", "side": "left", "pain_now": 7}]
    )

    bundle = as_user(clinic_admin).get(fhir_url(client)).json()

    Bundle.model_validate(bundle)
    (patient,) = resources(bundle, "Patient")
    assert (patient["gender"], patient["active"]) == ("female", False)
    assert {n["use"]: n["given"] for n in patient["name"]} == {"official": ["Margaret"], "usual": ["Peggy"]}
    (condition,) = resources(bundle, "Condition")
    assert condition["bodySite"][0]["text"] == "Front of hip / groin (left)"
    assert condition["bodySite"][0]["coding"][0]["display"] == "Inguinal region structure"


def test_each_complaint_is_a_condition_with_its_body_site(bundle, care_client):
    (condition,) = resources(bundle, "Condition")

    (site,) = condition["bodySite"]
    assert site["coding"][0] == {
        "system": "http://snomed.info/sct",
        "code": "37822005",
        "display": "Lower back structure",
    }
    assert condition["subject"]["reference"] == f"urn:uuid:{care_client.public_id}"


def rating_kind(observation) -> str | None:
    """intake, pre, post or during: when a pain rating was taken (None: not a rating)."""
    codings = [c for category in observation.get("category", []) for c in category["coding"]]
    return next((c["code"] for c in codings if c["system"] == "urn:massage-clinic:pain-rating-kind"), None)


def pain_ratings(bundle, kinds=("intake", "pre", "post")) -> list[dict]:
    """The Observations of one pain rating each, taken at intake or before or after treatment (the outcomes, the
    feedback during abdominal work and the pulse events are Observations too)."""
    return [o for o in resources(bundle, "Observation") if rating_kind(o) in kinds]


def test_pain_ratings_are_loinc_observations_with_integer_values(bundle):
    observations = pain_ratings(bundle)

    assert observations
    assert all(o["code"]["coding"][0]["code"] == PAIN_LOINC for o in observations)
    assert all(o["code"]["coding"][0]["system"] == "http://loinc.org" for o in observations)
    # Intake 6; signed sessions 6 -> 3 and 4 -> 4; the draft's 5 is left out.
    assert sorted(o["valueInteger"] for o in observations) == [3, 4, 4, 6, 6]
    assert sorted(o["note"][0]["text"] for o in observations) == [
        "At intake",
        "Before treatment",
        "Before treatment",
        "Immediately after treatment",
        "Immediately after treatment",
    ]


def test_consents_are_exported_active_or_withdrawn(bundle, course):
    by_id = {c["id"]: c for c in resources(bundle, "Consent")}

    assert by_id[str(course["abdominal_consent"].public_id)]["status"] == "active"
    withdrawn = by_id[str(course["treatment_consent"].public_id)]
    assert withdrawn["status"] == "inactive"
    assert "end" in withdrawn["provision"]["period"]


def test_only_signed_sessions_are_encounters(bundle, course):
    encounters = {e["id"] for e in resources(bundle, "Encounter")}

    assert encounters == {str(course["signed"].public_id), str(course["plain"].public_id)}
    assert str(course["draft"].public_id) not in str(bundle)


def test_a_signed_session_is_a_procedure_and_its_abdominal_work_a_procedure_part_of_it(bundle, course):
    encounter = f"urn:uuid:{course['signed'].public_id}"
    treatment, *stretches = [p for p in resources(bundle, "Procedure") if p["encounter"]["reference"] == encounter]

    assert treatment["code"]["text"] == "Massage therapy treatment"
    assert treatment["status"] == "completed"
    assert len(stretches) == course["signed"].segments.count() > 0
    for stretch in stretches:
        assert stretch["encounter"]["reference"] == encounter
        assert stretch["partOf"] == [{"reference": f"urn:uuid:{treatment['id']}", "type": "Procedure"}]
        assert stretch["status"] == "completed"
        assert "68455001" in [c["code"] for site in stretch["bodySite"] for c in site.get("coding", [])]


def test_abdominal_work_in_a_draft_is_not_exported(as_user, therapist, care_client, front_desk):
    h.take_intake(care_client, by=front_desk)
    h.give_consent(care_client, by=front_desk)
    draft = h.draft_session(care_client, therapist=therapist, subjective=h.DRAFT_NOTE)
    h.abdominal_work(draft, by=therapist)

    bundle = as_user(therapist).get(fhir_url(care_client)).json()

    assert resources(bundle, "Procedure") == []
    assert resources(bundle, "Encounter") == []
    Bundle.model_validate(bundle)


@pytest.mark.parametrize(("role", "status"), CARE_TEAM_ONLY)
def test_the_fhir_export_is_for_admins_and_the_care_team_only(request, as_user, care_client, role, status):
    response = as_user(request.getfixturevalue(role)).get(fhir_url(care_client))

    assert response.status_code == status
    assert export_entries(care_client, "fhir").count() == (1 if status == 200 else 0)


def test_exporting_fhir_is_audited(as_user, therapist, care_client):
    as_user(therapist).get(fhir_url(care_client))

    entry = export_entries(care_client, "fhir").get()
    assert entry.actor == therapist


def test_anonymous_exports_are_sent_to_sign_in(client, care_client):
    urls = [pdf_url(care_client), fhir_url(care_client), f"/clients/{care_client.public_id}/export.csv.zip"]
    responses = [client.get(url) for url in [*urls, "/clients/export.csv"]]

    assert [r.status_code for r in responses] == [302, 302, 302, 302]
    assert not LogEntry.objects.filter(action=LogEntry.Action.ACCESS).exists()


# -- The outcome in the FHIR bundle --------------------------------------------------------------------------------


def outcome_observations(bundle) -> list[dict]:
    return [o for o in resources(bundle, "Observation") if o["code"]["text"].startswith("Pain outcome")]


def components(observation) -> dict:
    return {c["code"]["text"].split(":")[0].split(" (")[0]: c for c in observation["component"]}


def test_the_bundles_outcome_compares_visits_not_the_minutes_after_treatment(
    as_user, therapist, front_desk, care_client
):
    sessions = h.weekly_course(care_client, therapist=therapist, desk=front_desk, weeks=4, before=6, after=2)
    bundle = as_user(therapist).get(fhir_url(care_client)).json()

    (outcome,) = outcome_observations(bundle)

    Bundle.model_validate(bundle)
    parts = components(outcome)
    assert outcome["valueInteger"] == 0  # not -4
    assert parts["Baseline"]["valueInteger"] == 6 and parts["Current"]["valueInteger"] == 6
    assert parts["Percent change from the baseline"]["valueQuantity"]["value"] == 0.0
    assert parts["Reaches the minimal clinically important difference"]["valueBoolean"] is False
    assert "Pain outcome" in outcome["code"]["text"]
    assert outcome["effectivePeriod"]["end"] == local_time.iso(sessions[-1].started_at)  # the clinic's offset
    by_id = {o["id"]: o for o in resources(bundle, "Observation")}
    derived = [by_id[ref["reference"].removeprefix("urn:uuid:")] for ref in outcome["derivedFrom"]]
    assert [o["note"][0]["text"] for o in derived] == ["At intake", "Before treatment"]
    assert [o["valueInteger"] for o in derived] == [6, 6]
    (condition,) = resources(bundle, "Condition")
    assert outcome["focus"] == [{"reference": f"urn:uuid:{condition['id']}", "type": "Condition"}]


def test_the_bundles_outcome_of_6_4_3_before_treatment_reaches_the_mcid(as_user, therapist, front_desk, care_client):
    h.weekly_course(care_client, therapist=therapist, desk=front_desk, weeks=3, before=[6, 4, 3], after=[2, 1, 0])

    (outcome,) = outcome_observations(as_user(therapist).get(fhir_url(care_client)).json())

    parts = components(outcome)
    assert outcome["valueInteger"] == -3
    assert parts["Percent change from the baseline"]["valueQuantity"]["value"] == -50.0
    assert parts["Reaches the minimal clinically important difference"]["valueBoolean"] is True


def test_the_bundles_outcome_has_no_value_before_a_later_visit(bundle):
    (outcome,) = outcome_observations(bundle)  # the course: intake and sessions all on one day

    Bundle.model_validate(bundle)
    parts = components(outcome)
    assert "valueInteger" not in outcome and outcome["dataAbsentReason"]["text"] == "No later visit yet"
    assert parts["Baseline"]["valueInteger"] == 6
    assert (
        "valueInteger" not in parts["Current"] and parts["Current"]["dataAbsentReason"]["text"] == "No later visit yet"
    )
    assert "end" not in outcome["effectivePeriod"]
    assert len(outcome["derivedFrom"]) == 1


# -- The client list as CSV --------------------------------------------------------------------------------------


def csv_rows(response) -> list[dict]:
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


@pytest.mark.parametrize(("role", "status"), ADMINS_ONLY)
def test_only_clinic_admins_export_the_client_list(request, as_user, care_client, role, status):
    response = as_user(request.getfixturevalue(role)).get("/clients/export.csv")

    assert response.status_code == status


def test_the_csv_starts_with_a_header_row(as_user, clinic_admin, care_client):
    response = as_user(clinic_admin).get("/clients/export.csv")

    text = b"".join(response.streaming_content).decode("utf-8").removeprefix("\ufeff")
    header = next(csv.reader(io.StringIO(text)))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="clients-')
    assert header == [name for name, _ in COLUMNS]
    assert header[:3] == ["id", "legal_first_name", "legal_last_name"]


def test_values_a_spreadsheet_would_run_as_formulas_get_an_apostrophe(as_user, clinic_admin):
    ClientFactory(first_name="=HYPERLINK(1)", last_name="@SUM", preferred_name="-2", phone="+1 416", address="\tx")

    (row,) = csv_rows(as_user(clinic_admin).get("/clients/export.csv"))

    assert row["legal_first_name"] == "'=HYPERLINK(1)"
    assert row["legal_last_name"] == "'@SUM"
    assert row["preferred_name"] == "'-2"
    assert row["phone"] == "'+1 416"
    assert row["address"] == "'\tx"


def test_ordinary_values_are_left_as_they_are(as_user, clinic_admin, therapist, care_client):
    (row,) = csv_rows(as_user(clinic_admin).get("/clients/export.csv"))

    assert row["id"] == str(care_client.public_id)
    assert (row["legal_first_name"], row["legal_last_name"]) == ("Maya", "Chen")
    assert row["phone"] == care_client.phone
    assert row["date_of_birth"] == care_client.date_of_birth.isoformat()
    assert row["care_team"] == therapist.display_name


def test_the_archived_column_says_which_clients_are_archived(as_user, clinic_admin):
    ClientFactory(first_name="Ada", last_name="Active")
    gone = ClientFactory(first_name="Arlo", last_name="Archived")
    gone.archived_at = timezone.now() - timedelta(days=1)
    gone.save()

    rows = csv_rows(as_user(clinic_admin).get("/clients/export.csv"))

    assert {r["legal_last_name"]: r["archived"] for r in rows} == {"Active": "no", "Archived": "yes"}


def test_exporting_the_client_list_is_audited(as_user, clinic_admin, care_client):
    response = as_user(clinic_admin).get("/clients/export.csv")
    b"".join(response.streaming_content)

    entry = LogEntry.objects.get(action=LogEntry.Action.ACCESS, additional_data__export="clients.csv")
    assert entry.actor == clinic_admin


def test_the_exports_name_the_latest_screening_every_other_read_names(care_client, front_desk):
    """An intake screened three times, twice in the same second (a tie: the last saved is the latest): the
    exports' intakes, read through their screenings, take the latest the screening QuerySet defines, as the
    history's intake rows and the intake page do; their list of screenings stays oldest first."""
    with time_machine.travel(timezone.now() - timedelta(days=1), tick=False):
        intake = h.take_intake(care_client, by=front_desk)
    with time_machine.travel(timezone.now(), tick=False):
        tied = [intake_services.run_screening(intake=intake, by=front_desk) for _ in range(2)]
    assert tied[0].screened_at == tied[1].screened_at

    (exported,) = record_for_export(care_client)["intakes"]

    latest = Screening.objects.latest_for_intake(intake)
    assert latest == tied[1] == Intake.objects.with_latest_screening().get(pk=intake.pk).latest_screening
    assert exported.latest_screening == latest
    assert [s.pk for s in exported.screenings_list] == sorted(s.pk for s in intake.screenings.all())
