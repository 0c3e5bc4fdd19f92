"""Browser tests: Debian's Chromium driven by Playwright against Django's live server.

Never run `playwright install` here: it downloads a browser and fails offline. We use /usr/bin/chromium.
"""

import os
import shutil

import pytest

# Playwright's sync API runs an event loop in this thread; Django would otherwise refuse ORM calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


def pytest_collection_modifyitems(config, items):
    if os.path.exists(CHROMIUM) or shutil.which(CHROMIUM):
        return
    skip = pytest.mark.skip(reason=f"{CHROMIUM} not found: apt-get install chromium")
    for item in items:
        if "e2e" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
        ],
    }


@pytest.fixture
def demo_password():
    return "e2e-password-long-enough"


@pytest.fixture
def signed_in_page(page, live_server, demo_password):
    """Return a function that signs a user in through the real login form and gives back the page."""

    def sign_in(user):
        user.set_password(demo_password)
        user.save()
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill(demo_password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{live_server.url}/")
        return page

    return sign_in


@pytest.fixture(autouse=True)
def csp_errors(request):
    """Every Content-Security-Policy violation the browser reports while a test runs (an inline style or script
    the policy blocked, after any tap); a browser test fails if there is one."""
    if "page" not in request.fixturenames:
        yield []
        return
    errors: list[str] = []
    request.getfixturevalue("page").on(
        "console",
        lambda message: (
            errors.append(message.text)
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )
    yield errors
    assert not errors, "Content-Security-Policy violations:\n" + "\n".join(errors)
