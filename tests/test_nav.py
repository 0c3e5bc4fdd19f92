"""The navigation bar of every signed-in page: each role's links, the current page marked, and the addresses right
under any prefix the app is served under (their memo, clinic/nav.py, is keyed by it)."""

import re

import pytest
from django.test import Client as Browser
from django.urls import reverse, set_script_prefix

pytestmark = pytest.mark.django_db


def nav_of(response) -> list[tuple[str, str, bool]]:
    """(label, address, is the current page) of each link of the bar, and the sign-out form's address."""
    html = response.content.decode()
    bar = html[html.index("<nav") : html.index("</nav>")]
    links = [
        (label, href, "aria-current" in attrs)
        for href, attrs, label in re.findall(r'<a class="nav[^"]*" href="([^"]*)"([^>]*)>([^<]+)</a>', bar)
    ]
    return [*links, ("Sign out", re.search(r'<form [^>]*action="([^"]*)"', bar).group(1), False)]


def test_each_role_sees_its_links_with_the_current_page_marked(therapist, front_desk, clinic_admin):
    home, clients, new = reverse("clinic:home"), reverse("clinic:client-list"), reverse("clinic:client-create")
    bars = {}
    for user, url in ((therapist, home), (front_desk, clients), (clinic_admin, reverse("clinic:audit-log"))):
        browser = Browser()
        browser.force_login(user)
        response = browser.get(url)
        assert response.status_code == 200
        bars[user.username] = nav_of(response)

    assert bars["theo"] == [
        ("Clinic records", home, True),
        ("Home", home, True),
        ("Clients", clients, False),
        ("New client", new, False),
        ("Sign out", "/accounts/logout/", False),
    ]
    assert bars["desk"] == [
        ("Clinic records", home, False),
        ("Home", home, False),
        ("Clients", clients, True),
        ("New client", new, False),
        ("Sign out", "/accounts/logout/", False),
    ]
    assert bars["boss"] == [
        ("Clinic records", home, False),
        ("Home", home, False),
        ("Clients", clients, False),
        ("New client", new, False),
        ("Audit log", "/audit/", True),
        ("Administration", "/admin/", False),
        ("Sign out", "/accounts/logout/", False),
    ]


def test_the_addresses_follow_the_prefix_the_app_is_served_under(therapist):
    browser = Browser()
    browser.force_login(therapist)

    # What Django's WSGI handler does with each request's SCRIPT_NAME (its test client leaves the prefix alone).
    set_script_prefix("/clinic/")
    try:
        under_prefix = nav_of(browser.get("/clients/"))
    finally:
        set_script_prefix("/")
    at_root = nav_of(browser.get("/clients/"))

    assert [href for _label, href, _current in under_prefix] == [
        "/clinic/",
        "/clinic/",
        "/clinic/clients/",
        "/clinic/clients/new/",
        "/clinic/accounts/logout/",
    ]
    assert [href for _label, href, _current in at_root] == ["/", "/", "/clients/", "/clients/new/", "/accounts/logout/"]
