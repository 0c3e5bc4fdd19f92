"""gunicorn and Django believe a proxy's X-Forwarded-Proto only when the clinic says its own proxy is in front
(TRUST_X_FORWARDED_FOR): gunicorn trusted the header from any local address with proxy trust off, so a request
from the server itself could pass as HTTPS."""

import runpy
import socket
from pathlib import Path

import pytest
from gunicorn.config import Config
from gunicorn.http import wsgi
from gunicorn.http.message import Request
from gunicorn.http.unreader import IterUnreader

from tests.test_settings import PRODUCTION_ENV, manage

ROOT = Path(__file__).resolve().parent.parent
SPOOFED = b"GET / HTTP/1.1\r\nHost: clinic.example.org\r\nX-Forwarded-Proto: https\r\nX-Forwarded-Ssl: on\r\n\r\n"


def gunicorn_config(monkeypatch, **env) -> Config:
    """gunicorn.conf.py as gunicorn loads it, in the given environment: every setting validated by gunicorn."""
    for name in ("TRUST_X_FORWARDED_FOR", "FORWARDED_ALLOW_IPS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    config = Config()
    for name, value in runpy.run_path(str(ROOT / "gunicorn.conf.py")).items():
        if name in config.settings:
            config.set(name, value)
    return config


def url_scheme(config: Config, peer: tuple | str) -> str:
    """The scheme gunicorn hands Django for a request claiming HTTPS from `peer`."""
    request = Request(config, IterUnreader([SPOOFED]), peer, 1)
    _response, environ = wsgi.create(request, socket.socket(), peer, ("127.0.0.1", 8000), config)
    return environ["wsgi.url_scheme"]


@pytest.mark.parametrize("value", [None, "", "0", "off", "no"])
def test_gunicorn_believes_no_forwarded_proto_without_proxy_trust(monkeypatch, value):
    config = gunicorn_config(monkeypatch, **({} if value is None else {"TRUST_X_FORWARDED_FOR": value}))

    assert config.forwarded_allow_ips == []
    assert config.secure_scheme_headers == {}
    assert url_scheme(config, ("127.0.0.1", 50000)) == "http"
    assert url_scheme(config, ("::1", 50000, 0, 0)) == "http"
    assert url_scheme(config, "/run/clinic.sock") == "http"  # a UNIX socket's peer: trusted by gunicorn's default


@pytest.mark.parametrize("value", ["1", "true", "on", "yes"])
def test_gunicorn_believes_the_proxy_when_the_clinic_says_one_is_in_front(monkeypatch, value):
    config = gunicorn_config(monkeypatch, TRUST_X_FORWARDED_FOR=value)

    assert config.forwarded_allow_ips == ["127.0.0.1", "::1"]
    assert url_scheme(config, ("127.0.0.1", 50000)) == "https"
    assert url_scheme(config, ("203.0.113.9", 50000)) == "http"  # not the proxy


def test_the_proxy_addresses_come_from_forwarded_allow_ips(monkeypatch):
    config = gunicorn_config(monkeypatch, TRUST_X_FORWARDED_FOR="1", FORWARDED_ALLOW_IPS="10.0.0.5")

    assert config.forwarded_allow_ips == ["10.0.0.5"]
    assert url_scheme(config, ("10.0.0.5", 50000)) == "https"
    assert url_scheme(config, ("127.0.0.1", 50000)) == "http"


def test_forwarded_allow_ips_alone_trusts_nothing(monkeypatch):
    config = gunicorn_config(monkeypatch, FORWARDED_ALLOW_IPS="10.0.0.5")

    assert config.forwarded_allow_ips == []
    assert url_scheme(config, ("10.0.0.5", 50000)) == "http"


@pytest.mark.parametrize(
    ("value", "expected"), [("", "None"), ("0", "None"), ("1", "('HTTP_X_FORWARDED_PROTO', 'https')")]
)
def test_django_follows_the_same_setting(value, expected):
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings; print(getattr(settings, 'SECURE_PROXY_SSL_HEADER', None))",
        env_overrides={**PRODUCTION_ENV, "TRUST_X_FORWARDED_FOR": value},
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == expected
