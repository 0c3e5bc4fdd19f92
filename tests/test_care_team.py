"""The care team: chosen when the front desk registers a client, and added to later from the client's page by the
front desk or a clinic admin (never by a therapist); every change in the audit log, in words."""

import re

import pytest
from auditlog.models import LogEntry
from django.test import Client as Browser

from clinic.models import Client
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def dana(db):
    return factories.therapist_user(username="dana", first_name="Dana", last_name="Therapist")


def checked_therapists(html: str) -> set[str]:
    """The values of the ticked care-team checkboxes on a page."""
    inputs = re.findall(r'<input[^>]*name="care_team"[^>]*>', html)
    return {re.search(r'value="([^"]*)"', tag).group(1) for tag in inputs if " checked" in tag}


def audit_lines(client) -> list[str]:
    """What the audit page shows a clinic admin in its "Changes" column for the client's entries."""
    browser = Browser()
    browser.force_login(factories.clinic_admin_user(username="auditor"))
    html = browser.get("/audit/", {"client": str(client.public_id)}).content.decode()
    lines = re.findall(r'<div class="audit-change">([^<]*)</div>', html)
    return [re.sub(r"\s+", " ", line).strip() for line in lines]


# -- At registration ---------------------------------------------------------------------------------------------


def test_the_only_therapist_of_the_clinic_is_ticked_on_a_new_client_form(as_user, front_desk, dana):
    response = as_user(front_desk).get("/clients/new/")

    assert response.status_code == 200
    assert checked_therapists(response.content.decode()) == {str(dana.pk)}


def test_with_two_therapists_none_is_ticked_for_the_desk(as_user, front_desk, dana, therapist):
    html = as_user(front_desk).get("/clients/new/").content.decode()

    assert checked_therapists(html) == set()
    assert html.count('name="care_team"') == 2


def test_each_therapist_is_a_big_tap_target(as_user, front_desk, dana):
    html = as_user(front_desk).get("/clients/new/").content.decode()

    assert 'class="care-team-choices"' in html  # static/clinic/clinic.css: each row at least 44 CSS px high


def test_registering_without_a_therapist_shows_the_error_beside_the_field_and_keeps_every_answer(
    as_user, front_desk, dana, therapist
):
    response = as_user(front_desk).post(
        "/clients/new/", factories.client_form_data(preferred_name="Nellie", desk_notes="Prefers mornings")
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["form"].errors["care_team"] == [
        "Choose at least one therapist: until then no therapist can see this client's record."
    ]
    care_team_part = html[html.index('class="care-team-choices"') :]
    assert "Choose at least one therapist" in care_team_part
    assert "Nothing was saved yet" in html
    for value in ("Nell", "Fitzgerald", "Nellie", "1958-11-22", "647-555-0103", "nell@example.org"):
        assert f'value="{value}"' in html
    assert "Prefers mornings" in html
    assert 'value="word_of_mouth" selected' in html
    assert not Client.objects.exists()


def test_a_clinic_without_therapists_registers_a_client_without_a_care_team(as_user, front_desk):
    response = as_user(front_desk).post(
        "/clients/new/", factories.client_form_data(preferred_name="Nellie", desk_notes="Prefers mornings")
    )

    assert response.status_code == 302
    assert list(Client.objects.get().care_team.all()) == []


def test_the_therapist_chosen_at_registration_sees_the_client_at_once(as_user, front_desk, dana, therapist):
    as_user(front_desk).post(
        "/clients/new/",
        factories.client_form_data(preferred_name="Nellie", desk_notes="Prefers mornings", care_team=[dana.pk]),
    )
    client = Client.objects.get()

    history = as_user(dana).get(f"/clients/{client.public_id}/history/")

    assert list(client.care_team.all()) == [dana]
    assert history.status_code == 200


def test_registration_writes_the_care_team_to_the_audit_log_in_words(as_user, front_desk, dana, therapist):
    as_user(front_desk).post(
        "/clients/new/",
        factories.client_form_data(preferred_name="Nellie", desk_notes="Prefers mornings", care_team=[dana.pk]),
    )
    client = Client.objects.get()

    entry = LogEntry.objects.get(additional_data__client=str(client.public_id), changes__has_key="care_team")

    assert entry.actor == front_desk
    assert "added Dana Therapist to the care team" in audit_lines(client)


# -- Later, from the client's page -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("front_desk", 302),
        ("clinic_admin", 302),
        ("therapist", 403),
        ("outsider_therapist", 403),
        ("no_role_user", 403),
    ],
)
def test_only_the_front_desk_and_admins_add_to_a_care_team(
    request, as_user, care_client, therapist, dana, role, status
):
    user = request.getfixturevalue(role)

    response = as_user(user).post(f"/clients/{care_client.public_id}/care-team/", {"therapist": dana.pk})

    assert response.status_code == status
    assert set(care_client.care_team.all()) == ({therapist, dana} if status == 302 else {therapist})


def test_signed_out_adding_to_a_care_team_goes_to_sign_in(client, care_client, dana):
    response = client.post(f"/clients/{care_client.public_id}/care-team/", {"therapist": dana.pk})

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
    assert dana not in care_client.care_team.all()


def test_adding_to_the_care_team_of_an_unknown_client_answers_404(as_user, front_desk, dana):
    response = as_user(front_desk).post("/clients/00000000-0000-4000-8000-000000000000/care-team/", {"therapist": 1})

    assert response.status_code == 404


def test_adding_to_a_care_team_is_post_only(as_user, front_desk, care_client):
    response = as_user(front_desk).get(f"/clients/{care_client.public_id}/care-team/")

    assert response.status_code == 405


def test_front_desk_adds_a_therapist_and_the_page_says_so(as_user, front_desk, care_client, therapist, dana):
    response = as_user(front_desk).post(
        f"/clients/{care_client.public_id}/care-team/", {"therapist": dana.pk}, follow=True
    )

    html = response.content.decode()
    assert "Dana Therapist added to the care team of Maya Chen." in html
    assert set(care_client.care_team.all()) == {therapist, dana}


def test_adding_a_therapist_writes_who_added_whom_to_the_audit_log(as_user, front_desk, care_client, dana):
    team_changes = LogEntry.objects.filter(
        additional_data__client=str(care_client.public_id), changes__has_key="care_team"
    )
    before = set(team_changes.values_list("id", flat=True))  # the fixture's own team, set outside a request

    as_user(front_desk).post(
        f"/clients/{care_client.public_id}/care-team/", {"therapist": dana.pk}, REMOTE_ADDR="10.0.0.9"
    )

    added = team_changes.exclude(id__in=before)
    assert [(e.actor, e.remote_addr, e.changes_dict["care_team"]["objects"]) for e in added] == [
        (front_desk, "10.0.0.9", ["Dana Therapist"])
    ]
    assert "added Dana Therapist to the care team" in audit_lines(care_client)


def test_adding_a_therapist_already_on_the_team_changes_and_audits_nothing(as_user, front_desk, care_client, therapist):
    before = LogEntry.objects.filter(changes__has_key="care_team").count()

    response = as_user(front_desk).post(
        f"/clients/{care_client.public_id}/care-team/", {"therapist": therapist.pk}, follow=True
    )

    assert "is already on the care team of Maya Chen" in response.content.decode()
    assert list(care_client.care_team.all()) == [therapist]
    assert LogEntry.objects.filter(changes__has_key="care_team").count() == before


@pytest.mark.parametrize("posted", ["admin", "", "999999", "x"])
def test_only_an_active_therapist_can_be_added(as_user, front_desk, clinic_admin, care_client, therapist, posted):
    value = str(clinic_admin.pk) if posted == "admin" else posted

    response = as_user(front_desk).post(
        f"/clients/{care_client.public_id}/care-team/", {"therapist": value}, follow=True
    )

    html = response.content.decode()
    assert "Choose the therapist to add." in html or "no longer an active therapist" in html
    assert list(care_client.care_team.all()) == [therapist]


def test_an_archived_clients_care_team_is_not_added_to(as_user, front_desk, care_client, therapist, dana):
    desk = as_user(front_desk)
    desk.post(f"/clients/{care_client.public_id}/archive/")

    response = desk.post(f"/clients/{care_client.public_id}/care-team/", {"therapist": dana.pk}, follow=True)

    assert "This client is archived. Restore them before adding a therapist to their care team." in (
        response.content.decode()
    )
    assert list(care_client.care_team.all()) == [therapist]


def test_the_client_page_offers_the_desk_only_therapists_not_yet_on_the_team(
    as_user, front_desk, care_client, therapist, dana
):
    html = as_user(front_desk).get(care_client.get_absolute_url()).content.decode()

    choices = re.findall(r'<option value="(\d*)"', html[html.index('id="care-team-therapist"') :])
    assert choices == ["", str(dana.pk)]


def test_the_client_page_offers_a_therapist_no_care_team_form(as_user, therapist, care_client, dana):
    html = as_user(therapist).get(care_client.get_absolute_url()).content.decode()

    assert "care-team-therapist" not in html


def test_a_therapist_whose_role_was_just_taken_away_is_not_added(as_user, front_desk, care_client, therapist, dana):
    type(dana).objects.filter(pk=dana.pk).update(held_roles=[])  # the roles kept on the row, read by the service

    response = as_user(front_desk).post(
        f"/clients/{care_client.public_id}/care-team/", {"therapist": dana.pk}, follow=True
    )

    assert "no longer an active therapist" in response.content.decode()
    assert list(care_client.care_team.all()) == [therapist]
