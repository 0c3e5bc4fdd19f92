"""Hostile input on the client pages: create, edit, list and search. Stored as sent, shown escaped, never a 500;
forged and extra fields change nothing; bad input re-shows the form and saves nothing."""

import uuid
from html import escape

import pytest
from django.contrib.auth import get_user_model

from clinic.models import Client
from tests import factories
from tests import hostile_payloads as hostile
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db

# The client's text fields long enough for every payload (pronouns, 40 characters, is not).
TEXT_FIELDS = [
    "first_name",
    "last_name",
    "preferred_name",
    "address",
    "emergency_contact_name",
    "emergency_contact_relationship",
    "referral_detail",
    "desk_notes",
]


def search(browser, text, **filters):
    return hostile.post_raw(browser, "/clients/", {"q": text, **filters}, follow=True)


@pytest.mark.parametrize("payload", hostile.TEXT_PARAMS)
def test_hostile_text_in_every_client_field_is_stored_as_sent_and_shown_escaped(as_user, front_desk, payload):
    desk = as_user(front_desk)
    stored = hostile.as_stored(payload)

    response = hostile.post_raw(
        desk, "/clients/new/", factories.client_form_data(**dict.fromkeys(TEXT_FIELDS, payload))
    )

    if stored is None:
        assert response.status_code == 200
        assert "Null characters are not allowed." in response.content.decode()
        assert not Client.objects.exists()
        return
    client = Client.objects.get()
    assert response.status_code == 302
    assert all(getattr(client, field) == stored for field in TEXT_FIELDS)
    hostile.assert_page_is_safe(desk.get(f"/clients/{client.public_id}/"), stored)
    hostile.assert_page_is_safe(desk.get(f"/clients/{client.public_id}/edit/"), stored)
    listed = search(desk, stored)
    hostile.assert_page_is_safe(listed, stored)
    assert list(listed.context["page"].object_list) == [client]


@pytest.mark.parametrize("payload", hostile.TEXT_PARAMS)
def test_search_for_hostile_text_finds_only_what_matches_and_never_errors(as_user, therapist, payload):
    wanted = hostile.as_stored(payload) or "abcd"
    hostile_client = ClientFactory(first_name=wanted, last_name="Target")
    ClientFactory(first_name="Decoy", last_name="Person")

    response = search(as_user(therapist), payload)

    hostile.assert_page_is_safe(response)
    assert response.status_code == 200
    assert list(response.context["page"].object_list) == [hostile_client]
    assert "/clients/?search=" in response.redirect_chain[0][0]


@pytest.mark.parametrize("payload", hostile.TEXT_PARAMS)
def test_hostile_query_parameters_on_the_list_are_ignored_or_refused(as_user, clinic_admin, payload):
    ClientFactory(first_name="Decoy", last_name="Person")
    params = hostile.query_string({"q": payload, "search": payload, "flag": payload, "page": payload})

    response = as_user(clinic_admin).get(f"/clients/?{params}&archived={params[-20:]}")

    if "\x00" in payload:
        assert response.status_code == 400
        return
    hostile.assert_page_is_safe(response)
    assert response.status_code == 200
    assert (response.context["q"], response.context["flag"]) == ("", "")
    assert response.context["page"].paginator.count == 1


@pytest.mark.parametrize("value", hostile.DATES)
def test_impossible_birth_dates_re_show_the_form_and_save_nothing(as_user, front_desk, value):
    response = hostile.post_raw(as_user(front_desk), "/clients/new/", factories.client_form_data(date_of_birth=value))

    assert response.status_code == 200
    assert response.context["form"].errors["date_of_birth"]
    assert "Nothing was saved yet" in response.content.decode()
    assert not Client.objects.exists()


def test_extra_and_forged_fields_on_create_change_nothing_they_name(as_user, therapist, outsider_therapist):
    other = ClientFactory(first_name="Other", last_name="Person")
    forged = {
        "public_id": str(other.public_id),
        "id": str(other.pk),
        "created_by": str(outsider_therapist.pk),
        "archived_at": "2020-01-01T00:00",
        "care_team": [str(outsider_therapist.pk)],
        "screening_refer": "on",
        "screening_abdominal_work": "contraindicated",
        "phone_digits": "999",
        "is_staff": "on",
        "is_superuser": "on",
    }

    response = hostile.post_raw(as_user(therapist), "/clients/new/", factories.client_form_data(**forged))

    created = Client.objects.exclude(pk=other.pk).get()
    other_after = Client.objects.get(pk=other.pk)
    therapist.refresh_from_db()
    assert response.status_code == 302
    assert created.public_id != other.public_id
    assert created.created_by == therapist
    assert (created.archived_at, created.screening_refer, created.screening_abdominal_work) == (None, False, "")
    assert created.phone_digits == "6475550103"
    assert list(created.care_team.all()) == []
    assert (other_after.first_name, other_after.public_id) == ("Other", other.public_id)
    assert not (therapist.is_staff or therapist.is_superuser)


def test_forged_care_team_on_edit_by_a_therapist_changes_nothing(as_user, therapist, outsider_therapist, care_client):
    data = factories.client_form_data(
        first_name=care_client.first_name,
        last_name=care_client.last_name,
        date_of_birth=care_client.date_of_birth.isoformat(),
        care_team=[str(outsider_therapist.pk)],
        public_id=str(uuid.uuid4()),
        archived_at="2020-01-01T00:00",
    )

    response = hostile.post_raw(as_user(therapist), f"/clients/{care_client.public_id}/edit/", data)

    care_client.refresh_from_db()
    assert response.status_code == 302
    assert list(care_client.care_team.all()) == [therapist]
    assert care_client.archived_at is None
    assert Client.objects.filter(public_id=care_client.public_id).exists()


@pytest.mark.parametrize("kind", hostile.OVERSIZED)
def test_oversized_client_forms_answer_400_and_save_nothing(as_user, front_desk, care_client, kind):
    desk = as_user(front_desk)
    before = (care_client.desk_notes, care_client.updated_at)

    created = hostile.post_raw(
        desk, "/clients/new/", hostile.oversized(factories.client_form_data(), kind, field="desk_notes")
    )
    edited = hostile.post_raw(
        desk,
        f"/clients/{care_client.public_id}/edit/",
        hostile.oversized(factories.client_form_data(first_name="Maya", last_name="Chen"), kind, field="desk_notes"),
    )
    searched = hostile.post_raw(desk, "/clients/", hostile.oversized({"q": "Chen"}, kind, field="q"))

    care_client.refresh_from_db()
    for response in (created, edited, searched):
        hostile.assert_refused_as_too_large(response)
    assert Client.objects.count() == 1
    assert (care_client.desk_notes, care_client.updated_at) == before
    assert get_user_model().objects.filter(is_staff=True).count() == 0


@pytest.mark.parametrize(
    ("template", "payloads"),
    [
        ("<p>{}</p>", hostile.MARKUP.values()),
        ('<input value="{}">', [hostile.ATTRIBUTE_BREAKOUT[k] for k in ("double-quote-svg", "double-quote-autofocus")]),
        ("<input value='{}'>", [hostile.ATTRIBUTE_BREAKOUT["single-quote-mouseover"]]),
        ('<a href="{}">x</a>', hostile.JAVASCRIPT_LINKS.values()),
        ('<script nonce="n">const a = "{}";</script>', [hostile.JSON_BREAKOUT["script-close"]]),
    ],
)
def test_the_page_check_sees_payloads_rendered_live(template, payloads):
    """The check these tests rely on would fail a page that printed a payload unescaped (or, for a link, at all
    in an href: escaping does not disarm a javascript: URL)."""
    for payload in payloads:
        if "{%" in payload:
            continue
        assert hostile.live_markup(template.format(payload)), payload
        if "href" not in template:
            assert not hostile.live_markup(template.format(escape(payload)))
