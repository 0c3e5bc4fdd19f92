"""CSRF, enforced as in production (`Client(enforce_csrf_checks=True)`), on every URL of the app's URLconfs: a
POST without a token, or with a valid token from a foreign or `null` Origin, answers 403 and changes nothing;
actions that only change state answer 405 to a GET; no view answers PUT, PATCH or DELETE."""

import re
import uuid

import pytest
from django.test import Client as Browser
from django.urls import URLPattern, URLResolver, get_resolver

from clinic import roles
from clinic.models import Client
from tests.factories import ClientFactory, UserFactory

pytestmark = pytest.mark.django_db

CSRF_PAGE = "could not be accepted"
# Views whose only job is to change something: a GET must not reach them.
POST_ONLY = {
    "clinic:care-team-add",
    "clinic:client-archive",
    "clinic:client-restore",
    "intake:intake-assess",
    "notes:handover-start",
    "clinic:handover-exit",
    "notes:session-abdominal",
    "notes:session-feedback",
}
ADMIN_POSTS = ["/admin/logout/", "/admin/notes/consenttext/add/", "/admin/clinic/client/1/change/"]


def app_routes() -> list[tuple[str, str]]:
    """Every (route, name) of the root URLconf but the admin's, which ADMIN_POSTS samples."""
    found = []

    def walk(patterns, prefix, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if str(pattern.pattern) == "admin/":
                    continue
                inner = pattern.namespace or namespace
                walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern):
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                found.append((prefix + str(pattern.pattern), name))

    walk(get_resolver().url_patterns, "", None)
    return found


ROUTES = app_routes()


def concrete(route: str, public_id=None) -> str:
    return "/" + re.sub(r"<(?:\w+:)?\w+>", lambda _m: str(public_id or uuid.uuid4()), route)


URLS = [pytest.param(concrete(route), id=name) for route, name in ROUTES] + [
    pytest.param(url, id=url) for url in ADMIN_POSTS
]


@pytest.fixture
def staff(db):
    """A user holding every role, so that only CSRF can stop a request."""
    return UserFactory(username="everyone", roles=list(roles.ALL_ROLES))


@pytest.fixture
def staff_browser(staff):
    browser = Browser(enforce_csrf_checks=True)
    browser.force_login(staff)
    browser.get("/clients/")  # sets the CSRF cookie, as any page with a form does
    return browser


def token(browser) -> str:
    return browser.cookies["csrftoken"].value


def test_the_collected_urls_cover_every_state_changing_view():
    names = {name for _route, name in ROUTES}

    assert POST_ONLY <= names
    assert {"login", "logout", "clinic:client-create", "clinic:client-edit", "notes:consent-new"} <= names
    assert {"notes:session-edit", "notes:session-sign", "notes:addendum-new", "intake:intake-new"} <= names


@pytest.mark.parametrize("url", URLS)
def test_a_post_without_a_token_is_refused(staff_browser, url):
    response = staff_browser.post(url, {"reason": "x"})

    assert response.status_code == 403
    assert CSRF_PAGE in response.content.decode()


@pytest.mark.parametrize("origin", ["https://evil.example", "null"])
@pytest.mark.parametrize("url", URLS)
def test_a_valid_token_from_a_foreign_or_null_origin_is_refused(staff_browser, url, origin):
    response = staff_browser.post(url, {"csrfmiddlewaretoken": token(staff_browser)}, HTTP_ORIGIN=origin)

    assert response.status_code == 403
    assert CSRF_PAGE in response.content.decode()


@pytest.mark.parametrize("url", URLS)
def test_a_valid_token_from_our_own_origin_passes_the_check(staff_browser, url):
    """The control: with the same token and our origin, CSRF lets the request through to the view."""
    response = staff_browser.post(url, {"csrfmiddlewaretoken": token(staff_browser)}, HTTP_ORIGIN="http://testserver")

    assert CSRF_PAGE not in response.content.decode()


@pytest.mark.parametrize("referer", [None, "https://evil.example/clients/", "http://testserver/"])
def test_over_https_a_post_without_origin_needs_our_own_referer(staff, referer):
    browser = Browser(enforce_csrf_checks=True)
    browser.force_login(staff)
    browser.get("/clients/", secure=True)
    client = ClientFactory()
    extra = {"HTTP_REFERER": referer} if referer else {}

    response = browser.post(
        f"/clients/{client.public_id}/archive/", {"csrfmiddlewaretoken": token(browser)}, secure=True, **extra
    )

    client.refresh_from_db()
    assert response.status_code == 403
    assert client.archived_at is None


def test_a_refused_post_changes_nothing_and_the_same_post_with_a_good_token_does(staff_browser):
    client = ClientFactory()
    url = f"/clients/{client.public_id}/archive/"

    refused = [
        staff_browser.post(url, {"reason": "moved"}),
        staff_browser.post(url, {"reason": "moved", "csrfmiddlewaretoken": "x" * 64}),
        staff_browser.post(url, {"reason": "moved", "csrfmiddlewaretoken": token(staff_browser)}, HTTP_ORIGIN="null"),
    ]
    client.refresh_from_db()
    archived_before = client.archived_at
    accepted = staff_browser.post(
        url, {"reason": "moved", "csrfmiddlewaretoken": token(staff_browser)}, HTTP_ORIGIN="http://testserver"
    )

    client.refresh_from_db()
    assert [r.status_code for r in refused] == [403, 403, 403]
    assert archived_before is None
    assert accepted.status_code == 302
    assert client.archived_at is not None


@pytest.mark.parametrize(("route", "name"), [(r, n) for r, n in ROUTES if n in POST_ONLY], ids=sorted(POST_ONLY))
def test_an_action_called_by_get_answers_405(staff_browser, route, name):
    client = ClientFactory()

    response = staff_browser.get(concrete(route, client.public_id))

    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert Client.objects.get(pk=client.pk).archived_at is None


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
@pytest.mark.parametrize("url", [u for u in URLS if not u.values[0].startswith("/admin/")])
def test_no_view_answers_put_patch_or_delete(staff_browser, url, method):
    response = getattr(staff_browser, method)(
        url, HTTP_X_CSRFTOKEN=token(staff_browser), HTTP_ORIGIN="http://testserver"
    )

    # Django's sign-in view sends a signed-in user home before it looks at the method.
    assert response.status_code == (302 if url == "/accounts/login/" else 405)
