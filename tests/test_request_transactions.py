"""Requests that change something run in one transaction, rolled back when the view fails; pages that only read
run without one (no BEGIN / COMMIT round trips)."""

import pytest
from django.db import connection
from django.http import Http404, HttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import include, path

from clinic.models import Client
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.test_request_transactions")]


def write_then(outcome):
    def view(request):
        Client.objects.filter(pk=request.POST["client"]).first().care_team.add(
            factories.therapist_user(username=f"half-{outcome}")
        )
        if outcome == "404":
            raise Http404
        if outcome == "crash":
            raise RuntimeError("halfway")
        if outcome == "503":
            return HttpResponse("down", status=503)
        return HttpResponse("saved")

    return view


urlpatterns = [
    *(path(f"write/{outcome}/", write_then(outcome)) for outcome in ("ok", "404", "crash", "503")),
    path("", include("clinic.urls")),
]


@pytest.fixture
def signed_in(client, clinic_admin):
    client.raise_request_exception = False
    client.force_login(clinic_admin)
    return client


@pytest.mark.parametrize(
    ("outcome", "status", "kept"), [("ok", 200, 1), ("404", 404, 0), ("crash", 500, 0), ("503", 503, 0)]
)
def test_a_write_is_kept_only_when_the_view_succeeds(signed_in, outcome, status, kept):
    target = factories.ClientFactory()

    response = signed_in.post(f"/write/{outcome}/", {"client": target.pk})

    assert response.status_code == status
    assert target.care_team.count() == kept


def test_a_page_that_only_reads_opens_no_transaction(as_user, front_desk):
    browser = as_user(front_desk)
    browser.get("/clients/")

    with CaptureQueriesContext(connection) as queries:
        response = browser.get("/clients/")

    assert response.status_code == 200
    assert not [q for q in queries.captured_queries if "SAVEPOINT" in q["sql"] or q["sql"] in ("BEGIN", "COMMIT")]
