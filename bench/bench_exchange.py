"""Exchange and API at scale (issue 8): historical-case import rate (and its extrapolation to
10⁶ cases), outbox delivery rate to a local HTTP receiver (batched vs one message per request),
API list/detail latency at 16 concurrent connections (p95) — on SQLite and PostgreSQL.

Quick mode (make bench): 1,500 imported cases, 2,000 messages, 16×8 requests per endpoint.
FULL=1: 100,000 cases, 20,000 messages, 16×60 requests. The import measured at 10⁶ cases (not
extrapolated) is bench/import_scale.py.
"""

from __future__ import annotations

import contextlib
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

from bench import harness
from bench.figures import Figure

ROOT = Path(__file__).resolve().parent.parent
RECEIVER_PORT, API_PORT = 8168, 8169
SECRET = "bench-exchange-secret"


def run(full: bool) -> list[Figure]:
    return harness.each_database(__name__, full)


def _case_csv(world, n: int) -> bytes:
    from tests.factories import credit_code, person_id

    lines = [
        "案件编号,执法主体代码,程序,案由,登记日期,决定日期,结案日期,执法事项编码,当事人类型,当事人,证件号码,统一社会信用代码,法定代表人,罚款金额"
    ]
    companies = [credit_code() for _ in range(200)]
    for i in range(n):
        if i % 3:
            party = f"法人或其他组织,历史公司{i % 200},,{companies[i % 200]},王五"
        else:
            party = f"自然人,历史当事人{i % 500},{person_id(serial=i % 500 + 1)},,"
        lines.append(
            f"BENCH-{i:08d},{world.agency.code},penalty.general,历史案件{i},2023-03-01,2023-04-01,2023-05-01,"
            f"{world.item.code},{party},{1000 + i % 5000}"
        )
    return ("\n".join(lines) + "\n").encode()


def _import(engine: str, world, boss, n: int) -> list[Figure]:
    from sanxiang.exchange.importers import run_import

    data = _case_csv(world, n)
    started = time.perf_counter()
    result = run_import("cases", data, filename="bench.csv", actor=boss)
    elapsed = time.perf_counter() - started
    assert result.status == "committed", result.errors[:3]
    rate = n / elapsed
    return [
        Figure(f"exchange.import_cases_per_s.{engine}", rate, "cases/s"),
        Figure(f"exchange.import_1e6_cases_minutes_extrapolated.{engine}", 1_000_000 / rate / 60, "min"),
    ]


def _wait(url: str, process: subprocess.Popen, seconds: float = 60) -> None:
    import requests

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server for {url} exited")
        try:
            requests.get(url, timeout=5)
            return
        except requests.RequestException:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer")


def _stop(process: subprocess.Popen) -> None:
    import signal

    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(10)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)


def _outbox(engine: str, n: int) -> list[Figure]:
    import requests
    from django.db import transaction

    from sanxiang.exchange import delivery, outbox
    from sanxiang.exchange.models import Delivery, Endpoint

    receiver = subprocess.Popen(
        [sys.executable, str(ROOT / "bench/exchange_receiver.py"), str(RECEIVER_PORT), SECRET],
        start_new_session=True,
    )
    figures = []
    try:
        _wait(f"http://127.0.0.1:{RECEIVER_PORT}/", receiver)
        rates = {}
        for batch, count in ((100, n), (1, max(200, n // 10))):
            Endpoint.objects.all().delete()
            endpoint = Endpoint.objects.create(
                name=f"bench-{batch}",
                url=f"http://127.0.0.1:{RECEIVER_PORT}/inbox",
                secret=SECRET,
                batch_size=batch,
            )
            with transaction.atomic():
                for i in range(count):
                    outbox.enqueue("case.decided", f"case:bench-{batch}-{i % (count // 10 or 1)}", {"n": i})
            started = time.perf_counter()
            while Delivery.objects.filter(endpoint=endpoint, status="pending").exists():
                delivery.deliver_all(owner="bench", budget_seconds=120, limit=5000)
            rates[batch] = count / (time.perf_counter() - started)
        state = requests.get(f"http://127.0.0.1:{RECEIVER_PORT}/", timeout=5).json()
        assert state["bad"] == 0 and state["out_of_order"] == 0, state
        figures.append(
            Figure(f"exchange.outbox_delivered_per_s.{engine}", rates[100], "msg/s", "batch_size=1", rates[1])
        )
    finally:
        _stop(receiver)
    return figures


def _latency(engine: str, token: str, case_ids: list[int], per_thread: int) -> list[Figure]:
    import requests

    env = {**os.environ, "PYTHONPATH": f"{ROOT / 'src'}:{ROOT}"}
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "sanxiang.wsgi:application",
            "--bind",
            f"127.0.0.1:{API_PORT}",
            "--workers",
            "2",
            "--threads",
            "8",
            "--worker-class",
            "gthread",
            "--timeout",
            "60",
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    figures = []
    try:
        _wait(f"http://127.0.0.1:{API_PORT}/healthz", server)
        base = f"http://127.0.0.1:{API_PORT}/api/cases/"
        for name, url_for in (
            ("list", lambda i: f"{base}?page={1 + i % 20}&page_size=50"),
            ("detail", lambda i: f"{base}{case_ids[i % len(case_ids)]}/"),
        ):
            timings: list[float] = []
            errors: list[int] = []

            def client(offset: int, url_for=url_for, timings=timings, errors=errors) -> None:
                session = requests.Session()
                session.headers["Authorization"] = f"Token {token}"
                for i in range(per_thread):
                    started = time.perf_counter()
                    response = session.get(url_for(offset * per_thread + i), timeout=30)
                    timings.append(time.perf_counter() - started)
                    if response.status_code != 200:
                        errors.append(response.status_code)

            for warm in range(4):
                requests.get(url_for(warm), headers={"Authorization": f"Token {token}"}, timeout=30)
            threads = [threading.Thread(target=client, args=(t,)) for t in range(16)]
            started = time.perf_counter()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            wall = time.perf_counter() - started
            assert not errors, errors[:5]
            p95 = statistics.quantiles(timings, n=20)[18] * 1000
            figures.append(
                Figure(
                    f"exchange.api_{name}_p95_ms_16conn.{engine}",
                    p95,
                    "ms",
                    "p50",
                    statistics.median(timings) * 1000,
                )
            )
            figures.append(
                Figure(f"exchange.api_{name}_requests_per_s_16conn.{engine}", len(timings) / wall, "req/s")
            )
    finally:
        _stop(server)
    return figures


def measure(engine: str, full: bool) -> list[Figure]:
    from rest_framework.authtoken.models import Token

    from sanxiang.cases.models import Case
    from sanxiang.core.roles import Role
    from tests.factories import World, staff

    world = World()
    boss = staff(world.agency, Role.ADMIN, certified=False)
    figures = _import(engine, world, boss, 100_000 if full else 1_500)
    figures += _outbox(engine, 20_000 if full else 2_000)
    token = Token.objects.create(user=world.head).key
    case_ids = list(Case.objects.order_by("?").values_list("id", flat=True)[:500])
    figures += _latency(engine, token, case_ids, 60 if full else 8)
    return figures
