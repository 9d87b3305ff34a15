"""Backups: the database and the uploaded files (MEDIA_ROOT) together, with a manifest.

The database is copied with its own tools, not Django's serialisation:

* SQLite: the online backup API (``sqlite3.Connection.backup``), a consistent page copy
  of the live database (WAL included) while the server and worker keep running;
* PostgreSQL: ``pg_dump -Fc`` (one consistent snapshot, compressed; ``pg_restore``
  restores it), which must be on PATH, its major version at least the server's.

Both are byte-exact (sealed personal data, sequences, indexes, the cache table), fast,
and restore without replaying model code; ``dumpdata`` would be slow on large tables
and breaks when the models have moved on since the backup. The cost: a backup restores
only into the same database vendor (docs/operations.md says how to move between them).

A backup directory holds ``manifest.json`` (written last: without it the backup is
incomplete), ``database.sqlite3`` or ``database.pgdump``, and ``media/`` with the
uploaded files; every file is owner-only (0600, directories 0700). The data key
(QINGLING_DATA_KEY) is deliberately not in it: keep it apart from the backups.
"""

import dataclasses
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

from qingling.core import clock

FORMAT = "qingling-backup/1"
MANIFEST = "manifest.json"
MEDIA = "media"
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
CHUNK = 1 << 20


class BackupError(Exception):
    """The backup or restore cannot go on; the message says why (and touches nothing)."""


@dataclasses.dataclass(frozen=True)
class RestoreReport:
    files: int
    migrated: list[str]  # migrations applied after the restore (the backup was older)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _copy_private(source: Path, target: Path) -> str:
    """Copy ``source`` to ``target`` (0600, parents 0700); return the SHA-256 of the bytes."""
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    digest = hashlib.sha256()
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with source.open("rb") as reading, os.fdopen(descriptor, "wb") as writing:
        while chunk := reading.read(CHUNK):
            digest.update(chunk)
            writing.write(chunk)
    os.chmod(target, 0o600)
    return digest.hexdigest()


def _media_files(root: Path) -> Iterator[Path]:
    """Regular files under ``root``, sorted; symbolic links are not followed."""
    if not root.is_dir():
        return
    for directory, _dirs, files in sorted(os.walk(root)):
        for name in sorted(files):
            path = Path(directory) / name
            if path.is_file() and not path.is_symlink():
                yield path


def _pg_environment(alias: str) -> dict[str, str]:
    """libpq's variables for pg_dump / pg_restore (the password never on a command line)."""
    db = connections[alias].settings_dict
    env = dict(os.environ)
    for key, variable in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
        ("NAME", "PGDATABASE"),
    ):
        if db.get(key):
            env[variable] = str(db[key])
    if sslmode := db.get("OPTIONS", {}).get("sslmode"):
        env["PGSSLMODE"] = str(sslmode)
    return env


def _pg_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not on PATH (Debian: apt-get install postgresql-client)")
    return path


def _run(command: list[str], env: dict[str, str]) -> None:
    # The tool is found on PATH by name; the arguments are paths and settings, no shell.
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {result.stderr.strip()[-2000:]}")


def _applied_migrations(alias: str) -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app, name in sorted(MigrationRecorder(connections[alias]).applied_migrations()):
        applied.setdefault(app, []).append(name)
    return applied


def backup_write(*, directory: Path, alias: str = DEFAULT_DB_ALIAS) -> dict[str, Any]:
    """Write a backup of database ``alias`` and MEDIA_ROOT into ``directory`` (new or
    empty); return the manifest. Runs while the server and worker keep running."""
    previous = os.umask(0o077)  # everything it creates, pg_dump's file included, is owner-only
    try:
        return _backup_write(directory=directory, alias=alias)
    finally:
        os.umask(previous)


def _backup_write(*, directory: Path, alias: str) -> dict[str, Any]:
    if directory.exists() and any(directory.iterdir()):
        raise BackupError(f"{directory} is not empty; back up into a new directory")
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(directory, 0o700)
    connection = connections[alias]
    vendor = connection.vendor
    if vendor not in DATABASE_FILES:
        raise BackupError(f"cannot back up a {vendor} database")
    database = directory / DATABASE_FILES[vendor]
    started = clock.now()
    migrations = _applied_migrations(alias)
    # The database first, then the files: an upload is stored before the row that names
    # it commits, so every file the copied database refers to is already on disk.
    if vendor == "sqlite":
        connection.ensure_connection()
        descriptor = os.open(database, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.close(descriptor)
        target = sqlite3.connect(database)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
    else:
        os.close(os.open(database, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        dump = [_pg_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={database}"]
        _run(dump, _pg_environment(alias))
    os.chmod(database, 0o600)
    media_root = Path(settings.MEDIA_ROOT)
    files = []
    for path in _media_files(media_root):
        relative = path.relative_to(media_root).as_posix()
        digest = _copy_private(path, directory / MEDIA / relative)
        files.append({"path": relative, "size": path.stat().st_size, "sha256": digest})
    manifest = {
        "format": FORMAT,
        "created_at": started.isoformat(),
        "finished_at": clock.now().isoformat(),
        "vendor": vendor,
        "database": {
            "file": database.name,
            "size": database.stat().st_size,
            "sha256": _sha256(database),
        },
        "migrations": migrations,
        "files": files,
    }
    descriptor = os.open(directory / MANIFEST, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump(manifest, handle, ensure_ascii=False, indent=2)
    return manifest


def backup_verify(*, directory: Path) -> dict[str, Any]:
    """Read the manifest and check every hash; return the manifest or raise BackupError."""
    try:
        manifest: dict[str, Any] = json.loads((directory / MANIFEST).read_text("utf-8"))
    except FileNotFoundError:
        raise BackupError(f"{directory} has no {MANIFEST}: not a (complete) backup") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unknown backup format {manifest.get('format')!r}")
    entries = [(manifest["database"]["file"], manifest["database"]["sha256"])]
    entries += [(f"{MEDIA}/{f['path']}", f["sha256"]) for f in manifest["files"]]
    for relative, expected in entries:
        path = directory / relative
        if ".." in Path(relative).parts or not path.is_file():
            raise BackupError(f"{relative} is missing from the backup")
        if _sha256(path) != expected:
            raise BackupError(f"{relative} does not match its SHA-256 in the manifest")
    return manifest


def _target_is_empty(alias: str) -> bool:
    media_root = Path(settings.MEDIA_ROOT)
    has_files = next(_media_files(media_root), None) is not None
    return not connections[alias].introspection.table_names() and not has_files


def backup_restore(
    *, directory: Path, force: bool = False, alias: str = DEFAULT_DB_ALIAS
) -> RestoreReport:
    """Restore a backup into database ``alias`` and MEDIA_ROOT, then migrate forward.

    Checks first and changes nothing when a check fails: the hashes, the vendor, that
    the code knows every migration the backup has applied (a backup from a newer
    version is refused), and that the target is empty (no table, no uploaded file)
    unless ``force``, which replaces the database and the uploaded files.
    """
    manifest = backup_verify(directory=directory)
    connection = connections[alias]
    if manifest["vendor"] != connection.vendor:
        raise BackupError(
            f"the backup is of a {manifest['vendor']} database, the target is "
            f"{connection.vendor}; see docs/operations.md for moving between them"
        )
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    unknown = sorted(
        f"{app}.{name}"
        for app, names in manifest["migrations"].items()
        for name in names
        if (app, name) not in known
    )
    if unknown:
        raise BackupError(
            f"the backup is from a newer version (migrations {', '.join(unknown[:5])}); "
            "restore it with that version"
        )
    if not force and not _target_is_empty(alias):
        raise BackupError("the target database or MEDIA_ROOT is not empty; --force replaces them")
    database = directory / manifest["database"]["file"]
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        source = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
        connection.close()
    else:
        connection.close()
        restore = [
            _pg_tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            f"--dbname={connection.settings_dict['NAME']}",
            str(database),
        ]
        _run(restore, _pg_environment(alias))
    media_root = Path(settings.MEDIA_ROOT)
    wanted = {f["path"]: f["sha256"] for f in manifest["files"]}
    for path in list(_media_files(media_root)):
        if path.relative_to(media_root).as_posix() not in wanted:
            path.unlink()  # only with --force: an empty target has no files
    for relative, expected in wanted.items():
        if _copy_private(directory / MEDIA / relative, media_root / relative) != expected:
            raise BackupError(f"{relative} changed while it was restored")
    before = {(app, name) for app, names in manifest["migrations"].items() for name in names}
    call_command("migrate", database=alias, interactive=False, verbosity=0)
    after = set(MigrationRecorder(connections[alias]).applied_migrations())
    return RestoreReport(
        files=len(wanted), migrated=sorted(f"{app}.{name}" for app, name in after - before)
    )
