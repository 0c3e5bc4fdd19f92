"""Reading the settings' environment: switches, numbers, lists and the notes' seal keys (clinic/settings.py)."""

import hashlib
import os
import re

from django.core.exceptions import ImproperlyConfigured


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def note_signing_keys(value: str) -> dict[str, bytes]:
    """NOTE_SIGNING_KEYS: `id:secret` pairs, comma-separated (`2026a:...,2025b:...`). Each signed note and addendum
    keeps the id of the key that sealed it; old keys stay listed to verify what they sealed (notes/hashing.py)."""
    keys = {}
    for item in value.split(","):
        key_id, _colon, secret = item.strip().partition(":")
        if not re.fullmatch(r"[A-Za-z0-9._-]{1,20}", key_id) or len(secret) < 32:
            raise ImproperlyConfigured(
                "NOTE_SIGNING_KEYS: each item is id:secret, the id 1-20 letters, digits, '.', '_' or '-', the secret "
                "at least 32 characters (e.g. from `python -c 'import secrets; print(secrets.token_urlsafe(48))'`)."
            )
        keys[key_id] = secret.encode()
    return keys


def key_derived_from(secret: str) -> bytes:
    """A seal key of its own derived from a secret key (never the secret key itself)."""
    return hashlib.sha256(b"clinic note signing key:" + secret.encode()).hexdigest().encode()
