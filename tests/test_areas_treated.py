"""Areas treated with techniques, recorded with the SOAP note (the session's edit form), shown on the session page
and in the exports, sealed with the signed note and frozen below the app."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from pypdf import PdfReader

from notes.models import AreaTreated
from tests import history_helpers as h
from tests.factories import screened_intake
from tests.record_helpers import run_sql

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(care_client, therapist, front_desk):
    screened_intake(care_client, by=front_desk, complaints=[h.LOW_BACK])
    h.give_consent(care_client, by=front_desk, areas=["abdomen", "front_hip", "gluteal", "chest_wall"])
    return h.draft_session(care_client, therapist=therapist, initialled=("abdomen", "gluteal"))


def note_with_areas(session, *rows) -> dict:
    data = {
        "version": session.version,
        "subjective": "",
        "objective": "",
        "assessment": "",
        "plan": "",
        "home_care": "",
        "areas-TOTAL_FORMS": str(len(rows)),
        "areas-INITIAL_FORMS": "0",
        "areas-MIN_NUM_FORMS": "0",
        "areas-MAX_NUM_FORMS": "20",
    }
    for index, row in enumerate(rows):
        data |= {f"areas-{index}-{name}": value for name, value in row.items()}
    return data


def test_the_therapist_records_areas_and_techniques_with_the_note(as_user, therapist, draft):
    rows = [
        {"area": "gluteals", "side": "left", "techniques": ["petrissage", "trigger_point"], "note": ""},
        {"area": "abdomen", "side": "right", "techniques": ["iliopsoas_release"], "note": ""},
        {"area": "", "side": "", "note": ""},  # an empty row is no area
    ]

    response = as_user(therapist).post(f"/sessions/{draft.public_id}/edit/", note_with_areas(draft, *rows))

    assert response.status_code == 302
    areas = list(AreaTreated.objects.filter(session=draft))
    assert [(a.area, a.side, a.techniques) for a in areas] == [
        ("gluteals", "left", ["petrissage", "trigger_point"]),
        ("abdomen", "right", ["iliopsoas_release"]),
    ]
    page = as_user(therapist).get(draft.get_absolute_url()).content.decode()
    assert "Gluteals (left): Petrissage, Trigger point" in page
    assert "Iliopsoas release (abdominal)" in page


def test_saving_again_replaces_the_drafts_areas(as_user, therapist, draft):
    h.areas_treated(draft)
    draft.refresh_from_db()
    row = {"area": "thigh", "side": "both", "techniques": ["stretching"], "note": ""}

    as_user(therapist).post(f"/sessions/{draft.public_id}/edit/", note_with_areas(draft, row))

    assert [a.area for a in AreaTreated.objects.filter(session=draft)] == ["thigh"]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"area": "", "techniques": ["swedish"]}, "Choose the area these techniques were used on."),
        ({"area": "hip", "note": "tight"}, "Tick at least one technique used on this area."),
        ({"area": "hip", "techniques": ["other"], "note": ""}, "Say which other technique was used."),
    ],
)
def test_an_incomplete_area_is_refused_beside_its_field(as_user, therapist, draft, row, message):
    response = as_user(therapist).post(f"/sessions/{draft.public_id}/edit/", note_with_areas(draft, row))

    assert response.status_code == 200 and message in response.content.decode()
    assert not AreaTreated.objects.exists()


@pytest.mark.parametrize(("who", "status"), [("front_desk", 403), ("clinic_admin", 403), ("outsider_therapist", 404)])
def test_only_the_sessions_therapist_records_areas(request, as_user, draft, who, status):
    row = {"area": "hip", "techniques": ["swedish"], "note": ""}

    response = as_user(request.getfixturevalue(who)).post(
        f"/sessions/{draft.public_id}/edit/", note_with_areas(draft, row)
    )

    assert response.status_code == status
    assert not AreaTreated.objects.exists()


def test_the_seal_covers_the_areas_treated(therapist, draft):
    (area,) = h.areas_treated(draft)
    h.services.sign_session(session=draft, by=therapist)
    lift = {
        "sqlite": "DROP TRIGGER notes_areatreated_signed_no_update",
        "postgresql": "DROP TRIGGER notes_areatreated_guard ON notes_areatreated",
    }
    run_sql(lift[connection.vendor])
    run_sql("UPDATE notes_areatreated SET area = 'chest' WHERE id = %s", [area.pk])
    errors = io.StringIO()

    with pytest.raises(CommandError):
        call_command("verify_notes", stdout=io.StringIO(), stderr=errors)

    assert f"ALTERED: session {draft.public_id}" in errors.getvalue()


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE notes_areatreated SET note = 'rewritten' WHERE session_id = %s",
        "DELETE FROM notes_areatreated WHERE session_id = %s",
        "INSERT INTO notes_areatreated (session_id, position, area, side, techniques, note) "
        "VALUES (%s, 9, 'chest', '', '[\"swedish\"]', '')",
    ],
)
def test_the_database_freezes_a_signed_sessions_areas(therapist, draft, sql):
    h.areas_treated(draft)
    h.services.sign_session(session=draft, by=therapist)
    before = list(AreaTreated.objects.filter(session=draft).values())

    with pytest.raises(DatabaseError), transaction.atomic():
        run_sql(sql, [draft.pk])

    assert list(AreaTreated.objects.filter(session=draft).values()) == before


def test_the_pdf_and_fhir_hold_the_areas(as_user, therapist, draft):
    h.areas_treated(draft)
    h.services.sign_session(session=draft, by=therapist)

    bundle = as_user(therapist).get(f"/clients/{draft.client.public_id}/export.fhir.json").json()
    pdf = as_user(therapist).get(f"/clients/{draft.client.public_id}/export.pdf")

    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Low back (both): Swedish / effleurage, Myofascial release" in text

    procedures = [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Procedure"]
    assert any(p["code"]["text"] == "Swedish / effleurage, Myofascial release" for p in procedures)
