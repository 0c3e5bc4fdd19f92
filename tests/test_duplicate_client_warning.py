"""The duplicate-client warning at registration: a client born on the same day with the same name, a nickname of
it or a name spelled a little differently is shown, with a link, before a second record is made; the front desk
may confirm that it is a different person and go on."""

from datetime import date

import pytest
from django.db import connection

from clinic import duplicates, name_matching
from clinic.models import Client
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db

BORN = date(1984, 3, 15)
BORN_ON = BORN.isoformat()


def registration(first_name, last_name, date_of_birth=BORN_ON, **overrides):
    return {"first_name": first_name, "last_name": last_name, "date_of_birth": date_of_birth, **overrides}


@pytest.mark.parametrize(
    ("on_file", "registered"),
    [
        pytest.param(("Daniel", "Okafor"), ("Dan", "Okafor"), id="Dan-for-Daniel"),
        pytest.param(("Dan", "Okafor"), ("Daniel", "Okafor"), id="Daniel-for-Dan"),
        pytest.param(("John", "Mercer"), ("Jon", "Mercer"), id="Jon-for-John"),
        pytest.param(("William", "Hart"), ("Bill", "Hart"), id="Bill-for-William"),
        pytest.param(("Katherine", "Doyle"), ("Catherine", "Doyle"), id="Catherine-for-Katherine"),
        pytest.param(("Maya", "Fitzgerald"), ("Maya", "Fitzgerrald"), id="surname-typed-with-a-slip"),
        pytest.param(("Sean", "O'Brien"), ("sean", "OBRIEN"), id="case-and-apostrophe"),
        pytest.param(("Margaret", "Hale"), ("Peggy", "Hale"), id="nickname-of-the-legal-name"),
    ],
)
def test_a_nickname_or_spelling_slip_with_the_same_birth_date_warns_and_saves_nothing(
    as_user, front_desk, on_file, registered
):
    existing = ClientFactory(first_name=on_file[0], last_name=on_file[1], date_of_birth=BORN)

    response = as_user(front_desk).post("/clients/new/", registration(*registered))

    html = response.content.decode()
    assert response.status_code == 200
    assert "A client with this name, or one much like it, and this date of birth already exists:" in html
    assert f'href="/clients/{existing.public_id}/"' in html
    assert 'name="confirm_duplicate"' in html
    assert Client.objects.count() == 1


def test_the_preferred_name_on_file_is_compared_too(as_user, front_desk):
    existing = ClientFactory(first_name="Alasdair", last_name="Grant", preferred_name="Sandy", date_of_birth=BORN)

    response = as_user(front_desk).post("/clients/new/", registration("Sandy", "Grant"))

    assert f'href="/clients/{existing.public_id}/"' in response.content.decode()
    assert Client.objects.count() == 1


@pytest.mark.parametrize(
    ("on_file", "registered"),
    [
        pytest.param(("Daniel", "Okafor"), ("Dan", "Okafor"), id="Dan-for-Daniel"),
        pytest.param(("Katherine", "Doyle"), ("Catherine", "Doyle"), id="Catherine-for-Katherine"),
        pytest.param(("William", "Hart"), ("Bill", "Hart"), id="Bill-for-William"),
    ],
)
def test_the_same_names_with_another_birth_date_do_not_warn(as_user, front_desk, on_file, registered):
    ClientFactory(first_name=on_file[0], last_name=on_file[1], date_of_birth=BORN)

    response = as_user(front_desk).post("/clients/new/", registration(*registered, date_of_birth="1984-03-16"))

    assert response.status_code == 302
    assert Client.objects.count() == 2


@pytest.mark.parametrize(
    ("on_file", "registered"),
    [
        pytest.param(("Daniel", "Okafor"), ("Priya", "Raman"), id="unrelated"),
        pytest.param(("Daniel", "Okafor"), ("Daniel", "Ogunleye"), id="same-first-name-other-surname"),
        pytest.param(("Robert", "Hart"), ("William", "Hart"), id="twins-both-once-called-Bill"),
        pytest.param(("Dan", "Lee"), ("Don", "Lee"), id="short-names-one-letter-apart"),
        pytest.param(("Mary", "Hart"), ("Maya", "Hartley"), id="different-surname"),
    ],
)
def test_other_people_born_the_same_day_do_not_warn(as_user, front_desk, on_file, registered):
    ClientFactory(first_name=on_file[0], last_name=on_file[1], date_of_birth=BORN)

    response = as_user(front_desk).post("/clients/new/", registration(*registered))

    assert response.status_code == 302
    assert Client.objects.count() == 2


def test_the_front_desk_confirms_a_different_person_and_the_client_is_added(as_user, front_desk):
    ClientFactory(first_name="William", last_name="Hart", date_of_birth=BORN)
    desk = as_user(front_desk)

    warned = desk.post("/clients/new/", registration("Bill", "Hart"))
    confirmed = desk.post("/clients/new/", registration("Bill", "Hart", confirm_duplicate="on"))

    assert warned.status_code == 200
    assert confirmed.status_code == 302
    assert set(Client.objects.values_list("first_name", flat=True)) == {"William", "Bill"}


def test_the_warning_lists_at_most_five_clients(as_user, front_desk):
    for _ in range(7):
        ClientFactory(first_name="Daniel", last_name="Okafor", date_of_birth=BORN)

    response = as_user(front_desk).post("/clients/new/", registration("Dan", "Okafor"))

    assert len(response.context["form"].duplicates) == 5


def test_the_rule_in_plain_words():
    def alike(ours, theirs):
        return name_matching.may_be_same_person(
            first_names=[ours[0]], last_name=ours[1], other_first_names=[theirs[0]], other_last_name=theirs[1]
        )

    assert alike(("Jon", "Mercer"), ("John", "Mercer"))
    assert alike(("Jhon", "Mercer"), ("John", "Mercer"))  # two letters swapped
    assert alike(("Zoë", "Brontë"), ("Zoe", "Bronte"))  # accents
    assert alike(("Anne-Marie", "Smith"), ("Annemarie", "Smith"))
    assert not alike(("Jon", "Mercer"), ("John", "Mercier-Lavoie"))
    assert not alike(("", "Mercer"), ("John", "Mercer"))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigram similarity is PostgreSQL's (pg_trgm)")
def test_on_postgresql_a_crowded_birth_date_still_finds_the_closest_surname(as_user, front_desk, monkeypatch):
    """More clients born on the day than are compared: PostgreSQL compares those with the surnames most alike."""
    monkeypatch.setattr(duplicates, "CANDIDATES_COMPARED", 10)
    for n in range(30):
        ClientFactory(first_name="Alex", last_name=f"Aaronson{n}", date_of_birth=BORN)
    existing = ClientFactory(first_name="Katherine", last_name="Zimmermann", date_of_birth=BORN)

    response = as_user(front_desk).post("/clients/new/", registration("Catherine", "Zimmerman"))

    assert [c.pk for c in response.context["form"].duplicates] == [existing.pk]
