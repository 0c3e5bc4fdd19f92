"""Static files in production: WhiteNoise's compressed, hashed storage, each asset's address worked out once.

Every page names about seven assets (`{% static %}`), and Django works each address out again on every request
(the manifest's lookup, then parsing and joining URLs): profiled, about 0.25 ms of the floor page's 3 ms (a
signed-in page with one query; bench/RESULTS.md). The manifest is read when the process starts and does not
change while it runs, so neither does an asset's address: it is kept from the first time it is asked for. The
same code on every app server gives the same address, so nothing here differs between servers. Collecting the
files again (`collectstatic`, which rewrites the manifest) forgets them.
"""

from django.conf import settings
from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._addresses: dict[tuple[str, bool, bool], str] = {}

    def url(self, name, force=False):
        key = (name, force, settings.DEBUG)  # with DEBUG on, Django gives the unhashed address
        address = self._addresses.get(key)
        if address is None:
            address = self._addresses[key] = super().url(name, force)
        return address

    def post_process(self, *args, **kwargs):
        yield from super().post_process(*args, **kwargs)
        self._addresses.clear()
