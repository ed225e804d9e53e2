"""Two Sanxiang instances end to end (city → province), each a real server process on its own
SQLite database: a decision made in the city appears in the province's received log after the
province was down for a while — once, although the city tried more than once."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

# Both instances run on their own SQLite files whatever the suite's engine: run it once, in the
# SQLite run (the PostgreSQL run covers the same outbox code against PostgreSQL in test_faults).
pytestmark = [
    pytest.mark.slow,
    pytest.mark.real_clock,
    pytest.mark.skipif(
        os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="run in the SQLite run"
    ),
]
ROOT = Path(__file__).resolve().parents[2]
SECRET = "city-to-province-secret"


def env_for(var: Path) -> dict:
    env = {**os.environ, "SANXIANG_VAR_DIR": str(var), "PYTHONPATH": f"{ROOT / 'src'}:{ROOT}"}
    env.pop("DATABASE_URL", None)
    env["SANXIANG_INSTANCE_NAME"] = "city"
    return env


def run(var: Path, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, str(ROOT / "tests/exchange/instance.py"), *args],
        env=env_for(var),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def migrated(template: Path, var: Path) -> Path:
    var.mkdir(parents=True)
    shutil.copy(template / "sanxiang.sqlite3", var / "sanxiang.sqlite3")
    return var


def serve(var: Path, port: int) -> subprocess.Popen:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "sanxiang.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--threads",
            "2",
            "--timeout",
            "30",
        ],
        env=env_for(var),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: stop() ends the master and its workers
    )
    for _ in range(200):
        assert process.poll() is None, f"the server on port {port} exited (port in use?)"
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=10).status_code == 200:
                return process
        except requests.RequestException:
            time.sleep(0.05)
    stop(process)
    raise RuntimeError("server did not start")


def stop(process: subprocess.Popen) -> None:
    for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        try:
            os.killpg(process.pid, sig)
            process.wait(wait)
            return
        except ProcessLookupError:
            return
        except subprocess.TimeoutExpired:
            continue


def test_a_decision_reaches_the_other_instance_after_it_was_down(tmp_path, worker_id):
    port = 8163 if worker_id in ("master", "gw0") else 8164
    template = tmp_path / "template"
    template.mkdir()
    subprocess.run(
        [sys.executable, "-m", "sanxiang.cli", "manage", "migrate", "-v", "0"],
        env=env_for(template),
        cwd=ROOT,
        check=True,
        timeout=300,
    )
    city, province = migrated(template, tmp_path / "city"), migrated(template, tmp_path / "province")
    run(province, "province", SECRET)
    case = json.loads(run(city, "city", f"http://127.0.0.1:{port}/api/exchange/inbox/", SECRET))["case"]

    run(city, "deliver")  # the province is down: the attempt fails, the message waits
    server = serve(province, port)
    try:
        assert requests.get(f"http://127.0.0.1:{port}/readyz", timeout=5).status_code in (200, 503)
        time.sleep(0.6)
        run(city, "deliver")
        run(city, "deliver")  # a second sweep finds nothing more to send
        received = json.loads(run(province, "received"))
    finally:
        stop(server)
    decisions = [r for r in received if r["topic"] == "case.decided"]
    assert len(decisions) == 1
    assert decisions[0]["key"] == f"case:{case}"
    assert decisions[0]["payload"]["case"]["number"] == case
    assert len({r["message_id"] for r in received}) == len(received)  # each message stored once
