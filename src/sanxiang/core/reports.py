"""`sanxiang report <name> …` — one command, reports contributed by the apps at start-up.

    # in an app's AppConfig.ready():
    reports.register_report("annual", run, configure=add_arguments, help="统计年报")

`configure(parser)` adds the report's own options to an `argparse.ArgumentParser`; `run(options,
stdout)` produces it. The publicity app registers `annual`; supervision, insight and others add
`scorecard`, `analysis`, `supervision` the same way, so `core` never imports them.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TextIO


@dataclass(frozen=True)
class Report:
    name: str
    run: Callable[[argparse.Namespace, TextIO], Any]
    configure: Callable[[argparse.ArgumentParser], None] | None = None
    help: str = ""


_reports: dict[str, Report] = {}


def register_report(
    name: str,
    run: Callable[[argparse.Namespace, TextIO], Any],
    *,
    configure: Callable[[argparse.ArgumentParser], None] | None = None,
    help: str = "",
) -> None:
    _reports[name] = Report(name, run, configure, help)


def reports() -> list[Report]:
    return [_reports[k] for k in sorted(_reports)]


def get(name: str) -> Report | None:
    return _reports.get(name)


def parser_for(report: Report) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=f"sanxiang report {report.name}", description=report.help)
    if report.configure is not None:
        report.configure(parser)
    return parser


# --- sections: reports assembled from parts other apps contribute ----------------------------


@dataclass(frozen=True)
class Section:
    """One part of a report. `build(year, agencies)` returns a table dict or None when the data it
    needs does not exist yet (shown as "—"). A placeholder never replaces a real section."""

    report: str
    key: str
    title: str
    build: Callable[..., Any]
    order: int = 50
    placeholder: bool = False


_sections: dict[str, dict[str, Section]] = {}


def register_section(
    report: str,
    key: str,
    title: str,
    build: Callable[..., Any],
    *,
    order: int = 50,
    placeholder: bool = False,
) -> None:
    existing = _sections.setdefault(report, {}).get(key)
    if placeholder and existing is not None and not existing.placeholder:
        return
    _sections[report][key] = Section(report, key, title, build, order, placeholder)


def sections(report: str) -> list[Section]:
    return sorted(_sections.get(report, {}).values(), key=lambda s: (s.order, s.key))
