"""No client data in URLs beyond ids: searches by name are posted and kept in the session (the results page is
named by an opaque token), the audit log's client filter too; redirects, links, form actions and the sign-in
`next` carry ids only; messages that name a client travel in the session, not in a cookie."""

import re
from datetime import date
from html.parser import HTMLParser

import pytest

from tests import history_helpers as h
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db

NAME, SURNAME, PHONE, BORN = "Quillonwick", "Zabrowska", "416-555-0199", "1971-03-09"


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src", "action", "hx-get", "hx-post", "formaction") and value:
                self.urls.append(value)


def urls_in(response) -> list[str]:
    parser = _Links()
    parser.feed(response.content.decode())
    return parser.urls


def leaks(url: str) -> bool:
    lowered = url.lower()
    return any(part.lower() in lowered for part in (NAME, SURNAME, "4165550199", "416-555-0199", BORN, "1971"))


@pytest.fixture
def person(therapist, front_desk):
    client = ClientFactory(
        first_name=NAME, last_name=SURNAME, phone=PHONE, date_of_birth=date.fromisoformat(BORN), care_team=[therapist]
    )
    h.take_intake(client, by=front_desk)
    h.give_consent(client, by=front_desk)
    h.signed_session(client, therapist=therapist)
    return client


@pytest.mark.parametrize("text", [NAME, f"{NAME} {SURNAME}", PHONE, "555 0199", BORN])
def test_a_search_is_posted_and_its_results_page_is_named_by_a_token(as_user, front_desk, person, text):
    desk = as_user(front_desk)

    posted = desk.post("/clients/", {"q": text})
    results = desk.get(posted["Location"])

    assert posted.status_code == 302
    assert re.fullmatch(r"/clients/\?search=[\w-]+", posted["Location"])
    assert list(results.context["page"].object_list) == [person]
    assert results.context["q"] == text  # shown back in the search box, from the session
    assert not [url for url in urls_in(results) if leaks(url)]


def test_the_search_token_means_nothing_in_another_session(as_user, front_desk, person, client, therapist):
    location = as_user(front_desk).post("/clients/", {"q": SURNAME})["Location"]
    client.logout()
    client.force_login(therapist)

    response = client.get(location)

    assert response.status_code == 200
    assert response.context["q"] == ""
    assert response.context["page"].paginator.count == 1  # the whole list: nothing was searched


def test_a_name_in_the_query_string_is_not_searched(as_user, front_desk, person):
    ClientFactory(first_name="Other", last_name="Person")

    response = as_user(front_desk).get("/clients/", {"q": SURNAME})

    assert response.context["q"] == ""
    assert response.context["page"].paginator.count == 2


def test_flags_pages_and_archive_links_keep_the_token_not_the_name(as_user, clinic_admin, person):
    for n in range(30):
        ClientFactory(first_name=NAME, last_name=f"{SURNAME}{n:02d}")
    admin = as_user(clinic_admin)
    location = admin.post("/clients/", {"q": NAME, "flag": "refer"})["Location"]

    first = admin.get(location.replace("flag=refer", "").rstrip("&?"))
    flagged = admin.get(location)

    assert "flag=refer" in location
    assert first.context["page"].paginator.count == 31
    assert "search=" in first.context["query"]
    assert flagged.context["flag"] == "refer"
    for response in (first, flagged):
        assert not [url for url in urls_in(response) if leaks(url)]


def test_the_audit_filter_by_name_is_posted_and_redirects_to_a_token(as_user, clinic_admin, person):
    admin = as_user(clinic_admin)

    posted = admin.post("/audit/", {"client": SURNAME, "action": "0"})
    page = admin.get(posted["Location"])

    assert posted.status_code == 302
    assert not leaks(posted["Location"])
    assert "action=0" in posted["Location"]
    assert page.context["form"].cleaned_data["client"] == SURNAME
    assert page.context["rows"]
    assert not [url for url in urls_in(page) if leaks(url)]


def test_no_link_form_or_redirect_of_the_main_pages_carries_client_data(
    as_user, therapist, front_desk, clinic_admin, person
):
    session = person.sessions.get()
    pages = {
        front_desk: ["/", "/clients/", f"/clients/{person.public_id}/", f"/clients/{person.public_id}/edit/"],
        therapist: [
            "/",
            f"/clients/{person.public_id}/history/",
            f"/sessions/{session.public_id}/",
            f"/intakes/{person.intakes.get().public_id}/",
            f"/consents/{person.consents.get().public_id}/",
            f"/clients/{person.public_id}/sessions/new/",
        ],
        clinic_admin: ["/", f"/audit/?client={person.public_id}", f"/clients/{person.public_id}/history/"],
    }

    found = {}
    for user, urls in pages.items():
        browser = as_user(user)
        for url in urls:
            response = browser.get(url)
            assert response.status_code == 200, url
            found[url] = [link for link in urls_in(response) if leaks(link)]

    assert found == dict.fromkeys(found, [])


def test_redirects_after_writes_name_the_record_by_id_and_messages_stay_out_of_cookies(as_user, front_desk):
    desk = as_user(front_desk)
    data = {"first_name": NAME, "last_name": SURNAME, "date_of_birth": BORN, "phone": PHONE}

    created = desk.post("/clients/new/", data)

    assert created.status_code == 302
    assert re.fullmatch(r"/clients/[0-9a-f-]{36}/", created["Location"])
    assert not [cookie for cookie in created.cookies.values() if NAME in cookie.value or "messages" in cookie.key]
    assert f"Client {NAME} {SURNAME} added." in desk.get(created["Location"]).content.decode()


def test_the_sign_in_redirect_keeps_only_the_path_and_the_token(as_user, front_desk, person, client):
    location = as_user(front_desk).post("/clients/", {"q": SURNAME})["Location"]
    client.logout()

    response = client.get(location)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    assert not leaks(response["Location"])


def test_the_admin_offers_no_search_that_would_put_names_in_its_addresses():
    from django.contrib import admin

    # Staff accounts and sign-in records (django-axes) may be searched; nothing about clients may.
    clinical = {
        model.__name__: model_admin
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label in {"clinic", "intake", "notes"} and model.__name__ != "User"
    }

    assert "Client" in clinical and "TreatmentSession" in clinical
    assert [name for name, model_admin in clinical.items() if model_admin.search_fields] == []
