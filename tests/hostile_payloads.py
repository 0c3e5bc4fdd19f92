"""Hostile input, shared by the tests/test_hostile_input_*.py files: the payloads, a way to send them as a hostile
client would (raw bytes, lone surrogates included), and the checks that nothing was rendered live.

What Django does with them, which the tests rely on:
- Lone surrogates cannot be sent as text: a hostile client sends their UTF-8-like bytes (b"\\xed\\xa0\\x80"), and
  Django decodes query strings and form bodies with replacement characters (U+FFFD).
- Form CharFields strip surrounding whitespace and refuse NUL characters ("Null characters are not allowed.").
"""

from html import escape
from html.parser import HTMLParser
from urllib.parse import urlencode

import pytest

MARKUP = {
    "script": "<script>alert(1)</script>",
    "img-onerror": '<img src=x onerror="alert(1)">',
    "svg-onload": "<svg/onload=alert(1)>",
    "iframe-javascript": '<iframe src="javascript:alert(1)"></iframe>',
    "style-url": '<div style="background:url(javascript:alert(1))">x</div>',
    "django-template": "{{ request.user.password }}{% debug %}",
}
ATTRIBUTE_BREAKOUT = {
    "double-quote-svg": '"><svg onload=alert(1)>',
    "single-quote-mouseover": "' onmouseover='alert(1)",
    "double-quote-autofocus": '" autofocus onfocus="alert(1)" x="',
    "backtick-img": "`><img src=x onerror=alert(1)>",
}
JAVASCRIPT_LINKS = {
    "javascript-link": "javascript:alert(document.cookie)",
    "javascript-mixed-case": "JaVaScRiPt:alert(1)",
    "data-html-link": "data:text/html,<script>alert(1)</script>",
}
JSON_BREAKOUT = {
    "script-close": "</script><script>alert(1)</script>",
    "html-comment": "<!--<script>alert(1)//-->",
    "json-quote": '\\"};alert(1);//',
    "escaped-lt": "\\u003cscript\\u003ealert(1)",
}
CSV_FORMULAS = {
    "csv-equals": '=HYPERLINK("https://evil.example","click")',
    "csv-plus": "+1+1",
    "csv-minus": "-2+3+cmd|' /C calc'!A0",
    "csv-at": "@SUM(1,1)",
    "csv-tab": "\t=1+1",
    "csv-cr": "\r=1+1",
}
SQL = {
    "sql-drop": "Robert'); DROP TABLE clinic_client;--",
    "sql-or": "' OR 1=1 --",
    "sql-union": "x' UNION SELECT password FROM clinic_user --",
    "sql-like-wildcards": "%_%",
}
ENCODING = {
    "nul": "ab\x00cd",
    "lone-high-surrogate": "x\ud800y",
    "lone-low-surrogate": "\udfff",
    "bidi-override": "\u202egnp.exe",
    "bidi-isolate": "\u2067evil\u2069",
    "zero-width": "Ma\u200bya",
    "emoji-and-accents": "Zoë 👩🏽‍⚕️ Ñandú 测试",
}
TEXT = MARKUP | ATTRIBUTE_BREAKOUT | JAVASCRIPT_LINKS | JSON_BREAKOUT | CSV_FORMULAS | SQL | ENCODING
TEXT_PARAMS = [pytest.param(value, id=name) for name, value in TEXT.items()]

PAIN = ["3.5", "ten", "-1", "11", "1e3", "NaN", "0x5", "\uff14", " ", "4; DROP TABLE x"]  # \uff14: fullwidth 4
DATES = [
    "2026-02-30",
    "0000-01-01",
    "9999-12-31",
    "99999-01-01",
    "2026-13-01",
    "yesterday",
    "2026-02-28T25:00",
    "1e9",
    "\x00",
]

TEN_MB = "x" * (10 * 1024 * 1024)
FIVE_THOUSAND_FIELDS = {f"field{n}": "1" for n in range(5000)}

assert len(TEXT) >= 25


def form_body(data: dict) -> bytes:
    """A urlencoded body as a hostile client sends it: lone surrogates go as their raw (invalid UTF-8) bytes."""
    pairs = []
    for name, value in data.items():
        for one in value if isinstance(value, list | tuple) else [value]:
            pairs.append((name, str(one)))
    return urlencode(pairs, encoding="utf-8", errors="surrogatepass").encode("ascii")


def post_raw(browser, url: str, data: dict, **extra):
    return browser.post(url, form_body(data), content_type="application/x-www-form-urlencoded", **extra)


def query_string(data: dict) -> str:
    return form_body(data).decode("ascii")


def as_received(text: str) -> str:
    """What a view receives for `text` sent raw: lone surrogates decoded as replacement characters."""
    return text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")


def as_stored(text: str) -> str | None:
    """What a form CharField keeps of `text`: None when it must refuse it (NUL), else the stripped text."""
    received = as_received(text)
    return None if "\x00" in received else received.strip()


def is_stored_text(text: str) -> bool:
    return as_stored(text) not in (None, "")


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, {name: value or "" for name, value in attrs}))

    handle_startendtag = handle_starttag


LINK_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "background"}
UNSAFE_SCHEMES = ("javascript:", "vbscript:", "data:text/html")


def live_markup(html: str) -> list[str]:
    """Every element or attribute in the page that would run script: what a payload rendered live would add."""
    parser = _Elements()
    parser.feed(html)
    found = []
    for tag, attrs in parser.elements:
        for name, value in attrs.items():
            if name.startswith("on"):
                found.append(f"<{tag} {name}=...>")
            compact = "".join(value.split()).lower()
            if name in LINK_ATTRIBUTES and compact.startswith(UNSAFE_SCHEMES):
                found.append(f"<{tag} {name}={value!r}>")
            if name == "style" and "javascript:" in compact:
                found.append(f"<{tag} style={value!r}>")
        if tag in {"iframe", "object", "embed", "base"}:
            found.append(f"<{tag}>")
        is_data = attrs.get("type") == "application/json"  # json_script: data, never run
        src = attrs.get("src", "")
        is_ours = src.startswith("/") and not src.startswith("//")  # served by the app (static, admin's jsi18n)
        if tag == "script" and not (is_data or is_ours or "nonce" in attrs):
            found.append(f"<script {attrs}>")
    return found


def assert_page_is_safe(response, *shown: str):
    """Not a server error, nothing in the page that would run, and each of `shown` is in the page, escaped."""
    assert response.status_code < 500, response.status_code
    html = response.content.decode()
    found = live_markup(html)
    assert found == [], found
    for text in shown:
        assert escape(text) in html, f"{text!r} is not shown escaped"
    return html


OVERSIZED = ["ten-megabytes", "five-thousand-fields"]


def oversized(data: dict, kind: str, *, field: str) -> dict:
    """A valid form made too large: 10 MB in one of its text fields, or 5,000 extra fields."""
    if kind == "ten-megabytes":
        return {**data, field: TEN_MB}
    return {**data, **FIVE_THOUSAND_FIELDS}


def assert_refused_as_too_large(response):
    """Django's limits (DATA_UPLOAD_MAX_MEMORY_SIZE, DATA_UPLOAD_MAX_NUMBER_FIELDS) answer 400, with our page."""
    assert response.status_code == 400
    assert "could not be read" in response.content.decode()


def multipart_raw(data: dict) -> dict:
    """Values for the test client's multipart encoder, text as raw bytes (lone surrogates as a hostile client
    would send them); files and lists pass through."""
    # A one-item list: the encoder iterates over anything that is not a str, bytes included.
    return {
        name: [value.encode("utf-8", "surrogatepass")] if isinstance(value, str) else value
        for name, value in data.items()
    }


def storable(text: str) -> str:
    """`text` as it could ever be in the database: decoded as a view receives it, without NUL (forms refuse it
    and PostgreSQL cannot store it). For records made directly, to test what goes out."""
    return as_received(text).replace("\x00", "")
