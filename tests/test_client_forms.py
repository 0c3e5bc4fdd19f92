"""Creating, editing, searching, paging and archiving clients through the pages the front desk uses."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from clinic.models import Client
from tests import factories
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;"
TEXT_FIELDS = [
    "first_name",
    "last_name",
    "preferred_name",
    "pronouns",
    "address",
    "emergency_contact_name",
    "emergency_contact_relationship",
    "referral_detail",
    "desk_notes",
]


def search(browser, text, **filters):
    """The search form posts its text; the results page is the redirect's target."""
    return browser.post("/clients/", {"q": text, **filters}, follow=True)


def edit_data(client, **overrides):
    return factories.client_form_data(
        first_name=client.first_name,
        last_name=client.last_name,
        date_of_birth=client.date_of_birth.isoformat(),
        **overrides,
    )


def names_listed(response):
    return {c.last_name for c in response.context["page"].object_list}


def test_valid_create_by_front_desk_stores_one_client_with_care_team(
    as_user, front_desk, therapist, outsider_therapist
):
    data = factories.client_form_data(care_team=[therapist.pk, outsider_therapist.pk])

    response = as_user(front_desk).post("/clients/new/", data)

    client = Client.objects.get()
    assert response.status_code == 302
    assert response.url == f"/clients/{client.public_id}/"
    assert (client.first_name, client.date_of_birth, client.created_by) == ("Nell", date(1958, 11, 22), front_desk)
    assert set(client.care_team.all()) == {therapist, outsider_therapist}


def test_care_team_accepts_only_therapists(as_user, front_desk, clinic_admin):
    response = as_user(front_desk).post("/clients/new/", factories.client_form_data(care_team=[clinic_admin.pk]))

    assert response.status_code == 200
    assert "care_team" in response.context["form"].errors
    assert not Client.objects.exists()


def tomorrow():
    return (timezone.localdate() + timedelta(days=1)).isoformat()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        pytest.param("first_name", "", "This field is required.", id="empty-first-name"),
        pytest.param("last_name", "   ", "This field is required.", id="blank-last-name"),
        pytest.param("date_of_birth", tomorrow, "The date of birth cannot be in the future.", id="born-tomorrow"),
        pytest.param("date_of_birth", "1899-12-31", "Enter a date of birth from 1900 on.", id="born-1899"),
        pytest.param("date_of_birth", "not a date", "Enter a valid date.", id="not-a-date"),
        pytest.param("date_of_birth", "2001-02-30", "Enter a valid date.", id="february-30"),
        pytest.param("first_name", "x" * 10_000, "at most 100 characters (it has 10000)", id="10000-char-name"),
        pytest.param("phone", "call me", "Enter a phone number with at least 7 digits", id="words-for-phone"),
        pytest.param("emergency_contact_phone", "12", "Enter a phone number with at least 7 digits", id="short-phone"),
        pytest.param("email", "nell at example", "Enter a valid email address.", id="bad-email"),
    ],
)
def test_bad_input_redisplays_the_form_with_an_error_and_saves_nothing(as_user, front_desk, field, value, message):
    overrides = {field: value() if callable(value) else value}

    response = as_user(front_desk).post("/clients/new/", factories.client_form_data(**overrides))

    assert response.status_code == 200
    assert any(message in error for error in response.context["form"].errors[field])
    assert message in response.content.decode()
    assert "Nothing was saved yet" in response.content.decode()
    assert not Client.objects.exists()


def test_markup_in_every_text_field_is_stored_and_shown_escaped(as_user, front_desk):
    desk = as_user(front_desk)
    desk.post("/clients/new/", factories.client_form_data(**dict.fromkeys(TEXT_FIELDS, SCRIPT)))
    client = Client.objects.get()

    pages = {
        "detail": desk.get(f"/clients/{client.public_id}/"),
        "list": search(desk, SCRIPT),
        "edit": desk.get(f"/clients/{client.public_id}/edit/"),
    }

    assert all(getattr(client, field) == SCRIPT for field in TEXT_FIELDS)
    assert list(pages["list"].context["page"].object_list) == [client]
    for name, response in pages.items():
        html = response.content.decode()
        assert response.status_code == 200, name
        assert SCRIPT not in html, name
        assert ESCAPED in html, name


def test_same_name_and_birth_date_warns_with_a_link_and_saves_nothing(as_user, front_desk):
    existing = ClientFactory(first_name="Maya", last_name="Chen", date_of_birth=date(1990, 4, 1))

    response = as_user(front_desk).post(
        "/clients/new/", factories.client_form_data(first_name="maya", last_name=" CHEN ", date_of_birth="1990-04-01")
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "already exists" in html
    assert f'href="/clients/{existing.public_id}/"' in html
    assert 'name="confirm_duplicate"' in html
    assert Client.objects.count() == 1


def test_confirmed_duplicate_creates_the_second_client(as_user, front_desk):
    ClientFactory(first_name="Maya", last_name="Chen", date_of_birth=date(1990, 4, 1))
    data = factories.client_form_data(
        first_name="Maya", last_name="Chen", date_of_birth="1990-04-01", confirm_duplicate="on"
    )

    response = as_user(front_desk).post("/clients/new/", data)

    assert response.status_code == 302
    assert Client.objects.filter(last_name="Chen").count() == 2


def test_same_name_with_another_birth_date_is_not_a_duplicate(as_user, front_desk):
    ClientFactory(first_name="Maya", last_name="Chen", date_of_birth=date(1990, 4, 1))

    response = as_user(front_desk).post(
        "/clients/new/", factories.client_form_data(first_name="Maya", last_name="Chen", date_of_birth="1990-04-02")
    )

    assert response.status_code == 302
    assert Client.objects.count() == 2


def test_double_post_of_the_same_form_stores_one_client(as_user, front_desk):
    desk = as_user(front_desk)

    first = desk.post("/clients/new/", factories.client_form_data())
    second = desk.post("/clients/new/", factories.client_form_data())

    assert first.status_code == 302
    assert second.status_code == 200
    assert "already exists" in second.content.decode()
    assert Client.objects.count() == 1


@pytest.fixture
def searchable(db):
    hale = ClientFactory(
        first_name="Margaret",
        last_name="Hale",
        preferred_name="Peggy",
        date_of_birth=date(1971, 3, 9),
        phone="(416) 555-0142",
    )
    berg = ClientFactory(first_name="Jonas", last_name="Berg", date_of_birth=date(1988, 12, 1), phone="905-555-7788")
    return hale, berg


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("hale", {"Hale"}),
        ("Margaret Hale", {"Hale"}),
        ("Peggy", {"Hale"}),
        ("555 01", {"Hale"}),
        ("(416) 555-01", {"Hale"}),
        ("555.77", {"Berg"}),
        ("555", {"Hale", "Berg"}),
        ("1971-03-09", {"Hale"}),
        ("1971-03-10", set()),
        ("Nobody", set()),
    ],
)
def test_client_search_finds_by_name_preferred_name_phone_digits_and_birth_date(
    as_user, front_desk, searchable, query, expected
):
    response = search(as_user(front_desk), query)

    assert response.status_code == 200
    assert names_listed(response) == expected


def test_archived_clients_show_only_in_the_archived_list(as_user, front_desk, searchable):
    _hale, berg = searchable
    desk = as_user(front_desk)
    desk.post(f"/clients/{berg.public_id}/archive/")

    active = desk.get("/clients/")
    archived = desk.get("/clients/", {"archived": "1"})
    archived_search = search(desk, "Berg", archived="1")

    assert names_listed(active) == {"Hale"}
    assert names_listed(archived) == {"Berg"}
    assert names_listed(archived_search) == {"Berg"}


@pytest.mark.parametrize(("page_number", "rows"), [(None, 25), ("2", 5), ("999", 5), ("abc", 25), ("-1", 5)])
def test_client_list_pages_by_25_and_survives_bad_page_numbers(as_user, front_desk, page_number, rows):
    for _ in range(30):
        ClientFactory()
    params = {"page": page_number} if page_number else {}

    response = as_user(front_desk).get("/clients/", params)

    assert response.status_code == 200
    assert len(response.context["page"].object_list) == rows
    assert response.content.decode().count('class="client-row"') == rows


def test_editing_a_phone_number_changes_it_and_its_search_digits(as_user, front_desk):
    client = ClientFactory(phone="416-555-0100")
    desk = as_user(front_desk)

    response = desk.post(f"/clients/{client.public_id}/edit/", edit_data(client, phone="(905) 555-0177"))

    client.refresh_from_db()
    assert response.status_code == 302
    assert client.phone == "(905) 555-0177"
    assert list(search(desk, "905 555 0177").context["page"].object_list) == [client]


def test_bad_edit_redisplays_the_form_and_changes_nothing(as_user, front_desk):
    client = ClientFactory(phone="416-555-0100")

    response = as_user(front_desk).post(f"/clients/{client.public_id}/edit/", edit_data(client, phone="call me"))

    client.refresh_from_db()
    assert response.status_code == 200
    assert "phone" in response.context["form"].errors
    assert client.phone == "416-555-0100"


def test_archiving_keeps_the_record_and_restoring_brings_it_back(as_user, front_desk):
    client = ClientFactory()
    desk = as_user(front_desk)

    desk.post(f"/clients/{client.public_id}/archive/", {"reason": "Moved away"})
    client.refresh_from_db()
    archived_state = (client.is_archived, client.archived_by, client.archive_reason, Client.objects.count())
    desk.post(f"/clients/{client.public_id}/restore/")
    client.refresh_from_db()

    assert archived_state == (True, front_desk, "Moved away", 1)
    assert client.archived_at is None
    assert Client.objects.count() == 1
    assert names_listed(desk.get("/clients/")) == {client.last_name}


def test_archive_with_an_overlong_reason_is_refused_with_a_message(as_user, front_desk):
    client = ClientFactory()

    response = as_user(front_desk).post(f"/clients/{client.public_id}/archive/", {"reason": "x" * 201}, follow=True)

    client.refresh_from_db()
    assert client.archived_at is None
    assert "The reason is too long" in response.content.decode()
