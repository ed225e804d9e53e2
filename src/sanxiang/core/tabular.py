"""Tables out: CSV (UTF-8 with BOM, so Excel opens Chinese correctly; or GB18030 on request) and
XLSX, streamed row by row — the one helper every list view and exporter uses (`?format=csv|xlsx`).

    columns = [("number", "案件编号"), ("title", "案由")]
    return export_response("cases", columns, ({"number": c.number, ...} for c in queryset), "xlsx")
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any, BinaryIO

from django.http import HttpResponse, StreamingHttpResponse

FORMATS = ("csv", "xlsx")
Column = tuple[str, str]  # (key, header label)


def cell(value: Any) -> Any:
    """A value as a spreadsheet cell: dates stay dates, decimals become numbers' text, lists are
    joined with "；", None is empty. Leading =+-@ are escaped so a cell is never a formula (CSV
    injection)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None) if value.tzinfo is None else value.astimezone().replace(tzinfo=None)
    if isinstance(value, (dt.date, int)):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (list, tuple)):
        value = "；".join(str(v) for v in value)
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") and not _is_number(text) else text


def _is_number(text: str) -> bool:
    try:
        Decimal(text)
    except ArithmeticError:
        return False
    return True


def csv_lines(
    columns: Sequence[Column], rows: Iterable[Mapping[str, Any]], *, header_keys: bool = False
) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow([key if header_keys else str(label) for key, label in columns])
    yield flush()
    for row in rows:
        writer.writerow([_csv_text(cell(row.get(key))) for key, _ in columns])
        yield flush()


def _csv_text(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def write_csv(
    stream: BinaryIO,
    columns: Sequence[Column],
    rows: Iterable[Mapping[str, Any]],
    *,
    encoding: str = "utf-8-sig",
    header_keys: bool = False,
) -> int:
    count = -1
    first = True
    for line in csv_lines(columns, rows, header_keys=header_keys):
        stream.write(line.encode(encoding if first else encoding.replace("-sig", ""), errors="strict"))
        first = False
        count += 1
    return count


def write_xlsx(
    stream: BinaryIO,
    columns: Sequence[Column],
    rows: Iterable[Mapping[str, Any]],
    *,
    title: str = "data",
    header_keys: bool = False,
) -> int:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    sheet.append([key if header_keys else str(label) for key, label in columns])
    count = 0
    for row in rows:
        sheet.append([cell(row.get(key)) for key, _ in columns])
        count += 1
    workbook.save(stream)
    return count


def export_response(
    filename: str, columns: Sequence[Column], rows: Iterable[Mapping[str, Any]], fmt: str
) -> HttpResponse:
    """A download of `rows` as CSV (streamed) or XLSX."""
    if fmt == "csv":
        lines = csv_lines(columns, rows)
        first = next(lines)
        body = (chunk.encode("utf-8") for chunk in _chain("\ufeff" + first, lines))
        response = StreamingHttpResponse(body, content_type="text/csv; charset=utf-8")
    else:
        buffer = io.BytesIO()
        write_xlsx(buffer, columns, rows, title=filename)
        response = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


def _chain(first: str, rest: Iterator[str]) -> Iterator[str]:
    yield first
    yield from rest
