"""Signed-in sessions end as soon as the account behind them may no longer sign in."""

from django.contrib import messages
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.views import redirect_to_login
from django.utils.translation import gettext_lazy as _


class EndInactiveSessionsMiddleware:
    """A session whose user was deactivated (or removed) is flushed at its next request, then sent to sign in.

    Django's ModelBackend already refuses an inactive user, so `request.user` turns anonymous; but the session
    row would stay behind, and a backend that allows inactive users would let them in. Here the session itself
    ends: row deleted, cookie cleared. A changed password ends other sessions in Django itself (the session
    auth hash no longer matches, and `get_user` flushes the session).

    Goes after AuthenticationMiddleware and MessageMiddleware (it leaves a message for the sign-in page).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if SESSION_KEY in request.session and not (request.user.is_authenticated and request.user.is_active):
            request.session.flush()
            messages.info(request, _("Your session has ended. Please sign in again."))
            return redirect_to_login(request.get_full_path())
        return self.get_response(request)
