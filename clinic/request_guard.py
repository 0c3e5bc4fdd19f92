"""What every request and response of the app carries, checked in one place.

- A body larger than `MAX_REQUEST_BYTES` answers 413 before anything reads it. Smaller limits are Django's own:
  form fields over `DATA_UPLOAD_MAX_MEMORY_SIZE` or more than `DATA_UPLOAD_MAX_NUMBER_FIELDS` fields raise
  `RequestDataTooBig` / `TooManyFieldsSent` (a SuspiciousOperation), which Django answers with 400.
- A NUL character in the query string answers 400: no form of ours sends one, and PostgreSQL refuses it in a
  string (an error, not a search). Lone surrogates cannot get this far: Django decodes query strings and form
  bodies with replacement characters.
- Pages with client data must not be kept by the browser or a proxy: every response that is not a static file
  says `Cache-Control: no-store` (and `Pragma: no-cache` for old HTTP/1.0 caches).
"""

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers


def _error_page(template: str, status: int) -> HttpResponse:
    # Rendered without the request: no database, no session, nothing of the user's in the page.
    return HttpResponse(render_to_string(template), status=status)


def _declared_length(request) -> int | None:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None
    return length if length >= 0 else None


def _has_nul(query) -> bool:
    return any("\x00" in text for key, values in query.lists() for text in (key, *values))


class RequestGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        length = _declared_length(request)
        if length is None:
            return _error_page("400.html", 400)
        if length > settings.MAX_REQUEST_BYTES:
            return _error_page("413.html", 413)
        if _has_nul(request.GET):
            return _error_page("400.html", 400)
        if request.method == "POST":
            # Parsed here, so the limits hold for every POST, also one to a view that reads no field (signing).
            request.POST  # noqa: B018
        return self.get_response(request)


class NoStoreMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith(f"/{settings.STATIC_URL.lstrip('/')}"):
            add_never_cache_headers(response)
            response["Pragma"] = "no-cache"
        return response
