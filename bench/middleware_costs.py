"""What each middleware costs a request: the floor page requested with a timing mark between every two middleware.

Mark i notes the moment a request reaches it and the moment its response leaves it. Middleware i's own time is
what passes between mark i and mark i + 1 on the way in, plus between them on the way out; the innermost mark's
span is the view (URL resolution, the view, its template). Used by bench/run.py; runnable alone:
`DATABASE_URL=... python bench/middleware_costs.py` prints the table for the floor page.
"""

import statistics
import time

from django.conf import settings
from django.test import Client as Browser
from django.test.utils import override_settings

MAX_MIDDLEWARE = 40
_moments: list[tuple[int, str, float]] = []


def _mark(index: int):
    class Mark:
        def __init__(self, get_response):
            self.get_response = get_response

        def __call__(self, request):
            _moments.append((index, "in", time.perf_counter()))
            response = self.get_response(request)
            _moments.append((index, "out", time.perf_counter()))
            return response

    Mark.__name__ = Mark.__qualname__ = f"Mark{index}"
    return Mark


for _index in range(MAX_MIDDLEWARE + 1):
    globals()[f"Mark{_index}"] = _mark(_index)


def marked(middleware: list[str]) -> list[str]:
    """The middleware with a mark before each and one before the view."""
    if len(middleware) > MAX_MIDDLEWARE:
        raise ValueError(f"more than {MAX_MIDDLEWARE} middleware")
    chain = []
    for index, path in enumerate(middleware):
        chain += [f"{__name__}.Mark{index}", path]
    return [*chain, f"{__name__}.Mark{len(middleware)}"]


def costs(user, url: str, repeat: int = 200) -> list[tuple[str, float]]:
    """(middleware, median ms of its own time) for each middleware in settings.MIDDLEWARE, then ("view", ...)."""
    middleware = list(settings.MIDDLEWARE)
    spans: dict[int, list[float]] = {index: [] for index in range(len(middleware) + 1)}
    with override_settings(MIDDLEWARE=marked(middleware)):
        browser = Browser()
        browser.force_login(user)
        for _ in range(10):  # warm up
            browser.get(url)
        for _ in range(repeat):
            _moments.clear()
            browser.get(url)
            seen = {(index, way): at for index, way, at in _moments}
            last = len(middleware)
            for index in range(last + 1):
                if (index, "in") not in seen or (index, "out") not in seen:
                    continue  # a middleware answered before reaching this mark
                if index == last:
                    spans[index].append(seen[(index, "out")] - seen[(index, "in")])
                elif (index + 1, "in") in seen:
                    inner = seen[(index + 1, "out")] - seen[(index + 1, "in")]
                    spans[index].append(seen[(index, "out")] - seen[(index, "in")] - inner)
    names = [path.rsplit(".", 1)[-1] + f" ({path.rsplit('.', 1)[0]})" for path in middleware] + ["the view"]
    return [(names[index], statistics.median(times) * 1000 if times else 0.0) for index, times in spans.items()]


# What `django-admin startproject` writes: the least a Django site with sessions and signed-in users runs.
DJANGO_DEFAULT_MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]


def against_django_defaults(user, url: str, repeat: int = 1000) -> tuple[float, float]:
    """(the app's median ms, Django's default middleware's median ms) for `url`, the two requests alternating: what
    the app's own middleware adds to a page, beside the least Django itself costs (the same session and user
    reads, the same view and template)."""
    apps = Browser()
    apps.force_login(user)
    apps.get(url)
    with override_settings(MIDDLEWARE=DJANGO_DEFAULT_MIDDLEWARE):
        defaults = Browser()  # its handler loads these middleware at its first request, and keeps them
        defaults.force_login(user)
        defaults.get(url)
    times: dict[str, list[float]] = {"app": [], "django": []}
    for index in range(repeat + 10):
        for name, browser in (("app", apps), ("django", defaults)):
            started = time.perf_counter()
            browser.get(url)
            if index >= 10:  # after a warm-up
                times[name].append(time.perf_counter() - started)
    return statistics.median(times["app"]) * 1000, statistics.median(times["django"]) * 1000


def table(rows: list[tuple[str, float]]) -> list[str]:
    total = sum(ms for _name, ms in rows)
    lines = ["| middleware (outermost first) | median ms |", "|---|---:|"]
    lines += [f"| {name} | {ms:.3f} |" for name, ms in rows]
    lines.append(f"| **sum** | {total:.3f} |")
    return lines


if __name__ == "__main__":
    import os
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinic.settings")
    import django

    django.setup()
    from clinic.models import User

    who = User.objects.filter(is_active=True, held_roles__isnull=False).exclude(held_roles=[]).order_by("pk").first()
    with override_settings(ROOT_URLCONF="bench.urls", ALLOWED_HOSTS=["testserver"]):
        sys.stdout.write("\n".join(table(costs(who, "/bench/floor/"))) + "\n")
        app_ms, django_ms = against_django_defaults(who, "/bench/floor/")
        sys.stdout.write(f"\nfloor: the app's middleware {app_ms:.2f} ms, Django's defaults {django_ms:.2f} ms\n")
