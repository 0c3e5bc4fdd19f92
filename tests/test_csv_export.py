"""The client's record as CSV: a zip of one file per kind of record, for clinic admins and the care team, audited.

A fully filled chart (the long-course demo client, topped up with what her course does not record) shows that every
recorded value is in its file and column, that every column is filled by some record, and that the files join by
their ids; drafts are left out, formulas neutralised, moments in the clinic's zone with its offset. Every field of
every exported model is a column unless `INTERNAL` says why not, so a new field cannot miss the export."""

import csv
import io
import zipfile
from datetime import date, datetime, timedelta

import pytest
from django.apps import apps
from django.db import models
from django.utils import timezone

from clinic import local_time
from clinic import services as clinic_services
from clinic.audit_wording import action_words, describe_changes
from clinic.models import Client, User
from intake import health_history, labels
from intake import services as intake_services
from intake.models import Complaint, Intake, Screening
from notes import consent_services, services
from notes.csv_export import INTERNAL, TABLES
from notes.demo_long_course import seed_long_course
from notes.models import (
    AbdominalSegment,
    AreaTreated,
    ComplaintPain,
    ConsentText,
    PulseEvent,
    TreatmentSession,
)
from tests import history_helpers as h
from tests.factories import ClientFactory
from tests.test_exports import CARE_TEAM_ONLY, export_entries

pytestmark = pytest.mark.django_db

FILES = ["README.txt", *(t.filename for t in TABLES)]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_url(client):
    return f"/clients/{client.public_id}/export.csv.zip"


def unzip(response) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        return {name: archive.read(name).decode("utf-8") for name in archive.namelist()}


def tables(response) -> dict[str, list[dict]]:
    """Each CSV file's rows, by file name."""
    return {
        name: list(csv.DictReader(io.StringIO(text, newline="")))
        for name, text in unzip(response).items()
        if name.endswith(".csv")
    }


def headers(response) -> dict[str, list[str]]:
    return {name: next(csv.reader(io.StringIO(text))) for name, text in unzip(response).items() if name != "README.txt"}


# -- Who may export, and the audit ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("role", "status"), CARE_TEAM_ONLY)
def test_the_csv_export_is_for_admins_and_the_care_team_only(request, as_user, care_client, role, status):
    h.take_intake(care_client, by=request.getfixturevalue("therapist"))

    response = as_user(request.getfixturevalue(role)).get(csv_url(care_client))

    assert response.status_code == status
    assert export_entries(care_client, "csv").count() == (1 if status == 200 else 0)


def test_exporting_csv_is_audited_with_who_and_where_and_said_as_csv(as_user, therapist, care_client):
    as_user(therapist).get(csv_url(care_client), REMOTE_ADDR="10.0.0.32")

    entry = export_entries(care_client, "csv").get()
    assert (entry.actor, entry.remote_addr, entry.object_pk) == (therapist, "10.0.0.32", str(care_client.pk))
    assert action_words(entry.action, entry.changes) == "exported"
    assert [str(c) for c in describe_changes(entry.changes, Client, action=entry.action)] == ["exported as CSV"]


def test_the_history_page_links_the_csv_export_beside_fhir(as_user, therapist, care_client):
    page = as_user(therapist).get(f"/clients/{care_client.public_id}/history/").content.decode()

    fhir = page.index(f"/clients/{care_client.public_id}/export.fhir.json")
    assert page.index(csv_url(care_client)) > fhir
    assert "Export CSV" in page


# -- The zip ---------------------------------------------------------------------------------------------------------


def test_the_zip_is_an_attachment_with_a_readme_and_a_file_per_kind_of_record(as_user, clinic_admin, care_client):
    response = as_user(clinic_admin).get(csv_url(care_client))

    files = unzip(response)
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == f'attachment; filename="client-record-{care_client.public_id}.csv.zip"'
    assert list(files) == FILES
    readme = files["README.txt"]
    assert str(care_client.public_id) in readme
    assert "America/Toronto" in readme and "offset" in readme
    for table in TABLES:
        assert f"- {table.filename}: " in readme


def test_every_file_has_its_header_row_even_when_the_client_has_none_of_that_kind(as_user, clinic_admin):
    client = ClientFactory(first_name="Ida", last_name="Blank")

    response = as_user(clinic_admin).get(csv_url(client))

    found = tables(response)
    assert headers(response) == {t.filename: [c.name for c in t.columns] for t in TABLES}
    assert [row["first_name"] for row in found["client.csv"]] == ["Ida"]
    assert all(rows == [] for name, rows in found.items() if name != "client.csv")


def test_the_files_are_plain_utf8_csv_with_crlf_rows_and_newlines_kept_inside_cells(as_user, clinic_admin):
    client = ClientFactory(first_name="Zoë", last_name="Ñúñez", address="12 Elm St\nToronto ON")

    text = unzip(as_user(clinic_admin).get(csv_url(client)))["client.csv"]

    assert not text.startswith("\ufeff")
    assert text.count("\r\n") == 2
    (row,) = csv.DictReader(io.StringIO(text, newline=""))
    assert (row["first_name"], row["last_name"], row["address"]) == ("Zoë", "Ñúñez", "12 Elm St\nToronto ON")


# -- Every field is a column --------------------------------------------------------------------------------------

EXPORTED = {table.model for table in TABLES}
# Models of the client's record that are not exported, and why.
NOT_IN_THE_CSV = {
    "clinic.EmergencyAccess": "who read the record under emergency access: the audit log's, not the chart's",
    "intake.ClientLink": "a way in for the client to send their forms, not what the record records",
    "intake.ClientSubmission": "what the client sent, not the chart's until accepted: then it is the client's details "
    "and the intake it became, both exported",
    "notes.ComplaintOutcome": "a summary kept from the pain ratings, which are exported",
    "notes.ComplaintPeriodMean": "a summary kept from the pain ratings, which are exported",
    "notes.RecordDisposal": "what was done to the record, not what it records",
    "notes.RecordExport": "a PDF export waiting or made, not what the record records",
}


def carried(model) -> set[str]:
    return {field for table in TABLES if table.model is model for column in table.columns for field in column.fields}


@pytest.mark.parametrize("model", sorted(EXPORTED, key=lambda m: m._meta.label), ids=lambda m: m._meta.label)
def test_every_field_of_each_exported_model_is_a_column_or_said_internal(model):
    fields = {field.name for field in model._meta.concrete_fields}

    missing = fields - carried(model) - INTERNAL[model].keys()

    assert not missing, f"{model._meta.label}: fields no column carries (add a column, or say why in INTERNAL)"
    assert carried(model) <= fields, "columns that name fields the model does not have"
    assert not carried(model) & INTERNAL[model].keys(), "fields both exported and said internal"


def test_every_model_that_records_something_of_a_client_is_exported_or_said_why_not():
    chart = {Client}
    grown = True
    while grown:  # the models that point at the client, or at a model that does, and so on
        linked = {
            model
            for model in apps.get_models()
            if model not in chart
            and any(f.is_relation and f.related_model in chart for f in model._meta.concrete_fields)
        }
        chart |= linked
        grown = bool(linked)

    left_out = {model._meta.label for model in chart - EXPORTED}

    assert left_out == set(NOT_IN_THE_CSV), "a model of the client's record is neither exported nor said why"


# -- A fully filled chart ----------------------------------------------------------------------------------------

GOALS_V2 = "Walk 45 minutes and garden half a day without back pain"
WEAK = {
    "resisted_hip_flexion": {"result": "weak_no_pain", "side": "left"},
    "slr": {"result": "negative", "side": "both"},
}
# Columns the chart leaves empty in every row, and why.
EMPTY_COLUMNS = {("client.csv", "disposed_at"): "a disposed record is anonymised: there is nothing left to export"}


@pytest.fixture
def diane(settings, tmp_path, front_desk, therapist, clinic_admin):
    """The long-course demo client, topped up with what her course does not record: her address and emergency
    contact, a complaint taken off the intake, a clearance with its letter and end date, a session with tests (a
    weak resisted hip flexion) and abdominal work after precautions reviewed, a health check with every answer, a
    consent drawn and withdrawn, a second version of the plan; then archived."""
    settings.MEDIA_ROOT = tmp_path
    seed_long_course(users={"frontdesk": front_desk, "therapist": therapist})
    client = Client.objects.get(first_name="Diane", last_name="Kowalski")
    clinic_services.update_client(
        client=client,
        preferred_name="Di",
        address="48 Hillcrest Ave, Toronto",
        emergency_contact_name="Paul Kowalski",
        emergency_contact_relationship="Husband",
        emergency_contact_phone="416-555-0114",
    )
    intake = Intake.objects.get(client=client)
    kept = [c for c in intake.complaints.current() if c.region != "shoulder"]
    intake_services.update_intake(
        intake=intake,
        by=front_desk,
        complaints=[
            {"complaint": c.pk, **{n: getattr(c, n) for n in ("region", "side", "pain_now", "pain_worst", "onset")}}
            for c in kept
        ],
        sex=intake.sex,
        aggravating=intake.aggravating,
        history=intake.history,
        red_flags=intake.red_flags,
        notes=intake.notes,
    )
    h.clear(
        intake,
        by=therapist,
        cleared_on=timezone.localdate() - timedelta(days=2),
        clinician_name="Dr. Marcus Bell",
        what="Reviewed again: still cleared, including abdominal work.",
        letter=b"%PDF-1.4\n% Dr. Bell\n%%EOF\n",
        valid_until=timezone.localdate() + timedelta(days=180),
    )
    h.check_in(client, by=therapist, anticoagulant=True, medication="Apixaban 5 mg twice a day, started this week")
    session = h.draft_session(client, therapist=therapist, before=2, after=1, subjective="Reassessment visit")
    session = services.update_session(session=session, version=session.version, objective_tests=WEAK)
    services.request_abdominal_work(session=session, by=therapist, reconfirmed=True, precautions_reviewed=True)
    h.feedback_entry(session, pressure=1, pain=1, response="comfortable", note="Light work only (apixaban)")
    services.sign_session(session=TreatmentSession.objects.get(pk=session.pk), by=therapist)
    intake_services.record_health_check(
        client=client,
        by=front_desk,
        no_change=False,
        medication="Apixaban 5 mg twice a day",
        anticoagulant=True,
        surgery="Hernia repair",
        abdominal_surgery_weeks_ago=30,
        childbirth_weeks_ago=40,
        caesarean=True,
        injury="Bruised shin on the garden bench",
        pregnant=False,
        new_red_flags=["unexplained_weight_loss"],
        menstruating_today=False,
        note="Weight loss since the new medication, to mention to Dr. Bell",
    )
    consent = consent_services.record_consent(
        client=client,
        kind="treatment",
        text=ConsentText.objects.current("treatment"),
        signed_name="Diane M. Kowalski",
        collected_by=front_desk,
        signature_drawing=h.SIGNATURE_PNG,
    )
    h.withdraw(consent, by=front_desk, reason="Signed again with the new wording")
    consent_services.record_consent(
        client=client,
        kind="abdominal",
        text=ConsentText.objects.current("abdominal"),
        signed_name="Paul Kowalski",
        collected_by=front_desk,
        areas=["abdomen", "gluteal"],
        support_person_offered=True,
        support_person_present=True,
        signed_by="sdm",
        sdm_name="Paul Kowalski",
        sdm_relationship="Husband",
        sdm_authority="spouse_partner",
        client_assent="yes",
        client_assent_note="Agreed once it was explained slowly",
    )
    h.write_plan(client, by=therapist, goals=GOALS_V2, visits=1, per="month", for_weeks=12, frequency_note="Monthly")
    client = Client.objects.get(pk=client.pk)  # archiving saves the row: with the summaries kept since
    clinic_services.archive_client(client=client, archived_by=clinic_admin, reason="Course finished")
    return Client.objects.get(pk=client.pk)


@pytest.fixture
def exported(as_user, therapist, diane):
    response = as_user(therapist).get(csv_url(diane))
    assert response.status_code == 200
    return tables(response)


def test_every_column_of_every_file_is_filled_for_the_fully_filled_client(exported):
    empty = {
        (name, column)
        for name, rows in exported.items()
        for column in (rows[0] if rows else {})
        if not any(row[column] for row in rows)
    }

    assert all(exported[t.filename] for t in TABLES), [t.filename for t in TABLES if not exported[t.filename]]
    assert empty == set(EMPTY_COLUMNS)


def written(value) -> str:
    """A stored value as the CSV writes it, worked out here on its own."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return timezone.localtime(value).replace(microsecond=0).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        value = "; ".join(map(str, value))
    text = str(value)
    return f"'{text}" if isinstance(value, str) and text.startswith(FORMULA_STARTS) else text


def rank(record, siblings) -> int:
    """The record's number among its parent's: 1 for the first recorded."""
    return [s.pk for s in siblings].index(record.pk) + 1


def records(model, client) -> list:
    """The client's records of a kind, from the database (those of signed sessions only)."""
    by = {
        Client: {"pk": client.pk},
        Complaint: {"intake__client": client},
        Screening: {"intake__client": client},
        TreatmentSession: {"client": client, "status": "signed"},
    }
    if model in by:
        return list(model.objects.filter(**by[model]))
    if any(f.name == "session" for f in model._meta.fields):
        return list(model.objects.filter(session__client=client, session__status="signed"))
    return list(model.objects.filter(client=client))


def key_of(record) -> dict:
    """The columns that name the record's row in its file, worked out from the database."""
    if isinstance(record, Complaint):
        return {"intake_id": str(record.intake.public_id), "complaint_number": str(rank(record, complaints(record)))}
    if isinstance(record, ComplaintPain):
        return {
            "session_id": str(record.session.public_id),
            "intake_id": str(record.complaint.intake.public_id),
            "complaint_number": str(rank(record.complaint, complaints(record.complaint))),
        }
    if isinstance(record, AbdominalSegment | PulseEvent):
        siblings = type(record).objects.filter(session=record.session).order_by("id")
        column = "stretch_number" if isinstance(record, AbdominalSegment) else "pulse_number"
        return {"session_id": str(record.session.public_id), column: str(rank(record, siblings))}
    if isinstance(record, AreaTreated):
        siblings = AreaTreated.objects.filter(session=record.session).order_by("position", "id")
        return {"session_id": str(record.session.public_id), "area_number": str(rank(record, siblings))}
    table = next(t for t in TABLES if t.model is type(record))
    return {table.columns[0].name: str(record.public_id)}


def complaints(complaint):
    return Complaint.objects.filter(intake=complaint.intake).order_by("id")


# Files whose rows are made from what a record keeps as JSON: checked each by a test of its own below.
FROM_JSON = {
    "intake_answers.csv",
    "health_history.csv",
    "intake_tests.csv",
    "screening_reasons.csv",
    "session_tests.csv",
    "outcomes.csv",
}


def test_every_recorded_value_is_in_its_file_and_column(exported, diane):
    for table in (t for t in TABLES if t.filename not in FROM_JSON):
        rows, stored = exported[table.filename], records(table.model, diane)
        assert len(rows) == len(stored), table.filename
        for record in stored:
            key = key_of(record)
            (row,) = [row for row in rows if all(row[k] == v for k, v in key.items())]
            for column in (c for c in table.columns if c.fields and c.name not in key):
                field = record._meta.get_field(column.fields[0])
                value, where = getattr(record, field.name), (table.filename, column.name)
                if field.is_relation and field.related_model is User:
                    assert row[column.name] == (value.display_name if value else ""), where
                elif field.is_relation and column.name.endswith("_id"):
                    assert row[column.name] == written(value.public_id if value else None), where
                elif isinstance(field, models.FileField):
                    assert row[column.name] == written(bool(value)), where
                elif isinstance(field, models.JSONField) and not isinstance(value, list):
                    continue  # a whole object (the answers a screening judged, what a note froze): below
                elif column.name == field.name:
                    assert row[column.name] == written(value), (*where, value)


def test_every_warning_sign_and_health_answer_of_each_intake_is_a_row_no_included(exported, diane):
    (intake,) = Intake.objects.filter(client=diane)
    rows = [r for r in exported["intake_answers.csv"] if r["intake_id"] == str(intake.public_id)]

    expected = [
        {
            "intake_id": str(intake.public_id),
            "group": group,
            "question": name,
            "question_label": str(question),
            "answer": written(stored),
            "answer_label": str(words),
        }
        for group, name, question, stored, words, _notable in labels.every_answer(intake.history, intake.red_flags)
    ]
    assert rows == expected
    assert {"question": "night_pain_unrelieved", "answer": "yes"}.items() <= rows[6].items()
    assert sum(row["answer_label"] == "No" for row in rows) > 20


def test_the_health_history_has_every_condition_allergy_and_device_with_yes_or_no(exported, diane):
    (intake,) = Intake.objects.filter(client=diane)
    rows = exported["health_history.csv"]
    ticks = {(r["part"], r["item"]): r["answer"] for r in rows if r["part"] in health_history.TICK_LISTS}

    for part, choices in health_history.TICK_LISTS.items():
        for code in choices:
            assert ticks[(part, code)] == ("yes" if code in intake.health_history[part] else "no"), (part, code)
    assert ticks[("allergies", "latex")] == "yes" and ticks[("conditions", "diabetes")] == "no"
    (other,) = [r for r in rows if r["item"] == "other"]
    assert (other["part"], other["text"]) == ("conditions", "Hypothyroidism, treated")
    surgeries = [(r["item_number"], r["text"], r["when"]) for r in rows if r["part"] == "surgeries"]
    assert surgeries == [("1", "Appendectomy", "1989-07"), ("2", "Right knee arthroscopy", "2015-04")]
    medications = [(r["text"], r["dose"], r["anticoagulant"]) for r in rows if r["part"] == "medications"]
    assert medications == [("Levothyroxine", "75 mcg daily", "no"), ("Ibuprofen", "400 mg as needed", "no")]


def test_every_test_of_the_intakes_and_sessions_is_a_row_with_its_side_and_weakness(exported, diane):
    (intake,) = Intake.objects.filter(client=diane)
    tested = {
        (r["test"], r["result"], r["result_label"], r["side"], r["side_label"]) for r in exported["intake_tests.csv"]
    }
    session_tests = [r for r in exported["session_tests.csv"]]

    for name, value in intake.tests.items():
        assert (
            name,
            value["result"],
            str(labels.TEST_RESULTS[value["result"]]),
            value["side"],
            str(labels.TEST_SIDES[value["side"]]),
        ) in tested
    assert {(r["test_label"], r["result_label"], r["side_label"]) for r in session_tests} == {
        ("Resisted hip flexion", "Weak, no pain", "Left"),
        ("Straight leg raise", "Negative", "Both"),
    }


def test_every_reason_of_each_screening_is_a_row_with_its_source(exported, diane):
    for screening in Screening.objects.filter(intake__client=diane):
        rows = [r for r in exported["screening_reasons.csv"] if r["screening_id"] == str(screening.public_id)]

        assert [(r["reason_number"], r["rule"], r["text"], r["source"]) for r in rows] == [
            (str(n), reason["rule"], reason["text"], reason["source"]) for n, reason in enumerate(screening.reasons, 1)
        ]
    assert any(r["why_not"] for r in exported["screenings.csv"])
    assert {r["points"] for r in exported["screenings.csv"]} >= {
        f"{s.points_line}" for s in Screening.objects.filter(intake__client=diane)
    }


# Each file's first columns, which name its rows.
KEYS = {
    "client.csv": 1,
    "intakes.csv": 1,
    "intake_answers.csv": 3,  # intake_id, group, question
    "health_history.csv": 3,  # intake_id, part, item_number
    "intake_tests.csv": 2,  # intake_id, test
    "complaints.csv": 2,  # intake_id, complaint_number
    "screenings.csv": 1,
    "screening_reasons.csv": 2,  # screening_id, reason_number
    "clinical_judgements.csv": 1,
    "physician_clearances.csv": 1,
    "health_checks.csv": 1,
    "consents.csv": 1,
    "treatment_plans.csv": 1,
    "sessions.csv": 1,
    "session_tests.csv": 2,  # session_id, test
    "session_pains.csv": 3,  # session_id, intake_id, complaint_number
    "abdominal_stretches.csv": 2,  # session_id, stretch_number
    "feedback_entries.csv": 1,
    "pulse_events.csv": 2,  # session_id, pulse_number
    "areas_treated.csv": 2,  # session_id, area_number
    "adverse_effects.csv": 1,
    "addenda.csv": 1,
    "area_confirmations.csv": 1,
    "outcomes.csv": 1,  # the complaint, by region and side
    "questionnaires.csv": 1,
}
# (file, its columns) that name rows of (another file, its columns).
JOINS = [
    *[
        ((name, "intake_id"), ("intakes.csv", "intake_id"))
        for name in (
            "intake_answers.csv",
            "health_history.csv",
            "intake_tests.csv",
            "complaints.csv",
            "screenings.csv",
            "physician_clearances.csv",
            "sessions.csv",
        )
    ],
    *[
        ((name, "session_id"), ("sessions.csv", "session_id"))
        for name in (
            "session_tests.csv",
            "session_pains.csv",
            "abdominal_stretches.csv",
            "feedback_entries.csv",
            "pulse_events.csv",
            "areas_treated.csv",
            "adverse_effects.csv",
            "addenda.csv",
            "area_confirmations.csv",
        )
    ],
    *[
        ((name, "client_id"), ("client.csv", "client_id"))
        for name in (
            "intakes.csv",
            "clinical_judgements.csv",
            "physician_clearances.csv",
            "health_checks.csv",
            "consents.csv",
            "treatment_plans.csv",
            "sessions.csv",
            "questionnaires.csv",
        )
    ],
    (("screenings.csv", "health_check_id"), ("health_checks.csv", "health_check_id")),
    (("area_confirmations.csv", "consent_id"), ("consents.csv", "consent_id")),
    (("screening_reasons.csv", "screening_id"), ("screenings.csv", "screening_id")),
    (("clinical_judgements.csv", "screening_id"), ("screenings.csv", "screening_id")),
    (("treatment_plans.csv", "replaces_plan_id"), ("treatment_plans.csv", "plan_id")),
    (("session_pains.csv", "intake_id", "complaint_number"), ("complaints.csv", "intake_id", "complaint_number")),
    (
        ("feedback_entries.csv", "session_id", "stretch_number"),
        ("abdominal_stretches.csv", "session_id", "stretch_number"),
    ),
    (("pulse_events.csv", "session_id", "stretch_number"), ("abdominal_stretches.csv", "session_id", "stretch_number")),
]


def test_each_file_names_its_rows_by_its_first_columns_and_the_files_join(exported):
    def ids(name, columns):
        return [tuple(row[c] for c in columns) for row in exported[name]]

    assert set(KEYS) == {t.filename for t in TABLES}
    for name, count in KEYS.items():
        keys = ids(name, list(exported[name][0])[:count])
        assert len(set(keys)) == len(keys), f"{name}: rows not told apart by their first {count} columns"
    for (name, *columns), (other, *known) in JOINS:
        named = {key for key in ids(name, columns) if any(key)}  # an empty id names nothing (no health check)
        assert named and named <= set(ids(other, known)), (name, columns, other)


def test_the_pains_are_of_the_complaints_as_signed_and_their_change_a_number(exported):
    pains = exported["session_pains.csv"]

    assert {(p["region_label"], p["side_label"]) for p in pains} == {
        ("Low back", "Middle"),
        ("Front of hip / groin", "Right"),
        ("Shoulder", "Left"),  # taken off the intake since: the signed notes name it still
    }
    first = next(p for p in pains if p["region"] == "low_back")
    assert (first["before"], first["after"], first["change"]) == ("7", "5", "-2")


def test_a_removed_complaint_is_kept_with_when_it_was_removed(exported):
    shoulder = next(c for c in exported["complaints.csv"] if c["region"] == "shoulder")

    assert shoulder["removed_at"]
    assert all(not c["removed_at"] for c in exported["complaints.csv"] if c["region"] != "shoulder")


def test_the_consents_say_who_signed_whether_drawn_and_the_withdrawal(exported):
    drawn = next(c for c in exported["consents.csv"] if c["signed_name"] == "Diane M. Kowalski")

    assert drawn["has_drawn_signature"] == "yes"
    assert (drawn["text_kind"], drawn["text_version"]) == (
        "treatment",
        str(ConsentText.objects.current("treatment").version),
    )
    assert drawn["withdrawal_reason"] == "Signed again with the new wording"
    assert drawn["withdrawn_by"] and drawn["withdrawn_at"]
    assert {c["has_drawn_signature"] for c in exported["consents.csv"]} == {"yes", "no"}


def test_the_plan_versions_are_numbered_the_latest_current(exported):
    plans = exported["treatment_plans.csv"]

    assert [(p["plan_version"], p["current"]) for p in plans] == [("1", "no"), ("2", "yes")]
    assert plans[1]["replaces_plan_id"] == plans[0]["plan_id"]
    assert plans[1]["goals"] == GOALS_V2


# -- Drafts, formulas, moments -----------------------------------------------------------------------------------


def test_a_draft_and_everything_recorded_in_it_are_left_out(as_user, therapist, front_desk, care_client):
    course = h.full_course(care_client, therapist=therapist, desk=front_desk)
    draft = course["draft"]
    h.abdominal_work(draft, by=therapist)
    h.pulse_felt(draft)
    h.areas_treated(draft)
    h.adverse_effect(draft, by=therapist, note="Draft-only bruise")

    response = as_user(therapist).get(csv_url(care_client))

    found, text = tables(response), "".join(unzip(response).values())
    assert {r["session_id"] for r in found["sessions.csv"]} == {
        str(course["signed"].public_id),
        str(course["plain"].public_id),
    }
    assert str(draft.public_id) not in text
    assert h.DRAFT_NOTE not in text and "Draft-only bruise" not in text
    assert found["pulse_events.csv"] == [] and found["areas_treated.csv"] == [] and found["adverse_effects.csv"] == []
    assert {r["session_id"] for r in found["feedback_entries.csv"]} == {str(course["signed"].public_id)}


def test_cells_a_spreadsheet_would_run_get_an_apostrophe_and_numbers_stay_numbers(as_user, therapist, front_desk):
    client = ClientFactory(
        first_name="=HYPERLINK(1)", last_name="@SUM", address="-2+3", phone="+1 416", care_team=[therapist]
    )
    h.take_intake(client, by=front_desk, notes="\t=1+1")
    h.give_consent(client, by=front_desk)
    session = h.draft_session(client, therapist=therapist, before=6, after=3, subjective="\r=cmd")
    h.open_abdominal_work(session, by=therapist)
    h.feedback_entry(session, note="=2+2")
    signed = services.sign_session(session=session, by=therapist)
    h.add_addendum(signed, by=therapist, reason="+reason", text="@text")

    found = tables(as_user(therapist).get(csv_url(client)))

    (person,) = found["client.csv"]
    assert (person["first_name"], person["last_name"], person["address"], person["phone"]) == (
        "'=HYPERLINK(1)",
        "'@SUM",
        "'-2+3",
        "'+1 416",
    )
    assert found["intakes.csv"][0]["notes"] == "'\t=1+1"
    assert found["sessions.csv"][0]["subjective"] == "'\r=cmd"
    assert found["feedback_entries.csv"][0]["note"] == "'=2+2"
    assert (found["addenda.csv"][0]["reason"], found["addenda.csv"][0]["text"]) == ("'+reason", "'@text")
    assert found["session_pains.csv"][0]["change"] == "-3"  # a number, not text: no apostrophe
    for rows in found.values():
        for row in rows:
            assert not any(cell.startswith(FORMULA_STARTS) and not cell.lstrip("-").isdigit() for cell in row.values())


def test_each_complaints_outcome_is_the_history_pages(exported, diane):
    from notes.history import pain_series

    _series, outcomes = pain_series(diane)
    rows = {row["complaint"]: row for row in exported["outcomes.csv"]}

    assert set(rows) == {label for label, result in outcomes.items() if result.has_data}
    for label, row in rows.items():
        result = outcomes[label]
        assert (row["baseline"], row["baseline_at"]) == (str(result.baseline), local_time.iso(result.baseline_at))
        assert (row["current"], row["change"]) == (str(result.current), str(result.change))
        assert row["reaches_mcid"] == ("yes" if result.reaches_mcid else "no")
        assert row["current_at"] == local_time.iso(result.current_at)
    assert any(row["reaches_mcid"] == "yes" for row in rows.values())
