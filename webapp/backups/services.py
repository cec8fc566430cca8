"""One archive holds everything: the database and, inside it, every stored report file
(`ReportVersion.content`), and the photo files of the photo store (`photos/<key>`, from the
instance folder or the S3 bucket, each with its SHA-256 in the manifest; a restore writes them
back into the configured store). The app keeps no other files but the secret key, which a backup
must NOT carry (docs/operations.md: keys live apart from the data they protect).

SQLite is copied with its online backup API (a consistent copy while the app runs);
PostgreSQL with `pg_dump --format=custom` from the client matching the server's major
version, and restored with `pg_restore`. The archive (.tar.gz) holds `manifest.json`
(format, dialect, schema revision, rows per table, SHA-256 of the dump) and the dump.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import create_engine, func, inspect, select, table, text
from sqlalchemy.engine import make_url

from ..data_version import restart_counter
from ..extensions import db
from ..photos.storage import photo_store

FORMAT = "klankbord-backup/1"
SQLITE_MEMBER = "database.sqlite"
PHOTOS_DIR = "photos"
POSTGRES_MEMBER = "database.pgdump"


class BackupError(RuntimeError):
    """A backup could not be made or restored; the message says why (no data in it)."""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def row_counts(connection=None) -> dict[str, int]:
    """Rows per table (the search index's shadow tables left out), on `connection` or the app's database."""
    if connection is None:
        with db.engine.connect() as own:
            return row_counts(own)
    names = [n for n in inspect(connection).get_table_names() if not n.startswith("findings_fts")]
    return {name: connection.execute(select(func.count()).select_from(table(name))).scalar_one()
            for name in sorted(names)}


def _revision() -> str:
    try:
        with db.engine.connect() as connection:
            return connection.execute(text("SELECT version_num FROM alembic_version")).scalar() or ""
    except Exception:  # noqa: BLE001 - a database made by create_all (tests) has no alembic_version
        return ""


# ---------------------------------------------------------------- PostgreSQL client tools

def _libpq(url) -> tuple[list[str], dict]:
    """Connection arguments for pg_dump/pg_restore; the password goes in the environment,
    never on the command line (where `ps` shows it)."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = url.password
    args = ["--host", url.host or "localhost", "--port", str(url.port or 5432),
            "--username", url.username or "postgres", "--dbname", url.database or "postgres"]
    return args, env


def _pg_tool(name: str) -> str:
    """The client tool of the server's major version (Debian installs them side by side)."""
    with db.engine.connect() as connection:
        major = int(connection.execute(text("SHOW server_version_num")).scalar()) // 10000
    candidate = Path(f"/usr/lib/postgresql/{major}/bin/{name}")
    if candidate.exists():
        return str(candidate)
    found = shutil.which(name)
    if not found:
        raise BackupError(f"{name} not found: install the PostgreSQL {major} client")
    return found


def _run(command: list[str], env: dict) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {result.stderr.strip()[-500:]}")


# ---------------------------------------------------------------- create

def create_backup(destination: Path) -> dict:
    """Write a backup archive to `destination`; returns its manifest."""
    url = db.engine.url
    dialect = db.engine.dialect.name
    destination = Path(destination)
    with tempfile.TemporaryDirectory() as work:
        dump = Path(work) / (SQLITE_MEMBER if dialect == "sqlite" else POSTGRES_MEMBER)
        if dialect == "sqlite":
            if not url.database or url.database == ":memory:":
                raise BackupError("an in-memory SQLite database cannot be backed up")
            source = sqlite3.connect(url.database)
            target = sqlite3.connect(dump)
            try:
                source.backup(target)  # a consistent copy, also while the app writes
            finally:
                target.close()
                source.close()
            copy = create_engine(f"sqlite:///{dump}")
            with copy.connect() as connection:
                counts = row_counts(connection)  # of the copy itself
            copy.dispose()
        elif dialect == "postgresql":
            args, env = _libpq(url)
            # Count and dump the same snapshot: pg_dump joins this transaction's view of the data.
            with db.engine.connect() as connection:
                connection.execution_options(isolation_level="REPEATABLE READ")
                with connection.begin():
                    snapshot = connection.execute(text("SELECT pg_export_snapshot()")).scalar_one()
                    counts = row_counts(connection)
                    _run([_pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
                          f"--snapshot={snapshot}", "--file", str(dump), *args], env)
        else:
            raise BackupError(f"no backup method for {dialect}")
        manifest = {"format": FORMAT, "dialect": dialect, "revision": _revision(),
                    "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                    "member": dump.name, "sha256": _sha256(dump), "rows": counts, "photos": {}}
        destination.parent.mkdir(parents=True, exist_ok=True)
        partial = destination.with_name(destination.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(dump, arcname=dump.name)
            store = photo_store()
            for key in store.keys():  # one at a time: a store of many photos never sits in memory
                content = store.get(key)
                manifest["photos"][key] = hashlib.sha256(content).hexdigest()
                info = tarfile.TarInfo(f"{PHOTOS_DIR}/{key}")
                info.size, info.mode = len(content), 0o600
                archive.addfile(info, io.BytesIO(content))
            # Last, so it can name every photo file (read by name: its place does not matter).
            data = json.dumps(manifest, indent=2).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size, info.mode = len(data), 0o600
            archive.addfile(info, io.BytesIO(data))
        os.chmod(partial, 0o600)  # personal data: readable by the owner only
        partial.replace(destination)
    return manifest


# ---------------------------------------------------------------- restore

def _is_empty() -> bool:
    names = [n for n in inspect(db.engine).get_table_names() if n != "alembic_version"]
    if not names:
        return True
    return all(count == 0 for count in row_counts().values())


def read_manifest(path: Path) -> dict:
    with tarfile.open(path, "r:gz") as archive:
        member = archive.extractfile("manifest.json")
        if member is None:
            raise BackupError("not a Klankbord backup: no manifest")
        manifest = json.load(member)
    if manifest.get("format") != FORMAT:
        raise BackupError("not a Klankbord backup of a known format")
    return manifest


def restore_backup(path: Path, *, replace: bool = False) -> dict:
    """Restore the archive into the configured database. Refuses a database that holds data
    unless `replace` is given (then its tables are dropped first). Returns the manifest."""
    manifest = read_manifest(path)
    dialect = db.engine.dialect.name
    if manifest["dialect"] != dialect:
        raise BackupError(f"this backup is of a {manifest['dialect']} database, the configured one is {dialect}")
    if not replace and not _is_empty():
        raise BackupError("the database is not empty: restore into an empty database, or pass --replace")
    with tempfile.TemporaryDirectory() as work:
        with tarfile.open(path, "r:gz") as archive:
            member = archive.getmember(manifest["member"])
            if not member.isfile() or "/" in member.name:
                raise BackupError("unexpected file in the archive")
            archive.extract(member, work, filter="data")
        dump = Path(work) / member.name
        if _sha256(dump) != manifest["sha256"]:
            raise BackupError("the archive is damaged: checksum differs")
        url = db.engine.url
        db.session.remove()
        db.engine.dispose()
        if dialect == "sqlite":
            source = sqlite3.connect(dump)
            target = sqlite3.connect(url.database)
            try:
                source.backup(target)  # page by page over the target: afterwards it is the copy
            finally:
                target.close()
                source.close()
        else:
            args, env = _libpq(url)
            if replace:
                with db.engine.begin() as connection:
                    connection.execute(text("DROP SCHEMA public CASCADE"))
                    connection.execute(text("CREATE SCHEMA public"))
                db.engine.dispose()
            _run([_pg_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error", *args, str(dump)], env)
    restored = row_counts()
    if restored != manifest["rows"]:
        raise BackupError("the restored database does not hold the rows the backup counted")

    with db.engine.begin() as connection:
        restart_counter(connection)
    _restore_photos(path, manifest)
    return manifest


def _restore_photos(path: Path, manifest: dict) -> None:
    """The photo files back into the configured store, each checked against the manifest."""
    wanted = manifest.get("photos") or {}
    if not wanted:
        return
    store = photo_store()
    with tarfile.open(path, "r:gz") as archive:
        for key, digest in wanted.items():
            if "/" in key or key.startswith("."):
                raise BackupError("unexpected photo file name in the archive")
            member = archive.extractfile(f"{PHOTOS_DIR}/{key}")
            content = member.read() if member is not None else b""
            if hashlib.sha256(content).hexdigest() != digest:
                raise BackupError("the archive is damaged: a photo file's checksum differs")
            store.put(key, content)


def default_backup_path(directory: Path) -> Path:
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    return Path(directory) / f"klankbord-backup-{stamp}.tar.gz"


def database_label() -> str:
    url = make_url(str(db.engine.url))
    return url.render_as_string(hide_password=True)
