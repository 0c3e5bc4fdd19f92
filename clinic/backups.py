"""Backups of the whole clinic: the database and the uploaded files (MEDIA_ROOT) in one tar archive.

The archive (plain tar; pg_dump compresses its own part) holds:
    db.dump        PostgreSQL: `pg_dump --format=custom`
    db.sqlite3     SQLite: a copy made with the sqlite3 backup API
    media/...      every file under MEDIA_ROOT (scanned clearance letters); none when uploads are kept in object
                   storage (MEDIA_STORAGE_BACKEND), which the clinic backs up with that storage's own tools
    manifest.json  last: when, which database vendor, Django's migration state, and the SHA-256 and size of every
                   other member, hashed from the very bytes written into the archive.

A restore checks everything (member names, manifest, vendor, migrations, checksums) before it touches anything.
Backups hold every client's health record: files are written 0600 and must be stored encrypted.
"""

import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess  # nosec B404
import tarfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

import django
from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import connection, connections
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

# subprocess runs only pg_dump and pg_restore (and their --version), by absolute path, never through a shell.

FORMAT = 1
MANIFEST = "manifest.json"
DB_MEMBER = {"postgresql": "db.dump", "sqlite": "db.sqlite3"}
MEDIA = "media"
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore refused or failed; the message says why and what to do."""


@dataclass
class Verified:
    """A backup whose members were all extracted into `folder` and matched the manifest."""

    manifest: dict
    folder: Path

    @property
    def database_file(self) -> Path:
        return self.folder / DB_MEMBER[self.manifest["vendor"]]

    @property
    def media_files(self) -> list[str]:
        return sorted(name for name in self.manifest["files"] if name.startswith(f"{MEDIA}/"))


# --- migration state -------------------------------------------------------------------------------------------


def applied_migrations() -> dict[str, list[str]]:
    recorder = MigrationRecorder(connection)
    if not recorder.has_table():
        return {}
    state: dict[str, list[str]] = {}
    for app, name in sorted(recorder.applied_migrations()):
        state.setdefault(app, []).append(name)
    return state


def _pairs(state: dict[str, list[str]]) -> set[tuple[str, str]]:
    return {(app, name) for app, names in state.items() for name in names}


def migrations_unknown_to_code(state: dict[str, list[str]]) -> list[str]:
    """Migrations the backup had applied that this code does not have: the backup is from a newer version."""
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    return sorted(f"{app}.{name}" for app, name in _pairs(state) - known)


def migrations_missing_from(state: dict[str, list[str]], other: dict[str, list[str]]) -> list[str]:
    return sorted(f"{app}.{name}" for app, name in _pairs(other) - _pairs(state))


# --- writing ---------------------------------------------------------------------------------------------------


def default_output() -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return Path(settings.BASE_DIR) / "backups" / f"clinic-{connection.vendor}-{stamp}.tar"


class _Hashing:
    """A file wrapper that hashes exactly the bytes tarfile copies out of it."""

    def __init__(self, file):
        self.file, self.sha256 = file, hashlib.sha256()

    def read(self, size=-1):
        data = self.file.read(size)
        self.sha256.update(data)
        return data


def _add_file(tar: tarfile.TarFile, name: str, path: Path, files: dict) -> None:
    with open(path, "rb") as source:
        info = tarfile.TarInfo(name)
        info.size = os.fstat(source.fileno()).st_size
        info.mode, info.mtime = 0o600, int(time.time())
        hashing = _Hashing(source)
        tar.addfile(info, hashing)
    files[name] = {"sha256": hashing.sha256.hexdigest(), "size": info.size}


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = len(data), 0o600, int(time.time())
    tar.addfile(info, io.BytesIO(data))


def media_root() -> Path | None:
    """Where uploads live on disk; None when they are kept elsewhere (object storage), which backs itself up."""
    if isinstance(default_storage, FileSystemStorage):  # the lazy proxy answers for the storage it wraps
        return Path(default_storage.location)
    return None


def media_paths(root: Path | None) -> list[tuple[str, Path]]:
    if root is None or not root.is_dir():
        return []
    found = []
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            found.append((f"{MEDIA}/{path.relative_to(root).as_posix()}", path))
    return found


def create_backup(*, output: Path, work: Path) -> dict:
    """Write the archive to `output` (mode 0600, never overwriting) and return its manifest."""
    vendor = connection.vendor
    if vendor not in DB_MEMBER:
        raise BackupError(f"Backups support PostgreSQL and SQLite, not {vendor}.")
    if output.exists():
        raise BackupError(f"{output} already exists; choose another --output.")
    output.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    migrations = applied_migrations()
    database_file = work / DB_MEMBER[vendor]
    database = {"name": str(connection.settings_dict["NAME"])}
    if vendor == "postgresql":
        database["server_version"] = postgres_dump(database_file)
    else:
        sqlite_copy_out(database_file)
    files: dict[str, dict] = {}
    partial = output.with_name(f".{output.name}.partial")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as out, tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT) as tar:
            _add_file(tar, DB_MEMBER[vendor], database_file, files)
            for name, path in media_paths(media_root()):
                _add_file(tar, name, path, files)
            manifest = {
                "format": FORMAT,
                "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "vendor": vendor,
                "database": database,
                "django": django.get_version(),
                "migrations": migrations,
                "media_included": media_root() is not None,
                "files": files,
            }
            _add_bytes(tar, MANIFEST, json.dumps(manifest, indent=2, sort_keys=True).encode())
        os.replace(partial, output)
    finally:
        partial.unlink(missing_ok=True)
    return manifest


# --- checking --------------------------------------------------------------------------------------------------


def _member_name_is_safe(name: str) -> bool:
    path = PurePosixPath(name)
    return (
        bool(name) and not path.is_absolute() and "\\" not in name and all(p not in ("", ".", "..") for p in path.parts)
    )


def verify_backup(archive: Path, *, work: Path) -> Verified:
    """Refuse a backup that is not ours, not for this database, from newer code, or altered; else extract it into
    `work`, re-hashing every byte. Touches nothing else."""
    try:
        tar = tarfile.open(archive, mode="r:")
    except (OSError, tarfile.TarError) as error:
        raise BackupError(f"{archive} is not a readable backup archive ({error}).") from error
    with tar:
        members = tar.getmembers()
        names = [m.name for m in members]
        if len(set(names)) != len(names) or not all(m.isfile() and _member_name_is_safe(m.name) for m in members):
            raise BackupError("The archive holds duplicate, unsafe or non-file entries: it was not written by backup.")
        if MANIFEST not in names:
            raise BackupError("The archive has no manifest.json: it was not written by `manage.py backup`.")
        manifest = _read_manifest(tar)
        check_compatible(manifest)
        expected = set(manifest["files"])
        present = set(names) - {MANIFEST}
        if expected != present:
            missing, extra = sorted(expected - present), sorted(present - expected)
            raise BackupError(f"The archive does not match its manifest (missing: {missing}, unexpected: {extra}).")
        for member in members:
            if member.name != MANIFEST:
                _extract_checked(tar, member, manifest["files"][member.name], work)
    return Verified(manifest=manifest, folder=work)


def _read_manifest(tar: tarfile.TarFile) -> dict:
    try:
        manifest = json.loads(tar.extractfile(MANIFEST).read())
    except (ValueError, AttributeError) as error:
        raise BackupError("The manifest is not valid JSON.") from error
    required = {"format", "created_at", "vendor", "migrations", "files"}
    if not isinstance(manifest, dict) or not required <= set(manifest) or manifest["format"] != FORMAT:
        raise BackupError(f"The manifest is not a format-{FORMAT} backup manifest.")
    if manifest["vendor"] not in DB_MEMBER:
        raise BackupError(f"The manifest names an unknown database vendor: {manifest['vendor']!r}.")
    return manifest


def check_compatible(manifest: dict) -> None:
    vendor = connection.vendor
    if manifest["vendor"] != vendor:
        raise BackupError(
            f"This backup is of a {manifest['vendor']} database; this installation uses {vendor}. "
            f"Restore it on a {manifest['vendor']} installation."
        )
    newer = migrations_unknown_to_code(manifest["migrations"])
    if newer:
        raise BackupError(
            "The backup was made by a newer version of the application: these migrations are not in this code: "
            f"{', '.join(newer)}. Install that version first, then restore."
        )
    if vendor == "postgresql":
        # pg_restore --clean drops only what the dump holds: tables of later migrations would be left behind.
        ahead = migrations_missing_from(manifest["migrations"], applied_migrations())
        if ahead:
            raise BackupError(
                "This database has migrations the backup does not "
                f"({', '.join(ahead[:5])}{'...' if len(ahead) > 5 else ''}). "
                "Restore into a new, empty database (createdb), then run `manage.py migrate`."
            )


def _extract_checked(tar: tarfile.TarFile, member: tarfile.TarInfo, expected: dict, work: Path) -> None:
    target = work / member.name
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    digest = hashlib.sha256()
    source = tar.extractfile(member)
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as out:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            out.write(chunk)
    if digest.hexdigest() != expected.get("sha256") or member.size != expected.get("size"):
        raise BackupError(
            f"Checksum mismatch for {member.name}: the archive is damaged or was altered after it was written. "
            "Nothing was restored."
        )


# --- restoring -------------------------------------------------------------------------------------------------


def restore_backup(verified: Verified) -> dict:
    """Replace the database with the backup's, then copy its files into MEDIA_ROOT. Returns what was done."""
    if connection.vendor == "postgresql":
        postgres_restore(verified.database_file)
    else:
        sqlite_copy_in(verified.database_file)
    connections.close_all()
    root = media_root()
    if root is None:
        return {"media_restored": 0, "media_not_in_backup": 0, "media_skipped": len(verified.media_files)}
    restored = 0
    for name in verified.media_files:
        relative = PurePosixPath(name).relative_to(MEDIA)
        target = root.joinpath(*relative.parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(verified.folder / name, target)
        os.chmod(target, 0o600)
        restored += 1
    not_in_backup = {name for name, _ in media_paths(root)} - set(verified.media_files)
    return {"media_restored": restored, "media_not_in_backup": len(not_in_backup), "media_skipped": 0}


def sqlite_copy_out(target: Path) -> None:
    connection.ensure_connection()
    destination = sqlite3.connect(target)
    try:
        connection.connection.backup(destination)
    finally:
        destination.close()


def sqlite_copy_in(source_file: Path) -> None:
    source = sqlite3.connect(f"file:{source_file}?mode=ro", uri=True)
    try:
        # A fresh connection of Django's own: no transaction or cached state from before the restore.
        connection.close()
        connection.ensure_connection()
        source.backup(connection.connection)
    finally:
        source.close()
        connection.close()


# --- PostgreSQL ------------------------------------------------------------------------------------------------

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
