"""Synthetic data at any size: `python bench/generate.py --cases N [--database-url URL]`.

Loads the demo (sanxiang.demo) into the database if it is not there, then adds N cases of the same
shape in bulk. Each new case is a copy of one demo case — which the workflow engine itself walked,
so its stages, events, proposals, deadlines and attributes are ones the engine produces — moved
back in time by whole weeks (so weekdays stay weekdays), with a new party, a new gapless number of
its agency and year, its proposal fingerprints recomputed, its deadlines re-dated on the
working-day calendar, and one record entry per event built by the records app itself
(`sanxiang.records.bulk.build_entries`, docs/record-format.md §8): canonical JSON body, RFC 6962
leaf hash, chained to the previous entry of the case's stream, the Merkle nodes it completes
stored, and the log head (size, frontier) moved per batch. So `sanxiang verify` and
`sanxiang.demo.checks` accept the generated data like service-made data.

Rows go in by COPY (PostgreSQL) or executemany INSERTs (SQLite) in batches, one transaction each;
case numbers follow the order cases were opened. It prints the rate in cases per second.

Entries other apps append to a case (documents, reviews, publications…) are not copied: those
rows would need their own tables filled. Within a batch entries are in time order; across
batches the log order is the order of generation.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import re
import sys
import time
from array import array
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT / "src") not in sys.path:
    sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
_FINGERPRINT = re.compile(r"^[0-9a-f]{64}$")


@dataclass
class Template:
    """One demo case and everything of it the generator copies, as column values."""

    case: dict[str, Any]
    party: dict[str, Any]
    handlers: list[int]
    events: list[dict[str, Any]]
    deadlines: list[dict[str, Any]]
    proposals: list[tuple[dict[str, Any], list[int]]]
    terminal: bool
    agency_code: str
    item_code: str | None
    division: str
    district: str
    field: str
    trades: list[str] | None = None
    shops: list[str] | None = None
    acts: dict[str, str] = field(default_factory=dict)  # transition → act (执法行为), as recorded


@dataclass
class Stats:
    cases: int = 0
    events: int = 0
    entries: int = 0
    seconds: float = 0.0
    per_batch: list[float] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.cases / self.seconds if self.seconds else 0.0


def _values(obj) -> dict[str, Any]:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def _templates(limit: int = 1000) -> list[Template]:
    """The first `limit` cases — the demo's, walked by the engine — as templates."""
    from sanxiang.cases.models import Case
    from sanxiang.demo import reference

    cases = (
        Case.objects.order_by("pk")
        .select_related("party", "agency__division", "item__field")
        .prefetch_related("handlers", "events", "deadlines", "proposals__legal_basis")[:limit]
    )
    hints = {}  # the item templates' `trade` and `shops`, so a copied party fits the item
    for row in reference.read("items.yaml")["templates"]:
        for agency in row["agencies"]:
            hints[f"{agency.upper().replace('-', '')}-{row['code']}"] = (row.get("trade"), row.get("shops"))
    templates = []
    for case in cases:
        division = case.agency.division
        trades, shops = hints.get(case.item.code if case.item else "", (None, None))
        templates.append(
            Template(
                case=_values(case),
                party=_values(case.party),
                handlers=[h.pk for h in case.handlers.all()],
                events=[_values(e) for e in sorted(case.events.all(), key=lambda e: e.seq)],
                deadlines=[_values(d) for d in case.deadlines.all()],
                proposals=[
                    (_values(p), sorted(a.pk for a in p.legal_basis.all())) for p in case.proposals.all()
                ],
                terminal=case.definition.stage(case.stage).terminal,
                agency_code=case.agency.code,
                item_code=case.item.code if case.item else None,
                division=division.code,
                district=division.name if division.level != "city" else "云溪市",
                field=case.item.field.code if case.item and case.item.field else "market",
                trades=trades,
                shops=shops,
                acts={t.name: t.act for t in case.definition.transitions if t.act},
            )
        )
    if not templates:
        raise SystemExit("no demo cases to copy: load the demo first (sanxiang demo)")
    return templates


def _shift_json(value: Any, days: int, fingerprints: dict[str, str]) -> Any:
    """Move every ISO date (and date-time) inside `value` back by `days`; swap fingerprints."""
    if isinstance(value, dict):
        return {k: _shift_json(v, days, fingerprints) for k, v in value.items()}
    if isinstance(value, list):
        return [_shift_json(v, days, fingerprints) for v in value]
    if isinstance(value, str):
        if _DATE.match(value):
            return (dt.date.fromisoformat(value) - dt.timedelta(days=days)).isoformat()
        if _DATETIME.match(value):
            try:
                return (dt.datetime.fromisoformat(value) - dt.timedelta(days=days)).isoformat()
            except ValueError:
                return value
        if _FINGERPRINT.match(value):
            return fingerprints.get(value, value)
    return value


def _minus(day: dt.date | dt.datetime | None, days: int):
    return None if day is None else day - dt.timedelta(days=days)


class Table:
    """Rows of column values written in bulk — COPY on PostgreSQL, executemany INSERTs on SQLite —
    adapted the way Django adapts them for the backend: bulk_create without a model instance per
    row (which costs more than the database does at this scale)."""

    def __init__(self, model, *, with_pk: bool):
        from django.db import connection

        ops, qn = connection.ops, connection.ops.quote_name
        self.fields = [f for f in model._meta.concrete_fields if with_pk or not f.primary_key]
        self.adapters = [self._adapter(f, ops) for f in self.fields]
        columns = ", ".join(qn(f.column) for f in self.fields)
        marks = ", ".join(["%s"] * len(self.fields))
        self.sql = f"INSERT INTO {qn(model._meta.db_table)} ({columns}) VALUES ({marks})"
        self.copy = f"COPY {qn(model._meta.db_table)} ({columns}) FROM STDIN"
        self.vendor = connection.vendor

    @staticmethod
    def _adapter(f, ops) -> Callable[[Any], Any]:
        kind = f.get_internal_type()
        if kind == "JSONField":
            return lambda v: ops.adapt_json_value(v, f.encoder)
        if kind == "DateTimeField":
            return ops.adapt_datetimefield_value
        if kind == "DateField":
            return ops.adapt_datefield_value
        if kind == "DecimalField":
            return lambda v: ops.adapt_decimalfield_value(v, f.max_digits, f.decimal_places)
        return lambda v: v

    def insert(self, rows: list[dict[str, Any]]) -> None:
        from django.db import connection

        if not rows:
            return
        names = [f.attname for f in self.fields]
        pairs = list(zip(names, self.adapters, strict=True))
        params = [tuple(adapt(row[name]) for name, adapt in pairs) for row in rows]
        with connection.cursor() as cursor:
            if self.vendor == "postgresql":  # COPY: one round trip per table and batch
                with cursor.cursor.copy(self.copy) as copy:
                    for row in params:
                        copy.write_row(row)
                return
            for first in range(0, len(params), 5000):
                cursor.executemany(self.sql, params[first : first + 5000])


class Generator:
    def __init__(self, *, seed: int, months: int, today: dt.date):
        from sanxiang.core import calendar
        from sanxiang.demo.people import People

        self.rng = random.Random(seed)
        self.people = People(random.Random(seed + 1))
        self.today = today
        self.earliest = calendar.add_months(today, -months)
        self.templates = _templates()
        self.counters: dict[tuple[int, int], int] = {}
        self.stats = Stats()
        self._due_cache: dict[tuple[dt.date, int, str], Any] = {}
        self.usernames = self._usernames()

    @staticmethod
    def _usernames() -> dict[int, str]:
        from sanxiang.org.models import User

        return dict(User.objects.values_list("pk", "username"))

    # --- planning: which template, moved back how far, in opening order ----------------------

    def plan(self, n: int) -> tuple[array, array]:
        """For each new case a template and a shift in days (multiple of 7), sorted by opening."""
        templates, rng = self.templates, self.rng
        chosen, shifts, keys = array("I"), array("i"), array("d")
        for _ in range(n):
            t = rng.randrange(len(templates))
            template = templates[t]
            opened = template.case["opened_at"]
            if template.terminal:
                room = max(0, (opened.date() - self.earliest).days // 7)
                weeks = rng.randint(0, room)
            else:  # cases still running stay recent, like the demo's
                weeks = rng.randint(0, 3)
            chosen.append(t)
            shifts.append(7 * weeks)
            keys.append(opened.timestamp() - 7 * weeks * 86400)
        order = sorted(range(n), key=keys.__getitem__)
        return array("I", (chosen[i] for i in order)), array("i", (shifts[i] for i in order))

    def run(self, n: int, *, batch: int = 2000, progress: Callable[[str], None] | None = None) -> Stats:
        from sanxiang.cases.models import Case, CaseEvent, Deadline, Party, Proposal
        from sanxiang.records.models import Entry, Node

        self.tables = {
            "party": Table(Party, with_pk=True),
            "case": Table(Case, with_pk=True),
            "handler": Table(Case.handlers.through, with_pk=False),
            "proposal": Table(Proposal, with_pk=True),
            "basis": Table(Proposal.legal_basis.through, with_pk=False),
            "event": Table(CaseEvent, with_pk=False),
            "deadline": Table(Deadline, with_pk=False),
            "entry": Table(Entry, with_pk=False),
            "node": Table(Node, with_pk=False),
        }
        started = time.perf_counter()
        chosen, shifts = self.plan(n)
        for first in range(0, n, batch):
            t0 = time.perf_counter()
            self.batch(chosen[first : first + batch], shifts[first : first + batch])
            self.stats.per_batch.append(time.perf_counter() - t0)
            done = min(n, first + batch)
            if progress:
                elapsed = time.perf_counter() - started
                progress(f"{done}/{n} cases, {done / elapsed:.0f} cases/s")
        from sanxiang.cases import tally

        tally.recount()  # the raw inserts went around the ORM's tally upkeep
        self.stats.seconds = time.perf_counter() - started
        return self.stats

    # --- one batch, one transaction ---------------------------------------------------------------

    def batch(self, chosen, shifts) -> None:
        from django.db import connection, transaction
        from django.db.models import Max

        from sanxiang.cases.models import Case, Party, Proposal
        from sanxiang.core.models import Sequence
        from sanxiang.records.models import LogHead

        now = dt.datetime.now(dt.UTC)
        rows: dict[str, list[dict[str, Any]]] = {k: [] for k in self.tables}
        pending: list[tuple] = []
        with transaction.atomic():
            head = LogHead.objects.select_for_update().filter(pk=1).first()
            if head is None:
                LogHead.objects.get_or_create(pk=1)
                head = LogHead.objects.select_for_update().get(pk=1)
            next_party = (Party.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
            next_case = (Case.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
            next_proposal = (Proposal.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
            for t, days in zip(chosen, shifts, strict=True):
                template = self.templates[t]
                party = self._party(template, days, next_party, now)
                case = self._case(template, days, next_case, party, now)
                next_party += 1
                next_case += 1
                rows["party"].append(party)
                rows["case"].append(case)
                rows["handler"] += [{"case_id": case["id"], "user_id": u} for u in template.handlers]
                fingerprints: dict[str, str] = {}
                for old, basis in template.proposals:
                    proposal = dict(old, id=next_proposal, case_id=case["id"], party_id=party["id"])
                    proposal["created_at"] = old["created_at"] - dt.timedelta(days=days)
                    proposal["fingerprint"] = self._fingerprint(proposal, basis, case, party)
                    fingerprints[old["fingerprint"]] = proposal["fingerprint"]
                    rows["proposal"].append(proposal)
                    rows["basis"] += [{"proposal_id": next_proposal, "article_id": a} for a in basis]
                    next_proposal += 1
                case["attributes"] = _shift_json(template.case["attributes"], days, fingerprints)
                for old in template.events:
                    event = dict(old, case_id=case["id"], at=old["at"] - dt.timedelta(days=days))
                    event["data"] = _shift_json(old["data"], days, fingerprints)
                    rows["event"].append(event)
                    pending.append((event["at"], case["id"], event["seq"], case, template, event))
                rows["deadline"] += [self._deadline(old, case["id"], days) for old in template.deadlines]
            pending.sort(key=lambda p: (p[0], p[1], p[2]))
            rows["entry"], rows["node"] = self._entries(head, pending)
            for name, table in self.tables.items():
                table.insert(rows[name])
            head.save(update_fields=["size", "frontier", "updated_at"])
            for (agency_id, year), value in self.counters.items():
                Sequence.objects.update_or_create(key=f"case:{agency_id}:{year}", defaults={"value": value})
            if connection.vendor == "postgresql":
                from django.core.management.color import no_style

                with connection.cursor() as cursor:
                    for sql in connection.ops.sequence_reset_sql(no_style(), [Party, Case, Proposal]):
                        cursor.execute(sql)
        self.stats.cases += len(rows["case"])
        self.stats.events += len(rows["event"])
        self.stats.entries += len(rows["entry"])

    @staticmethod
    def _fingerprint(
        row: dict[str, Any], basis: list[int], case: dict[str, Any], party: dict[str, Any]
    ) -> str:
        """The proposal's fingerprint, computed by the model's own method (what a review approves)."""
        from sanxiang.cases.models import Case, Party, Proposal

        proposal = Proposal(**{k: v for k, v in row.items() if k not in ("id", "case_id", "party_id")})
        proposal.case = Case(number=case["number"])
        proposal.party = Party(
            pk=party["id"],
            name=party["name"],
            id_number=party["id_number"],
            credit_code=party["credit_code"],
            kind=party["kind"],
        )
        return proposal.compute_fingerprint(basis)

    def _party(self, template: Template, days: int, pk: int, now: dt.datetime) -> dict[str, Any]:
        people = self.people
        party = dict(template.party, id=pk, created_at=now, updated_at=now)
        party.update(address=people.address(template.division), phone=people.phone())
        if party["kind"] == "person":
            birth = _minus(party["birth_date"], days) or dt.date(1980, 1, 1)
            party.update(
                name=people.name(), birth_date=birth, id_number=people.id_number(template.division, birth)
            )
        else:
            owner = people.name()
            individual = party["is_individual_business"]
            name = (
                people.shop(template.field, template.district, owner, template.shops)
                if individual
                else people.company(template.field, trades=template.trades)
            )
            party.update(
                name=name,
                credit_code=people.credit_code(template.division, individual=individual),
                legal_representative=owner,
            )
        return party

    def _case(self, template: Template, days: int, pk: int, party: dict[str, Any], now: dt.datetime):
        from django.utils import timezone

        from sanxiang.core.sequences import current_value

        old = template.case
        opened_at = old["opened_at"] - dt.timedelta(days=days)
        year = timezone.localtime(opened_at).year
        key = (old["agency_id"], year)
        if key not in self.counters:
            self.counters[key] = current_value(f"case:{old['agency_id']}:{year}")
        self.counters[key] += 1
        serial = self.counters[key]
        swap = template.party["name"]
        case = dict(old, id=pk, party_id=party["id"], opened_at=opened_at, created_at=now, updated_at=now)
        case.update(
            number=f"{template.agency_code.upper()}-{year}-{serial:05d}",
            year=year,
            serial=serial,
            title=old["title"].replace(swap, party["name"])[:200],
            facts=old["facts"].replace(swap, party["name"]),
        )
        for name in ("act_date", "filed_on", "decided_on", "served_on", "closed_on"):
            case[name] = _minus(old[name], days)
        return case

    def _due(self, starts: dt.date, total: int, unit: str):
        from sanxiang.core import calendar

        key = (starts, total, unit)
        if key not in self._due_cache:
            self._due_cache[key] = calendar.due_date(starts, total, unit)
        return self._due_cache[key]

    def _deadline(self, old: dict[str, Any], case_id: int, days: int) -> dict[str, Any]:
        from sanxiang.cases.choices import DeadlineStatus

        starts = old["starts_on"] - dt.timedelta(days=days)
        if old["unit"] == "hours":  # counted on the clock, not the calendar: moved as it is
            from sanxiang.core.calendar import Due

            due = Due(old["due_on"] - dt.timedelta(days=days), False)
            old = dict(old, starts_at=_minus(old["starts_at"], days), due_at=_minus(old["due_at"], days))
        else:
            total = old["amount"] + old["extension_amount"] + old["paused_amount"]
            due = self._due(starts, total, old["unit"])
        met = _minus(old["met_on"], days)
        status = old["status"]
        if status in (DeadlineStatus.MET, DeadlineStatus.LATE) and met is not None:
            status = DeadlineStatus.MET if met <= due.date else DeadlineStatus.LATE
        overdue_since = None
        if status in (DeadlineStatus.RUNNING, DeadlineStatus.OVERDUE):  # what `sanxiang tick` would say
            overdue = due.date < self.today
            status = DeadlineStatus.OVERDUE if overdue else DeadlineStatus.RUNNING
            overdue_since = due.date + dt.timedelta(days=1) if overdue else None
        row = dict(old, case_id=case_id, starts_on=starts, due_on=due.date, provisional=due.provisional)
        row.update(
            status=status,
            met_on=met,
            overdue_since=overdue_since,
            paused_since=_minus(old["paused_since"], days),
        )
        row.pop("id")
        return row

    def _entries(self, head, pending) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """The record entries of the batch's events and the Merkle nodes they complete, built by the
        records app itself (`records.bulk.build_entries`: the same canonical bodies, RFC 6962 leaf
        hashes, chains and stored nodes as one-by-one appends). The payloads are those the records
        app's receivers write for an opening and a transition."""
        from sanxiang.records import bulk, merkle

        state = bulk.State(head.size, merkle.decode_frontier(head.frontier))
        specs = (self._spec(at, case, template, event) for at, _pk, _seq, case, template, event in pending)
        entries, nodes = [], []
        for row, made in bulk.build_entries(specs, state):
            entries.append(row)
            nodes += [{"height": h, "index": i, "hash": d} for h, i, d in made]
        head.size = state.size
        head.frontier = merkle.encode_frontier(state.frontier)
        return entries, nodes

    def _spec(self, at, case, template: Template, event) -> Any:
        from sanxiang.records.bulk import Spec

        if event["transition"] == "open":
            kind = "case.opened"
            payload = {
                "event": event["seq"],
                "procedure": case["procedure"],
                "title": case["title"],
                "party": case["party_id"],
                "item": template.item_code,
                "handlers": event["data"].get("handlers", []),
                "sensitive": case["sensitive"],
            }
        else:
            kind = "case.transition"
            payload = {
                "event": event["seq"],
                "transition": event["transition"],
                "label": event["label"],
                "from": event["from_stage"],
                "to": event["to_stage"],
                "reason": event["reason"],
                "data": event["data"],
            }
            act = template.acts.get(event["transition"])
            if act:
                payload["act"] = act
        actor = event["actor_id"]
        ids = (
            case["id"],
            case["number"],
            actor,
            self.usernames.get(actor),
            case["agency_id"],
            template.agency_code,
        )
        return Spec(
            stream=f"case:{case['number']}",
            kind=kind,
            payload=payload,
            step=event["step"] or "",
            at=at,
            ids=ids,
        )


def generate(
    n: int,
    *,
    seed: int = 7,
    months: int = 14,
    batch: int = 2000,
    progress: Callable[[str], None] | None = None,
) -> Stats:
    """Add `n` cases shaped like the demo's to the database (the demo must be loaded)."""
    from sanxiang.core import clock

    return Generator(seed=seed, months=months, today=clock.today()).run(n, batch=batch, progress=progress)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, required=True, help="number of cases to add")
    parser.add_argument("--database-url", help="target database (default: DATABASE_URL or ./var SQLite)")
    parser.add_argument("--months", type=int, default=14, help="spread finished cases over this many months")
    parser.add_argument("--batch", type=int, default=2000, help="cases per transaction")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--demo-size", type=float, default=1.0, help="size of the demo loaded first if missing"
    )
    parser.add_argument("--check", action="store_true", help="run the consistency checks afterwards")
    args = parser.parse_args(argv)
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanxiang.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from sanxiang.demo import checks, loader

    if not loader.is_loaded():
        loader.load(size=args.demo_size)
    stats = generate(
        args.cases,
        seed=args.seed,
        months=args.months,
        batch=args.batch,
        progress=lambda line: print(f"  {line}", flush=True),
    )
    print(
        f"generated {stats.cases} cases, {stats.events} events, {stats.entries} record entries "
        f"in {stats.seconds:.1f} s: {stats.rate:.0f} cases/s"
    )
    if args.check:
        started = time.perf_counter()
        problems = checks.all_problems()
        print(f"checks: {problems or 'OK'} ({time.perf_counter() - started:.1f} s)")
        return 1 if problems else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
