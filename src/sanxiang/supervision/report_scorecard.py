"""`sanxiang report scorecard --year YYYY --format json|xlsx|html -o FILE [--agency CODE …]`:
the compliance scorecard for the year-end assessment (JSON: one object per agency with each
indicator's value, target and definition)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TextIO

from django.utils.translation import gettext as _

from sanxiang.core.errors import InvalidInput

HELP = "三项制度考评（各执法主体各项指标、目标值与计算口径，年终考核用）"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--year", type=int, required=True)
    parser.add_argument("--format", choices=("json", "xlsx", "html"), default="json")
    parser.add_argument("-o", "--output", required=True)
    parser.add_argument("--agency", action="append", default=[], help="执法主体代码（可重复；默认全部）")


def build(year: int, codes: list[str]):
    from sanxiang.org.models import Agency
    from sanxiang.supervision.services import scorecard

    if not 1990 <= year <= 2999:
        raise InvalidInput("supervision.scorecard.year", _("年度无效。"))
    agencies = Agency.objects.select_related("division")
    if codes:
        agencies = agencies.filter(code__in=codes)
        missing = set(codes) - set(agencies.values_list("code", flat=True))
        if missing:
            raise InvalidInput(
                "supervision.scorecard.agency",
                _("未找到执法主体：%(codes)s") % {"codes": "、".join(sorted(missing))},
            )
    date_from, date_to = scorecard.year_bounds(year)
    return scorecard.compute(scorecard.assessed_agencies(agencies), date_from, date_to), date_from, date_to


def write(cards, date_from, date_to, fmt: str, path: Path) -> None:
    from sanxiang.supervision.services import scorecard
    from sanxiang.supervision.views.scorecard import render_html

    if fmt == "json":
        path.write_text(
            json.dumps(
                scorecard.as_json(cards, date_from, date_to)["agencies"], ensure_ascii=False, indent=2
            ),
            encoding="utf-8",
        )
    elif fmt == "xlsx":
        _write_workbook(cards, path)
    else:
        path.write_text(render_html(cards, date_from, date_to), encoding="utf-8")


def _write_workbook(cards, path: Path) -> None:
    """Two sheets: the ranking, and one row per agency and indicator with target and definition."""
    from openpyxl import Workbook

    from sanxiang.core.tabular import cell
    from sanxiang.supervision.services import scorecard

    book = Workbook(write_only=True)
    columns, rows = scorecard.table(cards)
    sheet = book.create_sheet(_("排名"))
    sheet.append([label for _k, label in columns])
    for row in rows:
        sheet.append([cell(row.get(k)) for k, _l in columns])
    detail = book.create_sheet(_("指标明细"))
    detail.append(
        [
            _("执法主体"),
            _("指标"),
            _("值"),
            _("分子"),
            _("分母"),
            _("目标"),
            _("是否达标"),
            _("权重"),
            _("得分"),
            _("计算口径"),
            _("依据"),
        ]
    )
    for card in cards:
        for ind in card.indicators:
            detail.append(
                [
                    card.agency.name,
                    ind.name,
                    ind.display,
                    ind.numerator,
                    ind.denominator,
                    ind.target_display,
                    {True: _("是"), False: _("否"), None: _(scorecard.NO_DATA)}[ind.met],
                    ind.weight,
                    "" if ind.score is None else round(ind.score, 2),
                    ind.definition,
                    ind.source,
                ]
            )
    with path.open("wb") as stream:
        book.save(stream)


def run(options: argparse.Namespace, stdout: TextIO) -> None:
    from django.core.management.base import CommandError

    from sanxiang.core.errors import DomainError

    try:
        cards, date_from, date_to = build(options.year, options.agency)
    except DomainError as refusal:
        raise CommandError(refusal.message) from None
    path = Path(options.output)
    write(cards, date_from, date_to, options.format, path)
    stdout.write(
        f"scorecard {options.year} ({options.format}): {len(cards)} agencies → {path} "
        f"({path.stat().st_size} bytes)\n"
    )
