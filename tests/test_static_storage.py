"""Production's static files storage (clinic/static_storage.py): each asset's address worked out once, the same
address WhiteNoise's storage gives, and forgotten when the files are collected again."""

import pytest
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management import call_command
from django.test import override_settings
from whitenoise.storage import CompressedManifestStaticFilesStorage

from clinic.static_storage import StaticFilesStorage


@pytest.fixture
def collected(tmp_path):
    """A static folder with one stylesheet, collected by the production storage into `collected/`."""
    source, target = tmp_path / "static", tmp_path / "collected"
    source.mkdir()
    (source / "site.css").write_text("body { color: black; }\n")
    with override_settings(
        DEBUG=False,
        STATIC_ROOT=target,
        STATICFILES_DIRS=[source],
        STATICFILES_FINDERS=["django.contrib.staticfiles.finders.FileSystemFinder"],
        STORAGES={"staticfiles": {"BACKEND": "clinic.static_storage.StaticFilesStorage"}},
    ):
        call_command("collectstatic", interactive=False, verbosity=0)
        yield source, target


def test_an_asset_s_address_is_whitenoise_s_hashed_one(collected):
    _source, target = collected
    storage = StaticFilesStorage(location=target)

    address = storage.url("site.css")

    assert address == CompressedManifestStaticFilesStorage(location=target).url("site.css")
    assert address.startswith("/static/site.") and address.endswith(".css") and address != "/static/site.css"
    assert storage.url("site.css") == address


def test_an_asset_not_collected_is_still_refused(collected):
    _source, target = collected
    storage = StaticFilesStorage(location=target)

    with pytest.raises(ValueError):
        storage.url("missing.css")
    with pytest.raises(ValueError):  # a refusal is not remembered as an address
        storage.url("missing.css")


def test_collecting_again_forgets_the_addresses_it_kept(collected):
    source, target = collected
    before = staticfiles_storage.url("site.css")  # the storage {% static %} asks, kept by this process
    (source / "site.css").write_text("body { color: navy; }\n")

    call_command("collectstatic", interactive=False, verbosity=0)

    assert staticfiles_storage.url("site.css") != before
    assert staticfiles_storage.url("site.css") == CompressedManifestStaticFilesStorage(location=target).url("site.css")


def test_with_debug_on_the_address_is_the_plain_one(collected):
    _source, target = collected
    storage = StaticFilesStorage(location=target)
    hashed = storage.url("site.css")

    with override_settings(DEBUG=True):
        assert storage.url("site.css") == "/static/site.css"
    assert storage.url("site.css") == hashed
