"""What one staff API request costs, in one process, through the whole WSGI stack (every
middleware, DRF, the database): wall time, this process's CPU, the whole machine's CPU (so the
database server's share is counted), and queries per request. The figure that decides p95 at 16
connections on two cores is the machine CPU per request: 2 cores ÷ that = the most requests/s.

    PYTHONPATH=src:. python -m bench.api_cost                     # the load database (bench/load_mixed.py)
    … -m bench.api_cost --requests 500 --auth system              # a system token instead of a DRF token
    … -m bench.api_cost --profile detail                          # cProfile of one kind, top 40 by cumulative

Reads `sanxiang_scale` (built by `python -m bench.load_mixed --only build`) or `--database-url`.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import random
import statistics
import sys
import time
from pathlib import Path

from bench.load_mixed import DEFAULT_URL, STAFF_USER, setup_django


def machine_cpu_seconds() -> float:
    """Busy CPU time of the whole machine so far (user + nice + system + irq + softirq)."""
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq = (int(x) for x in fields[:7])
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


def authorization(kind: str) -> str:
    from rest_framework.authtoken.models import Token

    from sanxiang.core.roles import Role
    from sanxiang.exchange import services as exchange
    from sanxiang.org.models import User

    user = User.objects.get(username=STAFF_USER)
    if kind == "drf":
        token, _ = Token.objects.get_or_create(user=user)
        return f"Token {token.key}"
    key = os.environ.get("API_COST_SYSTEM_TOKEN")
    if not key:
        admin = next(u for u in User.objects.filter(is_active=True) if u.has_role(Role.ADMIN))
        _token, key = exchange.issue_token(
            name="api-cost bench", user=user, scopes=["cases:read"], actor=admin
        )
    return f"Bearer {key}"


def paths(rng: random.Random) -> dict[str, list[str]]:
    from sanxiang.cases.models import Case
    from sanxiang.org.models import User

    user = User.objects.get(username=STAFF_USER)
    ids = list(Case.objects.filter(agency=user.agency).order_by("-id").values_list("id", flat=True)[:5000])
    return {
        "list_cursor": ["/api/cases/?cursor=&page_size=50"],
        "list_pages": [f"/api/cases/?page={p}&page_size=50" for p in range(1, 6)],
        "detail": [f"/api/cases/{pk}/" for pk in rng.sample(ids, min(300, len(ids)))],
    }


def environ(path: str, auth: str) -> dict:
    from urllib.parse import urlsplit

    parts = urlsplit(path)
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": parts.path,
        "QUERY_STRING": parts.query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "127.0.0.1:8000",
        "HTTP_AUTHORIZATION": auth,
        "HTTP_ACCEPT": "application/json",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "SERVER_PROTOCOL": "HTTP/1.1",
    }


def call(app, path: str, auth: str) -> int:
    status = []
    body = app(environ(path, auth), lambda s, h, exc_info=None: status.append(s))
    b"".join(body)
    if hasattr(body, "close"):
        body.close()
    return int(status[0].split()[0])


def measure(app, kind: str, lines: list[str], auth: str, n: int) -> dict:
    from django.db import connection

    for path in lines[:5]:  # warm: caches, the first query plans
        assert call(app, path, auth) == 200, path
    captured = []

    def capture(execute, sql, params, many, context):
        captured.append({"sql": sql})
        return execute(sql, params, many, context)

    with connection.execute_wrapper(capture):  # the handler resets connection.queries itself
        call(app, lines[0], auth)
    walls = []
    cpu0, machine0 = time.process_time(), machine_cpu_seconds()
    for i in range(n):
        started = time.perf_counter()
        status = call(app, lines[i % len(lines)], auth)
        walls.append(time.perf_counter() - started)
        assert status == 200, (lines[i % len(lines)], status)
    cpu, machine = time.process_time() - cpu0, machine_cpu_seconds() - machine0
    walls.sort()
    return {
        "kind": kind,
        "p50_ms": statistics.median(walls) * 1000,
        "p95_ms": walls[int(0.95 * len(walls))] * 1000,
        "process_cpu_ms": cpu / n * 1000,
        "machine_cpu_ms": machine / n * 1000,
        "queries": len(captured),
        "ceiling_rps": 2 / (machine / n) if machine else float("inf"),
        "sql": [q["sql"][:160] for q in captured],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("LOAD_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--auth", choices=["drf", "system"], default="drf")
    parser.add_argument("--profile", choices=["list_cursor", "list_pages", "detail"])
    parser.add_argument("--sql", action="store_true", help="print the queries of one request of each kind")
    args = parser.parse_args(argv)
    setup_django(args.database_url)
    from django.core.wsgi import get_wsgi_application

    app = get_wsgi_application()
    auth = authorization(args.auth)
    kinds = paths(random.Random(7))
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        measure(app, args.profile, kinds[args.profile], auth, args.requests)
        profiler.disable()
        pstats.Stats(profiler).sort_stats(os.environ.get("API_COST_SORT", "cumulative")).print_stats(40)
        return 0
    print(f"load before: {' '.join(Path('/proc/loadavg').read_text().split()[:3])}; auth {args.auth}")
    for kind, lines in kinds.items():
        r = measure(app, kind, lines, auth, args.requests)
        print(
            f"{kind:12} p50 {r['p50_ms']:6.1f} ms  p95 {r['p95_ms']:6.1f} ms  "
            f"process CPU {r['process_cpu_ms']:5.1f} ms  machine CPU {r['machine_cpu_ms']:5.1f} ms  "
            f"queries {r['queries']:2}  → at most {r['ceiling_rps']:4.0f} req/s on 2 cores"
        )
        if args.sql:
            for sql in r["sql"]:
                print("    ", sql)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
