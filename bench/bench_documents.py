"""Documents: issuing (number + compose + hash + record entry) per second, and rendering an
issued 行政处罚决定书 to PDF (embedded CJK font, QR) and DOCX, beside composing alone."""

from __future__ import annotations

import time

from bench import harness
from bench.figures import Figure


def run(full: bool) -> list[Figure]:
    return harness.each_database(__name__, full)


def measure(engine: str, full: bool) -> list[Figure]:
    from sanxiang.documents import services
    from tests.documents.helpers import general_case
    from tests.factories import World

    n = 60 if full else 8
    world = World()
    cases = [general_case(world) for _ in range(n)]
    started = time.perf_counter()
    issued = [services.issue(case, "penalty_decision", actor=world.officer) for case in cases]
    issue_rate = n / (time.perf_counter() - started)
    started = time.perf_counter()
    for case in cases:
        services.preview(case, "penalty_decision")
    compose_rate = n / (time.perf_counter() - started)
    services.render_document(issued[0], "pdf")  # first render registers the font (one-off)
    started = time.perf_counter()
    sizes = [len(services.render_document(d, "pdf")) for d in issued]
    pdf_ms = (time.perf_counter() - started) / n * 1000
    started = time.perf_counter()
    for d in issued:
        services.render_document(d, "docx")
    docx_ms = (time.perf_counter() - started) / n * 1000
    return [
        Figure(
            f"documents.issue_per_s.{engine}",
            issue_rate,
            "documents/s",
            f"compose_per_s.{engine}",
            compose_rate,
        ),
        Figure(f"documents.pdf_render_ms.{engine}", pdf_ms, "ms/document"),
        Figure(f"documents.docx_render_ms.{engine}", docx_ms, "ms/document"),
        Figure(f"documents.pdf_size_kb.{engine}", sum(sizes) / len(sizes) / 1024, "KiB/document"),
    ]
