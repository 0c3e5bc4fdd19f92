"""Hostile input on the session pages: starting a session, the SOAP note, live feedback, signing and addenda.
Stored as sent and shown escaped, or refused with the form re-shown and nothing half-saved; hidden and extra
fields cannot move a record to another session, another therapist, or sign it; never a 500."""

from datetime import timedelta

import pytest
from django.utils import timezone

from notes.models import Addendum, FeedbackEntry, TreatmentSession
from tests import history_helpers as h
from tests import hostile_payloads as hostile
from tests.factories import ClientFactory, feedback_form_data

pytestmark = pytest.mark.django_db

GROIN = {"region": "anterior_hip_groin", "side": "right", "pain_now": 6}
SOAP = ["subjective", "objective", "assessment", "plan", "home_care"]


@pytest.fixture
def ready(care_client, therapist, front_desk):
    """A care-team client with a screened intake and an abdominal consent."""
    h.take_intake(care_client, by=front_desk, complaints=[GROIN])
    h.give_consent(care_client, by=front_desk)
    return care_client


@pytest.fixture
def draft(ready, therapist):
    return h.draft_session(ready, therapist=therapist)


@pytest.fixture
def open_draft(draft, therapist):
    h.open_abdominal_work(draft, by=therapist)
    return draft


@pytest.fixture
def signed(ready, therapist):
    return h.signed_session(ready, therapist=therapist)


def note_data(session, **overrides) -> dict:
    return {"version": str(session.version), **dict.fromkeys(SOAP, ""), "abdominal_planned": ""} | overrides


def snapshot(session) -> tuple:
    session = TreatmentSession.objects.get(pk=session.pk)
    pains = tuple(session.pains.values_list("before", "after"))
    return (
        session.version,
        session.status,
        session.therapist_id,
        session.client_id,
        *[getattr(session, f) for f in SOAP],
        pains,
    )


@pytest.mark.parametrize("payload", hostile.TEXT_PARAMS)
def test_hostile_soap_note_is_stored_as_sent_and_shown_escaped(as_user, therapist, clinic_admin, draft, payload):
    browser = as_user(therapist)
    stored = hostile.as_stored(payload)
    before = snapshot(draft)

    response = hostile.post_raw(
        browser, f"/sessions/{draft.public_id}/edit/", note_data(draft, **dict.fromkeys(SOAP, payload))
    )

    draft.refresh_from_db()
    if stored is None:
        assert response.status_code == 200
        hostile.assert_page_is_safe(response)
        assert snapshot(draft) == before
        return
    assert response.status_code == 302
    assert all(getattr(draft, field) == stored for field in SOAP)
    hostile.assert_page_is_safe(browser.get(f"/sessions/{draft.public_id}/edit/"), stored)
    hostile.assert_page_is_safe(browser.get(f"/sessions/{draft.public_id}/sign/"), stored)
    hostile.assert_page_is_safe(as_user(clinic_admin).get(f"/sessions/{draft.public_id}/"), stored)


@pytest.mark.parametrize("value", hostile.PAIN)
def test_impossible_pain_after_re_shows_the_note_and_saves_none_of_it(as_user, therapist, draft, value):
    pain = draft.pains.get()
    before = snapshot(draft)
    data = note_data(draft, subjective="Kept only if all is valid", **{f"pain_after_{pain.complaint_id}": value})

    response = hostile.post_raw(as_user(therapist), f"/sessions/{draft.public_id}/edit/", data)

    assert response.status_code == 200
    hostile.assert_page_is_safe(response, "Kept only if all is valid")
    assert snapshot(draft) == before


@pytest.mark.parametrize("value", [*hostile.PAIN, "99999999999999999999", "<script>", "\x00"])
def test_impossible_pain_before_or_versions_change_nothing(as_user, therapist, ready, draft, value):
    browser = as_user(therapist)
    complaint = h.first_complaint(ready.intakes.get())
    before = snapshot(draft)

    started = hostile.post_raw(
        browser, f"/clients/{ready.public_id}/sessions/new/", {"subjective": "x", f"pain_before_{complaint.pk}": value}
    )
    edited = hostile.post_raw(browser, f"/sessions/{draft.public_id}/edit/", note_data(draft, version=value, plan="y"))

    assert started.status_code == 200
    hostile.assert_page_is_safe(started)
    assert edited.status_code in (200, 409)
    hostile.assert_page_is_safe(edited)
    assert TreatmentSession.objects.count() == 1
    assert snapshot(draft) == before


def test_extra_fields_on_the_note_cannot_sign_it_or_move_it(as_user, therapist, outsider_therapist, draft):
    other = ClientFactory()
    forged = {
        "status": "signed",
        "signed_at": "2001-01-01T00:00",
        "content_hash": "0" * 64,
        "therapist": str(outsider_therapist.pk),
        "author": str(outsider_therapist.pk),
        "client": str(other.public_id),
        "public_id": str(other.public_id),
        "started_at": "2001-01-01T00:00",
        "objective_tests": '{"x": "y"}',
        "is_staff": "on",
        "is_superuser": "on",
    }

    response = hostile.post_raw(
        as_user(therapist), f"/sessions/{draft.public_id}/edit/", note_data(draft, plan="Walk daily", **forged)
    )

    session = TreatmentSession.objects.get(pk=draft.pk)
    therapist.refresh_from_db()
    assert response.status_code == 302
    assert (session.plan, session.status, session.signed_at, session.content_hash) == ("Walk daily", "draft", None, "")
    assert (session.therapist, session.client, session.public_id) == (therapist, draft.client, draft.public_id)
    assert timezone.now() - session.started_at < timedelta(hours=1)
    assert session.objective_tests == {}
    assert not (therapist.is_staff or therapist.is_superuser)


def test_signing_with_forged_fields_signs_now_with_the_real_hash(as_user, therapist, outsider_therapist, draft):
    forged = {"signed_at": "2001-01-01T00:00", "content_hash": "0" * 64, "therapist": str(outsider_therapist.pk)}

    response = hostile.post_raw(as_user(therapist), f"/sessions/{draft.public_id}/sign/", forged)

    session = TreatmentSession.objects.get(pk=draft.pk)
    assert response.status_code == 302
    assert (session.status, session.therapist) == ("signed", therapist)
    assert timezone.now() - session.signed_at < timedelta(minutes=1)
    assert session.content_hash != "0" * 64 and len(session.content_hash) == 64


@pytest.mark.parametrize("payload", hostile.TEXT_PARAMS)
def test_a_hostile_feedback_note_is_stored_as_sent_and_shown_escaped(as_user, therapist, open_draft, payload):
    browser = as_user(therapist)
    stored = hostile.as_stored(payload)

    response = hostile.post_raw(
        browser, f"/sessions/{open_draft.public_id}/feedback/", feedback_form_data(note=payload)
    )

    if stored is None:
        assert response.status_code == 200
        hostile.assert_page_is_safe(response)
        assert not FeedbackEntry.objects.exists()
        return
    assert response.status_code == 302
    assert FeedbackEntry.objects.get().note == stored
    hostile.assert_page_is_safe(browser.get(f"/sessions/{open_draft.public_id}/"), stored)


@pytest.mark.parametrize("payload", [*hostile.PAIN, *hostile.TEXT.values()])
def test_hostile_feedback_choices_are_refused_and_save_nothing(as_user, therapist, open_draft, payload):
    fields = ["pressure", "pain", "side", "technique", "response", "token"]

    response = hostile.post_raw(
        as_user(therapist),
        f"/sessions/{open_draft.public_id}/feedback/",
        feedback_form_data(**dict.fromkeys(fields, payload)),
    )

    assert response.status_code == 200
    hostile.assert_page_is_safe(response)
    assert set(response.context["feedback_form"].errors) == set(fields)
    assert not FeedbackEntry.objects.exists()


def test_a_feedback_entry_naming_another_session_lands_only_in_the_posted_one(
    as_user, therapist, open_draft, front_desk
):
    elsewhere = ClientFactory(care_team=[therapist])
    h.take_intake(elsewhere, by=front_desk, complaints=[GROIN])
    other = h.draft_session(elsewhere, therapist=therapist)
    forged = {
        "session": str(other.public_id),
        "segment": "1",
        "at": "2001-01-01T00:00",
        "client": str(elsewhere.public_id),
    }

    response = hostile.post_raw(
        as_user(therapist), f"/sessions/{open_draft.public_id}/feedback/", feedback_form_data(**forged)
    )

    saved = FeedbackEntry.objects.get()
    assert response.status_code == 302
    assert saved.session == open_draft
    assert timezone.now() - saved.at < timedelta(minutes=1)
    assert not other.entries.exists()


def test_another_therapists_session_cannot_be_written_by_its_public_id(as_user, outsider_therapist, open_draft):
    browser = as_user(outsider_therapist)
    before = snapshot(open_draft)

    responses = [
        hostile.post_raw(browser, f"/sessions/{open_draft.public_id}/feedback/", feedback_form_data()),
        hostile.post_raw(browser, f"/sessions/{open_draft.public_id}/edit/", note_data(open_draft, plan="mine now")),
        hostile.post_raw(browser, f"/sessions/{open_draft.public_id}/sign/", {}),
        hostile.post_raw(browser, f"/sessions/{open_draft.public_id}/addenda/new/", {"reason": "r", "text": "t"}),
    ]

    assert [r.status_code for r in responses] == [404, 404, 404, 404]
    assert snapshot(open_draft) == before
    assert not FeedbackEntry.objects.exists()


@pytest.mark.parametrize("payload", hostile.TEXT_PARAMS)
def test_a_hostile_addendum_is_stored_as_sent_and_shown_escaped(as_user, therapist, clinic_admin, signed, payload):
    browser = as_user(therapist)
    stored = hostile.as_stored(payload)

    response = hostile.post_raw(
        browser, f"/sessions/{signed.public_id}/addenda/new/", {"reason": payload, "text": payload}
    )

    if stored is None:
        assert response.status_code == 200
        hostile.assert_page_is_safe(response)
        assert not Addendum.objects.exists()
        return
    addendum = Addendum.objects.get()
    assert response.status_code == 302
    assert (addendum.reason, addendum.text) == (stored, stored)
    hostile.assert_page_is_safe(browser.get(f"/sessions/{signed.public_id}/"), stored)
    hostile.assert_page_is_safe(as_user(clinic_admin).get(f"/clients/{signed.client.public_id}/history/"))


def test_an_addendum_with_forged_author_session_or_time_is_the_posters_own_now(
    as_user, therapist, outsider_therapist, signed, ready
):
    other = h.signed_session(ready, therapist=therapist)
    forged = {
        "reason": "Follow-up",
        "text": "Called",
        "author": str(outsider_therapist.pk),
        "session": str(other.public_id),
        "at": "2001-01-01T00:00",
        "public_id": str(other.public_id),
    }

    response = hostile.post_raw(as_user(therapist), f"/sessions/{signed.public_id}/addenda/new/", forged)

    addendum = Addendum.objects.get()
    assert response.status_code == 302
    assert (addendum.session, addendum.author) == (signed, therapist)
    assert timezone.now() - addendum.at < timedelta(minutes=1)
    assert not other.addenda.exists()


@pytest.mark.parametrize("kind", hostile.OVERSIZED)
def test_oversized_session_forms_answer_400_and_save_nothing(as_user, therapist, ready, open_draft, signed, kind):
    browser = as_user(therapist)
    before = snapshot(open_draft)
    complaint = h.first_complaint(ready.intakes.get())
    posts = [
        (f"/clients/{ready.public_id}/sessions/new/", {f"pain_before_{complaint.pk}": "3"}, "subjective"),
        (f"/sessions/{open_draft.public_id}/edit/", note_data(open_draft), "plan"),
        (f"/sessions/{open_draft.public_id}/feedback/", feedback_form_data(), "note"),
        (f"/sessions/{open_draft.public_id}/abdominal/", {"reconfirmed": "on"}, "reconfirmed"),
        (f"/sessions/{signed.public_id}/addenda/new/", {"reason": "r"}, "text"),
        (f"/sessions/{open_draft.public_id}/sign/", {}, "confirm"),
    ]

    responses = [
        hostile.post_raw(browser, url, hostile.oversized(data, kind, field=field)) for url, data, field in posts
    ]

    for response in responses:
        hostile.assert_refused_as_too_large(response)
    assert TreatmentSession.objects.count() == 2
    assert snapshot(open_draft) == before
    assert not FeedbackEntry.objects.exists()
    assert not Addendum.objects.exists()
