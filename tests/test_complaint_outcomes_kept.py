"""Each complaint's outcome is kept when a session is signed (notes.history.refresh_outcomes), so the history page
reads one row per complaint: what it keeps is what all the signed ratings say, whatever order sessions are signed
in, and drafts do not count."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from clinic.models import Client
from notes import services
from notes.history import PERIODS, _means_by_period, _means_in_database, complaints_with_outcome_data
from notes.models import ComplaintOutcome, ComplaintPain, TreatmentSession
from tests import history_helpers as h

pytestmark = pytest.mark.django_db

FIELDS = ("first_before", "first_at", "latest_before", "latest_before_at", "rated_sessions")


def from_every_rating(client) -> dict:
    """The outcomes worked out in Python from every signed rating (the export's way), by complaint id."""
    rated = [
        (p.complaint_id, p.session_id, p.session.started_at, p.session.ended_at, p.before, p.after)
        for p in ComplaintPain.objects.filter(session__client=client, session__status=TreatmentSession.Status.SIGNED)
        .exclude(before__isnull=True, after__isnull=True)
        .select_related("session")
        .order_by("session__started_at", "session_id")
    ]
    return {c.pk: tuple(getattr(c, f) for f in FIELDS) for c in complaints_with_outcome_data(client, rated=rated)}


def kept(client) -> dict:
    return {c.pk: tuple(getattr(c, f) for f in FIELDS) for c in complaints_with_outcome_data(client)}


def test_signing_an_older_draft_after_a_newer_session_keeps_the_course_in_time_order(
    therapist, front_desk, care_client
):
    h.take_intake(care_client, by=front_desk)
    now = timezone.now()
    older = h.draft_session(care_client, therapist=therapist, before=6, after=3, started_at=now - timedelta(days=14))
    newer = h.draft_session(care_client, therapist=therapist, before=5, after=2, started_at=now - timedelta(days=7))

    services.sign_session(session=newer, by=therapist)
    after_one = ComplaintOutcome.objects.get()
    (only_newer,) = kept(care_client).values()
    services.sign_session(session=older, by=therapist)
    (both,) = kept(care_client).values()

    assert (after_one.first_before, after_one.latest_before, after_one.rated) == (5, 5, 1)
    assert only_newer[0] == 5 and only_newer[4] == 1
    # First from the older session, latest from the newer: both ratings before treatment, never the 2 after it.
    assert (both[0], both[2], both[4]) == (6, 5, 2)
    assert (both[1], both[3]) == (older.started_at, newer.started_at)
    assert kept(care_client) == from_every_rating(care_client)


def test_a_draft_counts_only_once_signed(therapist, front_desk, care_client):
    h.take_intake(care_client, by=front_desk)
    draft = h.draft_session(care_client, therapist=therapist, before=7, after=4)

    before_signing = kept(care_client)
    services.sign_session(session=draft, by=therapist)

    assert [values[4] for values in before_signing.values()] == [0]
    assert [values[2] for values in kept(care_client).values()] == [7]  # before treatment, not the 4 after
    assert kept(care_client) == from_every_rating(care_client)


def test_a_session_rated_only_after_treatment_is_counted_but_never_the_latest_before(
    therapist, front_desk, care_client
):
    h.take_intake(care_client, by=front_desk)
    now = timezone.now()
    rated_before = h.signed_session(
        care_client, therapist=therapist, before=6, after=3, started_at=now - timedelta(days=7)
    )
    h.signed_session(care_client, therapist=therapist, before=None, after=1, started_at=now - timedelta(days=1))

    ((first_before, first_at, latest_before, latest_before_at, rated),) = kept(care_client).values()

    assert (first_before, latest_before, rated) == (6, 6, 2)
    assert first_at == latest_before_at == rated_before.started_at
    assert kept(care_client) == from_every_rating(care_client)


def test_a_complaint_never_rated_before_treatment_keeps_no_moment_either(therapist, front_desk, care_client):
    h.take_intake(care_client, by=front_desk)
    h.signed_session(care_client, therapist=therapist, before=None, after=2)

    assert list(kept(care_client).values()) == [(None, None, None, None, 1)]
    assert kept(care_client) == from_every_rating(care_client)


def test_a_long_course_keeps_what_every_rating_says(therapist, front_desk, care_client):
    groin = {"region": "anterior_hip_groin", "side": "right", "pain_now": 5}
    intakes = [h.take_intake(care_client, by=front_desk, complaints=[h.LOW_BACK, groin]) for _ in range(2)]
    h.bulk_signed_sessions(care_client, therapist=therapist, intakes=intakes, count=30)
    services.sign_session(session=h.draft_session(care_client, therapist=therapist, before=2, after=1), by=therapist)

    assert kept(care_client) == from_every_rating(care_client)
    assert sum(values[4] for values in kept(care_client).values()) == 30 * 2 + 2


def test_seed_load_keeps_the_outcomes_of_what_it_loads(settings):
    settings.DEBUG = True
    call_command("seed_load", clients=3, sessions_per_client=4, stdout=open("/dev/null", "w"))  # noqa: SIM115

    seeded = list(Client.objects.filter(intakes__isnull=False).distinct())
    assert len(seeded) == 3
    for client in seeded:
        assert kept(client) == from_every_rating(client)
        assert [values[4] for values in kept(client).values()] == [4]


def rated_rows(client) -> list[tuple]:
    """(complaint id, started, ended, before, after) of every signed rating, as the export passes them."""
    return [
        (p.complaint_id, p.session.started_at, p.session.ended_at, p.before, p.after)
        for p in ComplaintPain.objects.filter(session__client=client, session__status=TreatmentSession.Status.SIGNED)
        .exclude(before__isnull=True, after__isnull=True)
        .select_related("session")
        .order_by("session__started_at", "session_id")
    ]


@pytest.mark.parametrize("kind", [kind for kind, _length in PERIODS])
def test_the_kept_period_means_are_the_means_of_every_rating(therapist, front_desk, care_client, kind):
    groin = {"region": "anterior_hip_groin", "side": "right", "pain_now": 5}
    intakes = [h.take_intake(care_client, by=front_desk, complaints=[h.LOW_BACK, groin]) for _ in range(2)]
    h.bulk_signed_sessions(care_client, therapist=therapist, intakes=intakes, count=70)
    late = h.draft_session(care_client, therapist=therapist, before=9, after=None)
    services.sign_session(session=late, by=therapist)  # a rating before and none after
    h.draft_session(care_client, therapist=therapist, before=1, after=1)  # a draft: not counted

    kept_means = sorted(_means_in_database(care_client, kind))
    expected = sorted(_means_by_period(rated_rows(care_client), kind))

    assert [(c, at) for c, at, _b, _a in kept_means] == [(c, at) for c, at, _b, _a in expected]
    for (_c, _at, before, after), (_c2, _at2, want_before, want_after) in zip(kept_means, expected, strict=True):
        assert before == pytest.approx(want_before) and (after == want_after or after == pytest.approx(want_after))
    assert len(kept_means) > 2


def test_a_client_with_a_long_course_gets_a_chart_of_period_means(as_user, therapist, front_desk, care_client):
    intakes = [h.take_intake(care_client, by=front_desk)]
    h.bulk_signed_sessions(care_client, therapist=therapist, intakes=intakes, count=70)

    page = as_user(therapist).get(f"/clients/{care_client.public_id}/history/").content.decode()

    assert 'class="table table-sm outcomes table-stack"' in page and "<svg" in page
    assert len(_means_in_database(care_client, "month")) >= 16
