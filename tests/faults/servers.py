"""The fault drill's servers: a throwaway PostgreSQL cluster, gunicorn, and a browser that signs in."""

import glob
import http.client
import os
import pwd
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[2]
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# -- The throwaway PostgreSQL cluster -----------------------------------------------------------------------------


class Cluster:
    def __init__(self, folder: Path):
        binaries = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
        if not binaries:
            sys.exit("PostgreSQL server binaries not found in /usr/lib/postgresql/*/bin (apt-get install postgresql).")
        self.bin = Path(binaries[-1]).parent
        self.folder = folder
        self.data = folder / "pgdata"
        self.port = free_port()
        self.running = False
        # PostgreSQL refuses to run as root: then the cluster belongs to the `postgres` system user.
        self.user = pwd.getpwnam("postgres") if os.geteuid() == 0 else None
        if self.user:
            os.chown(folder, self.user.pw_uid, self.user.pw_gid)

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}"

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        command = [str(self.bin / args[0]), *args[1:]]
        if self.user:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, check=check, capture_output=True, text=True, timeout=60)  # noqa: S603

    def create(self) -> None:
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write(
                f"\nlisten_addresses = '127.0.0.1'\nport = {self.port}\n"
                f"unix_socket_directories = '{self.folder}'\nmax_connections = 40\nshared_buffers = 32MB\n"
            )

    def start(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.folder / "postgresql.log"), "-w", "-t", "30", "start")
        self.running = True

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "30", "stop", check=False)
        self.running = False


# -- The app server -----------------------------------------------------------------------------------------------


@dataclass
class AppServer:
    port: int
    process: subprocess.Popen
    log: Path

    def workers(self) -> list[int]:
        """The master's children: the workers."""
        children = []
        for stat in glob.glob("/proc/[0-9]*/stat"):
            try:
                fields = Path(stat).read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.process.pid:
                children.append(int(stat.split("/")[2]))
        return sorted(children)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)


def server_env(cluster: Cluster, folder: Path) -> dict:
    env = {
        **os.environ,
        "DATABASE_URL": f"{cluster.url}/clinic_faults",
        "DJANGO_SETTINGS_MODULE": "tests.faults.settings",
        "SECRET_KEY": "faults-" + secrets.token_hex(24),
        "NOTE_SIGNING_KEYS": "faults:" + secrets.token_hex(24),
        "ALLOWED_HOSTS": "127.0.0.1",
        # Plain http on loopback: no HTTPS redirect, no Secure-only cookies.
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "SECURE_HSTS_SECONDS": "0",
        "MEDIA_ROOT": str(folder / "media"),
        "LOG_LEVEL": "INFO",
        "WEB_CONCURRENCY": "2",
    }
    env.pop("DEBUG", None)
    return env


def start_app_server(env: dict, folder: Path) -> AppServer:
    port = free_port()
    log = folder / "gunicorn.log"
    gunicorn = Path(sys.executable).with_name("gunicorn")
    with log.open("w") as out:
        process = subprocess.Popen(  # noqa: S603
            [str(gunicorn), "-c", str(ROOT / "gunicorn.conf.py"), "--bind", f"127.0.0.1:{port}", "--workers", "2"]
            + ["--no-control-socket"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = AppServer(port, process, log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if request(port, "GET", "/accounts/login/").status == 200:
                return server
        except OSError:
            time.sleep(0.3)
    server.stop()
    raise RuntimeError(f"gunicorn did not start:\n{log.read_text()[-3000:]}")


# -- HTTP: one signed-in browser per thread -----------------------------------------------------------------------


@dataclass
class Answer:
    status: int
    headers: dict
    body: str


def request(port: int, method: str, path: str, *, body: str | None = None, headers: dict | None = None) -> Answer:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return Answer(response.status, dict(response.getheaders()), response.read().decode("utf-8", "replace"))
    finally:
        conn.close()


class Browser:
    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def send(self, method: str, path: str, form: dict | None = None) -> Answer:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        answer = request(self.port, method, path, body=body, headers=headers)
        for name, value in answer.headers.items():
            if name.lower() == "set-cookie":
                for morsel in SimpleCookie(value).values():
                    self.cookies[morsel.key] = morsel.value
        return answer

    def sign_in(self, username: str, password: str) -> None:
        page = self.send("GET", "/accounts/login/")
        token = CSRF_FIELD.search(page.body)[1]
        answer = self.send(
            "POST", "/accounts/login/", {"csrfmiddlewaretoken": token, "username": username, "password": password}
        )
        if answer.status != 302:
            raise RuntimeError(f"sign-in of {username} answered {answer.status}: {answer.body[-1500:]}")
