"""Run a benchmark body in a fresh database, in a subprocess per engine (SQLite and PostgreSQL).

    def run(full):                         # in bench/bench_x.py
        return harness.each_database(__name__, full)

    def measure(engine, full) -> list[Figure]:   # runs in the subprocess, Django ready, DB migrated
        ...

The parent prints the figures; PostgreSQL is skipped (with a note) when it does not answer.
"""

from __future__ import annotations

import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from bench.figures import Figure

ROOT = Path(__file__).resolve().parent.parent
PG_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/sanxiang_bench")


def median_seconds(fn, runs: int = 3) -> float:
    """Median wall time of `fn()` over `runs` calls, after one warm-up call."""
    fn()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def staff_client(username: str):
    """A Django test client logged in as `username`, with the second factor already given when the
    user has a TOTP device (the demo's supervisors and admins must; docs/security-auth.md)."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from sanxiang.org.models import User

    client = Client()
    user = User.objects.get(username=username)
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def wait_until_serving(process: subprocess.Popen, port: int, tries: int = 150) -> subprocess.Popen:
    """Return the server `process` once 127.0.0.1:`port` answers /healthz; stop it if it never does."""
    for _ in range(tries):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2).read()
            return process
        except OSError:
            time.sleep(0.2)
    stop_server(process)
    raise RuntimeError("gunicorn did not start")


def stop_server(process: subprocess.Popen, timeout: float = 30) -> None:
    """Stop a server started with `start_new_session=True` and everything it forked."""
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=timeout)


def postgres_available() -> bool:
    try:
        import psycopg

        with psycopg.connect(PG_URL, dbname="postgres", connect_timeout=3):
            return True
    except Exception:
        return False


def each_database(module: str, full: bool, engines=("sqlite", "postgres")) -> list[Figure]:
    figures: list[Figure] = []
    for engine in engines:
        if engine == "postgres" and not postgres_available():
            print(f"# {module}: PostgreSQL not reachable, skipped", flush=True)
            continue
        figures += in_subprocess(module, engine, full)
    return figures


def in_subprocess(module: str, engine: str, full: bool, *, live_stderr: bool = False) -> list[Figure]:
    """Run `module.measure(engine, full)` in a fresh database; `live_stderr` lets a long run's
    progress lines through as they come instead of only on failure."""
    with tempfile.TemporaryDirectory(prefix="sanxiang-bench-") as var:
        env = {**os.environ, "SANXIANG_VAR_DIR": var, "PYTHONPATH": f"{ROOT / 'src'}:{ROOT}"}
        env.pop("DATABASE_URL", None)
        if engine == "postgres":
            env["DATABASE_URL"] = PG_URL
        args = [sys.executable, "-m", "bench.harness", module, engine, "1" if full else "0"]
        done = subprocess.run(
            args,
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=None if live_stderr else subprocess.PIPE,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"{module} on {engine} failed:\n{done.stdout}\n{done.stderr}")
        return [Figure(**f) for f in json.loads(done.stdout.strip().splitlines()[-1])]


def _prepare(engine: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanxiang.settings")
    if engine == "postgres":
        import psycopg

        name = PG_URL.rsplit("/", 1)[1]
        with psycopg.connect(PG_URL, dbname="postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def _worker(module: str, engine: str, full: bool) -> None:
    import importlib

    _prepare(engine)
    figures = importlib.import_module(module).measure(engine, full)
    print(json.dumps([f.__dict__ for f in figures]))


if __name__ == "__main__":
    _worker(sys.argv[1], sys.argv[2], sys.argv[3] == "1")
