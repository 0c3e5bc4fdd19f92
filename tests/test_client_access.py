"""Who may open which client page: role by role, record by record, and with a fixed number of queries."""

import uuid

import pytest
from django.http import Http404

from clinic import services
from clinic.access import get_clinical_client_for
from clinic.models import Client
from tests import factories

pytestmark = pytest.mark.django_db

STAFF = ("front_desk", "therapist", "outsider_therapist", "clinic_admin")
ROLES = (*STAFF, "no_role_user")
EVERYONE = set(ROLES)
CLIENT_ROLES = set(STAFF)
ADMINS = {"clinic_admin"}
PASSWORD = "a-long-clinic-password"

# (path, roles answered 200); every other role gets 403. "{id}" is `care_client`, in `therapist`'s care team:
# demographics are open to every staff role (the outsider therapist too); clinical records are not (see below).
PAGES = [
    ("/", EVERYONE),
    ("/clients/", CLIENT_ROLES),
    ("/clients/new/", CLIENT_ROLES),
    ("/clients/{id}/", CLIENT_ROLES),
    ("/clients/{id}/edit/", CLIENT_ROLES),
    ("/audit/", ADMINS),
    ("/admin/", ADMINS),
]
PAGE_CASES = [
    pytest.param(role, path, 200 if role in allowed else 403, id=f"{role}:{path}")
    for path, allowed in PAGES
    for role in ROLES
]

SIGNED_IN_PAGES = ["/clients/", "/clients/new/", "/clients/{id}/", "/clients/{id}/edit/", "/audit/"]
POST_PAGES = ["/clients/{id}/archive/", "/clients/{id}/restore/"]


def demographics(client, **overrides):
    data = {
        "first_name": client.first_name,
        "last_name": client.last_name,
        "date_of_birth": client.date_of_birth.isoformat(),
        "phone": client.phone,
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(("role", "path", "status"), PAGE_CASES)
def test_each_role_gets_exactly_the_pages_its_table_row_allows(request, as_user, care_client, role, path, status):
    user = request.getfixturevalue(role)

    response = as_user(user).get(path.format(id=care_client.public_id))

    assert response.status_code == status


def test_front_desk_cannot_open_audit_log(as_user, front_desk):
    assert as_user(front_desk).get("/audit/").status_code == 403


def test_therapist_cannot_open_django_admin(as_user, therapist):
    assert as_user(therapist).get("/admin/").status_code == 403


def test_user_without_a_role_sees_a_notice_on_the_home_page(as_user, no_role_user):
    response = as_user(no_role_user).get("/")

    assert response.status_code == 200
    assert "Your account has no role yet" in response.content.decode()


@pytest.mark.parametrize("path", SIGNED_IN_PAGES + ["/"])
def test_anonymous_visitor_is_sent_to_sign_in_with_the_page_to_return_to(client, care_client, path):
    path = path.format(id=care_client.public_id)

    response = client.get(path)

    assert response.status_code == 302
    assert response.url == f"/accounts/login/?next={path}"


@pytest.mark.parametrize("path", POST_PAGES)
def test_anonymous_archive_or_restore_is_sent_to_sign_in_and_changes_nothing(client, care_client, path):
    path = path.format(id=care_client.public_id)

    response = client.post(path)

    assert response.status_code == 302
    assert response.url == f"/accounts/login/?next={path}"
    care_client.refresh_from_db()
    assert care_client.archived_at is None


def test_anonymous_visitor_is_sent_to_the_clinic_sign_in_for_django_admin(client):
    response = client.get("/admin/")

    assert response.status_code == 302
    assert response.url == "/accounts/login/?next=/admin/"


def test_clinic_admin_who_is_not_django_staff_can_sign_in_to_reach_django_admin(client):
    admin = factories.clinic_admin_user(username="owner")
    admin.set_password(PASSWORD)
    admin.save()
    sign_in_page = client.get("/admin/").url

    client.post(sign_in_page, {"username": "owner", "password": PASSWORD})

    assert client.get("/admin/").status_code == 200


@pytest.mark.parametrize(
    ("role", "status", "archived"),
    [("front_desk", 302, True), ("clinic_admin", 302, True), ("therapist", 403, False), ("no_role_user", 403, False)],
)
def test_only_front_desk_and_clinic_admin_may_archive(request, as_user, care_client, role, status, archived):
    user = request.getfixturevalue(role)

    response = as_user(user).post(f"/clients/{care_client.public_id}/archive/", {"reason": "Moved away"})

    assert response.status_code == status
    care_client.refresh_from_db()
    assert care_client.is_archived is archived


@pytest.mark.parametrize(
    ("role", "status", "restored"),
    [("front_desk", 302, True), ("clinic_admin", 302, True), ("therapist", 403, False), ("no_role_user", 403, False)],
)
def test_only_front_desk_and_clinic_admin_may_restore(request, as_user, clinic_admin, role, status, restored):
    archived = services.archive_client(client=factories.ClientFactory(), archived_by=clinic_admin)
    user = request.getfixturevalue(role)

    response = as_user(user).post(f"/clients/{archived.public_id}/restore/")

    assert response.status_code == status
    archived.refresh_from_db()
    assert archived.is_archived is not restored


@pytest.mark.parametrize("path", POST_PAGES)
def test_archive_and_restore_refuse_get(as_user, front_desk, care_client, path):
    response = as_user(front_desk).get(path.format(id=care_client.public_id))

    assert response.status_code == 405


def test_therapist_edit_form_has_no_care_team_field(as_user, therapist, care_client):
    response = as_user(therapist).get(f"/clients/{care_client.public_id}/edit/")

    assert "care_team" not in response.context["form"].fields
    assert 'name="care_team"' not in response.content.decode()


@pytest.mark.parametrize("posted_team", [["outsider"], []], ids=["other-therapist", "empty"])
def test_therapist_posting_a_care_team_does_not_change_it(
    as_user, therapist, outsider_therapist, care_client, posted_team
):
    team = [outsider_therapist.pk for _ in posted_team]
    data = demographics(care_client, phone="416-555-0199", care_team=team)

    response = as_user(therapist).post(f"/clients/{care_client.public_id}/edit/", data)

    assert response.status_code == 302
    care_client.refresh_from_db()
    assert care_client.phone == "416-555-0199"
    assert list(care_client.care_team.all()) == [therapist]


def test_therapist_creating_a_client_cannot_assign_a_care_team(as_user, therapist, outsider_therapist):
    data = {"first_name": "Ada", "last_name": "Byron", "date_of_birth": "1985-12-10", "care_team": [therapist.pk]}

    response = as_user(therapist).post("/clients/new/", data)

    assert response.status_code == 302
    assert list(Client.objects.get(last_name="Byron").care_team.all()) == []


@pytest.mark.parametrize(
    ("role", "sees_care_client", "sees_other_client"),
    [
        ("therapist", True, False),
        ("outsider_therapist", False, False),
        ("front_desk", False, False),
        ("no_role_user", False, False),
        ("clinic_admin", True, True),
    ],
)
def test_clinical_access_helper_answers_404_outside_the_care_team(
    request, care_client, role, sees_care_client, sees_other_client
):
    user = request.getfixturevalue(role)
    other = factories.ClientFactory()

    for client, expected in ((care_client, sees_care_client), (other, sees_other_client)):
        if expected:
            assert get_clinical_client_for(user, client.public_id) == client
        else:
            with pytest.raises(Http404):
                get_clinical_client_for(user, client.public_id)


def test_clinical_access_helper_answers_404_for_an_unknown_client(clinic_admin):
    with pytest.raises(Http404):
        get_clinical_client_for(clinic_admin, uuid.uuid4())


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("therapist", {"care"}),
        ("outsider_therapist", set()),
        ("front_desk", set()),
        ("no_role_user", set()),
        ("clinic_admin", {"care", "other", "archived"}),
    ],
)
def test_clinically_visible_clients_follow_the_care_team(request, care_client, clinic_admin, role, expected):
    other = factories.ClientFactory()
    archived = services.archive_client(client=factories.ClientFactory(), archived_by=clinic_admin)
    names = {care_client.pk: "care", other.pk: "other", archived.pk: "archived"}
    user = request.getfixturevalue(role)

    visible = Client.objects.clinically_visible_to(user)

    assert {names[c.pk] for c in visible} == expected


@pytest.mark.parametrize("path", ["/clients/{id}/", "/clients/{id}/edit/"])
def test_unknown_client_id_answers_404(as_user, front_desk, path):
    assert as_user(front_desk).get(path.format(id=uuid.uuid4())).status_code == 404


@pytest.mark.parametrize("path", POST_PAGES)
def test_archiving_an_unknown_client_answers_404(as_user, front_desk, path):
    assert as_user(front_desk).post(path.format(id=uuid.uuid4())).status_code == 404


@pytest.mark.parametrize("bad_id", ["not-a-uuid", "1", "{pk}"])
@pytest.mark.parametrize("path", ["/clients/{id}/", "/clients/{id}/edit/"])
def test_client_pages_are_not_reachable_by_anything_but_a_uuid(as_user, clinic_admin, care_client, path, bad_id):
    response = as_user(clinic_admin).get(path.format(id=bad_id.format(pk=care_client.pk)))

    assert response.status_code == 404


# Measured with 3 clients of one care-team member each; must hold unchanged for 30 clients of four.
LIST_MAX_QUERIES = 11
# The intake and notes panels add a bounded few (intakes, latest screening, clearances, consents, texts).
DETAIL_MAX_QUERIES = 16


def seed_clients(count, team_size):
    team = [factories.therapist_user() for _ in range(team_size)]
    return [factories.ClientFactory(care_team=team) for _ in range(count)]


@pytest.mark.parametrize(("count", "team_size"), [(3, 1), (30, 4)])
def test_client_list_query_count_does_not_grow_with_clients(
    as_user, front_desk, django_assert_max_num_queries, count, team_size
):
    seed_clients(count, team_size)
    desk = as_user(front_desk)

    with django_assert_max_num_queries(LIST_MAX_QUERIES):
        response = desk.get("/clients/")

    assert len(response.context["page"].object_list) == min(count, 25)


@pytest.mark.parametrize(("count", "team_size"), [(3, 1), (30, 4)])
def test_client_detail_query_count_does_not_grow_with_care_team(
    as_user, front_desk, django_assert_max_num_queries, count, team_size
):
    client = seed_clients(count, team_size)[-1]
    desk = as_user(front_desk)

    with django_assert_max_num_queries(DETAIL_MAX_QUERIES):
        response = desk.get(f"/clients/{client.public_id}/")

    assert len(response.context["care_team"]) == team_size
