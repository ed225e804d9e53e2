"""Bulk import (X2): agencies, officers and certificates, laws and articles, enforcement items,
discretion benchmarks, historical cases — from CSV, XLSX or JSON.

`run_import()` is the one service every door calls (CLI `sanxiang import`, tests, bench):

1. read the file (readers.py refuses wrong encodings, formulas and merged cells, naming the cell);
2. map the header (code keys or Chinese labels; an unknown or missing column refuses the file);
3. validate every row — cell types, duplicates inside the file ("与第N行重复"), records that
   already exist, references that do not — and collect every error as (row, column, reason);
4. only if there is none, commit every row through the services in ONE transaction; a refusal
   by a service rolls the whole import back and is reported with its row. The commit takes the
   rows as step 3 parsed them: the file is read and parsed once;
5. a dry run does steps 1–4 and rolls back at the end, so it proves the real run would pass;
6. every run — committed, dry, or rejected — is kept as an ImportRun with a record entry
   (stream `exchange:imports`): who, when, file name and SHA-256, counts, errors.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext

from sanxiang.catalog import services as catalog_services
from sanxiang.catalog.choices import Category, DiscretionLevel
from sanxiang.catalog.models import Article, EnforcementItem, Law, LawKind
from sanxiang.core import clock, identifiers
from sanxiang.core.errors import DomainError
from sanxiang.core.roles import Role
from sanxiang.exchange import readers
from sanxiang.exchange.models import ImportRun, ImportStatus
from sanxiang.exchange.schema import CellError, Col
from sanxiang.org import services as org_services
from sanxiang.org.models import (
    Agency,
    AgencyKind,
    Certificate,
    CertificateStatus,
    Division,
    DivisionLevel,
    Field,
    User,
)
from sanxiang.records import services as records

MAX_ERRORS_KEPT = 1000
STREAM = "exchange:imports"


@dataclass
class Problems:
    items: list[dict[str, Any]] = field(default_factory=list)
    total: int = 0

    def add(self, row: int, column: str, reason: str) -> None:
        self.total += 1
        if len(self.items) < MAX_ERRORS_KEPT:
            self.items.append({"row": row, "column": column, "reason": reason})

    def __bool__(self) -> bool:
        return self.total > 0


class Rollback(Exception):
    pass


class Importer:
    kind = ""
    label = ""
    columns: tuple[Col, ...] = ()

    def __init__(self, actor):
        self.actor = actor
        self.seen: dict[Any, int] = {}
        self.counts: dict[str, int] = {}

    def column(self, key: str) -> Col:
        return next(c for c in self.columns if c.key == key)

    # --- hooks for each kind ---
    def natural_key(self, row: dict[str, Any]) -> Any:
        return None

    def check(self, row: dict[str, Any], number: int, problems: Problems) -> None:
        """References and existing records (the database and rows earlier in the file)."""

    def finish(self, problems: Problems) -> None:
        """Checks that run once after every row was seen (batched lookups)."""

    def commit(self, rows: Iterator[tuple[int, dict[str, Any]]]) -> None:
        raise NotImplementedError

    def count(self, name: str, n: int = 1) -> None:
        self.counts[name] = self.counts.get(name, 0) + n

    def error(self, problems: Problems, number: int, key: str, reason: str) -> None:
        problems.add(number, self.column(key).label if key else "", reason)


# --- reading rows against a schema ----------------------------------------------------------


def map_headers(importer: Importer, headers: list[str]) -> list[Col | None]:
    by_name: dict[str, Col] = {}
    for col in importer.columns:
        by_name[col.key.lower()] = col
        by_name[col.label] = col
    mapped: list[Col | None] = []
    unknown = []
    for header in headers:
        col = by_name.get(header.strip().lower()) or by_name.get(header.strip().rstrip("*＊"))
        if header.strip() and col is None:
            unknown.append(header)
        if col is not None and col in mapped:
            raise readers.FileRefused(gettext("表头“%(header)s”重复出现。") % {"header": header})
        mapped.append(col)
    if unknown:
        raise readers.FileRefused(
            gettext(
                "表头无法识别：%(headers)s。请使用模板中的列名；若为乱码，请确认文件编码（UTF-8 或 GBK）。"
            )
            % {"headers": "、".join(unknown[:5])}
        )
    missing = [c.label for c in importer.columns if c.required and c not in mapped]
    if missing:
        raise readers.FileRefused(gettext("缺少必填列：%(missing)s。") % {"missing": "、".join(missing)})
    return mapped


def parse_rows(
    importer: Importer, table: readers.Table, mapped: list[Col | None], problems: Problems | None
) -> Iterator[tuple[int, dict[str, Any]]]:
    """Rows as {key: parsed value}; with `problems`, bad cells are reported and their row skipped."""
    seen = 0
    for number, values in table.rows():
        seen += 1
        row: dict[str, Any] = {}
        bad = False
        for col, raw in zip(mapped, values, strict=False):
            if col is None:
                continue
            try:
                row[col.key] = col.parse(raw)
            except CellError as exc:
                bad = True
                if problems is not None:
                    problems.add(number, col.label, str(exc))
        for col in mapped[len(values) :]:
            if col is not None and col.required:
                bad = True
                if problems is not None:
                    problems.add(number, col.label, gettext("必填项为空"))
        for col in importer.columns:
            if col.key not in row:
                row[col.key] = None if col.required else col.parse(None)
        if not bad:
            yield number, row
    table.count = seen


# --- the service ------------------------------------------------------------------------------


def run_import(
    kind: str,
    data: bytes,
    *,
    filename: str,
    actor,
    dry_run: bool = False,
    fmt: str | None = None,
    encoding: str | None = None,
) -> ImportRun:
    """Validate, then commit all rows or none; always keep the run and its record entry."""
    from sanxiang.exchange.history import HistoricalCases

    kinds = {**KINDS, "cases": HistoricalCases}
    if kind not in kinds:
        raise DomainError(
            "exchange.import.kind",
            gettext("未知的导入类型“%(kind)s”（可选：%(kinds)s）。")
            % {"kind": kind, "kinds": "、".join(kinds)},
        )
    if actor is None or not actor.has_role(Role.ADMIN):
        raise DomainError("exchange.import.forbidden", gettext("只有系统管理员可以批量导入数据。"))
    fmt = fmt or readers.detect_format(filename, data)
    run = ImportRun(
        kind=kind,
        fmt=fmt,
        filename=filename[:255],
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        dry_run=dry_run,
        actor=actor,
        started_at=clock.now(),
    )
    importer = kinds[kind](actor)
    problems = Problems()
    rows = 0
    keys = tuple(c.key for c in importer.columns)
    # The rows as the validation pass parsed them, kept (as tuples: ~1 KB a row at 10⁶ rows
    # instead of a dict's ~2 KB) for the commit, which so neither reads nor parses the file again.
    kept: list[tuple[int, tuple]] = []
    try:
        table = readers.read(data, fmt, encoding=encoding)
        mapped = map_headers(importer, table.headers)
        for number, row in parse_rows(importer, table, mapped, problems):
            rows += 1
            key = importer.natural_key(row)
            if key is not None:
                if key in importer.seen:
                    problems.add(number, "", gettext("与第 %(row)s 行重复") % {"row": importer.seen[key]})
                    continue
                importer.seen[key] = number
            importer.check(row, number, problems)
            if problems:
                kept.clear()  # nothing will be committed: stop holding rows
            else:
                kept.append((number, tuple(row[k] for k in keys)))
        importer.finish(problems)
        rows = table.count if table.count is not None else rows
    except readers.FileRefused as refused:
        problems.add(refused.row, refused.column, refused.message)
    with transaction.atomic():
        if not problems:
            try:
                with transaction.atomic():
                    importer.seen.clear()
                    importer.source = {"file": run.filename, "sha256": run.sha256}
                    importer.commit((number, dict(zip(keys, values, strict=True))) for number, values in kept)
                    if dry_run:
                        raise Rollback
            except Rollback:
                pass
            except DomainError as refusal:
                problems.add(getattr(importer, "current_row", 0), refusal.field or "", refusal.message)
                importer.counts = {}
        run.rows = rows
        run.status = (
            ImportStatus.REJECTED if problems else (ImportStatus.VALID if dry_run else ImportStatus.COMMITTED)
        )
        run.counts = importer.counts if not problems else {}
        run.errors, run.error_count = problems.items, problems.total
        run.finished_at = clock.now()
        run.save()
        entry = records.append(
            kind="exchange.import",
            stream=STREAM,
            actor=actor,
            agency=actor.agency,
            payload={
                "run": run.pk,
                "kind": kind,
                "format": fmt,
                "file": run.filename,
                "sha256": run.sha256,
                "dry_run": dry_run,
                "status": run.status,
                "rows": rows,
                "counts": run.counts,
                "errors": problems.total,
                "first_errors": problems.items[:20],
            },
        )
        ImportRun.objects.filter(pk=run.pk).update(entry_seq=entry.seq)
        run.entry_seq = entry.seq
    return run


# --- kinds ------------------------------------------------------------------------------------


class Agencies(Importer):
    kind, label = "agencies", "执法主体"
    columns = (
        Col("code", "机关代码", required=True, max_length=30),
        Col("name", "名称", required=True, max_length=100),
        Col("short_name", "文号简称", required=True, max_length=20),
        Col("kind", "主体类型", "choice", required=True, choices=AgencyKind),
        Col("division_code", "区划代码", required=True, max_length=12),
        Col("division_name", "区划名称", max_length=60),
        Col("division_level", "区划层级", "choice", choices=DivisionLevel),
        Col("parent_division_code", "上级区划代码", max_length=12),
        Col("parent_code", "上级机关代码", max_length=30),
        Col("entrusted_by", "委托机关代码", max_length=30),
        Col("fields", "执法领域", "list"),
        Col("credit_code", "统一社会信用代码", max_length=18),
        Col("address", "地址", max_length=200),
        Col("phone", "联系电话", max_length=30),
        Col("complaint_channel", "监督投诉渠道", max_length=200),
        Col("is_justice_bureau", "司法行政部门", "bool"),
        Col("legal_status", "法律地位与设立依据"),
        Col("duties", "职责"),
    )

    def __init__(self, actor):
        super().__init__(actor)
        self.divisions_in_file: set[str] = set()

    def natural_key(self, row):
        return row["code"]

    def check(self, row, number, problems):
        if Agency.objects.filter(code=row["code"]).exists():
            self.error(problems, number, "code", gettext("机关代码“%(code)s”已存在") % {"code": row["code"]})
        division = row["division_code"]
        if not Division.objects.filter(code=division).exists() and division not in self.divisions_in_file:
            if not row["division_name"] or not row["division_level"]:
                self.error(
                    problems, number, "division_name", gettext("区划不存在，须填写区划名称与层级以新建")
                )
            parent = row["parent_division_code"]
            if parent and not (
                Division.objects.filter(code=parent).exists() or parent in self.divisions_in_file
            ):
                self.error(
                    problems,
                    number,
                    "parent_division_code",
                    gettext("上级区划“%(parent)s”不存在") % {"parent": parent},
                )
        self.divisions_in_file.add(division)
        for key in ("parent_code", "entrusted_by"):
            code = row[key]
            if code and not (Agency.objects.filter(code=code).exists() or code in self.seen):
                self.error(
                    problems,
                    number,
                    key,
                    gettext("机关“%(code)s”不存在（须已存在或在本文件前面的行中）") % {"code": code},
                )
        unknown = sorted(
            set(row["fields"])
            - set(Field.objects.filter(code__in=row["fields"]).values_list("code", flat=True))
        )
        if unknown:
            self.error(
                problems,
                number,
                "fields",
                gettext("执法领域代码不存在：%(unknown)s") % {"unknown": "、".join(unknown)},
            )
        if row["credit_code"]:
            try:
                identifiers.validate_credit_code(row["credit_code"])
            except DomainError as bad:
                self.error(problems, number, "credit_code", bad.message)

    def commit(self, rows):
        for number, row in rows:
            self.current_row = number
            division = Division.objects.filter(code=row["division_code"]).first()
            if division is None:
                parent = Division.objects.filter(code=row["parent_division_code"]).first()
                division = Division.objects.create(
                    code=row["division_code"],
                    name=row["division_name"],
                    level=row["division_level"],
                    parent=parent,
                )
                self.count("divisions")
            agency = Agency.objects.create(
                code=row["code"],
                name=row["name"],
                short_name=row["short_name"],
                kind=row["kind"],
                division=division,
                parent=Agency.objects.filter(code=row["parent_code"]).first() if row["parent_code"] else None,
                entrusted_by=Agency.objects.filter(code=row["entrusted_by"]).first()
                if row["entrusted_by"]
                else None,
                credit_code=row["credit_code"] or "",
                address=row["address"] or "",
                phone=row["phone"] or "",
                complaint_channel=row["complaint_channel"] or "",
                is_justice_bureau=row["is_justice_bureau"],
                legal_status=row["legal_status"] or "",
                duties=row["duties"] or "",
                created_by=self.actor,
                updated_by=self.actor,
            )
            agency.fields.set(Field.objects.filter(code__in=row["fields"]))
            self.count("agencies")


class Officers(Importer):
    kind, label = "officers", "执法人员与执法证"
    columns = (
        Col("username", "用户名", required=True, max_length=150),
        Col("full_name", "姓名", required=True, max_length=60),
        Col("agency_code", "所属机关代码", required=True, max_length=30),
        Col("roles", "角色", "list", help="officer、head、reviewer… 或中文名称，默认执法人员"),
        Col("phone", "电话", max_length=30),
        Col("legal_qualification", "法律职业资格证书编号", max_length=40),
        Col("certificate_number", "执法证号", max_length=40),
        Col("certificate_fields", "执法证领域", "list"),
        Col("certificate_issuer", "发证机关", max_length=100),
        Col("valid_from", "有效期自", "date"),
        Col("valid_to", "有效期至", "date"),
        Col("certificate_status", "执法证状态", "choice", choices=CertificateStatus),
    )
    ROLE_NAMES = {str(label): value for value, label in Role.choices}

    def natural_key(self, row):
        return row["username"]

    def roles(self, row) -> list[str]:
        return [self.ROLE_NAMES.get(r, r) for r in row["roles"]] or [Role.OFFICER]

    def check(self, row, number, problems):
        if User.objects.filter(username=row["username"]).exists():
            self.error(
                problems,
                number,
                "username",
                gettext("用户名“%(username)s”已存在") % {"username": row["username"]},
            )
        if not Agency.objects.filter(code=row["agency_code"]).exists():
            self.error(
                problems,
                number,
                "agency_code",
                gettext("机关“%(code)s”不存在") % {"code": row["agency_code"]},
            )
        unknown = [r for r in self.roles(row) if r not in Role.values]
        if unknown:
            self.error(
                problems, number, "roles", gettext("未知角色：%(unknown)s") % {"unknown": "、".join(unknown)}
            )
        cert = row["certificate_number"]
        if not cert:
            return
        if Certificate.objects.filter(number=cert).exists():
            self.error(
                problems, number, "certificate_number", gettext("执法证号“%(cert)s”已存在") % {"cert": cert}
            )
        key = ("certificate", cert)
        if key in self.seen:
            self.error(
                problems,
                number,
                "certificate_number",
                gettext("执法证号与第 %(row)s 行重复") % {"row": self.seen[key]},
            )
        self.seen[key] = number
        for name in ("certificate_issuer", "valid_from", "valid_to"):
            if not row[name]:
                self.error(problems, number, name, gettext("填写执法证号时此项必填"))
        if row["valid_from"] and row["valid_to"] and row["valid_to"] < row["valid_from"]:
            self.error(problems, number, "valid_to", gettext("有效期截止日期不能早于起始日期"))
        if row["certificate_status"] == CertificateStatus.NOT_YET_VALID:
            self.error(
                problems, number, "certificate_status", gettext("“尚未生效”由有效期决定，不能直接填写")
            )
        codes = row["certificate_fields"]
        unknown = sorted(
            set(codes) - set(Field.objects.filter(code__in=codes).values_list("code", flat=True))
        )
        if unknown:
            self.error(
                problems,
                number,
                "certificate_fields",
                gettext("执法领域代码不存在：%(unknown)s") % {"unknown": "、".join(unknown)},
            )

    def commit(self, rows):
        agencies = {a.code: a for a in Agency.objects.all()}
        for number, row in rows:
            self.current_row = number
            agency = agencies[row["agency_code"]]
            user = org_services.create_staff(
                agency=agency,
                username=row["username"],
                full_name=row["full_name"],
                roles=self.roles(row),
                actor=self.actor,
                phone=row["phone"] or "",
                legal_qualification=row["legal_qualification"] or "",
            )
            self.count("officers")
            if row["certificate_number"]:
                fields = list(Field.objects.filter(code__in=row["certificate_fields"])) or list(
                    agency.fields.all()
                )
                org_services.issue_certificate(
                    holder=user,
                    number=row["certificate_number"],
                    fields=fields,
                    issuer=row["certificate_issuer"],
                    valid_from=row["valid_from"],
                    valid_to=row["valid_to"],
                    status=row["certificate_status"] or CertificateStatus.ACTIVE,
                    actor=self.actor,
                )
                self.count("certificates")


class Laws(Importer):
    kind, label = "laws", "法律法规与条款"
    columns = (
        Col("law_code", "法律代码", required=True, max_length=60),
        Col("law_name", "法律名称", required=True, max_length=120),
        Col("law_kind", "效力层级", "choice", choices=LawKind),
        Col("version_date", "版本日期", "date", required=True),
        Col("effective_from", "施行日期", "date"),
        Col("source", "文本来源", max_length=200),
        Col("article_number", "条号", "int", required=True),
        Col("article_label", "条文序号", max_length=20),
        Col("chapter", "章节", max_length=120),
        Col("text", "条文", required=True),
    )

    def __init__(self, actor):
        super().__init__(actor)
        self.laws: dict[str, tuple[int, tuple]] = {}

    def natural_key(self, row):
        return (row["law_code"], row["article_number"])

    def check(self, row, number, problems):
        if row["article_number"] is not None and row["article_number"] < 1:
            self.error(problems, number, "article_number", gettext("条号应为正整数"))
        law = (row["law_name"], row["law_kind"], row["version_date"], row["effective_from"])
        first = self.laws.setdefault(row["law_code"], (number, law))
        if first[1] != law:
            self.error(
                problems,
                number,
                "law_name",
                gettext("法律信息与第 %(row)s 行不一致（同一法律代码）") % {"row": first[0]},
            )
        if first[0] == number and Law.objects.filter(code=row["law_code"]).exists():
            self.error(
                problems, number, "law_code", gettext("法律代码“%(code)s”已存在") % {"code": row["law_code"]}
            )

    def commit(self, rows):
        from sanxiang.catalog.laws import int_to_chinese

        laws: dict[str, Law] = {}
        batch: list[Article] = []
        for number, row in rows:
            self.current_row = number
            law = laws.get(row["law_code"])
            if law is None:
                law = laws[row["law_code"]] = Law.objects.create(
                    code=row["law_code"],
                    name=row["law_name"],
                    kind=row["law_kind"] or LawKind.LAW,
                    version_date=row["version_date"],
                    effective_from=row["effective_from"] or row["version_date"],
                    source=row["source"] or "import",
                )
                self.count("laws")
            batch.append(
                Article(
                    law=law,
                    number=row["article_number"],
                    label=row["article_label"] or f"第{int_to_chinese(row['article_number'])}条",
                    chapter=row["chapter"] or "",
                    text=row["text"],
                    effective_from=law.effective_from,
                )
            )
            if len(batch) >= 1000:
                Article.objects.bulk_create(batch)
                self.count("articles", len(batch))
                batch = []
        Article.objects.bulk_create(batch)
        self.count("articles", len(batch))


_CITATION = re.compile(r"^《?(?P<law>[^《》:：#]+?)》?\s*(?:[:：#]\s*|第)(?P<n>\d+)条?$")


def resolve_citation(text: str) -> Article:
    """`食品安全法:124`, `《食品安全法》第124条` → the article in force (latest version)."""
    match = _CITATION.match(text.strip())
    if not match:
        raise CellError(
            gettext("“%(text)s”不是条款引用（格式如“食品安全法:124”或“《食品安全法》第124条”）")
            % {"text": text}
        )
    try:
        return catalog_services.article(match["law"].strip(), int(match["n"]))
    except DomainError as missing:
        raise CellError(missing.message) from None


class Items(Importer):
    kind, label = "items", "执法事项"
    columns = (
        Col("code", "事项编码", required=True, max_length=40),
        Col("name", "事项名称", required=True, max_length=200),
        Col("category", "执法类别", "choice", required=True, choices=Category),
        Col("agency_code", "实施主体代码", required=True, max_length=30),
        Col("field_code", "执法领域", max_length=30),
        Col("description", "说明"),
        Col("legal_basis", "设定依据", "list"),
        Col("penalty_basis", "处罚依据", "list"),
        Col("min_fine", "法定罚款下限", "decimal"),
        Col("max_fine", "法定罚款上限", "decimal"),
        Col("random_inspection", "列入随机抽查事项清单", "bool"),
        Col("time_limit_note", "办理时限", max_length=100),
    )

    def natural_key(self, row):
        return row["code"]

    def check(self, row, number, problems):
        if EnforcementItem.objects.filter(code=row["code"]).exists():
            self.error(problems, number, "code", gettext("事项编码“%(code)s”已存在") % {"code": row["code"]})
        if not Agency.objects.filter(code=row["agency_code"]).exists():
            self.error(
                problems,
                number,
                "agency_code",
                gettext("机关“%(code)s”不存在") % {"code": row["agency_code"]},
            )
        if row["field_code"] and not Field.objects.filter(code=row["field_code"]).exists():
            self.error(
                problems,
                number,
                "field_code",
                gettext("执法领域“%(code)s”不存在") % {"code": row["field_code"]},
            )
        for key in ("legal_basis", "penalty_basis"):
            for citation in row[key]:
                try:
                    resolve_citation(citation)
                except CellError as bad:
                    self.error(problems, number, key, str(bad))
        if row["min_fine"] is not None and row["max_fine"] is not None and row["min_fine"] > row["max_fine"]:
            self.error(problems, number, "min_fine", gettext("罚款下限不能高于上限"))

    def commit(self, rows):
        agencies = {a.code: a for a in Agency.objects.all()}
        fields = {f.code: f for f in Field.objects.all()}
        for number, row in rows:
            self.current_row = number
            catalog_services.create_item(
                actor=self.actor,
                legal_basis=[resolve_citation(c) for c in row["legal_basis"]],
                penalty_basis=[resolve_citation(c) for c in row["penalty_basis"]],
                code=row["code"],
                name=row["name"],
                category=row["category"],
                agency=agencies[row["agency_code"]],
                field=fields.get(row["field_code"] or ""),
                description=row["description"] or "",
                min_fine=row["min_fine"],
                max_fine=row["max_fine"],
                random_inspection=row["random_inspection"],
                time_limit_note=row["time_limit_note"] or "",
            )
            self.count("items")


class Benchmarks(Importer):
    kind, label = "benchmarks", "裁量基准"
    columns = (
        Col("item_code", "事项编码", required=True, max_length=40),
        Col("effective_from", "施行日期", "date", required=True),
        Col("source", "制定依据", required=True, max_length=200),
        Col("published_on", "公布日期", "date"),
        Col("level", "裁量阶次", "choice", required=True, choices=DiscretionLevel),
        Col("conditions", "适用情形", required=True),
        Col("min_fine", "罚款下限", "decimal"),
        Col("max_fine", "罚款上限", "decimal"),
        Col("other_penalties", "其他处罚", max_length=200),
        Col("circumstances", "情节代码", "list"),
    )

    def __init__(self, actor):
        super().__init__(actor)
        self.groups: dict[tuple, tuple[int, tuple]] = {}

    def natural_key(self, row):
        return (row["item_code"], row["effective_from"], row["level"])

    def check(self, row, number, problems):
        if not EnforcementItem.objects.filter(code=row["item_code"]).exists():
            self.error(
                problems, number, "item_code", gettext("事项“%(code)s”不存在") % {"code": row["item_code"]}
            )
        if row["min_fine"] is not None and row["max_fine"] is not None and row["min_fine"] > row["max_fine"]:
            self.error(problems, number, "min_fine", gettext("罚款下限不能高于上限"))
        meta = (row["source"], row["published_on"])
        first = self.groups.setdefault((row["item_code"], row["effective_from"]), (number, meta))
        if first[1] != meta:
            self.error(
                problems,
                number,
                "source",
                gettext("同一事项同一施行日期的制定依据、公布日期须与第 %(row)s 行一致") % {"row": first[0]},
            )

    def commit(self, rows):
        groups: dict[tuple, list[tuple[int, dict]]] = {}
        for number, row in rows:
            groups.setdefault((row["item_code"], row["effective_from"]), []).append((number, row))
        items = {i.code: i for i in EnforcementItem.objects.filter(code__in={k[0] for k in groups})}
        for (item_code, effective_from), members in sorted(groups.items(), key=lambda g: (g[0][0], g[0][1])):
            self.current_row = members[0][0]
            first = members[0][1]
            catalog_services.create_benchmark(
                item=items[item_code],
                effective_from=effective_from,
                source=first["source"],
                published_on=first["published_on"],
                actor=self.actor,
                levels=[
                    {
                        "level": r["level"],
                        "conditions": r["conditions"],
                        "min_fine": r["min_fine"],
                        "max_fine": r["max_fine"],
                        "other_penalties": r["other_penalties"] or "",
                        "circumstances": r["circumstances"],
                    }
                    for _, r in members
                ],
            )
            self.count("benchmarks")
            self.count("levels", len(members))


KINDS: dict[str, type[Importer]] = {
    "agencies": Agencies,
    "officers": Officers,
    "laws": Laws,
    "items": Items,
    "benchmarks": Benchmarks,
}
