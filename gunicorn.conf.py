"""gunicorn settings for production: `gunicorn clinic.wsgi` from the repository root reads this file by itself.

The request timeout (30 s) stays above PostgreSQL's statement_timeout (STATEMENT_TIMEOUT_MS, 15 s by default in
clinic/settings.py), so a slow query is cancelled and answered with a 503 before gunicorn kills the worker.
"""

import os


def env_bool(name: str) -> bool:
    """As clinic/settings.py reads a switch (not imported: that would load all of Django's settings here)."""
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


wsgi_app = "clinic.wsgi"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Workers from the core count (gunicorn's rule of thumb: two per core, plus one) unless WEB_CONCURRENCY says.
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * (os.cpu_count() or 1) + 1)
timeout = 30
graceful_timeout = 30
keepalive = 5
# Log to standard error, like the app: the service manager (systemd, docker) keeps and rotates it.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
# No runtime control socket: restarts go through the service manager, and two servers started by one user would
# otherwise share ~/.gunicorn/gunicorn.ctl.
control_socket_disable = True
# gunicorn believes a request's X-Forwarded-Proto (it makes the request HTTPS to Django) only when the clinic says its
# own reverse proxy is in front: TRUST_X_FORWARDED_FOR, the variable that makes Django take the client's address and
# HTTPS from the proxy (clinic/settings.py). Then from the proxy's addresses only (FORWARDED_ALLOW_IPS, gunicorn's own
# variable; loopback unless set), and only the one header Django reads. Otherwise from nobody: gunicorn's default
# trusts any local address, and a UNIX socket's peer always, so anyone on the server could claim HTTPS.
if env_bool("TRUST_X_FORWARDED_FOR"):
    forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "").strip() or "127.0.0.1,::1"
    secure_scheme_headers = {"X-FORWARDED-PROTO": "https"}
else:
    forwarded_allow_ips = ""
    secure_scheme_headers = {}
