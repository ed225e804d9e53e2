"""Backup and restore (issue 8 §5): database + evidence files + keys, consistent, in one archive.

Consistency. The database is snapshotted first — SQLite through its online backup API (a
page-consistent copy while the server keeps running), PostgreSQL through `pg_dump` run on a
snapshot exported from a REPEATABLE READ transaction in which the row counts are taken too, so
the dump and the manifest describe the same instant. Evidence files are copied afterwards: they are
content-addressed and never changed or deleted, and a blob's file is written before its row
commits, so every file the snapshot refers to already exists when we copy it (files added later
are simply not referenced yet). Each copied file is hashed and must equal its Blob's SHA-256.

Without `pg_dump` on the machine the PostgreSQL path falls back to Django's `dumpdata` inside one
REPEATABLE READ transaction (portable JSON, slower, restored with `migrate` + `loaddata`).

Archive layout (`sanxiang-backup-<UTC time>.tar.gz`): manifest.json, db/ (sanxiang.sqlite3,
sanxiang.dump or data.json), media/<storage name>…, keys/<key files>. The archive holds the
checkpoint signing key: store it encrypted and off the server (docs/deploy.md §Backup).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection, connections, transaction

FORMAT = "sanxiang-backup"
VERSION = 1


class BackupError(Exception):
    pass


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1024 * 1024):
            digest.update(block)
    return digest.hexdigest()


def _tables() -> list[tuple[str, str]]:
    """(label, table) of every concrete model, in a stable order."""
    found = []
    for model in apps.get_models(include_auto_created=True):
        if model._meta.managed and not model._meta.proxy:
            found.append((model._meta.label, model._meta.db_table))
    return sorted(set(found))


def _counts(cursor) -> dict[str, int]:
    counts = {}
    for label, table in _tables():
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608 — model table names
        counts[label] = cursor.fetchone()[0]
    return counts


def _engine() -> str:
    return "sqlite" if connection.vendor == "sqlite" else "postgresql"


# --- database snapshot -----------------------------------------------------------------------


def _snapshot_sqlite(into: Path) -> dict[str, Any]:
    source = sqlite3.connect(settings.DATABASES["default"]["NAME"])
    target = sqlite3.connect(into / "sanxiang.sqlite3")
    with target:
        source.backup(target)
    source.close()
    counts = _counts(target.cursor())
    target.close()
    return {"method": "sqlite-backup-api", "file": "db/sanxiang.sqlite3", "counts": counts}


def _pg_env() -> dict[str, str]:
    """Connection settings for pg_dump/pg_restore as libpq environment variables (the password
    never appears on a command line)."""
    db = settings.DATABASES["default"]
    env = {**os.environ, "PGDATABASE": str(db["NAME"])}
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if db.get(key):
            env[var] = str(db[key])
    return env


def _snapshot_postgres(into: Path) -> dict[str, Any]:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        if shutil.which("pg_dump"):
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            counts = _counts(cursor)
            done = subprocess.run(  # noqa: S603 — fixed program, arguments from settings
                [
                    shutil.which("pg_dump") or "pg_dump",
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    f"--snapshot={snapshot}",
                    f"--file={into / 'sanxiang.dump'}",
                ],
                env=_pg_env(),
                capture_output=True,
                text=True,
                timeout=6 * 3600,
                check=False,
            )
            if done.returncode != 0:
                raise BackupError(f"pg_dump failed: {done.stderr.strip()[:500]}")
            return {"method": "pg_dump", "file": "db/sanxiang.dump", "counts": counts}
        counts = _counts(cursor)
        with (into / "data.json").open("w", encoding="utf-8") as out:
            call_command("dumpdata", "--all", "--natural-foreign", "--indent", "0", stdout=out)
        return {"method": "dumpdata", "file": "db/data.json", "counts": counts}


# --- files and keys --------------------------------------------------------------------------


def _copy_media(into: Path) -> dict[str, str]:
    from sanxiang.records.models import Blob

    files: dict[str, str] = {}
    for sha256, name in Blob.objects.values_list("sha256", "storage_name").iterator(2000):
        target = into / name
        target.parent.mkdir(parents=True, exist_ok=True)
        with default_storage.open(name, "rb") as source, target.open("wb") as out:
            shutil.copyfileobj(source, out, 1024 * 1024)
        copied = _sha256_file(target)
        if copied != sha256:
            raise BackupError(
                f"evidence file {name} does not match its hash (stored {sha256}, read {copied})"
            )
        files[name] = sha256
    root = Path(settings.MEDIA_ROOT)
    if root.is_dir():  # other uploaded files (certificate photos…) of a local file store
        for path in root.rglob("*"):
            name = path.relative_to(root).as_posix()
            if path.is_file() and name not in files and not name.startswith("readyz/"):
                (into / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, into / name)
                files[name] = _sha256_file(path)
    return files


def _copy_keys(into: Path) -> dict[str, str]:
    keys: dict[str, str] = {}
    source = Path(settings.SANXIANG_KEY_DIR)
    if source.is_dir():
        for path in sorted(source.iterdir()):
            if path.is_file():
                shutil.copy2(path, into / path.name)
                keys[path.name] = _sha256_file(path)
    return keys


def _log_head() -> dict[str, Any]:
    from sanxiang.records.models import LogHead

    head = LogHead.objects.filter(pk=1).first()
    return {"size": head.size, "root": _root_of(head)} if head else {"size": 0, "root": ""}


def _root_of(head) -> str:
    from sanxiang.records import merkle

    return merkle.root(merkle.decode_frontier(head.frontier)).hex() if head.size else ""


def backup(target: Path) -> Path:
    """Write one archive; `target` is a directory (a timestamped name is chosen) or a file path."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    archive = (
        target / f"sanxiang-backup-{stamp}.tar.gz" if target.is_dir() or str(target).endswith("/") else target
    )
    archive.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="sanxiang-backup-") as tmp:
        staging = Path(tmp)
        for part in ("db", "media", "keys"):
            (staging / part).mkdir()
        engine = _engine()
        database = (
            _snapshot_sqlite(staging / "db") if engine == "sqlite" else _snapshot_postgres(staging / "db")
        )
        manifest = {
            "format": FORMAT,
            "version": VERSION,
            "created_at": dt.datetime.now(dt.UTC).isoformat(),
            "engine": engine,
            "database": {**database, "sha256": _sha256_file(staging / database["file"])},
            "files": _copy_media(staging / "media"),
            "keys": _copy_keys(staging / "keys"),
            "log": _log_head(),
        }
        (staging / "manifest.json").write_text(
            json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True)
        )
        partial = archive.with_name(archive.name + ".partial")
        with tarfile.open(partial, "w:gz") as tar:
            for part in ("manifest.json", "db", "media", "keys"):
                tar.add(staging / part, arcname=part)
        os.chmod(partial, 0o600)
        partial.replace(archive)  # a crash never leaves a half archive under the final name
    return archive


# --- restore and verify ----------------------------------------------------------------------


def _database_is_empty() -> bool:
    from sanxiang.records.models import Entry

    tables = connection.introspection.table_names()
    return Entry._meta.db_table not in tables or not Entry.objects.exists()


def _extract(archive: Path, into: Path) -> dict[str, Any]:
    with tarfile.open(archive, "r:gz") as tar:
        tar.extractall(into, filter="data")
    manifest = json.loads((into / "manifest.json").read_text())
    if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
        raise BackupError("not a Sanxiang backup of a known version")
    if _sha256_file(into / manifest["database"]["file"]) != manifest["database"]["sha256"]:
        raise BackupError("the database dump in the archive is damaged (hash mismatch)")
    return manifest


def restore(archive: Path, *, force: bool = False) -> dict[str, Any]:
    """Restore an archive into the configured (empty) database, storage and key folder, then
    verify it. Refuses a non-empty database or a different existing signing key unless forced."""
    with tempfile.TemporaryDirectory(prefix="sanxiang-restore-") as tmp:
        staging = Path(tmp)
        manifest = _extract(archive, staging)
        if manifest["engine"] != _engine() and manifest["database"]["method"] != "dumpdata":
            raise BackupError(f"this archive holds a {manifest['engine']} database; configure that engine")
        if not force and not _database_is_empty():
            raise BackupError("the database is not empty; restore into an empty one (or --force)")
        _restore_keys(staging / "keys", manifest["keys"], force=force)
        _restore_database(staging / "db", manifest)
        _restore_media(staging / "media", manifest["files"])
    return verify_restored(manifest)


def _restore_keys(source: Path, keys: dict[str, str], *, force: bool) -> None:
    target = Path(settings.SANXIANG_KEY_DIR)
    target.mkdir(parents=True, exist_ok=True)
    for name, sha256 in keys.items():
        existing = target / name
        if existing.exists() and _sha256_file(existing) != sha256 and not force:
            raise BackupError(f"a different key {name} exists in {target}; refusing to overwrite it")
        shutil.copy2(source / name, existing)
        if "pub" not in name:
            existing.chmod(0o600)


def _restore_database(source: Path, manifest: dict[str, Any]) -> None:
    method = manifest["database"]["method"]
    connections.close_all()
    if method == "sqlite-backup-api":
        path = Path(settings.DATABASES["default"]["NAME"])
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        backup_db = sqlite3.connect(source / "sanxiang.sqlite3")
        live = sqlite3.connect(path)
        with live:
            backup_db.backup(live)
        backup_db.close()
        live.close()
    elif method == "pg_dump":
        done = subprocess.run(  # noqa: S603
            [
                shutil.which("pg_restore") or "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                f"--dbname={settings.DATABASES['default']['NAME']}",
                str(source / "sanxiang.dump"),
            ],
            env=_pg_env(),
            capture_output=True,
            text=True,
            timeout=6 * 3600,
            check=False,
        )
        if done.returncode != 0:
            raise BackupError(f"pg_restore failed: {done.stderr.strip()[:500]}")
    else:
        call_command("migrate", verbosity=0)
        call_command("flush", interactive=False, verbosity=0)
        call_command("loaddata", str(source / "data.json"), verbosity=0)


def _restore_media(source: Path, files: dict[str, str]) -> None:
    for name in files:
        if default_storage.exists(name):
            continue
        with (source / name).open("rb") as handle:
            saved = default_storage.save(name, File(handle, name=Path(name).name))
        if saved != name:
            raise BackupError(f"storage renamed {name} to {saved}")


def verify_restored(manifest: dict[str, Any]) -> dict[str, Any]:
    """Prove nothing was lost: row counts per table, every file's hash, the keys, and the record
    (each entry's hash, its chain, the Merkle root against the log head). Then `sanxiang verify`
    (the record's own verifier) when it is installed."""
    problems: list[str] = []
    with connection.cursor() as cursor:
        counts = _counts(cursor)
    for label, expected in manifest["database"]["counts"].items():
        if counts.get(label) != expected:
            problems.append(f"{label}: {counts.get(label)} rows, backup had {expected}")
    for name, sha256 in manifest["files"].items():
        try:
            with default_storage.open(name, "rb") as handle:
                digest = hashlib.sha256()
                while block := handle.read(1024 * 1024):
                    digest.update(block)
        except FileNotFoundError:
            problems.append(f"file missing: {name}")
            continue
        if digest.hexdigest() != sha256:
            problems.append(f"file altered: {name}")
    for name, sha256 in manifest["keys"].items():
        path = Path(settings.SANXIANG_KEY_DIR) / name
        if not path.exists() or _sha256_file(path) != sha256:
            problems.append(f"key missing or different: {name}")
    problems += check_record(manifest.get("log", {}))
    verified_by = ["counts", "files", "keys", "sanxiang verify"]
    return {"ok": not problems, "problems": problems, "checked": verified_by, "counts": counts}


def check_record(log: dict[str, Any]) -> list[str]:
    """`sanxiang verify` — the records app's own verifier (every entry's hash and chain, the Merkle
    nodes and signed checkpoints, the log head, the triggers, every evidence file) — and the log
    head against the one the backup was taken at."""
    from sanxiang.records.models import LogHead
    from sanxiang.records.verify import verify

    problems = [f"sanxiang verify: {problem}" for problem in verify().problems]
    head = LogHead.objects.filter(pk=1).first()
    size, root = (head.size, _root_of(head)) if head else (0, "")
    if log and (size, root) != (log.get("size", 0), log.get("root", "")):
        problems.append("log head differs from the one in the backup")
    return problems
