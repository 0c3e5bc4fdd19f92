"""`manage.py seed_demo`: the demo users with their roles and a dozen clients, idempotent."""

import io

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command

from clinic.models import Client, User

pytestmark = pytest.mark.django_db


def seed():
    call_command("seed_demo", stdout=io.StringIO())


def test_seed_demo_creates_the_four_demo_users_with_their_roles(settings):
    settings.DEBUG = True

    seed()

    roles_of = {u.username: set(u.role_names) for u in User.objects.prefetch_related("groups")}
    assert roles_of == {
        "frontdesk": {"Front desk"},
        "therapist": {"Therapist"},
        "therapist2": {"Therapist"},
        "admin": {"Clinic admin"},
    }
    assert User.objects.get(username="therapist").check_password("demo")


def test_seed_demo_uses_the_demo_password_from_the_environment(settings, monkeypatch):
    settings.DEBUG = True
    monkeypatch.setenv("DEMO_PASSWORD", "another-demo-pass")

    seed()

    assert User.objects.get(username="frontdesk").check_password("another-demo-pass")


def test_seed_demo_creates_a_dozen_clients_one_only_in_therapist2s_care(settings):
    settings.DEBUG = True

    seed()

    assert Client.objects.count() == 12
    only_t2 = [
        c
        for c in Client.objects.prefetch_related("care_team")
        if [m.username for m in c.care_team.all()] == ["therapist2"]
    ]
    assert len(only_t2) >= 1


def test_running_seed_demo_twice_changes_nothing(settings):
    settings.DEBUG = True
    seed()
    before = (
        list(Client.objects.order_by("pk").values()),
        list(User.objects.order_by("pk").values()),
        LogEntry.objects.count(),
    )

    seed()

    after = (
        list(Client.objects.order_by("pk").values()),
        list(User.objects.order_by("pk").values()),
        LogEntry.objects.count(),
    )
    assert after == before
