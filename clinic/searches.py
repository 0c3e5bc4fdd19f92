"""Searches kept on the server, so a client's name never travels in a URL (server logs, browser history, the
Referer header): the search form posts its text, and the results page is addressed by an opaque token that means
something only within the signed-in user's own session."""

import secrets

SESSION_KEY = "searches"
KEEP = 20
MAX_LENGTH = 500  # the forms that read a search say what is too long


def remember_search(request, text: str) -> str:
    """Keep `text` in the session and return the token that names it (the newest KEEP searches are kept)."""
    text = text.replace("\x00", "").strip()[:MAX_LENGTH]  # PostgreSQL refuses NUL in a string
    searches = dict(request.session.get(SESSION_KEY, {}))
    for token, kept in searches.items():
        if kept == text:
            return token
    token = secrets.token_urlsafe(9)
    searches[token] = text
    request.session[SESSION_KEY] = dict(list(searches.items())[-KEEP:])
    return token


def recalled_search(request, token: str | None) -> str:
    """The text a token names in this session; empty for an unknown or expired token."""
    if not token:
        return ""
    return request.session.get(SESSION_KEY, {}).get(token, "")
