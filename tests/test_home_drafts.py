"""A therapist's home page lists every unsigned draft of theirs, oldest first, those older than 24 hours marked
overdue; never another therapist's, never a signed session."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from notes import services
from tests import history_helpers as h
from tests.factories import ClientFactory, screened_intake, therapist_user

pytestmark = pytest.mark.django_db

ROW = re.compile(r'<li class="list-group-item draft-row( draft-overdue)?"><a href="/sessions/([0-9a-f-]+)/">')


def test_the_home_page_lists_every_draft_oldest_first_and_marks_the_overdue(as_user, therapist, front_desk):
    clients = [ClientFactory(first_name=f"Ada{n}", care_team=[therapist]) for n in range(3)]
    for client in clients:
        screened_intake(client, by=front_desk)
    now = timezone.now()
    old = h.draft_session(clients[0], therapist=therapist, started_at=now - timedelta(days=3))
    fresh = h.draft_session(clients[1], therapist=therapist, started_at=now - timedelta(hours=1))
    signed = h.draft_session(clients[2], therapist=therapist, started_at=now - timedelta(days=5))
    services.sign_session(session=signed, by=therapist)
    colleague = therapist_user(username="colleague")
    clients[2].care_team.add(colleague)
    h.draft_session(clients[2], therapist=colleague, started_at=now - timedelta(days=2))

    page = as_user(therapist).get("/").content.decode()

    assert ROW.findall(page) == [(" draft-overdue", str(old.public_id)), ("", str(fresh.public_id))]
    assert "Your unsigned drafts" in page
    assert page.count("overdue: older than 24 hours") == 1


def test_the_front_desk_home_has_no_drafts_panel(as_user, front_desk):
    assert "Your unsigned drafts" not in as_user(front_desk).get("/").content.decode()
