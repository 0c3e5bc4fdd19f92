"""Adverse effects after treatment: recorded on the draft by its therapist (then part of the signed note and its
seal), or reported at a later visit against the signed session by a care-team therapist, beside the note and never
an edit of it; shown on the session page and the client's history; never changed or deleted."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from pypdf import PdfReader

from notes.models import AdverseEffect
from tests import history_helpers as h
from tests.factories import screened_intake, therapist_user
from tests.record_helpers import run_sql

pytestmark = pytest.mark.django_db

NAUSEA = {"kind": "nausea", "note": "Nauseous for an hour after abdominal work", "onset_on": ""}


@pytest.fixture
def draft(care_client, therapist, front_desk):
    screened_intake(care_client, by=front_desk, complaints=[h.LOW_BACK])
    return h.draft_session(care_client, therapist=therapist)


@pytest.fixture
def signed(draft, therapist):
    return h.services.sign_session(session=draft, by=therapist)


@pytest.fixture
def colleague(care_client):
    other = therapist_user(username="colleague")
    care_client.care_team.add(other)
    return other


def verify_notes() -> tuple[bool, str]:
    errors = io.StringIO()
    try:
        call_command("verify_notes", stdout=io.StringIO(), stderr=errors)
    except CommandError:
        return False, errors.getvalue()
    return True, errors.getvalue()


def test_the_therapist_records_an_adverse_effect_on_their_draft(as_user, therapist, draft):
    response = as_user(therapist).post(f"/sessions/{draft.public_id}/adverse-effects/new/", NAUSEA)

    assert response.status_code == 302
    effect = AdverseEffect.objects.get(session=draft)
    assert effect.kind == "nausea" and not effect.reported_later and effect.reported_by == therapist
    page = as_user(therapist).get(draft.get_absolute_url()).content.decode()
    assert "Nausea" in page and "recorded with the note" in page


def test_a_colleague_on_the_care_team_reports_one_later_against_the_signed_session(as_user, colleague, signed):
    report = NAUSEA | {"kind": "soreness_48h", "note": "Sore for three days", "onset_on": "2026-01-02"}

    response = as_user(colleague).post(f"/sessions/{signed.public_id}/adverse-effects/new/", report)

    assert response.status_code == 302
    effect = AdverseEffect.objects.get(session=signed)
    assert effect.reported_later and effect.reported_by == colleague and str(effect.onset_on) == "2026-01-02"
    assert effect.content_hash and effect.hash_key_id
    signed.refresh_from_db()
    assert signed.is_signed  # the note itself is untouched
    page = as_user(colleague).get(signed.get_absolute_url()).content.decode()
    assert "Soreness beyond 48 hours" in page and "reported later" in page
    history = as_user(colleague).get(f"/clients/{signed.client.public_id}/history/").content.decode()
    assert "Sore for three days" in history


def test_other_needs_a_note(as_user, therapist, draft):
    response = as_user(therapist).post(f"/sessions/{draft.public_id}/adverse-effects/new/", {"kind": "other"})

    assert response.status_code == 200 and "Say what the adverse effect was." in response.content.decode()
    assert not AdverseEffect.objects.exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [("front_desk", 403), ("clinic_admin", 403), ("outsider_therapist", 404), ("colleague", 404)],
)
def test_only_the_drafts_own_therapist_records_one_on_a_draft(request, as_user, draft, who, status):
    user = request.getfixturevalue(who)

    response = as_user(user).post(f"/sessions/{draft.public_id}/adverse-effects/new/", NAUSEA)

    assert response.status_code == status
    assert not AdverseEffect.objects.exists()


@pytest.mark.parametrize(("who", "status"), [("front_desk", 403), ("clinic_admin", 403), ("outsider_therapist", 404)])
def test_only_care_team_therapists_report_one_later(request, as_user, signed, who, status):
    user = request.getfixturevalue(who)

    response = as_user(user).post(f"/sessions/{signed.public_id}/adverse-effects/new/", NAUSEA)

    assert response.status_code == status
    assert not AdverseEffect.objects.exists()


def test_an_effect_recorded_on_the_draft_is_sealed_with_the_note(therapist, draft):
    effect = h.adverse_effect(draft, by=therapist)
    signed = h.services.sign_session(session=draft, by=therapist)
    assert verify_notes()[0]
    lift = {
        "sqlite": "DROP TRIGGER notes_adverseeffect_no_update",
        "postgresql": "DROP TRIGGER notes_adverseeffect_guard ON notes_adverseeffect",
    }
    run_sql(lift[connection.vendor])
    run_sql("UPDATE notes_adverseeffect SET note = 'nothing much' WHERE id = %s", [effect.pk])

    intact, errors = verify_notes()

    assert not intact and f"session {signed.public_id}" in errors


def test_a_later_report_has_its_own_seal(therapist, signed):
    effect = h.adverse_effect(signed, by=therapist)
    assert verify_notes()[0]
    lift = {
        "sqlite": "DROP TRIGGER notes_adverseeffect_no_update",
        "postgresql": "DROP TRIGGER notes_adverseeffect_guard ON notes_adverseeffect",
    }
    run_sql(lift[connection.vendor])
    run_sql("UPDATE notes_adverseeffect SET kind = 'dizziness' WHERE id = %s", [effect.pk])

    intact, errors = verify_notes()

    assert not intact and f"ADVERSE EFFECT ALTERED: report {effect.public_id}" in errors


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE notes_adverseeffect SET note = 'rewritten' WHERE session_id = %s",
        "DELETE FROM notes_adverseeffect WHERE session_id = %s",
    ],
)
def test_the_database_refuses_to_change_or_delete_an_adverse_effect(therapist, draft, sql):
    h.adverse_effect(draft, by=therapist)

    with pytest.raises(DatabaseError), transaction.atomic():
        run_sql(sql, [draft.pk])

    assert AdverseEffect.objects.get(session=draft).note == "Small bruise, left iliac fossa"


def test_the_database_refuses_an_effect_slipped_into_a_signed_note(therapist, signed):
    with pytest.raises(DatabaseError), transaction.atomic():
        run_sql(
            "INSERT INTO notes_adverseeffect (public_id, session_id, kind, note, reported_by_id, reported_by_name, "
            "reported_at, reported_later, content_hash, hash_key_id) VALUES "
            "(%s, %s, 'nausea', '', %s, '', %s, %s, '', '')",
            ["a" * 32, signed.pk, therapist.pk, signed.signed_at, False],
        )

    assert not AdverseEffect.objects.exists()


def test_the_exports_hold_every_adverse_effect(as_user, therapist, signed):
    h.adverse_effect(signed, by=therapist, kind="dizziness", note="Dizzy on standing")

    bundle = as_user(therapist).get(f"/clients/{signed.client.public_id}/export.fhir.json").json()
    pdf = as_user(therapist).get(f"/clients/{signed.client.public_id}/export.pdf")

    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Dizziness (Dizzy on standing)" in text and "reported later" in text

    events = [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "AdverseEvent"]
    assert events[0]["event"]["text"] == "Dizziness"
    assert "Dizzy on standing" in events[0]["extension"][0]["valueString"]
