"""The client history page: who may open it, what its timeline shows, its filters and pages, its cost, its audit."""

import re
import uuid
from datetime import datetime, timedelta
from html import escape, unescape

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from clinic.models import Client
from intake import services as intake_services
from intake.models import Complaint, Intake, Screening
from notes.history import pain_series
from notes.models import ComplaintPain, TreatmentSession
from tests import history_helpers as h
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db


def history_url(client, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"/clients/{client.public_id}/history/" + (f"?{query}" if query else "")


def timeline(response) -> list[tuple[str, str]]:
    """The timeline's events as (kind, text without tags), newest first."""
    html = response.content.decode().split('<ol class="list-group history-timeline">', 1)[1].split("</ol>", 1)[0]
    events = []
    for chunk in html.split('<li class="list-group-item history-')[1:]:
        kind, body = chunk.split('">', 1)
        events.append((kind, " ".join(unescape(re.sub(r"<[^>]+>", "", body)).split())))
    return events


def kinds(response) -> list[str]:
    return [kind for kind, _ in timeline(response)]


def local(day: str, hour=10) -> datetime:
    return timezone.make_aware(datetime.fromisoformat(day).replace(hour=hour))


@pytest.fixture
def course(care_client, therapist, front_desk):
    return h.full_course(care_client, therapist=therapist, desk=front_desk)


def quick_signed_sessions(client, *, therapist, count, first_day="2025-01-01"):
    """Signed sessions, one a day from `first_day`, saved row by row (the services take far longer for hundreds)."""
    complaint = Complaint.objects.filter(intake__client=client).first()
    start = local(first_day)
    for n in range(count):
        started = start + timedelta(days=n)
        session = TreatmentSession(
            client=client, therapist=therapist, intake=complaint.intake, started_at=started, subjective=f"Visit {n}"
        )
        session.save()
        ComplaintPain(session=session, complaint=complaint, before=6, after=4).save()
        session.status = TreatmentSession.Status.SIGNED
        session.ended_at = started + timedelta(hours=1)
        session.signed_at = session.ended_at
        session.save()


# -- Who may open it ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("clinic_admin", 200),
        ("therapist", 200),
        ("outsider_therapist", 404),
        ("front_desk", 403),
        ("no_role_user", 403),
    ],
)
def test_history_is_open_to_admins_and_the_care_team_only(request, as_user, care_client, role, status):
    response = as_user(request.getfixturevalue(role)).get(history_url(care_client))

    assert response.status_code == status


def test_anonymous_visitor_is_sent_to_sign_in(client, care_client):
    response = client.get(history_url(care_client))

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/?next=")


def test_unknown_client_answers_404(as_user, clinic_admin):
    response = as_user(clinic_admin).get(history_url(ClientFactory.build()))

    assert response.status_code == 404


def test_refused_viewers_leave_no_access_entry(as_user, outsider_therapist, front_desk, care_client):
    as_user(outsider_therapist).get(history_url(care_client))
    as_user(front_desk).get(history_url(care_client))

    assert not LogEntry.objects.filter(action=LogEntry.Action.ACCESS).exists()


# -- What the timeline shows -------------------------------------------------------------------------------------


def test_the_timeline_shows_every_kind_of_record(as_user, therapist, care_client, course):
    response = as_user(therapist).get(history_url(care_client))

    assert response.status_code == 200
    assert sorted(kinds(response)) == sorted(
        ["intake", "clearance", "consent", "consent", "withdrawal", "session", "session", "session"]
    )


def test_an_intake_shows_its_screening_reasons(as_user, therapist, care_client, course):
    response = as_user(therapist).get(history_url(care_client))

    (intake,) = [text for kind, text in timeline(response) if kind == "intake"]
    assert h.NIGHT_PAIN in intake
    assert "refer" in intake


def test_an_intake_row_shows_its_latest_screening_and_a_never_screened_one_shows_plainly(
    as_user, therapist, front_desk, care_client, course
):
    intake = care_client.intakes.get()
    rescreened = Screening.objects.filter(intake=intake).first()
    rescreened.pk, rescreened.public_id, rescreened.refer, rescreened.score = None, uuid.uuid4(), False, 7
    rescreened.reasons = [{"rule": "consider.test", "text": "Hip flexion <pinches>", "source": "Re-screen"}]
    rescreened.save()  # the latest screening of that intake now
    unscreened = Intake.objects.create(client=care_client, taken_by=front_desk)  # not through the app's service

    events = timeline(as_user(therapist).get(history_url(care_client)))

    rows = [text for kind, text in events if kind == "intake"]
    (screened,) = [row for row in rows if "points of" in row]
    assert "7 points of 4" in screened and "Hip flexion <pinches> — Re-screen" in screened
    assert " refer " not in f" {screened} " and h.NIGHT_PAIN not in screened
    assert [row for row in rows if row != screened] == [
        f"{timezone.localtime(unscreened.taken_at):%Y-%m-%d %H:%M} · Intake taken by {front_desk.display_name}"
    ]


def test_consents_given_and_withdrawn_are_both_shown(as_user, therapist, care_client, course):
    events = timeline(as_user(therapist).get(history_url(care_client)))

    given = [text for kind, text in events if kind == "consent"]
    (withdrawn,) = [text for kind, text in events if kind == "withdrawal"]
    assert any("Sensitive areas (abdomen, hip, gluteal, chest) consent signed" in text for text in given)
    assert any("General treatment consent signed" in text for text in given)
    assert "General treatment consent withdrawn: Moving abroad" in withdrawn


def test_signed_sessions_show_therapist_abdominal_work_pain_status_and_addenda(as_user, therapist, care_client, course):
    response = as_user(therapist).get(history_url(care_client))

    sessions = [text.split(" · ") for kind, text in timeline(response) if kind == "session"]
    signed_pains, plain_pains = (
        "Low back 6 → 3 (-3 immediately after treatment)",
        "Low back 4 → 4 (+0 immediately after treatment)",
    )
    (signed,) = [parts for parts in sessions if signed_pains in parts]
    (plain,) = [parts for parts in sessions if plain_pains in parts]
    assert signed[1:] == ["Session", therapist.display_name, "abdominal work", signed_pains, "signed", "1 addendum"]
    assert plain[1:] == ["Session", therapist.display_name, "no abdominal work", plain_pains, "signed"]


def test_each_session_row_links_to_that_session(as_user, therapist, care_client, course):
    page = as_user(therapist).get(history_url(care_client)).content.decode()

    sessions = TreatmentSession.objects.filter(client=care_client)
    links = re.findall(r'<li class="list-group-item history-session">.*?<a href="([^"]+)">Session</a>', page, re.S)
    assert sorted(links) == sorted(session.get_absolute_url() for session in sessions) and len(links) >= 3


def test_the_client_page_lists_the_ten_latest_sessions_newest_first(as_user, therapist, care_client, course):
    h.bulk_signed_sessions(care_client, therapist=therapist, intakes=list(care_client.intakes.all()), count=12)
    page = as_user(therapist).get(care_client.get_absolute_url()).content.decode()

    listed = page.split('id="sessions-heading"')[1].split("</section>")[0]
    latest = TreatmentSession.objects.filter(client=care_client).order_by("-started_at", "-id")[:10]
    shown = re.findall(
        r'<a href="([^"]+)">(\d{4}-\d\d-\d\d \d\d:\d\d)</a> · ([^<]+) · <span class="badge[^"]*">(\w+)', listed
    )
    assert shown == [
        (
            s.get_absolute_url(),
            timezone.localtime(s.started_at).strftime("%Y-%m-%d %H:%M"),
            s.therapist.display_name,
            s.status,
        )
        for s in latest
    ]
    assert TreatmentSession.objects.filter(client=care_client).count() > 10


def test_a_draft_session_is_marked_draft_with_no_abdominal_work_and_unknown_after_pain(
    as_user, therapist, care_client, course
):
    response = as_user(therapist).get(history_url(care_client))

    sessions = [text.split(" · ") for kind, text in timeline(response) if kind == "session"]
    (draft,) = [parts for parts in sessions if "draft" in parts]
    assert draft[1:] == ["Session", therapist.display_name, "no abdominal work", "Low back 5 → ?", "draft"]


def test_a_clearance_shows_the_physician_and_what_was_cleared(as_user, therapist, care_client, course):
    events = timeline(as_user(therapist).get(history_url(care_client)))

    (clearance,) = [text for kind, text in events if kind == "clearance"]
    assert "Dr. Okafor" in clearance
    assert "Cleared for soft-tissue work" in clearance


def test_the_page_shows_the_pain_chart_and_outcomes(as_user, therapist, care_client, course):
    response = as_user(therapist).get(history_url(care_client))

    assert b'class="chart pain-trend"' in response.content
    assert b'data-kind="after"' in response.content
    assert escape(care_client.display_name).encode() in response.content
    assert b'class="table table-sm outcomes table-stack"' in response.content


# -- Outcomes: visits compared, not the minutes after treatment ---------------------------------------------------


def outcome_rows(response) -> list[list[str]]:
    """The outcomes table's rows, each as its cells' text."""
    html = (
        response.content.decode()
        .split('<table class="table table-sm outcomes table-stack">', 1)[1]
        .split("</table>", 1)[0]
    )
    body = html.split("<tbody>", 1)[1]
    return [
        [
            " ".join(unescape(re.sub(r"<[^>]+>", "", cell)).split())
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        ]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


def day(moment) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d}"


def test_a_client_who_comes_in_at_6_and_leaves_at_2_every_week_shows_no_change(
    as_user, therapist, front_desk, care_client
):
    sessions = h.weekly_course(care_client, therapist=therapist, desk=front_desk, weeks=4, before=6, after=2)
    intake = care_client.intakes.get()

    response = as_user(therapist).get(history_url(care_client))

    assert outcome_rows(response) == [
        [
            "Low back (middle)",
            f"6 {day(intake.taken_at)}",
            f"6 {day(sessions[-1].started_at)}",
            "+0 (0%)",
            "not yet",
            "4",
        ]
    ]
    page = response.content.decode()
    assert "<th>Baseline</th><th>Current</th>" in page and "<th>First</th>" not in page
    rows = [text for kind, text in timeline(response) if kind == "session"]
    assert len(rows) == 4
    assert all("Low back 6 → 2 (-4 immediately after treatment)" in row for row in rows)


def test_a_series_of_6_4_3_before_treatment_reaches_the_mcid(as_user, therapist, front_desk, care_client, settings):
    settings.PAIN_MCID_RULE = "both"
    h.weekly_course(care_client, therapist=therapist, desk=front_desk, weeks=3, before=[6, 4, 3], after=[3, 2, 1])

    ((_label, baseline, current, change, meaningful, sessions),) = outcome_rows(
        as_user(therapist).get(history_url(care_client))
    )

    assert (baseline[:1], current[:1], change, meaningful, sessions) == ("6", "3", "-3 (-50%)", "yes", "3")


def test_an_intake_and_a_session_the_same_day_have_no_later_visit_yet(as_user, therapist, front_desk, care_client):
    h.take_intake(care_client, by=front_desk)
    h.signed_session(care_client, therapist=therapist, before=5, after=1)

    ((_label, baseline, current, change, meaningful, _sessions),) = outcome_rows(
        as_user(therapist).get(history_url(care_client))
    )

    assert (baseline[:1], current, change, meaningful) == ("6", "no later visit yet", "—", "—")


def test_a_later_intake_rating_the_same_complaint_is_its_current_rating(as_user, therapist, front_desk, care_client):
    now = timezone.now()
    h.take_intake(
        care_client, by=front_desk, complaints=[{**h.LOW_BACK, "pain_now": 8}], taken_at=now - timedelta(days=30)
    )
    h.take_intake(
        care_client, by=front_desk, complaints=[{**h.LOW_BACK, "pain_now": 4}], taken_at=now - timedelta(days=2)
    )

    ((label, baseline, current, change, meaningful, sessions),) = outcome_rows(
        as_user(therapist).get(history_url(care_client))
    )

    assert (label, baseline[:1], current[:1], change, meaningful, sessions) == (
        "Low back (middle)",
        "8",
        "4",
        "-4 (-50%)",
        "yes",
        "0",
    )


def test_a_rating_late_in_the_clinics_evening_is_the_same_day_though_utc_has_moved_on(
    therapist, front_desk, care_client, settings
):
    settings.TIME_ZONE = "America/Toronto"
    toronto = timezone.get_default_timezone()
    intake = h.take_intake(care_client, by=front_desk, taken_at=datetime(2026, 12, 3, 9, 0, tzinfo=toronto))
    evening = datetime(2026, 12, 3, 23, 30, tzinfo=toronto)  # 04:30 on 4 December in UTC
    h.signed_session(care_client, therapist=therapist, before=3, after=1, started_at=evening)

    (in_toronto,) = pain_series(care_client)[1].values()
    settings.TIME_ZONE = "UTC"  # a clinic whose day had turned by then
    (in_utc,) = pain_series(care_client)[1].values()

    assert (in_toronto.baseline, in_toronto.current) == (6, None)
    assert (in_utc.baseline, in_utc.current, in_utc.change) == (6, 3, -3)
    assert intake.taken_at < evening


# -- Filters -----------------------------------------------------------------------------------------------------


def test_filtering_by_kind_shows_only_sessions(as_user, therapist, care_client, course):
    response = as_user(therapist).get(history_url(care_client, kind="session"))

    assert kinds(response) == ["session", "session", "session"]


def test_filtering_by_several_kinds(as_user, therapist, care_client, course):
    response = as_user(therapist).get(history_url(care_client) + "?kind=consent&kind=withdrawal")

    assert sorted(kinds(response)) == ["consent", "consent", "withdrawal"]


def test_filtering_by_date_range_keeps_both_end_days(as_user, therapist, care_client):
    h.take_intake(care_client, by=therapist)
    quick_signed_sessions(care_client, therapist=therapist, count=10, first_day="2026-01-01")

    response = as_user(therapist).get(history_url(care_client, start="2026-01-03", end="2026-01-05", kind="session"))

    assert len(timeline(response)) == 3
    assert [text.split(" · ")[0] for _, text in timeline(response)] == [
        "2026-01-05 10:00",
        "2026-01-04 10:00",
        "2026-01-03 10:00",
    ]


def test_a_range_with_nothing_in_it_says_so(as_user, therapist, care_client, course):
    response = as_user(therapist).get(history_url(care_client, start="2001-01-01", end="2001-01-31"))

    assert timeline(response) == []
    assert b"Nothing recorded for these filters." in response.content


@pytest.mark.parametrize(
    "query",
    ["start=yesterday", "end=2026-13-45", "start=2026-02-30&end=x", "kind=nonsense", "page=abc", "page=999", "page=-1"],
)
def test_bad_filters_do_not_break_the_page(as_user, therapist, care_client, course, query):
    response = as_user(therapist).get(history_url(care_client) + "?" + query)

    assert response.status_code == 200
    assert len(timeline(response)) == 8


@pytest.mark.parametrize("query", ["kind=nonsense", "kind=session&kind=bogus", "start=yesterday", "end=2026-13-45"])
def test_a_filter_that_was_not_applied_says_so_and_why(as_user, therapist, care_client, course, query):
    response = as_user(therapist).get(history_url(care_client) + "?" + query)
    page = response.content.decode()

    assert len(timeline(response)) == 8  # every event, and the page says so
    assert "The filter was not applied: every event is shown." in page
    assert "Select a valid choice." in page or "Enter a valid date." in page


def test_a_start_after_the_end_is_explained(as_user, therapist, care_client, course):
    response = as_user(therapist).get(history_url(care_client, start="2026-03-01", end="2026-02-01"))

    assert response.status_code == 200
    assert b"The start date is after the end date." in response.content


# -- Pages and their cost ----------------------------------------------------------------------------------------


def test_the_timeline_shows_twenty_five_events_a_page(as_user, therapist, care_client):
    h.take_intake(care_client, by=therapist, taken_at=local("2024-12-01"))
    quick_signed_sessions(care_client, therapist=therapist, count=30)
    browser = as_user(therapist)

    first = browser.get(history_url(care_client))
    second = browser.get(history_url(care_client, page=2))

    assert len(timeline(first)) == 25
    assert kinds(second) == ["session"] * 5 + ["intake"]
    assert b"Page 1 of 2" in first.content
    assert b"Page 2 of 2" in second.content


def test_pages_keep_the_filters_in_their_links(as_user, therapist, care_client):
    h.take_intake(care_client, by=therapist)
    quick_signed_sessions(care_client, therapist=therapist, count=30)

    response = as_user(therapist).get(history_url(care_client, kind="session"))

    assert b'href="?kind=session&amp;page=2"' in response.content


def queries_for_history(browser, client) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = browser.get(history_url(client))
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("role", ["therapist", "clinic_admin"])
def test_history_costs_the_same_queries_for_3_and_300_sessions(request, as_user, therapist, role):
    small, large = (ClientFactory(care_team=[therapist]) for _ in range(2))
    for client, count in ((small, 3), (large, 300)):
        # Sessions in the past, the intake now: page one holds the same kinds of record for both.
        h.take_intake(client, by=therapist)
        quick_signed_sessions(client, therapist=therapist, count=count)
    browser = as_user(request.getfixturevalue(role))
    browser.get(history_url(small))  # warm the content-type and session caches

    small_queries = queries_for_history(browser, small)
    large_queries = queries_for_history(browser, large)

    assert TreatmentSession.objects.for_client(large).count() == 300
    assert small_queries == large_queries


# -- Audit -------------------------------------------------------------------------------------------------------


def test_admins_see_who_saw_what(as_user, clinic_admin, therapist, care_client, course):
    as_user(therapist).get(history_url(care_client))

    response = as_user(clinic_admin).get(history_url(care_client))

    assert b"Who saw what" in response.content
    assert f"?client={care_client.public_id}".encode() in response.content
    assert escape(therapist.display_name).encode() in response.content.split(b"Who saw what", 1)[1]


def test_therapists_do_not_see_who_saw_what(as_user, therapist, care_client, course):
    response = as_user(therapist).get(history_url(care_client))

    assert b"Who saw what" not in response.content
    assert b"full audit trail" not in response.content


def test_viewing_the_history_writes_an_access_entry(as_user, therapist, care_client):
    as_user(therapist).get(history_url(care_client), REMOTE_ADDR="10.0.0.21")

    entry = LogEntry.objects.get(action=LogEntry.Action.ACCESS)
    assert entry.actor == therapist
    assert entry.content_type == ContentType.objects.get_for_model(Client)
    assert entry.object_pk == str(care_client.pk)
    assert entry.additional_data["client"] == str(care_client.public_id)
    assert entry.remote_addr == "10.0.0.21"


def test_each_view_is_its_own_access_entry(as_user, clinic_admin, care_client):
    browser = as_user(clinic_admin)

    browser.get(history_url(care_client))
    browser.get(history_url(care_client, page=2))

    assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS, actor=clinic_admin).count() == 2


@pytest.mark.parametrize("page", ["2", "3", "999", str(10**12), str(10**30), "-4", "0"])
def test_any_page_number_shows_a_page_never_an_error(as_user, course, care_client, therapist, page):
    """The page number comes from the address: however large, it shows a page (past the end, the last one)."""
    quick_signed_sessions(care_client, therapist=therapist, count=30)
    response = as_user(therapist).get(history_url(care_client, page=page))

    assert response.status_code == 200
    expected = 1 if page in ("-4", "0") else 2
    assert f"Page {expected} of 2" in response.content.decode()


def test_a_signed_session_is_listed_as_its_note_was_signed_whatever_changed_since(
    as_user, therapist, front_desk, care_client
):
    """A complaint re-charted (low back to knee) and the therapist's name changed after a session was signed: the
    history's row, the client page's list and the next session's "previous visit" name the session as its signed
    note does; a draft started since shows today's."""
    intake = h.take_intake(care_client, by=front_desk)
    h.signed_session(care_client, therapist=therapist, before=6, after=3, started_at=local("2026-11-02"))
    signed_by = therapist.display_name
    intake_services.update_intake(
        intake=intake,
        by=front_desk,
        complaints=[{"complaint": h.first_complaint(intake).pk, "region": "knee", "side": "left", "pain_now": 4}],
    )
    therapist.first_name, therapist.last_name = "Theodora", "Renamed"
    therapist.save()
    h.draft_session(care_client, therapist=therapist, before=4)
    browser = as_user(therapist)

    rows = [
        text.split(" · ")[1:] for kind, text in timeline(browser.get(history_url(care_client))) if kind == "session"
    ]
    assert rows == [
        ["Session", "Theodora Renamed", "no abdominal work", "Knee 4 → ?", "draft"],
        ["Session", signed_by, "no abdominal work", "Low back 6 → 3 (-3 immediately after treatment)", "signed"],
    ]
    listed = browser.get(care_client.get_absolute_url()).content.decode().split('id="sessions-heading"')[1]
    names = re.findall(r"</a> · ([^<]+) · <span class=\"badge", listed.split("</section>")[0])
    assert names == ["Theodora Renamed", signed_by] and signed_by != "Theodora Renamed"
    new_session = browser.get(f"/clients/{care_client.public_id}/sessions/new/").content.decode()
    assert f"2026-11-02, {escape(signed_by)}" in new_session
