"""Hostile input on the client history page: a client, a therapist and every kind of record whose text is a
payload; the page (timeline, chart title, outcomes, the admin's who-saw-what) shows it all escaped. Its filters
take hostile values without an error."""

from datetime import date

import pytest

from tests import history_helpers as h
from tests import hostile_payloads as hostile
from tests.factories import ClientFactory, therapist_user

pytestmark = pytest.mark.django_db


def hostile_course(text: str, *, desk):
    """A client, their therapist and a course of care, every free text of them `text`."""
    therapist = therapist_user(username="hostile-therapist", first_name=text, last_name="Therapist")
    client = ClientFactory(first_name=text, last_name="Chen", preferred_name=text, care_team=[therapist])
    intake = h.take_intake(client, by=desk, red_flags={"night_pain_unrelieved": True}, notes=text)
    h.clear(intake, by=therapist, cleared_on=date(2026, 2, 1), clinician_name=text, what=text)
    h.withdraw(h.give_consent(client, by=desk), by=desk, reason=text)
    h.give_consent(client, by=desk)
    session = h.signed_session(client, therapist=therapist, subjective=text, abdominal=True)
    h.add_addendum(session, by=therapist, text=text)
    h.draft_session(client, therapist=therapist, subjective=text)
    return client, therapist


@pytest.mark.parametrize("payload", hostile.TEXT_PARAMS)
def test_every_record_of_a_hostile_course_is_shown_escaped(as_user, front_desk, clinic_admin, payload):
    text = hostile.storable(payload).strip()  # as a form would keep it
    client, _therapist = hostile_course(text, desk=front_desk)
    url = f"/clients/{client.public_id}/history/"

    # The admin's page is the fullest: the therapist's, plus who saw what.
    response = as_user(clinic_admin).get(url)

    assert response.status_code == 200
    html = hostile.assert_page_is_safe(response, text, f"{text} Chen", f"{text} Therapist")
    assert html.count("history-session") == 2


@pytest.mark.parametrize("payload", [*hostile.TEXT.values(), *hostile.DATES, *hostile.PAIN])
def test_hostile_history_filters_are_ignored_or_explained(as_user, therapist, front_desk, care_client, payload):
    h.take_intake(care_client, by=front_desk)
    query = hostile.query_string({"kind": [payload, "session"], "start": payload, "end": payload, "page": payload})

    response = as_user(therapist).get(f"/clients/{care_client.public_id}/history/?{query}")

    if "\x00" in payload:
        assert response.status_code == 400
        return
    assert response.status_code == 200
    hostile.assert_page_is_safe(response)
    assert response.context["form"].errors
