"""Demo and synthetic data: cases per second walked through the services (the demo loader)
beside cases per second written in bulk by bench/generate.py, and the consistency checks' speed.

Quick mode loads a small demo (size 0.05, about 100 cases) and generates 2,000 cases; FULL=1 loads
the full demo (about 320 cases; its load time is the figure docs/demo.md quotes) and generates
100,000.
"""

from __future__ import annotations

import io
import time

from bench import harness
from bench.figures import Figure


def run(full: bool) -> list[Figure]:
    return harness.each_database(__name__, full)


def measure(engine: str, full: bool) -> list[Figure]:
    from bench.generate import generate
    from sanxiang.demo import checks, loader

    size, n = (1.0, 100_000) if full else (0.05, 2_000)
    started = time.perf_counter()
    cast = loader.load(stdout=io.StringIO(), size=size)
    walked = time.perf_counter() - started
    stats = generate(n)
    started = time.perf_counter()
    problems = checks.all_problems()
    checked = time.perf_counter() - started
    if problems:
        raise AssertionError(problems)
    total = len(cast.plans) + n
    figures = [
        Figure(
            f"generate.cases_per_s.{engine}",
            stats.rate,
            "cases/s",
            f"demo.walked_cases_per_s.{engine}",
            len(cast.plans) / walked,
        ),
        Figure(f"checks.cases_per_s.{engine}", total / checked, "cases/s"),
    ]
    if full:
        figures.append(Figure(f"demo.full_load_s.{engine}", walked, "s"))
    return figures
