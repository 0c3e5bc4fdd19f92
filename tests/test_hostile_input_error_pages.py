"""Hostile input on the error pages: 400, 403, 404, 405, 413 and the CSRF failure page. They never echo what was
sent (path, query, headers), never render it live, and the pages met before a view runs need no database."""

from html import escape
from urllib.parse import quote

import pytest
from django.test import Client as Browser

from clinic.models import Client
from tests import hostile_payloads as hostile
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db


def in_path(text: str) -> str:
    return quote(text.encode("utf-8", "surrogatepass"), safe="")


def assert_not_echoed(response, payload: str):
    html = hostile.assert_page_is_safe(response)
    for form in {payload, hostile.as_received(payload), escape(hostile.as_received(payload))}:
        if len(form.strip()) > 3:
            assert form not in html, form


@pytest.mark.parametrize("payload", hostile.TEXT_PARAMS)
def test_a_hostile_path_answers_a_plain_404_that_echoes_nothing(as_user, front_desk, payload):
    desk = as_user(front_desk)

    responses = [
        desk.get(f"/{in_path(payload)}"),
        desk.get(f"/clients/{in_path(payload)}/"),
        desk.get(f"/sessions/{in_path(payload)}/edit/"),
        desk.get(f"/admin/{in_path(payload)}/"),
    ]

    assert [r.status_code for r in responses[:3]] == [404, 404, 404]
    assert responses[3].status_code == 403  # the admin is not the front desk's, whatever the path
    for response in responses:
        assert_not_echoed(response, payload)
    assert "There is nothing here" in responses[0].content.decode()


@pytest.mark.parametrize("payload", hostile.TEXT_PARAMS)
def test_a_403_page_echoes_nothing_of_the_request(as_user, front_desk, payload):
    query = hostile.query_string({"q": payload, "next": payload})

    response = as_user(front_desk).get(f"/audit/?{query}", HTTP_REFERER=payload.encode("utf-8", "replace").decode())

    if "\x00" in payload:
        assert response.status_code == 400
    else:
        assert response.status_code == 403
        assert "not part of your role" in response.content.decode()
    assert_not_echoed(response, payload)


@pytest.mark.parametrize("payload", hostile.TEXT_PARAMS)
def test_a_nul_anywhere_in_the_query_answers_400_before_any_query(
    as_user, front_desk, django_assert_num_queries, payload
):
    desk = as_user(front_desk)
    query = hostile.query_string({"q": f"{payload}\x00", f"{payload}\x00": "1"})

    with django_assert_num_queries(0):
        response = desk.get(f"/clients/?{query}")

    assert response.status_code == 400
    assert "could not be read" in response.content.decode()
    assert_not_echoed(response, payload)


@pytest.mark.parametrize("payload", hostile.TEXT_PARAMS)
def test_a_request_too_large_answers_413_before_any_query_and_echoes_nothing(
    as_user, front_desk, django_assert_num_queries, payload
):
    desk = as_user(front_desk)
    body = hostile.form_body({"first_name": payload, "padding": "x" * (11 * 1024 * 1024)})

    with django_assert_num_queries(0):
        response = desk.post("/clients/new/", body, content_type="application/x-www-form-urlencoded")

    assert response.status_code == 413
    assert_not_echoed(response, payload)
    assert not Client.objects.exists()


@pytest.mark.parametrize("length", ["abc", "-1", "1e9", "0x10"])
def test_a_malformed_content_length_answers_400(as_user, front_desk, length):
    response = as_user(front_desk).post(
        "/clients/new/", b"first_name=x", content_type="application/x-www-form-urlencoded", CONTENT_LENGTH=length
    )

    assert response.status_code == 400
    assert not Client.objects.exists()


@pytest.mark.parametrize("payload", hostile.TEXT_PARAMS)
def test_a_hostile_host_header_answers_400_and_echoes_nothing(front_desk, payload):
    browser = Browser()
    browser.force_login(front_desk)

    response = browser.get("/clients/", HTTP_HOST=f"evil.example{payload}".encode("utf-8", "replace").decode())

    assert response.status_code == 400
    assert_not_echoed(response, payload)


@pytest.mark.parametrize("payload", hostile.TEXT_PARAMS)
def test_the_csrf_failure_page_is_friendly_and_echoes_nothing(front_desk, payload):
    browser = Browser(enforce_csrf_checks=True)
    browser.force_login(front_desk)
    client = ClientFactory()

    response = browser.post(
        f"/clients/{client.public_id}/archive/",
        hostile.form_body({"reason": payload, "csrfmiddlewaretoken": payload}),
        content_type="application/x-www-form-urlencoded",
        HTTP_ORIGIN="https://evil.example",
        HTTP_REFERER="https://evil.example/",
    )

    client.refresh_from_db()
    assert response.status_code == 403
    assert "could not be accepted" in response.content.decode()
    assert_not_echoed(response, payload)
    assert client.archived_at is None


@pytest.mark.parametrize(
    "url",
    ["/clients/{id}/archive/", "/clients/{id}/restore/", "/handover/exit/", "/clients/{id}/consents/handover/"],
)
def test_a_get_to_an_action_answers_405_and_changes_nothing(as_user, front_desk, url):
    client = ClientFactory()

    response = as_user(front_desk).get(url.format(id=client.public_id))

    client.refresh_from_db()
    assert response.status_code == 405
    assert client.archived_at is None
