"""`sanxiang tick` runs every registered periodic job; apps register theirs at start-up."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_jobs: dict[str, Callable[[], Any]] = {}


def register(name: str, job: Callable[[], Any]) -> None:
    _jobs[name] = job


def run_all() -> dict[str, Any]:
    return {name: job() for name, job in sorted(_jobs.items())}
