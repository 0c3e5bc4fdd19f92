"""When the database is unreachable: a 503 page with an incident id, never a stack trace.

Two paths lead here. A view (or the transaction around it) that fails on the database reaches
`DatabaseUnavailableMiddleware.process_exception`. A failure before the view (the session or the user, loaded by
the auth middleware) or after it (the session saved on the way out) is turned into a response by Django's
handler500, which is `server_error` below: it looks at the exception being handled and answers 503 as well.
Neither path touches the database: the templates are standalone and rendered without context processors.
"""

import logging
import secrets
import sys

import psycopg
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.template import loader
from django.utils.html import format_html
from django.utils.translation import gettext as _

# Django wraps driver errors in its own classes; the driver's are listed for the few paths it does not wrap.
DATABASE_ERRORS: tuple[type[BaseException], ...] = (
    OperationalError,
    InterfaceError,
    psycopg.OperationalError,
    psycopg.InterfaceError,
)
RETRY_AFTER_SECONDS = 15
# A POST larger than this is not echoed back on the 503 page (a consent drawing, say): the browser keeps drafts.
KEPT_INPUT_MAX_CHARS = 200_000

logger = logging.getLogger(__name__)


def new_incident_id() -> str:
    return secrets.token_hex(5).upper()


def is_database_outage(exc: BaseException | None) -> bool:
    """Whether `exc` was caused, directly or a few links up its chain, by the database not answering."""
    for _depth in range(5):
        if exc is None:
            return False
        if isinstance(exc, DATABASE_ERRORS):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def incident_for(request: HttpRequest, what: str, exc: BaseException | None) -> str:
    """The request's incident id, logged with the exception the first time only: a middleware that touches the
    database again on the way out (the session, say) fails again, and that is still the same incident."""
    incident = getattr(request, "incident_id", None)
    if incident is None:
        incident = request.incident_id = new_incident_id()
        logger.error("%s, incident %s: %s %s", what, incident, request.method, request.path, exc_info=exc)
    return incident


def is_htmx(request: HttpRequest) -> bool:
    # The header, not request.htmx: the failure may come before django-htmx's middleware ran.
    return request.headers.get("HX-Request") == "true"


class DatabaseUnavailableMiddleware:
    """Answer 503 with an incident id when a view fails because the database is unreachable."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if is_database_outage(exception):
            return database_unavailable(request, exception)
        return None


def server_error(request: HttpRequest, template_name: str = "500.html") -> HttpResponse:
    """handler500: 503 when the database caused it, else a plain 500 page; both with an incident id."""
    exc = sys.exc_info()[1]
    if is_database_outage(exc):
        return database_unavailable(request, exc)
    incident = incident_for(request, "Server error", exc)
    if is_htmx(request):
        message = _("Something went wrong and nothing was saved. Incident %(id)s.") % {"id": incident}
        return _fragment(message, 500, incident=incident)
    context = {"incident_id": incident}
    return _page(template_name, context, status=500, incident=incident)


def database_unavailable(request: HttpRequest, exc: BaseException) -> HttpResponse:
    incident = incident_for(request, "Database unavailable", exc)
    if is_htmx(request):
        message = _(
            "Not saved: the clinic records are not reachable right now (incident %(id)s). What you entered is "
            "still in the form: try again in a minute."
        ) % {"id": incident}
        response = _fragment(message, 503, incident=incident)
    else:
        context = {
            "incident_id": incident,
            "retry_after": RETRY_AFTER_SECONDS,
            # This site's path only: "//evil.example/x" would otherwise be a link to another site.
            "path": "/" + request.path.lstrip("/"),
            "kept": kept_input(request),
        }
        response = _page("503.html", context, status=503, incident=incident)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def kept_input(request: HttpRequest) -> dict | None:
    """What the user just posted, to show back and to send again, when it is safe to do so.

    Only for a POST that passes the CSRF check (so no other site can make this page show its text), never with a
    password in it, and not when it is very large.
    """
    if request.method != "POST":
        return None
    try:
        if CsrfViewMiddleware(lambda r: None).process_view(request, None, (), {}) is not None:
            return None
        items = [(name, value) for name in request.POST for value in request.POST.getlist(name)]
    except Exception:  # noqa: BLE001 - an unreadable body is simply not echoed
        return None
    if any("password" in name.lower() for name, _value in items):
        return None
    if sum(len(name) + len(value) for name, value in items) > KEPT_INPUT_MAX_CHARS:
        return None
    # The prose someone typed (it has spaces in it), shown so it can be copied; every field goes into the form.
    texts = [
        (name.replace("_", " ").replace("-", " ").capitalize(), value)
        for name, value in items
        if name != "csrfmiddlewaretoken" and any(c.isspace() for c in value.strip())
    ]
    return {"texts": texts, "fields": items}


def _page(template_name: str, context: dict, *, status: int, incident: str) -> HttpResponse:
    try:
        html = loader.render_to_string(template_name, context)
    except Exception:  # noqa: BLE001 - the error page itself must never fail
        html = format_html(
            "<!doctype html><title>{}</title><h1>{}</h1><p>{} {}</p>",
            _("Error"),
            _("The clinic records are not available right now."),
            _("Incident"),
            incident,
        )
    return _logged(HttpResponse(html, status=status), incident)


def _fragment(message: str, status: int, *, incident: str) -> HttpResponse:
    html = format_html('<div class="alert alert-warning db-fault" role="alert">{}</div>', message)
    return _logged(HttpResponse(html, status=status), incident)


def _logged(response: HttpResponse, incident: str) -> HttpResponse:
    response["X-Incident-Id"] = incident
    response["Cache-Control"] = "no-store"
    # Logged above with its incident id and exception: django.request need not log it (and its traceback) again.
    response._has_been_logged = True
    return response
