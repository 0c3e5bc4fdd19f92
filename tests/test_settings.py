"""Production settings come from the environment and pass Django's deployment checks."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "a-production-secret-key-that-is-long-and-random-" + "x7Qp2Lm9Vr4Tz8Kc" * 3,
    "NOTE_SIGNING_KEYS": "2026a:" + "k3Rt8Vw2Yq6Zn1Lp" * 3,
    "ALLOWED_HOSTS": "clinic.example.org",
    "DATABASE_URL": "",
}


def manage(*args, env_overrides, timeout=60):
    drop = ("DJANGO_SETTINGS_MODULE", "DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE")
    drop += ("NOTE_SIGNING_KEYS", "NOTE_SIGNING_KEY_ID", "SECRET_KEY_FALLBACKS")
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(env_overrides)
    env["DJANGO_SETTINGS_MODULE"] = "clinic.settings"
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )


def test_deploy_check_passes_with_production_values():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env_overrides=PRODUCTION_ENV)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_secret_key_is_required_when_debug_is_off():
    result = manage("check", env_overrides={**PRODUCTION_ENV, "SECRET_KEY": ""})

    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


@pytest.mark.parametrize(
    ("keys", "key_id", "message"),
    [
        ("2026a:too-short", "", "NOTE_SIGNING_KEYS: each item is id:secret"),
        (PRODUCTION_ENV["NOTE_SIGNING_KEYS"], "2025z", "NOTE_SIGNING_KEY_ID '2025z' is not one of NOTE_SIGNING_KEYS"),
    ],
)
def test_malformed_note_signing_keys_stop_the_app(keys, key_id, message):
    result = manage("check", env_overrides={**PRODUCTION_ENV, "NOTE_SIGNING_KEYS": keys, "NOTE_SIGNING_KEY_ID": key_id})

    assert result.returncode != 0
    assert message in result.stderr


def test_the_note_signing_key_is_the_first_listed_unless_named():
    code = "from django.conf import settings; print(settings.NOTE_SIGNING_KEY_ID, sorted(settings.NOTE_SIGNING_KEYS))"
    keys = PRODUCTION_ENV["NOTE_SIGNING_KEYS"] + ",2025z:" + "older-key-still-verifies-" * 2
    first = manage("shell", "-v", "0", "-c", code, env_overrides={**PRODUCTION_ENV, "NOTE_SIGNING_KEYS": keys})
    named = manage(
        "shell",
        "-v",
        "0",
        "-c",
        code,
        env_overrides={**PRODUCTION_ENV, "NOTE_SIGNING_KEYS": keys, "NOTE_SIGNING_KEY_ID": "2025z"},
    )

    assert first.stdout.strip() == "2026a ['2025z', '2026a']", first.stderr
    assert named.stdout.strip() == "2025z ['2025z', '2026a']", named.stderr


def test_without_note_signing_keys_the_seal_key_is_derived_from_the_secret_key_and_its_fallbacks():
    code = (
        "from django.conf import settings; "
        "print(settings.NOTE_SIGNING_KEY_ID); print(*sorted(settings.NOTE_SIGNING_KEYS)); "
        "print(settings.SECRET_KEY.encode() in settings.NOTE_SIGNING_KEYS.values())"
    )
    no_keys = {**PRODUCTION_ENV, "NOTE_SIGNING_KEYS": ""}
    old_secret = "an-older-production-secret-key-rotated-out-" + "Hq3Wz8Lr5Tn2Vb7K" * 3

    def seal_keys(**env):
        result = manage("shell", "-v", "0", "-c", code, env_overrides={**no_keys, **env})
        assert result.returncode == 0, result.stderr
        key_id, listed, secret_used_as_is = result.stdout.splitlines()
        return key_id, listed.split(), secret_used_as_is

    key_id, listed, secret_used_as_is = seal_keys()
    assert key_id.startswith("sk-") and len(key_id) == 11
    assert listed == [key_id]
    assert secret_used_as_is == "False"  # a key derived from SECRET_KEY, never SECRET_KEY itself
    assert seal_keys() == (key_id, listed, "False")  # the same secret key gives the same seal key at every start
    old_id, _listed, _ = seal_keys(SECRET_KEY=old_secret)
    assert old_id != key_id
    # After a rotation the new key seals, and the old one, kept as a fallback, still verifies what it sealed.
    assert seal_keys(SECRET_KEY_FALLBACKS=old_secret) == (key_id, sorted([key_id, old_id]), "False")
    assert manage("check", "--deploy", "--fail-level", "WARNING", env_overrides=no_keys).returncode == 0


def test_seed_demo_refuses_to_run_with_debug_off():
    result = manage("seed_demo", env_overrides=PRODUCTION_ENV)

    assert result.returncode != 0
    assert "only runs with DEBUG on" in result.stderr


@pytest.mark.parametrize(
    ("variable", "value", "setting", "expected"),
    [
        ("TIME_ZONE", "America/Vancouver", "TIME_ZONE", "America/Vancouver"),
        ("SESSION_IDLE_MINUTES", "10", "SESSION_COOKIE_AGE", "600"),
        ("ALLOWED_HOSTS", "a.example,b.example", "ALLOWED_HOSTS", "['a.example', 'b.example']"),
    ],
)
def test_settings_come_from_environment_variables(variable, value, setting, expected):
    code = f"from django.conf import settings; print(settings.{setting})"
    result = manage("shell", "-v", "0", "-c", code, env_overrides={**PRODUCTION_ENV, variable: value})

    assert result.stdout.strip() == expected, result.stderr


def test_database_url_selects_the_database():
    code = "from django.conf import settings; print(settings.DATABASES['default']['ENGINE'])"
    sqlite = manage("shell", "-v", "0", "-c", code, env_overrides=PRODUCTION_ENV)
    postgres = manage(
        "shell",
        "-v",
        "0",
        "-c",
        code,
        env_overrides={**PRODUCTION_ENV, "DATABASE_URL": "postgres://u@db.example/clinic"},
    )

    assert sqlite.stdout.strip() == "django.db.backends.sqlite3"
    assert postgres.stdout.strip() == "django.db.backends.postgresql"


def test_pages_carry_a_strict_content_security_policy(client, db):
    response = client.get("/accounts/login/")

    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy


def test_static_assets_are_served_by_the_app_not_a_cdn(client, db):
    page = client.get("/accounts/login/").content.decode()

    assert "/static/bootstrap/css/bootstrap.min.css" in page
    assert "https://" not in page and "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert client.get("/static/bootstrap/css/bootstrap.min.css").status_code == 200


@pytest.mark.parametrize(
    ("database_url", "binding", "expected"),
    [
        ("postgres://u@db.example/clinic", None, "True 5"),  # the default on PostgreSQL: statements prepared
        ("postgres://u@db.example/clinic", "0", "None None"),  # behind a pooler in transaction mode
        ("", None, "None None"),  # SQLite has neither
    ],
)
def test_postgresql_prepares_repeated_statements_unless_told_not_to(database_url, binding, expected):
    code = (
        "from django.conf import settings; options = settings.DATABASES['default'].get('OPTIONS', {}); "
        "print(options.get('server_side_binding'), options.get('prepare_threshold'))"
    )
    env = {**PRODUCTION_ENV, "DATABASE_URL": database_url}
    if binding is not None:
        env["DB_SERVER_SIDE_BINDING"] = binding

    result = manage("shell", "-v", "0", "-c", code, env_overrides=env)

    assert result.stdout.strip() == expected, result.stderr
