"""What a therapist typed is never lost when the note was signed first (from another tab, or a moment before):
a feedback entry waits as the text of an addendum on the addendum form; an edit is shown again with everything
typed; a second signature is refused in words. (The race itself: tests/test_concurrent_session_writes.py.)"""

import pytest

from notes import services
from notes.models import Addendum, FeedbackEntry
from tests import history_helpers as h
from tests.factories import feedback_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed(therapist, front_desk, care_client):
    h.take_intake(care_client, by=front_desk)
    h.give_consent(care_client, by=front_desk, kind="abdominal")
    session = h.draft_session(care_client, therapist=therapist)
    h.open_abdominal_work(session, by=therapist)
    version = session.version
    services.sign_session(session=session, by=therapist)
    session.refresh_from_db()
    session.version_when_opened = version
    return session


def test_a_feedback_entry_after_the_signature_is_kept_as_an_addendum_s_text(as_user, therapist, signed):
    browser = as_user(therapist)
    entry = feedback_form_data(side="left", pressure="3", pain="5", note="Pulse felt, hands moved")

    response = browser.post(f"/sessions/{signed.public_id}/feedback/", entry, follow=True)

    page = response.content.decode()
    assert response.redirect_chain[-1][0] == f"/sessions/{signed.public_id}/addenda/new/"
    assert "The note was signed while you were writing: your entry was not added to it." in page
    assert "Note: Pulse felt, hands moved" in page and "Pressure (1 light - 5 firm): 3" in page
    assert not FeedbackEntry.objects.filter(note="Pulse felt, hands moved").exists()
    form = response.context["form"]
    added = browser.post(f"/sessions/{signed.public_id}/addenda/new/", {**form.initial})
    assert added.status_code == 302
    assert "Pulse felt, hands moved" in Addendum.objects.get(session=signed).text
    assert "Pulse felt" not in browser.get(f"/sessions/{signed.public_id}/addenda/new/").content.decode()


def test_an_edit_after_the_signature_is_shown_again_with_everything_typed(as_user, therapist, signed):
    typed = {"version": signed.version_when_opened, "subjective": "Slept badly", "plan": "Heat at home"}

    response = as_user(therapist).post(f"/sessions/{signed.public_id}/edit/", typed)

    page = response.content.decode()
    assert response.status_code == 409
    assert "The note was signed while you were writing: your changes were not saved to it." in page
    assert "Slept badly" in page and "Heat at home" in page
    signed.refresh_from_db()
    assert signed.subjective == ""


def test_a_second_signature_is_refused_in_words(therapist, signed):
    with pytest.raises(services.SessionSigned):
        services.sign_session(session=signed, by=therapist)
