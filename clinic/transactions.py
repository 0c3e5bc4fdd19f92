"""One transaction for every request that changes something; none for the ones that only read.

A POST (PUT, PATCH, DELETE) runs in one transaction, rolled back when its view raises or it answers with a server
error: no half-saved record, as with Django's ATOMIC_REQUESTS. A GET or HEAD runs without one: it only reads (each
statement sees committed data, as it would inside PostgreSQL's READ COMMITTED transaction) and writes at most its
page's audit entries, in one INSERT (clinic.audit.reads_audited_together), which is atomic by itself. That saves
every page the BEGIN and COMMIT round trips.
"""

from django.db import transaction

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class AtomicWritesMiddleware:
    """Goes last but django-axes', so that only the view runs inside it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in SAFE_METHODS:
            return self.get_response(request)
        with transaction.atomic():
            response = self.get_response(request)
            if getattr(request, "view_failed", False) or response.status_code >= 500:
                transaction.set_rollback(True)
        return response

    def process_exception(self, request, exception):
        # The view raised: Django turns the exception into a response (404, 403, 400, 503...) before it reaches
        # __call__, so remember here that whatever the view wrote must go.
        request.view_failed = True
        return None
