"""Portal search: Chinese substring search over published decisions (10⁶ in FULL mode, 5·10³ in
quick mode), on SQLite (FTS5 trigram) and PostgreSQL (pg_trgm).

* single client: median and p95 latency of typical search pages over HTTP (gunicorn, 3 workers);
* 16 connections: requests/s of the same pages with `wrk` (Debian package) when installed, else a
  Python thread pool — the figure's name says which;
* the search function alone (ORM + index), for comparison.

Generated data goes straight into the public table (a bulk generator, not the publish service):
what is measured is reading, and 10⁶ publications through the services would take hours.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

from bench import harness
from bench.figures import Figure

ROOT = Path(__file__).resolve().parent.parent
AGENCIES = [(f"ag{i:02d}", f"云溪市第{i}执法局", "市监罚" if i % 2 else "城管罚") for i in range(20)]
VIOLATIONS = [
    "销售过期食品",
    "超标排放大气污染物",
    "未取得食品经营许可从事食品经营",
    "虚假宣传",
    "占道经营",
    "违法建设",
    "未按规定设置安全警示标志",
    "无证从事道路运输经营",
    "擅自改变房屋用途",
    "噪声污染扰民",
    "销售不合格电动自行车",
    "未履行安全生产培训义务",
    "价格欺诈",
    "无照经营",
    "擅自占用绿地",
    "超限运输",
    "未落实进货查验制度",
    "违规排放工业废水",
    "违规燃放烟花爆竹",
    "销售假冒注册商标的商品",
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
COMPANY_WORDS = [
    *("鲜果", "食品", "贸易", "建材", "物流", "餐饮", "电子", "科技", "汽车"),
    *("服务", "商贸", "农业", "化工", "医药", "家居", "文化", "旅游", "印务"),
]
QUERIES = [
    ("party_company", {"q": "鲜果贸易"}),
    ("party_person", {"q": "郑某某"}),
    ("violation", {"q": "超标排放"}),
    ("violation_rare", {"q": "烟花爆竹"}),
    ("decision_number", {"q": "〔2025〕4711号"}),
    ("two_chars", {"q": "餐饮"}),
    ("filters", {"q": "过期食品", "agency": "ag03", "category": "penalty"}),
    ("date_range", {"from": "2025-03-01", "to": "2025-03-31"}),
    ("page_5", {"q": "无照经营", "page": "5"}),
    ("no_query", {}),
]


def run(full: bool) -> list[Figure]:
    return harness.each_database(__name__, full)


# --- data ------------------------------------------------------------------------------------


def _rows(n: int, rng: random.Random):
    start = dt.date(2023, 1, 1)
    for i in range(1, n + 1):
        code, agency, prefix = AGENCIES[i % len(AGENCIES)]
        violation = VIOLATIONS[rng.randrange(len(VIOLATIONS))]
        if rng.random() < 0.5:
            party, kind = f"{rng.choice(SURNAMES)}某某", "自然人"
        else:
            words = rng.sample(COMPANY_WORDS, 2)
            party, kind = f"云溪{words[0]}{words[1]}有限公司{i % 997}", "法人及非法人组织"
        decided = start + dt.timedelta(days=i * 1000 // n)
        number = f"云{prefix}〔{decided.year}〕{i % 9973}号"
        facts = f"经查，当事人{party}于{decided:%Y年%m月%d日}{violation}，违法事实清楚，证据确凿。"
        outcome = f"罚款{rng.randrange(1, 200) * 500}元"
        text = " ".join([party, violation, number, facts, outcome, agency])
        category = "penalty" if i % 5 else "permit"
        yield (code, agency, category, number, kind, party, violation, facts, outcome, decided, decided, text)


def populate(n: int, engine: str) -> None:
    from django.db import connection

    from sanxiang.publicity.models import PublicAgency

    for code, name, _ in AGENCIES:
        PublicAgency.objects.create(
            code=code, name=name, division_name="云溪市", published_at=dt.datetime.now(dt.UTC)
        )
    sql = (
        "INSERT INTO publicity_publicdecision (publication_ref, agency_code, agency_name, agency_credit_code,"
        " category, procedure_name, decision_number, party_kind, party_name, party_credit_code,"
        " legal_representative, title, facts, basis, outcome, penalty_types, licence, decided_on,"
        " published_on, status, note, version, entry_hash, body_hash, search_text)"
        " VALUES (%s, %s, %s, '', %s, '', %s, %s, %s, '', '', %s, %s, '', %s, '', '', %s, %s,"
        " 'published', '', 1, '', '', %s)"
    )
    rng = random.Random(7)
    with connection.cursor() as cursor:
        if engine == "sqlite":
            for trigger in ("ai", "ad", "au"):
                cursor.execute(f"DROP TRIGGER IF EXISTS publicity_decision_fts_{trigger}")
        else:
            cursor.execute("DROP INDEX IF EXISTS publicity_decision_trgm")
        batch = []
        for i, row in enumerate(_rows(n, rng), start=1):
            batch.append((i, *row))
            if len(batch) == 10000:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
    # Restore the index the way migration 0002 builds it.
    from importlib import import_module

    migration = import_module("sanxiang.publicity.migrations.0002_decision_search_index")
    with connection.cursor() as cursor:
        statements = migration.SQLITE_FORWARD if engine == "sqlite" else migration.POSTGRES_FORWARD
        for statement in statements:
            if "CREATE VIRTUAL TABLE" in statement:
                continue  # the table exists; 'rebuild' below fills it
            cursor.execute(statement)
        if engine == "postgresql":
            cursor.execute("ANALYZE publicity_publicdecision")
        else:
            cursor.execute("ANALYZE")


# --- the server ------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int, *, page_cache: bool = True) -> subprocess.Popen:
    env = {
        **os.environ,
        "SANXIANG_PORTAL_CACHE_SECONDS": "30" if page_cache else "0",
        # one load generator on one address: the per-address limits would answer 429 (fast) instead
        # of the page being measured
        "SANXIANG_RATE_PORTAL": "10000000/min",
        "SANXIANG_RATE_PORTAL_SEARCH": "10000000/min",
        "PYTHONPATH": f"{ROOT / 'src'}:{ROOT}",
        "DJANGO_SETTINGS_MODULE": "sanxiang.settings",
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "sanxiang.wsgi",
            "-w",
            "3",
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    return harness.wait_until_serving(process, port, tries=100)


def path_of(params: dict[str, str]) -> str:
    return "/portal/decisions/?" + urllib.parse.urlencode(params)


def single_client(port: int, rounds: int) -> dict[str, list[float]]:
    timings: dict[str, list[float]] = {name: [] for name, _ in QUERIES}
    for _ in range(rounds):
        for name, params in QUERIES:
            started = time.perf_counter()
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path_of(params)}", timeout=60) as r:
                assert r.status == 200
                r.read()
            timings[name].append((time.perf_counter() - started) * 1000)
    return timings


def load_wrk(port: int, seconds: int, typical: list[str]) -> float:
    script = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)  # noqa: SIM115
    paths = ", ".join(f'"{p}"' for p in typical)
    script.write(
        f"local paths = {{{paths}}}\nlocal i = 0\nrequest = function()\n  i = i % #paths + 1\n"
        "  return wrk.format('GET', paths[i])\nend\n"
    )
    script.close()
    done = subprocess.run(
        ["wrk", "-t2", "-c16", f"-d{seconds}s", "-s", script.name, f"http://127.0.0.1:{port}"],
        capture_output=True,
        text=True,
        check=True,
    )
    os.unlink(script.name)
    line = next(line for line in done.stdout.splitlines() if line.startswith("Requests/sec:"))
    return float(line.split()[1])


def load_threads(port: int, seconds: int, typical: list[str]) -> float:
    import http.client

    count, stop = [0], time.monotonic() + seconds
    lock = threading.Lock()

    def worker(k: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        n = k
        while time.monotonic() < stop:
            conn.request("GET", typical[n % len(typical)])
            conn.getresponse().read()
            n += 1
            with lock:
                count[0] += 1

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(16)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return count[0] / (time.monotonic() - started)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def measure(engine: str, full: bool) -> list[Figure]:
    from django.db import connection

    from sanxiang.publicity import search

    vendor = connection.vendor
    n = 1_000_000 if full else 5_000
    started = time.perf_counter()
    populate(n, vendor)
    load_seconds = time.perf_counter() - started
    connection.close()
    figures = [Figure(f"portal.generate_{n}.{engine}", load_seconds, "s")]
    # the search function alone
    orm: list[float] = []
    for _ in range(3):
        for _, params in QUERIES:
            f = search.Filters(
                q=params.get("q", ""), agency=params.get("agency", ""), category=params.get("category", "")
            )
            t = time.perf_counter()
            search.paginate(search.search(f), search.page_number(params.get("page")))
            orm.append((time.perf_counter() - t) * 1000)
    connection.close()
    figures.append(Figure(f"portal.search_orm_median.{engine}", statistics.median(orm), "ms"))
    typical = [path_of(p) for name, p in QUERIES if name != "two_chars"]
    tool = "wrk" if shutil.which("wrk") else "threads"
    seconds = 20 if full else 5
    # twice: every page rendered afresh (page cache off), then as served (whole-page cache for
    # visitors without a session; the first round fills it)
    for mode, page_cache in (("uncached", False), ("cached", True)):
        port = _free_port()
        server = start_server(port, page_cache=page_cache)
        try:
            single_client(port, 1)  # warm up the workers (and, when on, the page cache)
            timings = single_client(port, 5 if full else 3)
            every = [v for values in timings.values() for v in values]
            rps = load_wrk(port, seconds, typical) if tool == "wrk" else load_threads(port, seconds, typical)
        finally:
            harness.stop_server(server, timeout=20)
        figures += [
            Figure(f"portal.search_http_median.{mode}.{engine}", statistics.median(every), "ms"),
            Figure(f"portal.search_http_p95.{mode}.{engine}", p95(every), "ms", "goal_p95_ms", 50.0),
            Figure(f"portal.search_rps_16conn_{tool}.{mode}.{engine}", rps, "requests/s", "goal_rps", 300.0),
        ]
    for name, values in timings.items():  # per query, as served
        figures.append(Figure(f"portal.search_http_median.{name}.{engine}", statistics.median(values), "ms"))
    return figures
