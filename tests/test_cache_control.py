"""Pages with client data are never kept by the browser or a proxy: every response but static files carries
`Cache-Control: no-store` and `Pragma: no-cache` (clinic.request_guard.NoStoreMiddleware)."""

import pytest
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.http import parse_http_date

from tests import history_helpers as h

pytestmark = pytest.mark.django_db

GROIN = {"region": "anterior_hip_groin", "side": "right", "pain_now": 6}


def assert_not_stored(response):
    assert "no-store" in response["Cache-Control"], response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    assert response["Pragma"] == "no-cache"


@pytest.fixture
def record(settings, tmp_path, care_client, therapist, front_desk):
    settings.MEDIA_ROOT = tmp_path
    intake = h.take_intake(care_client, by=front_desk, complaints=[GROIN], red_flags={"night_pain_unrelieved": True})
    clearance = h.clear(
        intake,
        by=therapist,
        cleared_on=timezone.localdate(intake.taken_at),
        what="Night pain",
        letter=b"%PDF-1.4\n%%EOF\n",
    )
    consent = h.give_consent(care_client, by=front_desk)
    session = h.signed_session(care_client, therapist=therapist, abdominal=True)
    return {"intake": intake, "clearance": clearance, "consent": consent, "session": session}


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/clients/",
        "/clients/{client}/",
        "/clients/{client}/edit/",
        "/clients/{client}/history/",
        "/clients/{client}/export.pdf",
        "/clients/{client}/export.fhir.json",
        "/clients/{client}/export.csv.zip",
        "/clients/export.csv",
        "/intakes/{intake}/",
        "/clearances/{clearance}/letter/",
        "/consents/{consent}/",
        "/sessions/{session}/",
        "/audit/",
        "/admin/clinic/client/",
        "/clients/{missing}/",
    ],
)
def test_every_page_with_client_data_says_no_store(as_user, therapist, clinic_admin, care_client, record, url):
    clinic_admin.groups.add(*therapist.groups.all())
    care_client.care_team.add(clinic_admin)
    url = url.format(
        client=care_client.public_id,
        intake=record["intake"].public_id,
        clearance=record["clearance"].public_id,
        consent=record["consent"].public_id,
        session=record["session"].public_id,
        missing="00000000-0000-0000-0000-000000000000",
    )

    response = as_user(clinic_admin).get(url)

    assert response.status_code in (200, 404)
    assert_not_stored(response)


def test_fragments_redirects_and_refusals_say_no_store_too(as_user, front_desk, care_client):
    desk = as_user(front_desk)

    responses = [
        desk.post("/clients/", {"q": care_client.last_name}),  # the redirect to the results
        desk.get(f"/clients/{care_client.public_id}/history/"),  # 403 for the front desk
        desk.post("/clients/new/", {"first_name": "x" * 3_000_000}),  # 400
    ]

    assert [r.status_code for r in responses] == [302, 403, 400]
    for response in responses:
        assert_not_stored(response)


def test_the_sign_in_page_says_no_store(client):
    assert_not_stored(client.get("/accounts/login/"))


def test_static_files_may_be_cached(client):
    response = client.get("/static/bootstrap/css/bootstrap.min.css")

    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def test_the_headers_are_the_ones_django_never_cache_writes(as_user, therapist, client):
    expected = HttpResponse()
    add_never_cache_headers(expected)

    page = as_user(therapist).get("/")  # a view that sets no caching header of its own
    sign_in = client.get("/accounts/login/")  # Django's never_cache view: its header is merged, not repeated

    for response in (page, sign_in):
        assert response["Cache-Control"] == expected["Cache-Control"], response["Cache-Control"]
        assert abs(parse_http_date(response["Expires"]) - parse_http_date(expected["Expires"])) <= 2
        assert response["Pragma"] == "no-cache"
