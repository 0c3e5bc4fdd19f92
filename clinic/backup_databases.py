"""Copying the database out of and back into the configured connection, for `clinic.backups`.

PostgreSQL: pg_dump (custom format) and pg_restore, of the server's major version, with the connection settings
of DATABASES["default"] passed through libpq's environment (the password only ever in PGPASSWORD).
SQLite: the sqlite3 backup API, both ways.
"""

import os
import re
import shutil
import sqlite3
import subprocess  # nosec B404
from pathlib import Path

from django.db import connection, connections

# subprocess runs only pg_dump and pg_restore (and their --version), by absolute path, never through a shell.


class BackupError(Exception):
    """A backup or restore refused or failed; the message says why and what to do."""


def copy_out(target: Path) -> dict:
    """Write the database to `target`; returns what the manifest should say about it."""
    if connection.vendor == "postgresql":
        return {"server_version": postgres_dump(target)}
    sqlite_copy_out(target)
    return {}


def copy_in(source: Path) -> None:
    """Replace the database's contents with `source` (written by copy_out on the same vendor)."""
    if connection.vendor == "postgresql":
        postgres_restore(source)
    else:
        sqlite_copy_in(source)


def sqlite_copy_out(target: Path) -> None:
    connection.ensure_connection()
    destination = sqlite3.connect(target)
    try:
        connection.connection.backup(destination)
    finally:
        destination.close()


def sqlite_copy_in(source_file: Path) -> None:
    source = sqlite3.connect(f"{source_file.resolve().as_uri()}?mode=ro", uri=True)
    try:
        # A fresh connection of Django's own: no transaction or cached state from before the restore.
        connection.close()
        connection.ensure_connection()
        source.backup(connection.connection)
    finally:
        source.close()
        connection.close()


SSL_OPTIONS = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "service": "PGSERVICE",
    "passfile": "PGPASSFILE",
}


def postgres_environment() -> dict[str, str]:
    """libpq settings for pg_dump/pg_restore from DATABASES["default"]; the password only ever in PGPASSWORD."""
    params = connection.settings_dict
    # A stray PGHOST or PGDATABASE in our own environment must never redirect a restore.
    env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
    for key, variable in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if params.get(key):
            env[variable] = str(params[key])
    for option, variable in SSL_OPTIONS.items():
        if params.get("OPTIONS", {}).get(option):
            env[variable] = str(params["OPTIONS"][option])
    # The app's statement_timeout (if any) is for web requests, not for a dump; wait a minute at most for locks.
    env["PGOPTIONS"] = "-c statement_timeout=0 -c lock_timeout=60s"
    return env


def _dbname_conninfo() -> str:
    name = str(connection.settings_dict["NAME"])
    return "dbname='" + name.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _tool_major(path: str) -> int | None:
    try:
        # An absolute path we chose, a fixed argument, no shell.
        result = subprocess.run(  # noqa: S603  # nosec B603
            [path, "--version"], capture_output=True, text=True, timeout=30, check=False
        )
    except OSError:
        return None
    match = re.search(r"\(PostgreSQL\) (\d+)", result.stdout)
    return int(match.group(1)) if match else None


def postgres_tool(name: str) -> str:
    """The pg_dump/pg_restore of the server's major version (a different one fails or writes what the other can't
    read): Debian's versioned folder first, then PATH."""
    major = connection.pg_version // 10000
    candidates = [f"/usr/lib/postgresql/{major}/bin/{name}", shutil.which(name)]
    seen = []
    for candidate in candidates:
        if candidate and os.path.isfile(candidate):
            found = _tool_major(candidate)
            if found == major:
                return candidate
            seen.append(f"{candidate} is {found}")
    raise BackupError(
        f"No {name} for PostgreSQL {major} found ({'; '.join(seen) or 'none installed'}). "
        f"Install postgresql-client-{major}."
    )


def _run(command: list[str]) -> None:
    # pg_dump/pg_restore by absolute path, arguments from our settings, no shell; the password only in PGPASSWORD.
    result = subprocess.run(  # noqa: S603  # nosec B603
        command, env=postgres_environment(), capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        detail = result.stderr.strip().splitlines()[-5:]
        raise BackupError(f"{Path(command[0]).name} failed (exit {result.returncode}): " + " | ".join(detail))


def postgres_dump(target: Path) -> str:
    tool = postgres_tool("pg_dump")
    _run([tool, "--format=custom", "--no-password", f"--file={target}", f"--dbname={_dbname_conninfo()}"])
    os.chmod(target, 0o600)
    major, minor = divmod(connection.pg_version, 10000)
    return f"{major}.{minor}"


def postgres_restore(dump: Path) -> None:
    """Drop and recreate every object of the dump (tables, sequences, indexes, trigger functions and triggers) in
    one transaction: on any error nothing changes. Only this database is touched."""
    tool = postgres_tool("pg_restore")
    connections.close_all()
    _run(
        [
            tool,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            "--no-password",
            f"--dbname={_dbname_conninfo()}",
            str(dump),
        ]
    )
