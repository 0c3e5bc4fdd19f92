"""The addresses of the navigation bar on every page, reversed once per process (`{{ nav.clients }}` in base.html).

`{% url %}` reverses its name on every render, about 20 µs each, four on every page (six for an admin): with
`make floor` against the code before, the floor page took 1.60 ms instead of 1.68. None of these names takes an
argument, so an address changes only with the URLconf and the prefix the app is served under (SCRIPT_NAME), which
key the memo.
"""

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

NAMES = {
    "home": "clinic:home",
    "clients": "clinic:client-list",
    "new_client": "clinic:client-create",
    "audit_log": "clinic:audit-log",
    "administration": "admin:index",
    "sign_out": "logout",
}


# (URLconf, prefix) -> {key: address}. Nothing read from the database: the same in every process.
_addresses: dict[tuple[str, str], dict[str, str]] = {}


def nav(request) -> dict:
    """Context processor: `nav`, the bar's addresses for this request's URLconf and prefix."""
    key = (get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())
    addresses = _addresses.get(key)
    if addresses is None:
        if len(_addresses) >= 16:  # a server is reached under one prefix or two: never a growing memo
            _addresses.clear()
        # `reverse` puts the current thread's prefix (key[1]) in front of each address.
        addresses = _addresses[key] = {name: reverse(view, urlconf=key[0]) for name, view in NAMES.items()}
    return {"nav": addresses}
