"""Locust users for `make load`: the clinic's roles browsing while therapists add live feedback entries.

bench/load.py seeds the database, starts gunicorn and runs Locust on this file, one headless run per phase; it
hands over a plan (JSON, its path in LOAD_PLAN): the servers, the accounts and their password, the records each
person opens, the admin's TOTP keys, and where to write what the users saw. Each person signs in through the real
login form (its CSRF token) and works in a closed loop (no wait time): front desk (client list, search, client
page), therapists (a live session: start, verbal re-confirmation, feedback entries through htmx with a "stop" now
and then and a new re-confirmation after it, sign; between entries their clients' pages, signed sessions and
history), clinic admin (a TOTP second factor, audit log, history). With two servers every person's requests
alternate between them: the cookie jar is per host name, not port, so the session cookie, the CSRF token, the
searches kept in the session and the live feedback timeline carry on across both.

A response with an unexpected status, a search that lost its text, an entry refused or missing from the live
panel is a failure in Locust's statistics, and the person signs in afresh. The tokens of the acknowledged entries
go to the results file, for bench/load.py to count in the database after the phase.

This file never imports Django: Locust runs on gevent's monkey-patching, in its own process.
"""

import hmac
import itertools
import json
import os
import random
import re
import struct
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import gevent
from locust import HttpUser, constant, events, task

PLAN = json.loads(Path(os.environ["LOAD_PLAN"]).read_text()) if os.environ.get("LOAD_PLAN") else None
TOKEN = re.compile(r'name="token" value="([0-9a-f-]{36})"')
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SESSION_URL = re.compile(r"/sessions/([0-9a-f-]{36})/$")
AREA = re.compile(r'class="card mb-3 area-today" data-area="([a-z_]+)"')
SEARCHES = ["okonk", "chen", "nakam", "maya", "tremb", "Singh", "Loadtest"]

# What the users saw, written to the plan's results file when the run stops.
SEEN = {"posted": 0, "acknowledged": set(), "sessions": set(), "per_server": Counter()}
PEOPLE = itertools.count()  # each person's first request goes to another server, so sign-ins land on both
ACCOUNTS_TAKEN = Counter()  # per role: each person signs in with an account of their own


class Failed(Exception):
    """Marked as a failure in Locust's statistics already; the person starts over, signed in afresh."""


def totp(key: bytes, at: float, step: int = 30, digits: int = 6) -> int:
    """RFC 6238, as django-otp's TOTPDevice checks it (SHA-1, 30 s steps from t0 0, 6 digits)."""
    digest = hmac.digest(key, struct.pack(">Q", int(at // step)), "sha1")
    offset = digest[-1] & 0x0F
    return (struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 10**digits


class Person(HttpUser):
    abstract = True
    wait_time = constant(0)
    accounts: list = []

    def __init__(self, environment):
        super().__init__(environment)
        self.client.trust_env = False  # loopback: no proxy from the environment
        self.person = next(PEOPLE)
        self.rng = random.Random(self.person)  # nosec B311
        self.requests_made = self.person
        self.signed_in = False

    def account(self):
        role = type(self)
        taken = ACCOUNTS_TAKEN[role.__name__]
        ACCOUNTS_TAKEN[role.__name__] += 1
        return role.accounts[taken % len(role.accounts)]

    @task
    def visit(self):
        try:
            if not self.signed_in:
                self.sign_in()
            self.work()
        except Failed:
            self.start_over()
            gevent.sleep(0.5)

    def start_over(self):
        self.signed_in = False

    def request(self, name, path, form=None, *, htmx=False, expect=200, check=None):
        """One request to the next server in turn: a failure unless the status is `expect` and `check(response)`
        (when given) names no problem."""
        servers = PLAN["servers"]
        url = servers[self.requests_made % len(servers)] + path
        self.requests_made += 1
        if form is not None:
            form = {"csrfmiddlewaretoken": self.client.cookies.get("csrftoken", ""), **form}
        kwargs = {"name": name, "allow_redirects": False, "catch_response": True}
        if htmx:
            kwargs["headers"] = {"HX-Request": "true"}
        method = "POST" if form is not None else "GET"
        with self.client.request(method, url, data=form, **kwargs) as response:
            if response.status_code != expect:
                problem = f"status {response.status_code} {response.headers.get('Location', '')} for {path}"
            else:
                problem = check(response) if check else None
            if problem:
                response.failure(problem)
            else:
                response.success()
        if problem:
            raise Failed(problem)
        return response

    def sign_in(self):
        self.client.cookies.clear()
        page = self.request("sign-in page", "/accounts/login/")
        token = CSRF_FIELD.search(page.text)
        form = {"username": self.username, "password": PLAN["password"], "csrfmiddlewaretoken": token and token[1]}
        self.request(
            "sign in",
            "/accounts/login/",
            form,
            expect=302,
            check=lambda r: None if "sessionid" in self.client.cookies else "no session cookie after signing in",
        )
        self.signed_in = True


class FrontDesk(Person):
    fixed_count = len(PLAN["desks"]) if PLAN else 1
    accounts = PLAN["desks"] if PLAN else []

    def on_start(self):
        self.username = self.account()

    def work(self):
        self.request("client list", "/clients/")
        # The search form posts its text, kept in the session; the results page is named by a token. With two
        # servers the post and the results page land on different ones.
        text = self.rng.choice(SEARCHES)
        response = self.request("client search (post)", "/clients/", {"q": text}, expect=302)
        results = urlsplit(response.headers.get("Location", ""))
        self.request(
            "client search (results)",
            f"{results.path}?{results.query}" if results.query else results.path,
            check=lambda r: None if f'value="{text}"' in r.text else f"the search for {text!r} was lost",
        )
        self.request("client page", f"/clients/{self.rng.choice(PLAN['clients'])}/")


class ClinicAdmin(Person):
    fixed_count = len(PLAN["admins"]) if PLAN else 1
    accounts = PLAN["admins"] if PLAN else []
    # A code is good once: the last step each device accepted (from the database, then this run's).
    steps_used: dict = dict(PLAN["totp_last_step"]) if PLAN else {}

    def on_start(self):
        self.username = self.account()

    def sign_in(self):
        super().sign_in()
        self.request("second factor page", "/account/two-factor/verify/?next=/audit/")
        step = int(time.time() // 30)
        if step <= self.steps_used.get(self.username, -1):
            gevent.sleep((step + 1) * 30 - time.time() + 0.5)
            step = int(time.time() // 30)
        self.steps_used[self.username] = step
        code = f"{totp(bytes.fromhex(PLAN['totp_keys'][self.username]), time.time()):06d}"
        self.request("second factor", "/account/two-factor/verify/", {"code": code, "next": "/audit/"}, expect=302)

    def work(self):
        self.request("audit log", "/audit/")
        self.request("history page", f"/clients/{self.rng.choice(PLAN['clients'])}/history/")
        self.request("session page", f"/sessions/{self.rng.choice(PLAN['sessions'])}/")


class Therapist(Person):
    """One treatment session after another on the therapist's live clients: each task is one step of it (start,
    or one feedback entry, then perhaps a re-confirmation or a look at another record, and the signature after the
    last entry), so a run that stops lets the step in hand finish and signs the open session (on_stop)."""

    fixed_count = len(PLAN["therapists"]) if PLAN else 1
    accounts = PLAN["therapists"] if PLAN else []

    def on_start(self):
        self.me = self.account()
        self.username = self.me["username"]
        self.session = None

    def start_over(self):
        super().start_over()
        self.session = None

    def work(self):
        if self.session is None:
            self.start_session()
            return
        stop = self.posted % 10 == 9
        form = {
            "token": self.token,
            "side": self.rng.choice(["left", "right"]),
            "technique": self.rng.choice(["sustained_pressure", "pin_and_stretch", "breathing_release"]),
            "pressure": str(self.rng.randint(1, 4)),
            "pain": str(self.rng.randint(1, 6)),
            "response": "stop" if stop else self.rng.choice(["comfortable", "tender", "referred"]),
            "note": "",
        }
        SEEN["posted"] += 1
        response = self.request(
            "feedback entry (htmx)", f"{self.session}feedback/", form, htmx=True, check=self.entry_shown
        )
        SEEN["acknowledged"].add(self.token)
        self.token = TOKEN.search(response.text)[1]
        self.posted += 1
        if stop:
            self.reconfirm()
        elif self.rng.random() < 0.5:
            self.browse_own()
        if self.posted == PLAN["entries_per_visit"]:
            self.sign_session()

    def entry_shown(self, response):
        if "Entry refused" in response.text:
            return "entry refused by the gate"
        # The panel shows the newest entries: one more each time, until the page's window is full.
        shown = response.text.count("timeline-entry response-row-")
        if not (shown == self.posted + 1 or (shown == self.window and self.window >= 10)):
            return f"timeline shows {shown} entries after {self.posted + 1} posts"
        if not TOKEN.search(response.text):
            return "no fresh form token in the live panel"
        self.window = shown
        return None

    def start_session(self):
        client = self.rng.choice(self.me["live_clients"])
        self.request("client page", f"/clients/{client}/")
        self.request("new session page", f"/clients/{client}/sessions/new/")
        response = self.request(
            "start session",
            f"/clients/{client}/sessions/new/",
            {"subjective": "Load test", "abdominal_planned": "on"},
            expect=302,
            check=lambda r: None if SESSION_URL.search(r.headers.get("Location", "")) else "no session in Location",
        )
        public_id = SESSION_URL.search(response.headers["Location"])[1]
        SEEN["sessions"].add(public_id)
        self.session = f"/sessions/{public_id}/"
        self.posted = self.window = 0
        self.initial_areas()
        self.reconfirm()

    def initial_areas(self):
        """The tablet handed to the client, who initials the abdomen for today (every other area: not today), and
        handed back with the therapist's password: abdominal work waits for it."""
        self.request("areas hand-over", f"{self.session}areas/handover/", {}, expect=302)
        page = self.request(
            "areas tablet page",
            "/areas/handover/",
            check=lambda r: None if 'data-area="abdomen"' in r.text else "the tablet does not ask about the abdomen",
        )
        answers = {}
        for area in AREA.findall(page.text):
            answers[f"word_{area}"] = "agreed" if area == "abdomen" else "not_today"
            answers[f"initials_{area}"] = "LT" if area == "abdomen" else ""
        self.request("areas initialled", "/areas/handover/", answers, expect=302)
        self.request(
            "tablet handed back",
            "/handover/exit/",
            {"password": PLAN["password"]},
            expect=302,
            check=lambda r: None if r.headers.get("Location") == self.session else "not back on the session",
        )

    def reconfirm(self):
        """The client's verbal re-confirmation, then the session page: the segment must show open."""
        self.request(
            "re-confirmation",
            f"{self.session}abdominal/",
            {"reconfirmed": "on", "precautions_reviewed": "on", "action": "start"},
            expect=302,
        )

        def segment_open(response):
            if "segment-open" not in response.text:
                return "abdominal work did not open"
            return None if TOKEN.search(response.text) else "no form token on the session page"

        page = self.request("session page (own draft)", self.session, check=segment_open)
        self.token = TOKEN.search(page.text)[1]

    def browse_own(self):
        pick = self.rng.random()
        if pick < 0.4 and self.me["sessions"]:
            self.request("session page", f"/sessions/{self.rng.choice(self.me['sessions'])}/")
        elif pick < 0.7:
            self.request("history page", f"/clients/{self.rng.choice(self.me['clients'])}/history/")
        else:
            self.request("client page", f"/clients/{self.rng.choice(self.me['clients'])}/")

    def sign_session(self):
        session, self.session = self.session, None
        self.request("sign page", f"{session}sign/")
        self.request("sign session", f"{session}sign/", {}, expect=302)

    def on_stop(self):
        if self.signed_in and self.session:
            try:
                self.sign_session()
            except Failed:
                pass


@events.request.add_listener
def count_per_server(url=None, **_kwargs):
    if url:
        SEEN["per_server"][urlsplit(url).port] += 1


def statistics(entry) -> dict:
    return {
        "name": entry.name,
        "count": entry.num_requests,
        "failures": entry.num_failures,
        "p50": entry.get_response_time_percentile(0.5),
        "p95": entry.get_response_time_percentile(0.95),
        "rps": entry.total_rps,
        "seconds": entry.stats.last_request_timestamp - entry.stats.start_time if entry.num_requests else 0,
    }


@events.test_stop.add_listener
def write_results(environment, **_kwargs):
    """Locust's final statistics, once every person has stopped (a therapist's session signed): its --csv files
    are snapshots taken each second and miss the last requests. And what the users saw, for the database check."""
    if not (PLAN and PLAN.get("results")):
        return
    stats = environment.stats
    results = {
        "requests": [statistics(entry) for entry in stats.entries.values()],
        "total": statistics(stats.total),
        "failures": [
            {"name": e.name, "error": str(e.error), "occurrences": e.occurrences} for e in stats.errors.values()
        ],
        "exceptions": [{"count": e["count"], "message": e["msg"]} for e in environment.runner.exceptions.values()],
        "posted": SEEN["posted"],
        "acknowledged": sorted(SEEN["acknowledged"]),
        "sessions": sorted(SEEN["sessions"]),
        "per_server": {str(port): n for port, n in SEEN["per_server"].items()},
    }
    Path(PLAN["results"]).write_text(json.dumps(results))
