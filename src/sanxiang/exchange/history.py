"""Historical cases (X2): cases decided in the systems Sanxiang replaces, imported as history.

Decision: they do NOT go through `cases.services.transition`. Replaying a 2019 case through the
workflow would mean inventing every act — filings, inspections by officers whose certificates are
checked on today's data, reviews, notices — and writing record entries that claim those acts
happened in Sanxiang, at import time, by the importing admin. That is false history, and the
guards would (rightly) refuse most of it. Instead this service:

* validates every row like a form would: case number unique, agency and enforcement item exist
  and match, procedure and stage exist, party identifiers pass their checksums (GB 11643 /
  GB 32100), dates in order and not in the future, amounts non-negative;
* creates each case in the stage it reached (closed by default), numbered with its original
  number and a serial reserved from the agency's live sequence for that year (so live numbering
  never collides), with one `CaseEvent` "导入历史案件" and the party (de-duplicated by identifier);
* writes record entries of kind `case.history_imported` (stream `exchange:history`), one per
  1,000 cases, listing each case number with the SHA-256 of its imported content, and stores the
  entry's sequence and the hash in `case.attributes["imported"]` — so the record says truthfully
  that these cases entered as imported history, from which file, and anyone can check later that
  an imported case was not edited;
* sends no workflow signals: no deadlines start, no publication falls due, no outbox message is
  pushed for a decision the old system already made.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from collections import Counter, defaultdict
from types import SimpleNamespace
from typing import Any

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext

from sanxiang.cases import tally
from sanxiang.cases.choices import IdType
from sanxiang.cases.models import Case, CaseEvent, Party
from sanxiang.cases.workflow import registry
from sanxiang.catalog.choices import PartyKind
from sanxiang.catalog.models import EnforcementItem
from sanxiang.core import clock, identifiers
from sanxiang.core.errors import DomainError
from sanxiang.core.models import Sequence
from sanxiang.exchange import bulkrows
from sanxiang.exchange.importers import Importer
from sanxiang.exchange.schema import Col
from sanxiang.org.models import Agency
from sanxiang.records import canonical
from sanxiang.records import services as records
from sanxiang.supervision.services import summary

CHUNK = 1000
STREAM = "exchange:history"


def _procedures() -> dict[str, Any]:
    found = {}
    for procedure in registry.procedures():
        found[procedure.code] = procedure
        found[str(procedure.name)] = procedure
    return found


class HistoricalCases(Importer):
    kind, label = "cases", "历史案件"
    # Cases and their events are written by `bulkrows.insert` (executemany / COPY); True writes
    # them with the ORM's `bulk_create` instead — the reference the fast path is tested against.
    through_orm = False
    columns = (
        Col("number", "案件编号", required=True, max_length=40),
        Col("agency_code", "执法主体代码", required=True, max_length=30),
        Col("procedure", "程序", required=True, max_length=40, help="程序代码或名称，如 penalty.general"),
        Col("title", "案由", required=True, max_length=200),
        Col("opened_on", "登记日期", "date", required=True),
        Col("stage", "阶段", max_length=40, help="默认：有结案日期为 closed，否则须填写"),
        Col("item_code", "执法事项编码", max_length=40),
        Col("party_kind", "当事人类型", "choice", choices=PartyKind),
        Col("party_name", "当事人", max_length=200),
        Col("party_id_type", "证件类型", "choice", choices=IdType),
        Col("party_id_number", "证件号码", max_length=40),
        Col("party_credit_code", "统一社会信用代码", max_length=18),
        Col("legal_representative", "法定代表人", max_length=60),
        Col("facts", "案情"),
        Col("place", "地点", max_length=200),
        Col("act_date", "行为发生日期", "date"),
        Col("filed_on", "立案日期", "date"),
        Col("decided_on", "决定日期", "date"),
        Col("served_on", "送达日期", "date"),
        Col("closed_on", "结案日期", "date"),
        Col("outcome", "处理结果", max_length=40),
        Col("fine_amount", "罚款金额", "decimal"),
        Col("confiscation_amount", "没收金额", "decimal"),
        Col("source_system", "来源系统", max_length=100),
    )

    def __init__(self, actor):
        super().__init__(actor)
        self.procedures = _procedures()
        self.agencies = {a.code: a for a in Agency.objects.all()}
        self.items = {
            i[0]: i[1:] for i in EnforcementItem.objects.values_list("code", "id", "agency_id", "category")
        }
        self.pending: list[tuple[int, str]] = []
        self.source: dict[str, str] = {}
        self.current_row = 0
        self._steps: dict[tuple[str, str], str] = {}

    def natural_key(self, row):
        return row["number"]

    def stage_of(self, row, procedure) -> str:
        if row["stage"]:
            return row["stage"]
        if row["closed_on"]:
            return next((s.code for s in procedure.stages if s.terminal and s.code == "closed"), "closed")
        return ""

    def check(self, row, number, problems):
        self.pending.append((number, row["number"]))
        if len(self.pending) >= CHUNK:
            self._existing(problems)
        agency = self.agencies.get(row["agency_code"])
        if agency is None:
            self.error(
                problems,
                number,
                "agency_code",
                gettext("机关“%(code)s”不存在") % {"code": row["agency_code"]},
            )
        procedure = self.procedures.get(row["procedure"])
        if procedure is None:
            self.error(
                problems,
                number,
                "procedure",
                gettext("未知的执法程序“%(procedure)s”") % {"procedure": row["procedure"]},
            )
        else:
            stage = self.stage_of(row, procedure)
            if not stage:
                self.error(problems, number, "stage", gettext("未结案的历史案件须填写阶段"))
            elif stage not in {s.code for s in procedure.stages}:
                self.error(
                    problems,
                    number,
                    "stage",
                    gettext("程序“%(procedure)s”没有阶段“%(stage)s”")
                    % {"procedure": gettext(procedure.name), "stage": stage},
                )
        if row["item_code"]:
            item = self.items.get(row["item_code"])
            if item is None:
                self.error(
                    problems,
                    number,
                    "item_code",
                    gettext("执法事项“%(code)s”不存在") % {"code": row["item_code"]},
                )
            elif agency is not None and (
                item[1] != agency.pk or (procedure and item[2] != procedure.category)
            ):
                self.error(
                    problems, number, "item_code", gettext("执法事项不属于该机关或与程序的执法类别不一致")
                )
        self._check_party(row, number, problems)
        self._check_dates(row, number, problems)

    def _check_party(self, row, number, problems):
        if not row["party_name"]:
            if row["party_kind"]:
                self.error(problems, number, "party_name", gettext("填写当事人类型时须填写当事人"))
            return
        if not row["party_kind"]:
            self.error(problems, number, "party_kind", gettext("请填写当事人类型"))
            return
        try:
            if row["party_kind"] == PartyKind.PERSON:
                if (row["party_id_type"] or IdType.RESIDENT_ID) == IdType.RESIDENT_ID:
                    identifiers.validate_id_number(row["party_id_number"] or "")
                elif not row["party_id_number"]:
                    self.error(problems, number, "party_id_number", gettext("请填写证件号码"))
            else:
                identifiers.validate_credit_code(row["party_credit_code"] or "")
        except DomainError as bad:
            key = "party_id_number" if row["party_kind"] == PartyKind.PERSON else "party_credit_code"
            self.error(problems, number, key, bad.message)

    def _check_dates(self, row, number, problems):
        today = clock.today()
        order = ["act_date", "opened_on", "filed_on", "decided_on", "served_on", "closed_on"]
        previous = None
        for key in order:
            value = row[key]
            if value is None:
                continue
            if value > today:
                self.error(problems, number, key, gettext("日期不能晚于今天"))
            if previous is not None and value < row[previous]:
                self.error(
                    problems,
                    number,
                    key,
                    gettext("不能早于%(label)s") % {"label": self.column(previous).label},
                )
            previous = key

    def _existing(self, problems):
        numbers = {n for _, n in self.pending}
        taken = set(Case.objects.filter(number__in=numbers).values_list("number", flat=True))
        for row_number, case_number in self.pending:
            if case_number in taken:
                self.error(
                    problems,
                    row_number,
                    "number",
                    gettext("案件编号“%(case_number)s”已存在") % {"case_number": case_number},
                )
        self.pending = []

    def finish(self, problems):
        self._existing(problems)

    # --- commit ---------------------------------------------------------------------------------

    def commit(self, rows):
        chunk: list[tuple[int, dict]] = []
        for number, row in rows:
            chunk.append((number, row))
            if len(chunk) >= CHUNK:
                self._commit_chunk(chunk)
                chunk = []
        if chunk:
            self._commit_chunk(chunk)

    def _commit_chunk(self, chunk):
        self.current_row = chunk[0][0]
        now = clock.now()
        parties = self._parties(chunk)
        serials = self._serials(chunk)
        contents = [self._content(row) for _, row in chunk]
        hashes = [hashlib.sha256(canonical.encode(c)).hexdigest() for c in contents]
        # the agencies' case tallies before the record's head, in the order registration takes them
        tally.add(Counter(self.agencies[row["agency_code"]].pk for _, row in chunk))
        entry = records.append(
            kind="case.history_imported",
            stream=STREAM,
            actor=self.actor,
            agency=self.actor.agency,
            payload={
                "file": self.source.get("file", ""),
                "file_sha256": self.source.get("sha256", ""),
                "cases": [[c["number"], h] for c, h in zip(contents, hashes, strict=True)],
            },
        )
        cases = []
        for (_, row), digest, serial, party in zip(chunk, hashes, serials, parties, strict=True):
            procedure = self.procedures[row["procedure"]]
            item = self.items.get(row["item_code"] or "")
            cases.append(
                {
                    "agency_id": self.agencies[row["agency_code"]].pk,
                    "number": row["number"],
                    "year": row["opened_on"].year,
                    "serial": serial,
                    "procedure": procedure.code,
                    "category": procedure.category,
                    "item_id": item[0] if item else None,
                    "party_id": party,
                    "title": row["title"],
                    "facts": row["facts"] or "",
                    "place": row["place"] or "",
                    "act_date": row["act_date"],
                    "stage": self.stage_of(row, procedure),
                    "opened_at": _moment(row["opened_on"]),
                    "filed_on": row["filed_on"],
                    "decided_on": row["decided_on"],
                    "served_on": row["served_on"],
                    "closed_on": row["closed_on"],
                    "outcome": row["outcome"] or "",
                    "fine_amount": row["fine_amount"],
                    "confiscation_amount": row["confiscation_amount"],
                    "attributes": {
                        "imported": {
                            "entry": entry.seq,
                            "sha256": digest,
                            "source_system": row["source_system"] or "",
                            "file_sha256": self.source.get("sha256", ""),
                        }
                    },
                    "created_by_id": self.actor.pk,
                    "updated_by_id": self.actor.pk,
                }
            )
        self._insert(Case, cases)
        summary.count_new(
            SimpleNamespace(**c) for c in cases
        )  # the dashboard's daily summary, same transaction
        ids = dict(Case.objects.filter(number__in=[c["number"] for c in cases]).values_list("number", "id"))
        self._insert(
            CaseEvent,
            [
                {
                    "case_id": ids[c["number"]],
                    "seq": 1,
                    "transition": "import",
                    "label": "导入历史案件",
                    "from_stage": "",
                    "to_stage": c["stage"],
                    "step": self._step(c["procedure"], c["stage"]),
                    "actor_id": self.actor.pk,
                    "at": now,
                    "data": {"entry": entry.seq, "sha256": c["attributes"]["imported"]["sha256"]},
                }
                for c in cases
            ],
        )
        self.count("cases", len(cases))

    def _insert(self, model, rows: list[dict[str, Any]]) -> None:
        if self.through_orm:
            model.objects.bulk_create(model(**row) for row in rows)
        else:
            bulkrows.insert(model, rows)

    def _step(self, procedure: str, stage: str) -> str:
        key = (procedure, stage)
        if key not in self._steps:
            self._steps[key] = self.procedures[procedure].stage(stage).step
        return self._steps[key]

    def _content(self, row) -> dict[str, Any]:
        """What the hash in the record covers: every imported field, canonically."""
        return {k: row[k] for k in sorted(row)}

    def _serials(self, chunk) -> list[int]:
        """Reserve serial numbers from each agency's live sequence for the year, in one update per
        (agency, year) — the same counter `open_case` uses, so numbers never collide."""
        wanted: dict[str, int] = defaultdict(int)
        keys = []
        for _, row in chunk:
            key = f"case:{self.agencies[row['agency_code']].pk}:{row['opened_on'].year}"
            wanted[key] += 1
            keys.append(key)
        start: dict[str, int] = {}
        for key, n in wanted.items():
            Sequence.objects.get_or_create(key=key)
            Sequence.objects.filter(key=key).update(value=F("value") + n)
            start[key] = Sequence.objects.values_list("value", flat=True).get(key=key) - n
        serials = []
        for key in keys:
            start[key] += 1
            serials.append(start[key])
        return serials

    def _parties(self, chunk) -> list[int | None]:
        """Each row's party id, registered once per agency and identifier."""
        keys: list[tuple | None] = []
        for _, row in chunk:
            if not row["party_name"]:
                keys.append(None)
                continue
            agency = self.agencies[row["agency_code"]].pk
            ident = (
                row["party_credit_code"]
                if row["party_kind"] == PartyKind.ORGANISATION
                else row["party_id_number"]
            )
            keys.append((agency, row["party_kind"], (ident or "").upper() or row["party_name"]))
        cache: dict[tuple, int] = getattr(self, "_party_cache", {})
        self._party_cache = cache
        wanted = {k for k in keys if k is not None and k not in cache}
        by_agency: dict[int, set[str]] = defaultdict(set)
        for agency, _, ident in wanted:
            by_agency[agency].add(ident)
        for agency, idents in by_agency.items():
            for pk, kind, credit, number, name in (
                Party.objects.filter(agency_id=agency)
                .filter(_ident_q(idents))
                .values_list("pk", "kind", "credit_code", "id_number", "name")
            ):
                ident = (credit if kind == PartyKind.ORGANISATION else number) or name
                cache.setdefault((agency, kind, ident.upper() if ident else ident), pk)
        new: dict[tuple, Party] = {}
        for key, (_, row) in zip(keys, chunk, strict=True):
            if key is None or key in cache or key in new:
                continue
            person = row["party_kind"] == PartyKind.PERSON
            id_type = (row["party_id_type"] or IdType.RESIDENT_ID) if person else ""
            number = (row["party_id_number"] or "").upper() if person else ""
            new[key] = Party(
                agency_id=key[0],
                kind=row["party_kind"],
                name=row["party_name"],
                id_type=id_type,
                id_number=number,
                credit_code=(row["party_credit_code"] or "").upper() if not person else "",
                legal_representative=row["legal_representative"] or "",
                birth_date=identifiers.birth_date_of(number)
                if person and id_type == IdType.RESIDENT_ID
                else None,
                created_by=self.actor,
                updated_by=self.actor,
            )
        if new:
            Party.objects.bulk_create(new.values())
            for key, party in new.items():
                if party.pk is None:  # backends that cannot return ids from a bulk insert
                    party.pk = (
                        Party.objects.filter(agency_id=key[0], kind=key[1], name=party.name)
                        .order_by("-pk")
                        .values_list("pk", flat=True)[0]
                    )
                cache[key] = party.pk
            self.count("parties", len(new))
        return [cache[k] if k is not None else None for k in keys]


def _ident_q(idents: set[str]):
    from django.db.models import Q

    return Q(credit_code__in=idents) | Q(id_number__in=idents) | Q(name__in=idents)


def _moment(day: dt.date) -> dt.datetime:
    return _moment_in(day, timezone.get_current_timezone())


@functools.lru_cache(maxsize=4096)
def _moment_in(day: dt.date, zone) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(9, 0)), zone)
