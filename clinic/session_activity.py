"""Sign-out after idle time without writing the session row on every request.

`SESSION_SAVE_EVERY_REQUEST` would cost three statements a page (BEGIN, UPDATE, COMMIT). Instead the session is
marked as seen at most once a minute, which saves it and pushes its expiry `SESSION_COOKIE_AGE` ahead: a client
idle for `SESSION_IDLE_MINUTES` is signed out, give or take that minute.
"""

import time

from django.conf import settings

SEEN_KEY = "_seen"


class IdleTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        # After a server error (the database may be down: a 503) the session is left alone.
        if response.status_code >= 500:
            return response
        if session is not None and not session.is_empty() and session.session_key is not None:
            now = int(time.time())
            if now - session.get(SEEN_KEY, 0) >= settings.SESSION_TOUCH_SECONDS:
                session[SEEN_KEY] = now
        return response
