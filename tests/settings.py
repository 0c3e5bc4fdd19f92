"""Test settings: the real settings with development defaults and plain static storage.

Plain StaticFilesStorage because the manifest storage 404s CSS under live_server (browser tests).
"""

import os

os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("SECRET_KEY", "tests-only-not-a-secret")

from clinic.settings import *  # noqa: E402,F403
from clinic.settings import STORAGES  # noqa: E402

STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
MEDIA_ROOT = BASE_DIR / ".test-media"  # noqa: F405
# Serve static files from the apps' folders, as in development (no collectstatic before tests).
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# Long records' PDFs render when their task is queued (in the request's on-commit callback), inside the test's
# transaction; tests of the worker use the database backend (tests/test_pdf_export_jobs.py).
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
