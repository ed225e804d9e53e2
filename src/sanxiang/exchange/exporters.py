"""Export (X2): every import kind in its own import format (so an export imports back), and the
双公示 publication feeds. `export()` is the one service the CLI (`sanxiang export`) calls; it
streams rows (a million cases fit) and writes a record entry naming the file's SHA-256."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from sanxiang.cases.models import Case
from sanxiang.catalog.models import Article, BenchmarkLevel, EnforcementItem
from sanxiang.core import clock, tabular
from sanxiang.core.errors import InvalidInput
from sanxiang.core.roles import Role
from sanxiang.exchange import publications
from sanxiang.exchange.history import HistoricalCases
from sanxiang.exchange.importers import KINDS
from sanxiang.exchange.schema import FORMAT_VERSION
from sanxiang.org.models import Agency, User
from sanxiang.records import canonical
from sanxiang.records import services as records

FORMATS = ("csv", "xlsx", "json")


def _agencies() -> Iterator[dict[str, Any]]:
    for a in Agency.objects.select_related("division__parent", "parent", "entrusted_by").prefetch_related(
        "fields"
    ):
        yield {
            "code": a.code,
            "name": a.name,
            "short_name": a.short_name,
            "kind": a.kind,
            "division_code": a.division.code,
            "division_name": a.division.name,
            "division_level": a.division.level,
            "parent_division_code": a.division.parent.code if a.division.parent else "",
            "parent_code": a.parent.code if a.parent else "",
            "entrusted_by": a.entrusted_by.code if a.entrusted_by else "",
            "fields": [f.code for f in a.fields.all()],
            "credit_code": a.credit_code,
            "address": a.address,
            "phone": a.phone,
            "complaint_channel": a.complaint_channel,
            "is_justice_bureau": a.is_justice_bureau,
            "legal_status": a.legal_status,
            "duties": a.duties,
        }


def _officers() -> Iterator[dict[str, Any]]:
    users = (
        User.objects.filter(agency__isnull=False)
        .select_related("agency")
        .prefetch_related("groups", "certificates__fields")
    )
    for user in users.order_by("username"):
        base = {
            "username": user.username,
            "full_name": user.full_name,
            "agency_code": user.agency.code,
            "roles": sorted(user.roles),
            "phone": user.phone,
            "legal_qualification": user.legal_qualification,
        }
        certificates = list(user.certificates.all()) or [None]
        # one row per officer: the import format carries at most one certificate per row
        cert = sorted(certificates, key=lambda c: (c is None, c.valid_to if c else None), reverse=True)[0]
        if cert is not None:
            base.update(
                certificate_number=cert.number,
                certificate_fields=[f.code for f in cert.fields.all()],
                certificate_issuer=cert.issuer,
                valid_from=cert.valid_from,
                valid_to=cert.valid_to,
                certificate_status=cert.status,
            )
        yield base


def _laws() -> Iterator[dict[str, Any]]:
    for a in (
        Article.objects.select_related("law").order_by("law__code", "number", "effective_from").iterator(2000)
    ):
        yield {
            "law_code": a.law.code,
            "law_name": a.law.name,
            "law_kind": a.law.kind,
            "version_date": a.law.version_date,
            "effective_from": a.law.effective_from,
            "source": a.law.source,
            "article_number": a.number,
            "article_label": a.label,
            "chapter": a.chapter,
            "text": a.text,
        }


def _citation(article) -> str:
    return f"{article.law.name}:{article.number}"


def _items() -> Iterator[dict[str, Any]]:
    items = EnforcementItem.objects.select_related("agency", "field").prefetch_related(
        "legal_basis__law", "penalty_basis__law"
    )
    for item in items.order_by("code"):
        yield {
            "code": item.code,
            "name": item.name,
            "category": item.category,
            "agency_code": item.agency.code,
            "field_code": item.field.code if item.field else "",
            "description": item.description,
            "legal_basis": [_citation(a) for a in item.legal_basis.all()],
            "penalty_basis": [_citation(a) for a in item.penalty_basis.all()],
            "min_fine": item.min_fine,
            "max_fine": item.max_fine,
            "random_inspection": item.random_inspection,
            "time_limit_note": item.time_limit_note,
        }


def _benchmarks() -> Iterator[dict[str, Any]]:
    levels = BenchmarkLevel.objects.select_related("benchmark__item").order_by(
        "benchmark__item__code", "benchmark__effective_from", "order"
    )
    for level in levels:
        benchmark = level.benchmark
        yield {
            "item_code": benchmark.item.code,
            "effective_from": benchmark.effective_from,
            "source": benchmark.source,
            "published_on": benchmark.published_on,
            "level": level.level,
            "conditions": level.conditions,
            "min_fine": level.min_fine,
            "max_fine": level.max_fine,
            "other_penalties": level.other_penalties,
            "circumstances": level.circumstances,
        }


def _cases() -> Iterator[dict[str, Any]]:
    cases = Case.objects.select_related("agency", "item", "party").order_by("id")
    for case in cases.iterator(2000):
        party = case.party
        yield {
            "number": case.number,
            "agency_code": case.agency.code,
            "procedure": case.procedure,
            "title": case.title,
            "opened_on": clock_date(case.opened_at),
            "stage": case.stage,
            "item_code": case.item.code if case.item else "",
            "party_kind": party.kind if party else "",
            "party_name": party.name if party else "",
            "party_id_type": party.id_type if party else "",
            "party_id_number": party.id_number if party else "",
            "party_credit_code": party.credit_code if party else "",
            "legal_representative": party.legal_representative if party else "",
            "facts": case.facts,
            "place": case.place,
            "act_date": case.act_date,
            "filed_on": case.filed_on,
            "decided_on": case.decided_on,
            "served_on": case.served_on,
            "closed_on": case.closed_on,
            "outcome": case.outcome,
            "fine_amount": case.fine_amount,
            "confiscation_amount": case.confiscation_amount,
            "source_system": (case.attributes.get("imported") or {}).get("source_system", "sanxiang"),
        }


def clock_date(moment):
    from django.utils import timezone

    return timezone.localtime(moment).date()


SOURCES = {
    "agencies": _agencies,
    "officers": _officers,
    "laws": _laws,
    "items": _items,
    "benchmarks": _benchmarks,
    "cases": _cases,
}
KIND_CLASSES = {**KINDS, "cases": HistoricalCases}
EXPORT_KINDS = (*SOURCES, "publications-penalty", "publications-permit")


def _layout(kind: str):
    """(columns for tables, row transform for tables, row transform for JSON)."""
    if kind.startswith("publications-"):
        cols = publications.columns(kind.split("-", 1)[1])
        return cols, (lambda r: r), (lambda r: r)
    schema = KIND_CLASSES[kind].columns
    cols = [(c.key, c.label) for c in schema]

    def table_row(row):
        return {c.key: c.export(row.get(c.key)) for c in schema}

    return cols, table_row, (lambda r: {c.key: r.get(c.key) for c in schema})


def export(
    kind: str, fmt: str, path: Path, *, actor=None, header_keys: bool = False, since=None, until=None
) -> dict:
    """Write `kind` to `path` as csv/xlsx/json; returns {rows, sha256, missing_required}."""
    if kind not in EXPORT_KINDS:
        raise InvalidInput(
            "exchange.export.kind",
            _("未知的导出类型“%(kind)s”（可选：%(kinds)s）。")
            % {"kind": kind, "kinds": "、".join(EXPORT_KINDS)},
        )
    if fmt not in FORMATS:
        raise InvalidInput("exchange.export.format", _("导出格式应为 csv、xlsx 或 json。"))
    if actor is not None and not actor.has_role(Role.ADMIN):
        raise InvalidInput("exchange.export.forbidden", _("只有系统管理员可以批量导出数据。"))
    missing: dict[str, int] = {}
    if kind.startswith("publications-"):
        source = publications.rows(kind.split("-", 1)[1], since=since, until=until, missing=missing)
    else:
        source = SOURCES[kind]()
    cols, table_row, json_row = _layout(kind)
    with path.open("wb") as stream:
        if fmt == "csv":
            count = tabular.write_csv(stream, cols, (table_row(r) for r in source), header_keys=header_keys)
        elif fmt == "xlsx":
            count = tabular.write_xlsx(
                stream, cols, (table_row(r) for r in source), title=kind, header_keys=header_keys
            )
        else:
            count = _write_json(stream, kind, (json_row(r) for r in source))
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    with transaction.atomic():
        records.append(
            kind="exchange.export",
            stream="exchange:exports",
            actor=actor,
            agency=getattr(actor, "agency", None),
            payload={"kind": kind, "format": fmt, "rows": count, "sha256": digest, "file": path.name},
        )
    return {"rows": count, "sha256": digest, "missing_required": missing}


def _write_json(stream, kind: str, rows) -> int:
    head = {"schema": f"sanxiang.{kind}", "version": FORMAT_VERSION, "exported_at": clock.now()}
    stream.write(canonical.dumps(head)[:-1].encode() + b',"rows":[')
    count = 0
    for row in rows:
        line = json.dumps(json.loads(canonical.dumps(row)), ensure_ascii=False)
        stream.write((("," if count else "") + "\n" + line).encode())
        count += 1
    stream.write(b"\n]}\n")
    return count
