"""Workflow engine throughput: transitions fired per second through the full service (guards,
deadlines, record entry) beside plain inserts of the event rows alone."""

from __future__ import annotations

import time

from bench import harness
from bench.figures import Figure


def run(full: bool) -> list[Figure]:
    return harness.each_database(__name__, full)


def measure(engine: str, full: bool) -> list[Figure]:
    from django.db import connection, transaction

    from tests.cases.walk import PATHS, walk
    from tests.factories import World

    n = 300 if full else 40
    world = World()
    started = time.perf_counter()
    for _ in range(n):
        walk(world, world.case(), PATHS["penalty.general"][:4])
    elapsed = time.perf_counter() - started
    transitions = n * 5  # open + 4 transitions
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_raw (id integer primary key, body text)")
    body = "x" * 600
    started = time.perf_counter()
    for i in range(transitions):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("INSERT INTO bench_raw (id, body) VALUES (%s, %s)", [i, body])
    raw = transitions / (time.perf_counter() - started)
    return [
        Figure(
            f"workflow.transitions_per_s.{engine}",
            transitions / elapsed,
            "transitions/s",
            f"raw_insert_per_s.{engine}",
            raw,
        ),
    ]
