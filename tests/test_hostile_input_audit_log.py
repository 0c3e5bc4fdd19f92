"""Hostile input on the audit log page: entries whose client, record and changes are payloads are shown escaped;
hostile filters (user, client, action, dates, page) re-show the page with a message, never a 500. A client is
named in the filter by text only through a POST, never in the URL."""

import pytest
from auditlog.models import LogEntry

from clinic.models import Client
from tests import hostile_payloads as hostile
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("payload", hostile.TEXT_PARAMS)
def test_entries_about_hostile_records_are_shown_escaped(as_user, front_desk, clinic_admin, payload):
    text = hostile.storable(payload).strip()
    client = ClientFactory(first_name="Maya", last_name="Chen", address="1 Main St")
    client.first_name, client.address, client.desk_notes = text, text, text
    client.save()  # an UPDATE entry whose changes are the payload
    as_user(front_desk).get(client.get_absolute_url(), REMOTE_ADDR="10.0.0.7")

    response = as_user(clinic_admin).get(f"/audit/?client={client.public_id}")

    assert response.status_code == 200
    hostile.assert_page_is_safe(response, f"{text} Chen", f"changed address from “1 Main St” to “{text}”")
    assert len(response.context["rows"]) == 3


@pytest.mark.parametrize("payload", [*hostile.TEXT.values(), *hostile.DATES, *hostile.PAIN])
def test_hostile_filters_are_explained_not_errors(as_user, clinic_admin, payload):
    ClientFactory(first_name="Decoy", last_name="Person")
    admin = as_user(clinic_admin)
    fields = {"user": payload, "action": payload, "date_from": payload, "date_to": payload}

    posted = hostile.post_raw(admin, "/audit/", {**fields, "client": payload}, follow=True)
    got = admin.get(
        f"/audit/?{hostile.query_string({**fields, 'client': payload, 'search': payload, 'page': payload})}"
    )

    assert posted.status_code == (400 if "\x00" in payload else 200)
    assert got.status_code == (400 if "\x00" in payload else 200)
    if "\x00" not in payload:
        for response in (posted, got):
            hostile.assert_page_is_safe(response)
            assert response.context["form"].errors
            assert response.context["rows"] == []


@pytest.mark.parametrize("payload", [v for v in hostile.TEXT.values() if "\x00" not in v])
def test_a_client_named_by_hostile_text_is_filtered_without_the_text_in_the_url(as_user, clinic_admin, payload):
    text = hostile.storable(payload).strip()
    target = ClientFactory(first_name=text, last_name="Target")
    ClientFactory(first_name="Decoy", last_name="Person")
    admin = as_user(clinic_admin)

    response = hostile.post_raw(admin, "/audit/", {"client": text}, follow=True)

    url = response.redirect_chain[-1][0]
    assert response.status_code == 200
    assert "search=" in url and "Target" not in url
    assert {entry.object_pk for entry, _client in response.context["rows"]} == {str(target.pk)}
    assert LogEntry.objects.count() == 2
    assert Client.objects.count() == 2
