"""Disposal is final: a client whose clinical record was disposed of (anonymised and archived) is never restored
to the active list or given their name back. The front desk could restore one and re-identify them; restoring
applies to archived clients only."""

from contextlib import contextmanager
from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from clinic.models import Client
from clinic.services import archive_client
from notes import disposal
from tests import factories
from tests.record_helpers import clinical_record
from tests.second_factor_helpers import device_of, verified

pytestmark = pytest.mark.django_db

FINAL = "disposal is final, so the client cannot be restored or edited. Nothing was changed."


@contextmanager
def years_later(years: int):
    moment = timezone.now() + timedelta(days=366 * years)
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield moment


@pytest.fixture
def disposed(therapist, front_desk, clinic_admin):
    """A client whose record one clinic admin asked to dispose of and a second approved, 30 years on."""
    client = factories.ClientFactory(first_name="Maya", last_name="Chen", phone="416-555-0100", care_team=[therapist])
    clinical_record(client, therapist=therapist, front_desk=front_desk)
    second_admin = factories.clinic_admin_user(username="boss2")
    device_of(second_admin)  # their authenticator app, older than the request
    with years_later(30):
        requested = disposal.request_disposal(client=client, by=clinic_admin, reason="Retention over")
        disposal.approve_disposal(disposal=requested, by=verified(second_admin))
    return Client.objects.get(pk=client.pk)


def test_disposal_marks_the_client_disposed(disposed):
    assert disposed.is_archived
    assert disposed.is_disposed


@pytest.mark.parametrize("role", ["front_desk", "clinic_admin"])
def test_a_disposed_client_is_not_restored(request, as_user, disposed, role):
    before = {f.name: getattr(disposed, f.name) for f in Client._meta.concrete_fields if f.name != "updated_at"}

    response = as_user(request.getfixturevalue(role)).post(f"/clients/{disposed.public_id}/restore/", follow=True)

    after = Client.objects.get(pk=disposed.pk)
    assert response.status_code == 200
    assert FINAL in response.content.decode()
    assert "restored to the active list" not in response.content.decode()
    assert after.is_archived and after.is_disposed
    assert {name: getattr(after, name) for name in before} == before


def test_a_disposed_client_is_not_edited_back_to_who_they_were(as_user, front_desk, disposed):
    browser = as_user(front_desk)
    url = f"/clients/{disposed.public_id}/edit/"

    opened = browser.get(url)
    posted = browser.post(url, {"first_name": "Maya", "last_name": "Chen", "date_of_birth": "1980-05-17"}, follow=True)

    after = Client.objects.get(pk=disposed.pk)
    assert opened.status_code == 302
    assert FINAL in posted.content.decode()
    assert (after.first_name, after.phone) == ("Disposed", "")


def test_the_client_page_offers_no_restore_or_edit_for_a_disposed_client(as_user, front_desk, disposed):
    html = as_user(front_desk).get(disposed.get_absolute_url()).content.decode()

    assert f"/clients/{disposed.public_id}/restore/" not in html
    assert f"/clients/{disposed.public_id}/edit/" not in html
    assert "Disposal is final" in html


def test_an_archived_client_is_still_restored(as_user, front_desk, care_client):
    archive_client(client=care_client, archived_by=front_desk, reason="Moved away")
    page = as_user(front_desk).get(care_client.get_absolute_url()).content.decode()

    response = as_user(front_desk).post(f"/clients/{care_client.public_id}/restore/", follow=True)

    assert f"/clients/{care_client.public_id}/restore/" in page
    assert "restored to the active list" in response.content.decode()
    assert not Client.objects.get(pk=care_client.pk).is_archived


def test_a_stale_copy_cannot_restore_a_disposed_client(front_desk, disposed):
    """The service re-reads the row under a lock: an instance read before the disposal restores nothing."""
    from clinic import services

    stale = Client.objects.get(pk=disposed.pk)
    stale.disposed_at = None

    with pytest.raises(services.ClientDisposed):
        services.restore_client(client=stale)

    assert Client.objects.get(pk=disposed.pk).is_archived


def test_the_admin_site_cannot_change_a_disposed_client(as_user, clinic_admin, disposed):
    response = as_user(clinic_admin).post(
        f"/admin/clinic/client/{disposed.pk}/change/", {"first_name": "Maya", "last_name": "Chen"}
    )

    after = Client.objects.get(pk=disposed.pk)
    assert response.status_code in (302, 403)
    assert after.first_name == "Disposed" and after.is_archived
