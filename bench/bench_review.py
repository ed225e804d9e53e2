"""Legal review: the cost of the decision gate (catalog evaluation in force on the decision date,
fingerprint recomputation, passed-review lookup) beside a decision the catalog does not touch, and
how many full review rounds (submit, accept, assign, opinion) the services complete per second."""

from __future__ import annotations

import time

from bench import harness
from bench.figures import Figure


def run(full: bool) -> list[Figure]:
    return harness.each_database(__name__, full)


def measure(engine: str, full: bool) -> list[Figure]:
    from sanxiang.core import clock
    from sanxiang.review import evaluation
    from tests.review.helpers import ReviewWorld

    n = 100 if full else 12
    world = ReviewWorld()
    major = [world.major_case(fine="60000") for _ in range(n)]
    minor = [world.major_case(fine="1000") for _ in range(n)]

    started = time.perf_counter()
    for _ in range(5):
        for case in major:
            evaluation.evaluate(case, evaluation.facts_of(case, case.current_proposal), clock.today())
    evaluations = 5 * n / (time.perf_counter() - started)

    started = time.perf_counter()
    for case in major:
        world.pass_review(case)
    rounds = n / (time.perf_counter() - started)

    started = time.perf_counter()
    for case in major:
        world.decide(case)
    gated = (time.perf_counter() - started) / n * 1000
    started = time.perf_counter()
    for case in minor:
        world.decide(case)
    ungated = (time.perf_counter() - started) / n * 1000
    return [
        Figure(f"review.catalog_evaluations_per_s.{engine}", evaluations, "evaluations/s"),
        Figure(f"review.review_rounds_per_s.{engine}", rounds, "rounds/s"),
        Figure(f"review.gated_decision_ms.{engine}", gated, "ms", f"decision_not_major_ms.{engine}", ungated),
    ]
