"""Mixed staff + portal load on PostgreSQL with 10⁶ cases (issue 10 item 7), and the issue 8 API
list/detail latency at 16 connections, both driven by `wrk` (C, cheap on the client side).

    flock /work/notes/bench.lock nice -n 5 env PYTHONPATH=src:. /work/venv/bin/python -m bench.load_mixed
    … -m bench.load_mixed --levels 2,4,8,16 --seconds 30 --cases 1000000 [--only mixed|api] [--sqlite]

1. The database (`sanxiang_scale` on 127.0.0.1, or `--database-url`; a SQLite file with `--sqlite`)
   is built once and reused: the demo at size 0.05 (reference data, accounts), then N bare cases
   copied from the demo cases by one `INSERT … SELECT … FROM generate_series` in the database
   (new numbers, opening dates spread over three years, handlers copied), and N published decision
   snapshots for the portal (the shape of bench/bench_portal.py's generator) by COPY. Only the case
   and public-decision tables grow: events, deadlines, proposals stay at demo size.
2. gunicorn as deploy/gunicorn.conf.py runs it (5 sync workers; `--worker-class gthread --threads N`
   for threads) on 127.0.0.1 with the per-address rate limits lifted
   (one client address would otherwise meet 429s, which are fast and would flatter the figures).
3. A session cookie for the head of yx-scjg (staff pages; heads need no second factor) and a DRF
   token for the same user (staff API).
4. wrk with bench/load/mixed.lua at each connection level for a bounded time; the script counts
   statuses per kind (an error is anything not 2xx/3xx, plus socket errors) and prints the latency
   percentiles. wrk is a closed loop (a connection waits for its answer), so latencies at a level
   are what clients see at the throughput the server sustains there.

The mix (weights out of 100): staff — workbench 5, case list page 8, case detail page 7, API list 10,
API detail 10; portal — home 5, decision search 20, decision page 20, open-data list 10, open-data
detail 5.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import harness

ROOT = Path(__file__).resolve().parent.parent
LUA = ROOT / "bench" / "load" / "mixed.lua"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/sanxiang_scale"
STAFF_USER = "head"
MIX = {
    "workbench": 5,
    "case_list_page": 8,
    "case_detail_page": 7,
    "api_list": 10,
    "api_detail": 10,
    "portal_home": 5,
    "portal_search": 20,
    "portal_decision": 20,
    "open_list": 10,
    "open_detail": 5,
}


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def uptime() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


# --- the database ----------------------------------------------------------------------------


def ensure_postgres_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
            log(f"created database {name}")


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanxiang.settings")
    import django

    django.setup()


def build(n: int) -> dict[str, float]:
    """Migrate, load the small demo, then grow cases and public decisions to `n` each."""
    from django.core.management import call_command

    from sanxiang.cases import tally
    from sanxiang.cases.models import Case
    from sanxiang.demo import loader
    from sanxiang.publicity.models import PublicDecision

    timings = {}
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    if not loader.is_loaded():
        import io

        loader.load(stdout=io.StringIO(), size=0.05)
        timings["demo_s"] = time.perf_counter() - started
        log(f"demo loaded in {timings['demo_s']:.0f} s")
    missing = n - Case.objects.filter(number__startswith="LOAD-").count()
    if missing > 0:
        t = time.perf_counter()
        _grow_cases(missing, n)
        tally.recount()  # the raw inserts went around the ORM's tally upkeep
        timings["cases_s"] = time.perf_counter() - t
        log(f"{missing} cases in {timings['cases_s']:.0f} s ({missing / timings['cases_s']:.0f} cases/s)")
    missing = n - PublicDecision.objects.filter(agency_code__startswith="ag").count()
    if missing > 0:
        t = time.perf_counter()
        _grow_public(missing)
        timings["public_s"] = time.perf_counter() - t
        log(f"{missing} public decisions in {timings['public_s']:.0f} s")
    if "cases_s" in timings or "public_s" in timings:
        t = time.perf_counter()
        _vacuum()
        log(f"VACUUM ANALYZE in {time.perf_counter() - t:.0f} s")
    return timings


def _vacuum() -> None:
    """What autovacuum would do after a bulk load: statistics, and the visibility map that lets
    `COUNT(*)` and keyset pages read the indexes alone."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def _grow_cases(missing: int, n: int) -> None:
    """Copies of the demo cases made by the database itself (no rows cross the wire): number
    LOAD-<serial>, opened at a random moment of the last three years, closing date kept relative."""
    from django.db import connection, transaction

    from sanxiang.cases.models import Case

    fields = [f for f in Case._meta.concrete_fields if not f.primary_key]
    overrides = {
        "number": "'LOAD-' || lpad(g.i::text, 8, '0')",
        "serial": "100000000 + g.i",
        "year": "extract(year from o.at)::int",
        "opened_at": "o.at",
        "created_at": "o.at",
        "updated_at": "o.at",
        "closed_on": "CASE WHEN t.closed_on IS NULL THEN NULL"
        " ELSE least((o.at + (t.closed_on - t.opened_at::date) * interval '1 day')::date, current_date) END",
        "sensitive": "false",
    }
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    values = ", ".join(overrides.get(f.column, f"t.{connection.ops.quote_name(f.column)}") for f in fields)
    first = n - missing + 1
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE load_template AS SELECT row_number() OVER (ORDER BY id) - 1 AS k, *"
            " FROM cases_case WHERE number NOT LIKE 'LOAD-%%'"
        )
        cursor.execute("SELECT count(*) FROM load_template")
        templates = cursor.fetchone()[0]
    step = 100_000
    for start in range(first, n + 1, step):
        stop = min(n, start + step - 1)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO cases_case ({columns}) SELECT {values}"
                " FROM generate_series(%s, %s) AS g(i)"
                " JOIN load_template t ON t.k = g.i %% %s"
                " CROSS JOIN LATERAL (SELECT now() - (random() * 1095 + g.i * 0) * interval '1 day' AS at) o",
                [start, stop, templates],
            )
            cursor.execute(
                "INSERT INTO cases_case_handlers (case_id, user_id)"
                " SELECT c.id, h.user_id FROM cases_case c"
                " JOIN load_template t ON t.k = (c.serial - 100000000) %% %s"
                " JOIN cases_case_handlers h ON h.case_id = t.id"
                " WHERE c.number LIKE 'LOAD-%%' AND c.serial BETWEEN %s AND %s",
                [templates, 100000000 + start, 100000000 + stop],
            )
        log(f"  cases {stop:,}")
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE load_template")


def _grow_public(missing: int) -> None:
    """Published decision snapshots as the portal reads them, by COPY, with the trigram index
    dropped during the load and built once afterwards (as migration publicity 0002 builds it)."""
    import datetime as dt

    from django.db import connection

    from bench.bench_portal import AGENCIES, _rows
    from sanxiang.publicity.models import PublicAgency, PublicDecision

    for code, name, _ in AGENCIES:
        PublicAgency.objects.get_or_create(
            code=code,
            defaults={"name": name, "division_name": "云溪市", "published_at": dt.datetime.now(dt.UTC)},
        )
    base = (
        PublicDecision.objects.order_by("-publication_ref").values_list("publication_ref", flat=True).first()
        or 0
    ) + 1
    columns = (
        "publication_ref, agency_code, agency_name, agency_credit_code, category, procedure_name,"
        " decision_number, party_kind, party_name, party_credit_code, legal_representative, title, facts,"
        " basis, outcome, penalty_types, licence, decided_on, published_on, status, note, version,"
        " entry_hash, body_hash, search_text"
    )
    connection.ensure_connection()
    raw = connection.connection
    with raw.cursor() as cursor:
        cursor.execute("DROP INDEX IF EXISTS publicity_decision_trgm")
        with cursor.copy(f"COPY publicity_publicdecision ({columns}) FROM STDIN") as copy:
            rng = random.Random(7)
            for i, row in enumerate(_rows(missing, rng)):
                (
                    code,
                    agency,
                    category,
                    number,
                    kind,
                    party,
                    violation,
                    facts,
                    outcome,
                    decided,
                    published,
                    text,
                ) = row
                head = (base + i, code, agency, "", category, "", number, kind, party, "", "", violation)
                copy.write_row(
                    (*head, facts, "", outcome, "", "", decided, published, "published", "", 1, "", "", text)
                )
        cursor.execute(
            "CREATE INDEX IF NOT EXISTS publicity_decision_trgm"
            " ON publicity_publicdecision USING gin (search_text gin_trgm_ops)"
        )
    raw.commit()


# --- the workload ----------------------------------------------------------------------------


def credentials() -> tuple[str, str]:
    """(session cookie header, DRF token) of the staff user."""
    from django.conf import settings
    from django.test import Client
    from rest_framework.authtoken.models import Token

    from sanxiang.org.models import User

    user = User.objects.get(username=STAFF_USER)
    client = Client()
    client.force_login(user)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    token, _ = Token.objects.get_or_create(user=user)
    return cookie, token.key


def request_lines(seed: int = 11) -> dict[str, list[str]]:
    """Request lines ("kind<TAB>path<TAB>auth") per kind, over many cases and decisions so caches
    see a realistic spread."""
    from bench.bench_portal import QUERIES, path_of
    from sanxiang.cases.models import Case
    from sanxiang.org.models import User
    from sanxiang.publicity.models import PublicDecision

    rng = random.Random(seed)
    user = User.objects.get(username=STAFF_USER)
    generated = Case.objects.filter(number__startswith="LOAD-")
    serials = rng.sample(range(100_000_001, 100_000_001 + generated.count()), 3000)
    cases = list(generated.filter(agency=user.agency, serial__in=serials).values_list("id", "number")[:300])
    public = PublicDecision.objects.filter(agency_code__startswith="ag").order_by("publication_ref")
    refs = rng.sample(range(public.first().publication_ref, public.last().publication_ref + 1), 500)
    searches = [path_of(p) for name, p in QUERIES if name != "two_chars"]
    lines = {
        "workbench": ["workbench\t/\tsession"],
        "case_list_page": [
            "case_list_page\t/cases/\tsession",
            "case_list_page\t/cases/?page=2\tsession",
            "case_list_page\t/cases/?is_open=true\tsession",
            "case_list_page\t/cases/?procedure=penalty.general\tsession",
        ],
        "case_detail_page": [f"case_detail_page\t/cases/{number}/\tsession" for _, number in cases],
        "api_list": [f"api_list\t/api/cases/?page={p}&page_size=50\ttoken" for p in range(1, 6)]
        + ["api_list\t/api/cases/?cursor=&page_size=50\ttoken"],
        "api_detail": [f"api_detail\t/api/cases/{pk}/\ttoken" for pk, _ in cases],
        "portal_home": ["portal_home\t/portal/\tnone"],
        "portal_search": [f"portal_search\t{path}\tnone" for path in searches],
        "portal_decision": [f"portal_decision\t/portal/decisions/{ref}/\tnone" for ref in refs],
        "open_list": [
            "open_list\t/api/open/decisions\tnone",
            "open_list\t/api/open/decisions?page=3\tnone",
            "open_list\t/api/open/decisions?agency=ag03\tnone",
        ],
        "open_detail": [f"open_detail\t/api/open/decisions/{ref}\tnone" for ref in refs[:200]],
    }
    return lines


def mixed_file(lines: dict[str, list[str]], rounds: int = 40, seed: int = 13) -> str:
    """A shuffled request list where each kind appears in proportion to MIX."""
    rng = random.Random(seed)
    cursor = {kind: 0 for kind in lines}
    sequence = []
    for _ in range(rounds):
        for kind, weight in MIX.items():
            for _ in range(weight):
                options = lines[kind]
                sequence.append(options[cursor[kind] % len(options)])
                cursor[kind] += 1
    rng.shuffle(sequence)
    return _write(sequence)


def _write(lines: list[str]) -> str:
    handle = tempfile.NamedTemporaryFile("w", suffix=".tsv", delete=False)  # noqa: SIM115
    handle.write("\n".join(lines) + "\n")
    handle.close()
    return handle.name


# --- server and client -----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(
    url: str, port: int, workers: int, threads: int, src: Path, worker_class: str = "sync", extra: str = ""
) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "PYTHONPATH": f"{src}:{ROOT}",
        "DJANGO_SETTINGS_MODULE": "sanxiang.settings",
        # one load generator on one address: lift the per-address limits (they would answer 429)
        "SANXIANG_RATE_PORTAL": "100000000/min",
        "SANXIANG_RATE_PORTAL_SEARCH": "100000000/min",
        "SANXIANG_RATE_OPEN_DATA": "100000000/min",
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "sanxiang.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--worker-class",
            worker_class,
            "--timeout",
            "120",
            "--log-level",
            "warning",
            *extra.split(),
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=open(os.environ.get("LOAD_SERVER_LOG", os.devnull), "a"),  # noqa: SIM115
        start_new_session=True,
    )
    return harness.wait_until_serving(process, port)


def wrk(port: int, connections: int, seconds: int, request_file: str, cookie: str, token: str) -> dict:
    env = {**os.environ, "LOAD_COOKIE": cookie, "LOAD_TOKEN": token}
    done = subprocess.run(
        [
            "wrk",
            f"-t{min(2, connections)}",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(LUA),
            f"http://127.0.0.1:{port}",
            "--",
            request_file,
        ],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    line = next(line for line in done.stdout.splitlines() if line.startswith("RESULT "))
    result = json.loads(line[len("RESULT ") :])
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    result["errors"] = result["status_errors"] + sum(
        result[k] for k in ("connect", "read", "write", "timeout")
    )
    result["load"] = uptime()
    return result


def describe(label: str, r: dict) -> str:
    ms = {k: r[f"{k}_us"] / 1000 for k in ("p50", "p95", "p99", "max")}
    return (
        f"{label}: {r['rps']:.0f} req/s, p50 {ms['p50']:.0f} ms, p95 {ms['p95']:.0f} ms, "
        f"p99 {ms['p99']:.0f} ms, max {ms['max']:.0f} ms, errors {r['errors']} of {r['requests']} "
        f"(load {r['load']})"
    )


def warm(port: int, request_file: str, cookie: str, token: str) -> None:
    wrk(port, 2, 5, request_file, cookie, token)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("LOAD_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--sqlite", help="a SQLite file instead of PostgreSQL (API figures only)")
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--levels", default="2,4,8,16")
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--workers", type=int, default=5)  # deploy/gunicorn.conf.py: 2 × cores + 1
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--worker-class", default="sync", choices=["gthread", "sync"])
    parser.add_argument("--gunicorn-args", default="", help='more gunicorn options, e.g. "--keep-alive 0"')
    parser.add_argument("--only", choices=["mixed", "api", "build"])
    parser.add_argument(
        "--src",
        default=str(ROOT / "src"),
        help="serve this source tree (e.g. an older commit's, for before/after)",
    )
    args = parser.parse_args(argv)
    url = f"sqlite:///{Path(args.sqlite).resolve()}" if args.sqlite else args.database_url
    if not args.sqlite:
        ensure_postgres_database(url)
    setup_django(url)
    log(f"database {url}; load {uptime()}")
    build(args.cases)
    if args.only == "build":
        return 0
    cookie, token = credentials()
    lines = request_lines()
    from django.db import connection

    connection.close()
    port = free_port()
    server = start_server(
        url, port, args.workers, args.threads, Path(args.src), args.worker_class, args.gunicorn_args
    )
    results: dict[str, dict] = {}
    try:
        shape = f"{args.workers} {args.worker_class} workers" + (
            f" × {args.threads} threads" if args.worker_class == "gthread" else ""
        )
        log(f"gunicorn {shape} {args.gunicorn_args} on 127.0.0.1:{port}, src {args.src}".replace("  ", " "))
        if args.only != "api":
            for kind in MIX:  # what each kind costs alone, one connection: where the time goes
                path = _write(lines[kind])
                r = wrk(port, 1, 5, path, cookie, token)
                results[f"alone.{kind}"] = r
                log(describe(f"  {kind} alone, 1 connection", r))
            mixed = mixed_file(lines)
            warm(port, mixed, cookie, token)
            for level in [int(x) for x in args.levels.split(",")]:
                r = wrk(port, level, args.seconds, mixed, cookie, token)
                results[f"mixed.{level}"] = r
                log(describe(f"mixed, {level} connections", r))
                log(f"  statuses: {r['counts']}")
            sustained = [lv for lv in map(int, args.levels.split(",")) if _meets(results[f"mixed.{lv}"])]
            log(f"highest level with zero errors and p99 < 300 ms: {max(sustained) if sustained else 'none'}")
        if args.only != "mixed":
            for kind in ("api_list", "api_detail"):
                only = [line for line in lines[kind] if "cursor" not in line]
                path = _write(only)
                warm(port, path, cookie, token)
                r = wrk(port, 16, args.seconds, path, cookie, token)
                results[f"{kind}.16"] = r
                log(describe(f"{kind} (page numbers), 16 connections", r))
            cursor_path = _write(["api_list\t/api/cases/?cursor=&page_size=50\ttoken"])
            r = wrk(port, 16, args.seconds, cursor_path, cookie, token)
            results["api_list_cursor.16"] = r
            log(describe("api_list (?cursor=, first page), 16 connections", r))
    finally:
        harness.stop_server(server)
    print("JSON " + json.dumps(results), flush=True)
    return 0


def _meets(r: dict) -> bool:
    return r["errors"] == 0 and r["p99_us"] < 300_000


if __name__ == "__main__":
    sys.exit(main())
