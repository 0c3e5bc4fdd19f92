import pytest

from tests import factories


@pytest.fixture
def front_desk(db):
    return factories.front_desk_user(username="desk")


@pytest.fixture
def therapist(db):
    return factories.therapist_user(username="theo")


@pytest.fixture
def outsider_therapist(db):
    """A therapist who is in nobody's care team in these tests."""
    return factories.therapist_user(username="other")


@pytest.fixture
def clinic_admin(db):
    return factories.clinic_admin_user(username="boss")


@pytest.fixture
def no_role_user(db):
    return factories.UserFactory(username="norole")


@pytest.fixture
def care_client(db, therapist):
    """A client in `therapist`'s care team (and nobody else's)."""
    return factories.ClientFactory(first_name="Maya", last_name="Chen", care_team=[therapist])


@pytest.fixture
def as_user(client):
    """Log the Django test client in as a user: `as_user(front_desk).get(...)`."""

    def login(user):
        client.force_login(user)
        return client

    return login
