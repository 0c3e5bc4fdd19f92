"""gunicorn settings for production: `gunicorn clinic.wsgi` from the repository root reads this file by itself.

The request timeout (30 s) stays above PostgreSQL's statement_timeout (STATEMENT_TIMEOUT_MS, 15 s by default in
clinic/settings.py), so a slow query is cancelled and answered with a 503 before gunicorn kills the worker.
"""

import os

wsgi_app = "clinic.wsgi"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
timeout = 30
graceful_timeout = 30
keepalive = 5
# Log to standard error, like the app: the service manager (systemd, docker) keeps and rotates it.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
# No runtime control socket: restarts go through the service manager, and two servers started by one user would
# otherwise share ~/.gunicorn/gunicorn.ctl.
control_socket_disable = True
