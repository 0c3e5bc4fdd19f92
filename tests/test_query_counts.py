"""SQL queries per page, at two data sizes: a page's count must not grow with the data, and stays within
MAX_QUERIES.

Two worlds are built, one after the other, each inside a transaction that is rolled back: "small" holds one record
of each kind (so both sizes take the same branches in views and templates), "large" holds many of each. Every page
is requested in both, as the role that uses it, each request in a savepoint of its own so pages do not see each
other's writes (audit entries, session rows). The worlds are built and measured once for the module (building the
large one through the services for every page would take minutes); the tests then read the measurements.

Counts include the SAVEPOINT / RELEASE of a request that writes (clinic/transactions.py), which stand for the
BEGIN / COMMIT it costs in production; a page that only reads runs without a transaction. Each page is requested
once before it is measured (the PDF: the FHIR export, which is cheaper), so the session row's once-a-minute refresh
(clinic/session_activity.py) and process-wide caches (content types) are not counted. A failing page's message
lists the statements that repeat or grow, then every statement at the large size. The worlds are built by
tests/query_count_world.py.
"""

import re
import traceback
import uuid
from collections import Counter
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import timedelta
from unittest import mock

import pytest
from auditlog.models import LogEntry
from django.db import connection, transaction
from django.test import Client as Browser
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from notes import export_jobs
from notes.models import RecordDisposal, RecordExport
from tests import history_helpers as h
from tests.query_count_world import SEARCHED_NAME, SIZES, World, build_world, census

# 15 until the history page and the exports read the client's questionnaires (one query); 16 until the exports read
# the client's word at each visit on each sensitive area (one query)
MAX_QUERIES = 17

# -- The pages ---------------------------------------------------------------------------------------------------


# Long records' PDFs queued in the database, where no worker takes them during the test.
QUEUED = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@dataclass(frozen=True)
class Page:
    label: str
    view_name: str
    role: str | None  # None: signed out
    url: object  # (world, browser) -> the address to measure; may POST first (a search, a hand-over)
    # The request made before the measured one, when not the page itself (the PDF takes seconds to lay out).
    warm_up: object = None
    # Replace WeasyPrint (HTML parsing and layout, in one process or in parts: CPU only, no SQL) with a stub; the
    # page's template is still rendered for real. At the large size WeasyPrint takes 10-40 s on these machines, and
    # what this file measures is SQL; tests/test_exports.py checks the real PDF.
    stub_pdf_layout: bool = False
    # Settings for this page's requests (the PDF's inline limit).
    overrides: tuple = ()
    status: int = 200


def posted_then_redirected(path, data):
    """A page reached by POSTing a form that redirects (the search text stays in the session, out of the URL)."""

    def url(world, browser):
        response = browser.post(path, data)
        assert response.status_code == 302, (path, response.status_code)
        return response["Location"]

    return url


def handover_page(world, browser):
    browser.post(f"/clients/{world.client.public_id}/consents/handover/", {"kind": "abdominal"})
    return "/handover/"


def audit_filtered(world, browser):
    day = timezone.localdate().isoformat()
    return (
        f"/audit/?client={world.client.public_id}&user={world.users['therapist'].pk}"
        f"&action={LogEntry.Action.ACCESS}&date_from={day}&date_to={day}"
    )


def disposal_page(world, browser):
    """A disposal request awaiting a second admin (made directly: the service refuses a record this recent)."""
    disposal = RecordDisposal.objects.create(
        client=world.client,
        reason="Retention period over",
        keep_until=timezone.localdate() - timedelta(days=1),
        requested_by=world.users["therapist"],
    )
    return f"/disposals/{disposal.public_id}/"


def two_factor_verify_page(world, browser):
    TOTPDevice.objects.create(user=world.users["admin"], name="Authenticator app", confirmed=True)
    return "/account/two-factor/verify/"


def prepared_export(world, browser):
    """A long record's PDF, asked for and rendered (by the worker's function) before the download is measured."""
    asked = browser.get(f"/clients/{world.client.public_id}/export.pdf")
    assert asked.status_code == 302, asked.status_code
    export_jobs.render_export(RecordExport.objects.get(public_id=asked["Location"].split("/")[2]).pk)
    return asked["Location"]


def client_form_page(world, browser):
    """The public form on the client's phone, through a link made as the front desk makes one (signed out here)."""
    from intake import client_form_services

    _link, token = client_form_services.create_link(client=world.client, by=world.users["desk"])
    return f"/f/{token}/"


def areas_handover_page(world, browser):
    browser.post(f"/sessions/{world.draft.public_id}/areas/handover/")
    return "/areas/handover/"


def forms_handover_page(world, browser):
    browser.post(f"/clients/{world.client.public_id}/forms/handover/")
    return "/handover/forms/"


def planned_client_export(world, browser):
    """The PDF of a client with a treatment plan in two versions (the plan is read only for a client who has one)."""
    for goals in ("Walk 30 minutes without hip pain", "Walk an hour without hip pain"):
        h.write_plan(world.client, by=world.users["therapist"], goals=goals)
    return f"/clients/{world.client.public_id}/export.pdf"


def client_url(suffix=""):
    return lambda w, b: f"/clients/{w.client.public_id}/{suffix}"


PAGES = [
    Page("sign-in", "login", None, lambda w, b: "/accounts/login/"),
    Page("sign-out confirmation", "logout", "desk", lambda w, b: "/accounts/logout/"),
    Page("home, front desk", "clinic:home", "desk", lambda w, b: "/"),
    Page("home, therapist", "clinic:home", "therapist", lambda w, b: "/"),
    Page("home, clinic admin", "clinic:home", "admin", lambda w, b: "/"),
    Page("client list", "clinic:client-list", "desk", lambda w, b: "/clients/"),
    Page("client list by flag", "clinic:client-list", "therapist", lambda w, b: "/clients/?flag=refer"),
    Page("client search", "clinic:client-list", "desk", posted_then_redirected("/clients/", {"q": SEARCHED_NAME})),
    Page("client list CSV", "clinic:client-list-csv", "admin", lambda w, b: "/clients/export.csv"),
    Page("client new", "clinic:client-create", "desk", lambda w, b: "/clients/new/"),
    Page("client detail, front desk", "clinic:client-detail", "desk", client_url()),
    Page("client detail, therapist", "clinic:client-detail", "therapist", client_url()),
    Page("client detail, clinic admin", "clinic:client-detail", "admin", client_url()),
    Page("client edit", "clinic:client-edit", "admin", client_url("edit/")),
    Page("emergency access", "clinic:client-emergency-access", "outsider", client_url("emergency-access/")),
    Page("two-factor overview", "clinic:two-factor", "admin", lambda w, b: "/account/two-factor/"),
    Page("two-factor enrol", "clinic:two-factor-enrol", "admin", lambda w, b: "/account/two-factor/enrol/"),
    Page("two-factor verify", "clinic:two-factor-verify", "admin", two_factor_verify_page),
    Page("audit log", "clinic:audit-log", "admin", lambda w, b: "/audit/"),
    Page("audit log filtered", "clinic:audit-log", "admin", audit_filtered),
    Page(
        "audit log by client name", "clinic:audit-log", "admin", posted_then_redirected("/audit/", {"client": "Chen"})
    ),
    Page("intake new", "intake:intake-new", "desk", client_url("intakes/new/")),
    Page("intake detail, front desk", "intake:intake-detail", "desk", lambda w, b: f"/intakes/{w.intake.public_id}/"),
    Page(
        "intake detail, therapist", "intake:intake-detail", "therapist", lambda w, b: f"/intakes/{w.intake.public_id}/"
    ),
    Page("intake edit", "intake:intake-edit", "desk", lambda w, b: f"/intakes/{w.intake.public_id}/edit/"),
    Page(
        "health check",
        "intake:health-check-new",
        "desk",
        lambda w, b: f"/clients/{w.client.public_id}/health-check/",
    ),
    Page(
        "clearance new",
        "intake:clearance-new",
        "therapist",
        lambda w, b: f"/intakes/{w.intake.public_id}/clearances/new/",
    ),
    Page(
        "judgement new",
        "intake:judgement-new",
        "therapist",
        lambda w, b: f"/screenings/{w.intake.screenings.order_by('-screened_at', '-id').first().public_id}/judgement/",
    ),
    Page(
        "clearance letter",
        "intake:clearance-letter",
        "therapist",
        lambda w, b: f"/clearances/{w.clearance.public_id}/letter/",
    ),
    Page("client forms link", "intake:link-new", "desk", client_url("forms/link/")),
    Page("client form, on the client's phone", "intake:client-form", None, client_form_page),
    Page("client form sent", "intake:client-form-sent", None, lambda w, b: "/f/sent/"),
    Page("client forms hand-over", "intake:forms-handover", "desk", forms_handover_page),
    Page(
        "client forms review",
        "intake:submission-review",
        "desk",
        lambda w, b: f"/submissions/{w.submission.public_id}/",
    ),
    Page("questionnaires", "intake:questionnaire-new", "desk", client_url("questionnaires/new/")),
    Page(
        "questionnaire form", "intake:questionnaire-new", "therapist", client_url("questionnaires/new/?instrument=psfs")
    ),
    Page(
        "questionnaire detail",
        "intake:questionnaire-detail",
        "therapist",
        lambda w, b: f"/questionnaires/{w.questionnaire.public_id}/",
    ),
    Page("consent new", "notes:consent-new", "desk", client_url("consents/new/")),
    Page("consent hand-over", "notes:handover", "desk", handover_page),
    Page("areas hand-over", "notes:areas-handover", "therapist", areas_handover_page),
    Page("consent detail", "notes:consent-detail", "desk", lambda w, b: f"/consents/{w.consent.public_id}/"),
    Page(
        "consent signature",
        "notes:consent-signature",
        "desk",
        lambda w, b: f"/consents/{w.consent.public_id}/signature.png",
    ),
    Page(
        "consent withdraw", "notes:consent-withdraw", "desk", lambda w, b: f"/consents/{w.consent.public_id}/withdraw/"
    ),
    Page("session new", "notes:session-new", "therapist", client_url("sessions/new/")),
    Page(
        "session detail, signed", "notes:session-detail", "therapist", lambda w, b: f"/sessions/{w.signed.public_id}/"
    ),
    Page("session detail, draft", "notes:session-detail", "therapist", lambda w, b: f"/sessions/{w.draft.public_id}/"),
    Page("session edit", "notes:session-edit", "therapist", lambda w, b: f"/sessions/{w.draft.public_id}/edit/"),
    Page("session sign", "notes:session-sign", "therapist", lambda w, b: f"/sessions/{w.draft.public_id}/sign/"),
    Page(
        "addendum new",
        "notes:addendum-new",
        "therapist",
        lambda w, b: f"/sessions/{w.signed.public_id}/addenda/new/",
    ),
    Page(
        "adverse effect new",
        "notes:adverse-effect-new",
        "therapist",
        lambda w, b: f"/sessions/{w.signed.public_id}/adverse-effects/new/",
    ),
    Page("treatment plan", "notes:treatment-plan", "therapist", client_url("plan/")),
    Page("disposal new", "notes:disposal-new", "admin", client_url("disposal/new/")),
    Page("disposal detail", "notes:disposal-detail", "admin", disposal_page),
    Page("history, therapist", "notes:client-history", "therapist", client_url("history/")),
    Page("history, clinic admin", "notes:client-history", "admin", client_url("history/")),
    Page(
        "export PDF, rendered at once",
        "notes:client-export-pdf",
        "therapist",
        lambda w, b: f"/clients/{w.client.public_id}/export.pdf",
        warm_up=lambda w, b: f"/clients/{w.client.public_id}/export.fhir.json",
        stub_pdf_layout=True,
        overrides=(("EXPORT_INLINE_MAX_SESSIONS", 10**6),),
    ),
    Page(
        "export PDF, client with a treatment plan",
        "notes:client-export-pdf",
        "therapist",
        planned_client_export,
        warm_up=lambda w, b: f"/clients/{w.client.public_id}/export.fhir.json",
        stub_pdf_layout=True,
        overrides=(("EXPORT_INLINE_MAX_SESSIONS", 10**6),),
    ),
    Page(
        "export PDF, asked for a long record",
        "notes:client-export-pdf",
        "therapist",
        lambda w, b: f"/clients/{w.client.public_id}/export.pdf",
        warm_up=lambda w, b: f"/clients/{w.client.public_id}/export.fhir.json",
        overrides=(("EXPORT_INLINE_MAX_SESSIONS", 0), ("TASKS", QUEUED)),
        status=302,
    ),
    Page(
        "export PDF, downloaded once prepared",
        "notes:record-export",
        "therapist",
        prepared_export,
        stub_pdf_layout=True,
        overrides=(("EXPORT_INLINE_MAX_SESSIONS", 0), ("TASKS", QUEUED)),
    ),
    Page(
        "export FHIR",
        "notes:client-export-fhir",
        "therapist",
        lambda w, b: f"/clients/{w.client.public_id}/export.fhir.json",
    ),
    Page(
        "export CSV",
        "notes:client-export-csv",
        "therapist",
        lambda w, b: f"/clients/{w.client.public_id}/export.csv.zip",
    ),
]

# Each page's exact count at both sizes (SQLite and PostgreSQL alike): a change shows here, with its statements.
EXPECTED_QUERIES = {
    "sign-in": 0,
    "sign-out confirmation": 2,
    "home, front desk": 4,  # 3 until it listed the forms clients sent, waiting for review (one query)
    "home, therapist": 7,  # 6 until it listed the therapist's clients whose reassessment is due (one query)
    "home, clinic admin": 10,  # 9 until its audit entries asked, as /audit/ does, whether the clinic requires 2FA
    "client list": 5,
    "client list by flag": 5,
    "client search": 4,
    "client list CSV": 6,
    "client new": 3,
    # 9 until it offered the therapists to add to the care team; 10 until it listed the forms the client sent
    "client detail, front desk": 11,
    # 11 until a client with no disposal asked for stopped looking for one; 10 until it showed the treatment plan;
    # 11 until it listed the forms the client sent (one query)
    "client detail, therapist": 12,
    # 10 until it offered the therapists to add to the care team (one query); 11 until it showed the treatment plan;
    # 12 until it listed the forms the client sent (one query)
    "client detail, clinic admin": 13,
    "client edit": 5,
    "emergency access": 4,
    "two-factor overview": 5,
    "two-factor enrol": 5,
    "two-factor verify": 3,
    "audit log": 7,
    "audit log filtered": 6,
    "audit log by client name": 8,
    "intake new": 3,
    "intake detail, front desk": 8,  # 9 until the clearances loaded for the page also answered the referral
    "intake detail, therapist": 9,  # 10 until the clearances loaded for the page also answered the referral
    "health check": 5,
    "intake edit": 5,
    "clearance new": 5,
    "clearance letter": 5,
    "judgement new": 5,
    "client forms link": 3,
    # the link; the address's failed attempts (django-ratelimit in the database cache: 6); the opening's audit
    # entry; the current consent text of each kind
    "client form, on the client's phone": 11,
    "client form sent": 0,
    "client forms hand-over": 7,
    "client forms review": 6,
    "questionnaires": 5,
    "questionnaire form": 4,
    "questionnaire detail": 5,
    "consent new": 6,  # 4 until it told the front desk, first, that the screening does not allow abdominal work
    "consent hand-over": 4,
    "areas hand-over": 7,
    "consent detail": 5,
    "consent signature": 4,
    "consent withdraw": 4,
    "session new": 12,  # 11 until it warned of a missing treatment consent and read the clearances' scope
    # 9 until it showed the areas treated and the adverse effects (one query each); 11 until it showed the client's
    # word on each sensitive area at the visit (one query)
    "session detail, signed": 12,
    # 12 until the gate asked for today's health check; 13 until it showed the areas treated and the adverse effects;
    # 15 until it showed the visit's word on each sensitive area (one query; the consents read once for the gate too)
    "session detail, draft": 16,
    "session edit": 6,  # 5 until the note recorded the areas treated (their rows, one query)
    # 11 until the gate asked for today's health check; 12 until it showed the areas treated and adverse effects; 14
    # until it showed the visit's word on each sensitive area (one query)
    "session sign": 15,
    "addendum new": 3,
    "adverse effect new": 4,
    "treatment plan": 4,
    "disposal new": 5,
    "disposal detail": 4,
    # the page's intakes read through their latest screenings (one QuerySet) and its sessions with their ratings
    # (two: no row built by hand); 14 until it showed the questionnaires' trends (one query)
    "history, therapist": 15,
    # 14 until its audit entries asked, as /audit/ does, whether the clinic requires the second factor; intakes and
    # sessions as for the therapist; 15 until it showed the questionnaires' trends (one query)
    "history, clinic admin": 16,
    # 15 still with each visit's health check (one query more), its retention from the client as loaded (one less),
    # and its stretches of abdominal work read through their feedback entries; 14 since the client's sessions are
    # counted in the query that loads the client, 15 with the questionnaires (one query), 16 with the areas agreed
    # at each visit (one query, read with the later records when any session holds some)
    "export PDF, rendered at once": 16,
    # the plan's versions are one query more, for a client who has a plan (known from the sessions' query)
    "export PDF, client with a treatment plan": 17,
    "export PDF, asked for a long record": 7,  # 8 until the sessions were counted with the client
    "export PDF, downloaded once prepared": 6,
    # 12 until it read the record as the PDF does (addenda, clearances, health checks, care team); 14 until it held
    # the questionnaires (one query); 16 with a Consent per area confirmed at a visit (one query)
    "export FHIR": 16,
    # One query a kind of record the client has (none for a kind they have none of), whatever the sessions' number
    # 14 until it held the questionnaires (one query), 15 until area_confirmations.csv (one query)
    "export CSV": 16,
}

# Named URL patterns that are not pages, each with why. Everything else must have a row in PAGES.
NOT_PAGES = {
    # POST-only actions (GET answers 405, checked below); their forms sit on pages measured above.
    "clinic:care-team-add": "POST only, from the client page",
    "clinic:client-archive": "POST only, from the client page",
    "clinic:client-restore": "POST only, from the client page",
    "intake:intake-assess": "POST only, from the intake page",
    "notes:handover-start": "POST only, from the consent page (measured through the hand-over page it opens)",
    "notes:areas-handover-start": "POST only, from the session page (measured through the hand-over page it opens)",
    "notes:areas-verbal": "POST only, from the session page",
    "intake:forms-handover-start": "POST only, from the forms link page (measured through the hand-over it opens)",
    "intake:submission-accept": "POST only, from the review page",
    "intake:submission-decline": "POST only, from the review page",
    "clinic:handover-exit": "POST only, from the hand-over page",
    "notes:session-abdominal": "POST only, from the session page",
    "notes:session-feedback": "POST only, from the session page",
    "notes:session-pulse": "POST only, from the session page",
    "notes:session-stretch": "POST only, from the session page",
    "notes:disposal-approve": "POST only, from the disposal page",
    "notes:disposal-cancel": "POST only, from the disposal page",
}
# Django's own admin: a maintenance tool for clinic admins, with Django's own list pages; not the app's pages.
NOT_PAGE_NAMESPACES = ("admin:",)


# -- Measuring ---------------------------------------------------------------------------------------------------


@dataclass
class Measurement:
    status: int | None = None
    queries: list = field(default_factory=list)
    error: str = ""


def fetch(browser, url):
    response = browser.get(url)
    if response.streaming:
        b"".join(response.streaming_content)  # a streamed body runs its queries as it is read
    return response


def measure(page: Page, world: World) -> Measurement:
    browser = Browser()
    if page.role is not None:
        browser.force_login(world.users[page.role])
    stub = mock.patch("notes.pdf_parts.write_pdf", return_value=b"%PDF-1.7 stub")
    layout = stub if page.stub_pdf_layout else nullcontext()
    try:
        with layout, override_settings(**dict(page.overrides)):
            url = page.url(world, browser)
            # Warm up: the session row's once-a-minute refresh, the content-type cache.
            fetch(browser, page.warm_up(world, browser) if page.warm_up else url)
            with CaptureQueriesContext(connection) as captured:
                response = fetch(browser, url)
    except Exception:  # noqa: BLE001 - reported by the page's test, not here, so every other page is still measured
        return Measurement(error=traceback.format_exc())
    return Measurement(response.status_code, [query["sql"] for query in captured.captured_queries])


def measure_all(world: World) -> dict:
    results = {}
    for page in PAGES:
        with transaction.atomic():
            results[page.label] = measure(page, world)
            transaction.set_rollback(True)
    return results


def get_statuses(world: World) -> dict:
    """What a GET of each POST-only endpoint answers, as a user allowed to POST to it."""
    pk = {"client": world.client.public_id, "intake": world.intake.public_id, "session": world.draft.public_id}
    urls = {
        "clinic:care-team-add": ("desk", f"/clients/{pk['client']}/care-team/"),
        "clinic:client-archive": ("admin", f"/clients/{pk['client']}/archive/"),
        "clinic:client-restore": ("admin", f"/clients/{pk['client']}/restore/"),
        "intake:intake-assess": ("therapist", f"/intakes/{pk['intake']}/assessment/"),
        "notes:handover-start": ("desk", f"/clients/{pk['client']}/consents/handover/"),
        "notes:areas-handover-start": ("therapist", f"/sessions/{pk['session']}/areas/handover/"),
        "notes:areas-verbal": ("therapist", f"/sessions/{pk['session']}/areas/verbal/"),
        "intake:forms-handover-start": ("desk", f"/clients/{pk['client']}/forms/handover/"),
        "intake:submission-accept": ("desk", f"/submissions/{uuid.uuid4()}/accept/"),
        "intake:submission-decline": ("desk", f"/submissions/{uuid.uuid4()}/decline/"),
        "clinic:handover-exit": ("desk", "/handover/exit/"),
        "notes:session-abdominal": ("therapist", f"/sessions/{pk['session']}/abdominal/"),
        "notes:session-feedback": ("therapist", f"/sessions/{pk['session']}/feedback/"),
        "notes:session-pulse": ("therapist", f"/sessions/{pk['session']}/pulse/"),
        "notes:session-stretch": ("therapist", f"/sessions/{pk['session']}/stretch/"),
        "notes:disposal-approve": ("admin", f"/disposals/{uuid.uuid4()}/approve/"),
        "notes:disposal-cancel": ("admin", f"/disposals/{uuid.uuid4()}/cancel/"),
    }
    statuses = {}
    for name, (role, url) in urls.items():
        with transaction.atomic():
            browser = Browser()
            browser.force_login(world.users[role])
            statuses[name] = browser.get(url).status_code
            transaction.set_rollback(True)
    return statuses


@pytest.fixture(scope="module")
def measured(django_db_setup, django_db_blocker):
    """Each world built in a transaction, every page measured in it, then all of it rolled back."""
    results = {}
    with django_db_blocker.unblock():
        for name, size in SIZES.items():
            with transaction.atomic():
                world = build_world(size)
                results[name] = measure_all(world)
                results[f"{name} census"] = census(world)
                if name == "small":
                    results["post_only"] = get_statuses(world)
                transaction.set_rollback(True)
    return results


# -- Reporting ---------------------------------------------------------------------------------------------------


def shape(sql: str) -> str:
    """The statement with its values taken out, so the same query for other rows counts as a repeat."""
    sql = re.sub(r"'(?:[^']|'')*'", "?", sql)
    sql = re.sub(r"\b\d+(\.\d+)?\b", "?", sql)
    sql = re.sub(r'"s\d+_x\d+"|s\w+_x\d+', "SP", sql)  # savepoint names
    sql = re.sub(r"\(\?(, \?)*\)", "(...)", sql)  # IN lists
    sql = re.sub(r'\(("\w+"\."\w+" = \?)( OR \1)+\)', r"\1", sql)  # an OR chain on one column
    return re.sub(r"(\([^()]*\))(, \1)+", r"\1", sql)  # the rows of a multi-row INSERT, tuples in an IN


def readable(sql: str) -> str:
    """The statement without its column list, short enough to read in a failure message."""
    if sql.startswith("SELECT "):
        depth = 0
        for at, char in enumerate(sql):
            depth += {"(": 1, ")": -1}.get(char, 0)
            if depth == 0 and sql.startswith(" FROM ", at):
                sql = "SELECT ..." + sql[at:]
                break
    return sql if len(sql) <= 400 else sql[:400] + " ..."


def explain(small: Measurement, large: Measurement, pinned: int) -> str:
    counts = {size: Counter(shape(sql) for sql in m.queries) for size, m in (("small", small), ("large", large))}
    lines = [
        f"queries: small {len(small.queries)}, large {len(large.queries)} (pinned {pinned}, at most {MAX_QUERIES})"
    ]
    repeated = [
        (sql, counts["small"][sql], counts["large"][sql])
        for sql in dict.fromkeys([*counts["large"], *counts["small"]])
        if counts["large"][sql] != counts["small"][sql] or counts["large"][sql] > 1
    ]
    if repeated:
        lines.append("statements that repeat or grow (times at small -> at large):")
        lines += [f"  {s} -> {g}: {readable(sql)}" for sql, s, g in repeated]
    lines.append("every statement at the large size:")
    lines += [f"  {n}. {readable(sql)}" for n, sql in enumerate(large.queries, 1)]
    return "\n".join(lines)


# -- Tests -------------------------------------------------------------------------------------------------------


# The mark makes pytest-django create the test database; the measurements happen in the module fixture.
@pytest.mark.django_db
@pytest.mark.parametrize("row", PAGES, ids=[row.label for row in PAGES])
def test_page_costs_the_same_bounded_queries_at_both_sizes(measured, row):
    small, large = measured["small"][row.label], measured["large"][row.label]
    assert not small.error, small.error
    assert not large.error, large.error
    assert (small.status, large.status) == (row.status, row.status)

    at_small, at_large, pinned = len(small.queries), len(large.queries), EXPECTED_QUERIES[row.label]
    assert at_large == at_small, explain(small, large, pinned)
    assert at_large <= MAX_QUERIES, explain(small, large, pinned)
    assert at_small == pinned, explain(small, large, pinned)
    assert at_large == pinned, explain(small, large, pinned)


@pytest.mark.django_db
@pytest.mark.parametrize("size", SIZES)
def test_each_world_holds_what_its_size_says(measured, size):
    wanted = SIZES[size]

    held = measured[f"{size} census"]

    assert held == {
        **{name: getattr(wanted, name) for name in held},
        "entries": (wanted.entries, wanted.entries),
    }


def named_patterns(resolver=None, prefix=""):
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            yield from named_patterns(pattern, f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield prefix + pattern.name


def test_every_page_row_has_an_exact_count():
    assert set(EXPECTED_QUERIES) == {row.label for row in PAGES}


def test_every_named_page_of_the_project_has_a_query_count_row():
    names = set(named_patterns())
    in_table = {page.view_name for page in PAGES}

    unmeasured = {n for n in names - in_table - NOT_PAGES.keys() if not n.startswith(NOT_PAGE_NAMESPACES)}

    assert not unmeasured, f"pages without a row in PAGES (or a reason in NOT_PAGES): {sorted(unmeasured)}"
    assert in_table | NOT_PAGES.keys() <= names, "rows or exclusions for URL names that no longer exist"


@pytest.mark.django_db
def test_what_is_left_out_as_post_only_refuses_get(measured):
    assert measured["post_only"] == dict.fromkeys(NOT_PAGES, 405)
