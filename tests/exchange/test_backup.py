"""Backup → wipe → restore → verify, on SQLite and on PostgreSQL, each in a separate installation
run by the real CLI: nothing is lost, and a damaged archive or a non-empty target is refused."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bench.harness import postgres_available

pytestmark = [pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[2]
PG_BASE = "postgres://postgres@127.0.0.1:5432"


def env_for(var: Path, database_url: str | None) -> dict:
    env = {**os.environ, "SANXIANG_VAR_DIR": str(var), "PYTHONPATH": f"{ROOT / 'src'}:{ROOT}"}
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def sanxiang(env: dict, *args: str, ok: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run(
        [sys.executable, "-m", "sanxiang.cli", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if ok:
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    return done


def instance(env: dict, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, str(ROOT / "tests/exchange/instance.py"), *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def round_trip(tmp_path: Path, database_url: str | None, wipe_database, template: Path | None = None) -> None:
    var = tmp_path / "var"
    env = env_for(var, database_url)
    if template is not None:
        var.mkdir()
        shutil.copy(template, var / "sanxiang.sqlite3")
    else:
        sanxiang(env, "manage", "migrate", "-v", "0")
    instance(env, "seed")
    before = json.loads(instance(env, "summary"))
    assert before["blobs"] and before["entries"] > 5 and before["outbox"] >= 1
    archive = Path(sanxiang(env, "backup", "-o", str(tmp_path / "backups") + "/").stdout.strip())
    assert archive.exists() and archive.name.startswith("sanxiang-backup-")
    assert oct(archive.stat().st_mode)[-3:] == "600"

    refused = sanxiang(env, "restore", str(archive), ok=False)  # the live database is not empty
    assert refused.returncode != 0 and "not empty" in refused.stderr

    shutil.rmtree(var)  # wipe: database file (SQLite), evidence files, keys, secret key
    wipe_database()
    var.mkdir()
    restored = sanxiang(env, "restore", str(archive))
    result = json.loads(restored.stdout.strip().splitlines()[-1])
    assert result["ok"] is True, result
    assert "sanxiang verify" in result["checked"]
    after = json.loads(instance(env, "summary"))
    assert after == before

    damaged = tmp_path / "damaged.tar.gz"
    damaged.write_bytes(archive.read_bytes()[:-200])
    assert sanxiang(env, "restore", str(damaged), "--force", ok=False).returncode != 0


# Each suite run exercises its own engine's backup path (SQLite run: the online backup API;
# PostgreSQL run: pg_dump/pg_restore), so neither run pays for both.
ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith("postgres")


@pytest.mark.skipif(ON_POSTGRES, reason="the SQLite path is tested in the SQLite run")
def test_sqlite_backup_wipe_restore_verify(tmp_path, migrated_sqlite):
    round_trip(tmp_path, None, lambda: None, template=migrated_sqlite)


@pytest.mark.skipif(not ON_POSTGRES or not postgres_available(), reason="tested in the PostgreSQL run")
def test_postgres_backup_wipe_restore_verify(tmp_path, worker_id):
    import psycopg

    name = f"sx_exchange_backup_{worker_id}"

    def recreate():
        with psycopg.connect(f"{PG_BASE}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')

    recreate()
    try:
        round_trip(tmp_path, f"{PG_BASE}/{name}", recreate)
    finally:
        with psycopg.connect(f"{PG_BASE}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
