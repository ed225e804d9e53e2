"""Tables in: CSV (UTF-8 or GBK/GB18030, detected), XLSX (openpyxl, read-only streaming) and
JSON, each as a header plus numbered rows. File-level problems raise `FileRefused` with a Chinese
message naming the cell or the cause; nothing is guessed silently:

* CSV encoding: UTF-8 (with or without BOM) first, then GB18030 (a superset of GBK). A file that
  decodes in neither is refused; a file that decodes but whose header matches no known column
  (the symptom of a wrong encoding) is refused by the importer, so mojibake never gets in.
* XLSX formulas are refused (cell named): an import must carry values, and a workbook saved by a
  program other than Excel may have no cached result to read.
* XLSX merged cells in the table are refused (range named): a merged block holds its value in one
  cell only, and filling the others by guess is how wrong data gets in.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

Row = tuple[int, list[Any]]  # (row number as the user sees it, cell values)


class FileRefused(Exception):
    def __init__(self, message: str, *, row: int = 0, column: str = ""):
        super().__init__(message)
        self.message, self.row, self.column = message, row, column


@dataclass
class Table:
    headers: list[str]
    rows: Callable[[], Iterator[Row]]  # re-iterable (the importer makes one pass and keeps the rows)
    encoding: str = ""
    count: int | None = None  # data rows, known after a full pass


def detect_format(filename: str, data: bytes) -> str:
    name = filename.lower()
    if name.endswith((".xlsx", ".xlsm")) or data[:2] == b"PK":
        return "xlsx"
    if name.endswith(".json") or data.lstrip()[:1] in (b"{", b"["):
        return "json"
    return "csv"


def read(data: bytes, fmt: str, *, encoding: str | None = None) -> Table:
    if fmt == "csv":
        return read_csv(data, encoding=encoding)
    if fmt == "xlsx":
        return read_xlsx(data)
    if fmt == "json":
        return read_json(data)
    raise FileRefused(_("不支持的文件格式“%(fmt)s”（支持 csv、xlsx、json）。") % {"fmt": fmt})


def decode(data: bytes, encoding: str | None = None) -> tuple[str, str]:
    if encoding:
        try:
            return data.decode(encoding), encoding
        except (LookupError, UnicodeDecodeError) as exc:
            raise FileRefused(
                _("文件不能按指定编码 %(encoding)s 解码：%(exc)s") % {"encoding": encoding, "exc": exc}
            ) from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise FileRefused(
            _("文件编码无法识别（支持 UTF-8 与 GBK/GB18030），第 %(line)s 行附近有无法解码的字节。")
            % {"line": line},
            row=line,
        ) from None


def _refuse_nul(text: str) -> None:
    """PostgreSQL text cannot hold NUL, and the error report echoes cells: a NUL character would
    turn a row error into a server error (found by tests/security/test_fuzz_parsers.py on PG)."""
    at = text.find("\x00")
    if at >= 0:
        line = text.count("\n", 0, at) + 1
        raise FileRefused(
            _("第 %(line)s 行含有空字符（NUL），不是有效的文本文件。") % {"line": line}, row=line
        )


def _lines(text: str) -> Iterator[str]:
    """The lines of `text` with their "\n", as `io.StringIO(text)` yields them — without its copy
    of the whole text at four bytes a character (≈ 500 MB for a file of 10⁶ cases)."""
    start, size = 0, len(text)
    while start < size:
        end = text.find("\n", start)
        if end < 0:
            yield text[start:]
            return
        yield text[start : end + 1]
        start = end + 1


def _bad_csv(line: int) -> FileRefused:
    """csv's own error (a carriage return inside an unquoted cell, say): refused, naming the line."""
    return FileRefused(
        _("第 %(line)s 行不是有效的 CSV（如未加引号的单元格中含有回车符）。请另存为 CSV（UTF-8）后重试。")
        % {"line": line},
        row=line,
    )


def read_csv(data: bytes, *, encoding: str | None = None) -> Table:
    text, used = decode(data, encoding)
    _refuse_nul(text)
    lines = text[: text.find("\n") + 1 or len(text)].splitlines(keepends=True)  # the first line only
    if not lines or not lines[0].strip():
        raise FileRefused(_("文件为空或缺少表头。"))
    try:
        headers = [h.strip() for h in next(csv.reader([lines[0]]))]
    except csv.Error:
        raise _bad_csv(1) from None

    def rows() -> Iterator[Row]:
        reader = csv.reader(_lines(text))
        try:
            next(reader)
            for number, values in enumerate(reader, start=2):
                if any(v.strip() for v in values):
                    yield number, values
        except csv.Error:
            raise _bad_csv(reader.line_num) from None

    return Table(headers, rows, used)


_CELL = re.compile(r"^([A-Z]+)(\d+)$")


def _unreadable_xlsx(exc: Exception) -> FileRefused:
    return FileRefused(
        _("无法读取 Excel 文件：%(error)s。请另存为 .xlsx 后重试。") % {"error": type(exc).__name__}
    )


def read_xlsx(data: bytes) -> Table:
    """A damaged workbook (a bad ZIP member, corrupt deflate data, broken XML…) is refused like any
    unreadable file — openpyxl reads lazily, so its errors can surface while the rows are read, and
    each of them becomes a FileRefused there too (found by tests/security/test_fuzz_parsers.py:
    a flipped byte gave `zlib.error`, a server error in the import page)."""
    try:
        return _read_xlsx(data)
    except FileRefused:
        raise
    except Exception as exc:
        raise _unreadable_xlsx(exc) from None


def _read_xlsx(data: bytes) -> Table:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    sheet = workbook.worksheets[0]
    merged = _merged_ranges(data, getattr(sheet, "_worksheet_path", "xl/worksheets/sheet1.xml"))
    if merged:
        shown = "、".join(merged[:5])
        raise FileRefused(
            _("工作表含合并单元格（%(shown)s）：请取消合并，并在每一行填写完整的值后再导入。")
            % {"shown": shown}
        )
    iterator = sheet.iter_rows()
    try:
        header_cells = next(iterator)
    except StopIteration:
        raise FileRefused(_("工作表为空或缺少表头。")) from None
    headers = [str(c.value).strip() if c.value is not None else "" for c in header_cells]
    while headers and not headers[-1]:
        headers.pop()

    def cells_rows() -> Iterator[Row]:
        for cells in sheet.iter_rows(min_row=2):
            values = []
            for c in cells[: len(headers)]:
                if getattr(c, "data_type", None) == "f":
                    raise FileRefused(
                        _(
                            "单元格 %(coordinate)s 含公式“%(formula)s”："
                            "请将公式转换为数值（复制后“选择性粘贴—数值”）再导入。"
                        )
                        % {"coordinate": c.coordinate, "formula": c.value},
                        row=c.row,
                        column=headers[c.column - 1] if c.column - 1 < len(headers) else "",
                    )
                values.append(c.value)
            if any(v not in (None, "") for v in values):
                yield cells[0].row, values

    def rows() -> Iterator[Row]:
        try:
            yield from cells_rows()
        except FileRefused:
            raise
        except Exception as exc:
            raise _unreadable_xlsx(exc) from None

    return Table(headers, rows)


def _merged_ranges(data: bytes, path: str) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        try:
            xml = archive.read(path.lstrip("/"))
        except KeyError:
            return []
    return [m.decode() for m in re.findall(rb'<mergeCell ref="([A-Z]+\d+:[A-Z]+\d+)"', xml)]


def read_json(data: bytes) -> Table:
    """`{"schema": "sanxiang.import.<kind>", "version": 1, "rows": [{…}, …]}` or a bare list."""
    try:
        parsed = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FileRefused(_("JSON 文件无法解析：%(exc)s") % {"exc": exc}) from None
    if "\\u0000" in data.decode("utf-8-sig").lower():
        raise FileRefused(_("JSON 文件含有空字符（\\u0000），不是有效的文本。"))
    items = parsed.get("rows") if isinstance(parsed, dict) else parsed
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise FileRefused(_("JSON 文件应为对象数组，或含 rows 数组的对象。"))
    if isinstance(parsed, dict) and parsed.get("version", 1) != 1:
        raise FileRefused(
            _("不支持的数据格式版本 %(version)s（当前为 1）。") % {"version": parsed.get("version")}
        )
    headers: list[str] = []
    for item in items:
        for key in item:
            if key not in headers:
                headers.append(key)

    def rows() -> Iterator[Row]:
        for number, item in enumerate(items, start=1):
            yield number, [item.get(h) for h in headers]

    return Table(headers, rows, "utf-8")
