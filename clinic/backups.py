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
import shutil
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

from clinic import local_time
from clinic.backup_databases import BackupError, copy_in, copy_out

FORMAT = 1
MANIFEST = "manifest.json"
DB_MEMBER = {"postgresql": "db.dump", "sqlite": "db.sqlite3"}
MEDIA = "media"
CHUNK = 1024 * 1024


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
    database.update(copy_out(database_file))
    files: dict[str, dict] = {}
    partial = output.with_name(f".{output.name}.partial")
    try:
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError as error:
        raise BackupError(f"{partial} is left from an interrupted backup (or one is running): delete it.") from error
    try:
        with os.fdopen(descriptor, "wb") as out, tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT) as tar:
            _add_file(tar, DB_MEMBER[vendor], database_file, files)
            for name, path in media_paths(media_root()):
                _add_file(tar, name, path, files)
            manifest = {
                "format": FORMAT,
                "created_at": local_time.iso(datetime.now(UTC)),
                "vendor": vendor,
                "database": database,
                "django": django.get_version(),
                "migrations": migrations,
                "media_included": media_root() is not None,
                "files": files,
            }
            _add_bytes(tar, MANIFEST, json.dumps(manifest, indent=2, sort_keys=True).encode())
        _publish(partial, output)
    finally:
        partial.unlink(missing_ok=True)
    return manifest


def _publish(partial: Path, output: Path) -> None:
    """Give the finished archive its name without ever replacing a file of that name."""
    try:
        os.link(partial, output)
    except FileExistsError as error:
        raise BackupError(f"{output} already exists; choose another --output.") from error
    except OSError:  # a file system without hard links: a rename, checked just before
        if output.exists():
            raise BackupError(f"{output} already exists; choose another --output.") from None
        os.replace(partial, output)


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
    copy_in(verified.database_file)
    connections.close_all()
    root = media_root()
    if root is None:
        return {"media_restored": 0, "media_not_in_backup": 0, "media_skipped": len(verified.media_files)}
    restored = 0
    for name in verified.media_files:
        relative = PurePosixPath(name).relative_to(MEDIA)
        target = root.joinpath(*relative.parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.fchmod(descriptor, 0o600)  # also when the file was there before
        with open(verified.folder / name, "rb") as source, os.fdopen(descriptor, "wb") as out:
            shutil.copyfileobj(source, out, CHUNK)
        restored += 1
    not_in_backup = {name for name, _ in media_paths(root)} - set(verified.media_files)
    return {"media_restored": restored, "media_not_in_backup": len(not_in_backup), "media_skipped": 0}
