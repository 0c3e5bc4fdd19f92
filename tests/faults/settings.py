"""The fault drill's settings: production's (DEBUG off), with static files served from the apps' folders.

collectstatic with compression takes minutes on a small machine, and the drill is about the database, not assets.
"""

from clinic.settings import *  # noqa: F403
from clinic.settings import STORAGES

STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
WHITENOISE_USE_FINDERS = True
