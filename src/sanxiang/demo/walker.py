"""Plans the demo cases and walks them through the real workflow engine, in date order.

Each case is a `Plan`: an agency, an item, a party, two handlers with valid certificates and a path
(scenarios.py) cut at a target stage. All plans' acts are merged into one timeline and fired in
date order with the clock frozen at each act's moment, so case numbers follow the order cases were
opened, record entries follow the order things happened, and every date is one the engine checked.

Other apps take part through `DemoHooks` (hooks.py): before and after each transition and once at
the end. A transition that some guard refuses is logged and its case stays where it is.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from sanxiang.cases import services as case_services
from sanxiang.cases.models import Case, Party
from sanxiang.cases.workflow import registry
from sanxiang.catalog import rules
from sanxiang.catalog.models import EnforcementItem
from sanxiang.core import clock
from sanxiang.core.errors import DomainError
from sanxiang.demo import scenarios
from sanxiang.demo.people import People
from sanxiang.org.models import Agency, User

if TYPE_CHECKING:
    from sanxiang.demo.hooks import DemoHooks
    from sanxiang.demo.reference import World

log = logging.getLogger("sanxiang.demo")

TERMINAL = {"closed", "not_filed", "transferred", "rejected", "voided", "terminated", "cancelled"}
HISTORY_DAYS = 425  # the demo spans about 14 months before today


class Unreachable(Exception):
    """This draw of item, party and amounts does not lead to the plan's target stage."""


@dataclass
class PartySpec:
    key: int
    kind: str  # person | organisation
    fields: dict[str, Any]
    minor: str | None = None
    party: Party | None = None

    @property
    def name(self) -> str:
        return self.fields["name"]

    @property
    def contact(self) -> str:
        return self.fields.get("legal_representative") or self.fields["name"]


@dataclass
class Plan:
    idx: int
    seed: int
    procedure: str
    variant: str
    target: str
    agency: Agency
    item: EnforcementItem
    meta: dict[str, Any]
    party_spec: PartySpec
    place: str
    bands: tuple[Decimal, Decimal]
    limits: dict[str, Decimal]
    articles: tuple[list[int], list[int]]
    citations: tuple[list[str], list[str]]
    rng: random.Random = field(default_factory=random.Random)
    opened_on: dt.date | None = None
    opened_at: dt.datetime | None = None
    acts: list[scenarios.Act] = field(default_factory=list)
    lead: User | None = None
    partner: User | None = None
    head: User | None = None
    proposal: dict[str, Any] | None = None
    case: Case | None = None
    stuck: str = ""

    @property
    def party_kind(self) -> str:
        return self.party_spec.kind

    @property
    def party_minor(self) -> str | None:
        return self.party_spec.minor

    @property
    def contact(self) -> str:
        return self.party_spec.contact


# --- choosing agency, item and party -------------------------------------------------------------


def _eligible(meta: dict[str, Any], procedure: str, variant: str, limits: dict[str, Decimal]) -> bool:
    category = registry.procedure(procedure).category
    if meta["category"] != category:
        return False
    parties = meta.get("parties", ["organisation"])
    if procedure == "penalty.general":
        if variant in ("major", "hearing"):
            return bool(meta.get("multiple")) or (bool(meta.get("fine")) and meta["fine"][1] >= 100000)
        if variant == "minor":
            return "person" in parties
        return True
    if procedure == "penalty.simple":
        if variant in ("warning", "voided"):
            return bool(meta.get("warning"))
        fine = meta.get("fine")
        if not fine:
            return False
        kinds = {
            "person": limits["person"],
            "individual": limits["organisation"],
            "organisation": limits["organisation"],
        }
        return any(fine[0] <= kinds[k] for k in parties)
    if procedure == "coercion.measure":
        return meta.get("mode") == "measure"
    if procedure == "coercion.enforcement":
        wanted = {"demolition": "demolition", "substitute": "substitute"}.get(variant, "surcharge")
        return meta.get("mode") == wanted
    return True


class Planner:
    """Turns the scenario mix into concrete plans (deterministic for a given seed and today)."""

    def __init__(self, world: World, rng: random.Random, people: People, *, today: dt.date, size: float):
        self.world, self.rng, self.people, self.today, self.size = world, rng, people, today, size
        self.cutoff = today - dt.timedelta(days=1)  # acts happen up to yesterday
        self.limits = {
            "person": rules.param("PEN-02.max_fine_citizen", on=today).amount,
            "organisation": rules.param("PEN-02.max_fine_organisation", on=today).amount,
            "on_site": rules.param("PEN-30.max_amount_simple_procedure", on=today).amount,
        }
        from sanxiang.demo.reference import bands

        self.bands = bands(today)
        self.days = scenarios.WorkingDays()
        self.parties: dict[str, list[PartySpec]] = {}
        self._party_keys = 0
        self._articles: dict[int, tuple[list[int], list[int]]] = {}
        self._citations: dict[int, tuple[list[str], list[str]]] = {}
        items = EnforcementItem.objects.filter(pk__in=[i.pk for i in world.items.values()]).prefetch_related(
            "legal_basis__law", "penalty_basis__law"
        )
        for item in items:
            basis, penalty = list(item.legal_basis.all()), list(item.penalty_basis.all())
            self._articles[item.pk] = ([a.pk for a in basis], [a.pk for a in penalty])
            self._citations[item.pk] = ([a.citation for a in basis], [a.citation for a in penalty])

    def plans(self) -> list[Plan]:
        plans: list[Plan] = []
        for procedure, variant, target, count in scenarios.MIX:
            for _ in range(max(1, round(count * self.size))):
                plans.append(self.plan(len(plans), procedure, variant, target))
        return plans

    def plan(self, idx: int, procedure: str, variant: str, target: str) -> Plan:
        """A plan that reaches its target: some draws cannot (a warning-only proposal has no
        execution stage), so draw again — deterministically — until one does."""
        for _ in range(50):
            try:
                return self._draw(idx, procedure, variant, target)
            except Unreachable:
                continue
        raise RuntimeError(f"{procedure}/{variant}: no item and party reach {target}")

    def _draw(self, idx: int, procedure: str, variant: str, target: str) -> Plan:
        rng, world = self.rng, self.world
        candidates = [
            code for code, meta in world.item_meta.items() if _eligible(meta, procedure, variant, self.limits)
        ]
        agencies = sorted({world.items[c].agency.code for c in candidates})
        weights = [max(1, int(world.agency_meta[a].get("weight", 1))) for a in agencies]
        agency_code = rng.choices(agencies, weights)[0]
        code = rng.choice(sorted(c for c in candidates if world.items[c].agency.code == agency_code))
        item, meta = world.items[code], world.item_meta[code]
        agency = world.agencies[agency_code]
        spec = self.party(agency, meta, procedure, variant)
        plan = Plan(
            idx=idx,
            seed=rng.randrange(2**32),
            procedure=procedure,
            variant=variant,
            target=target,
            agency=agency,
            item=item,
            meta=meta,
            party_spec=spec,
            place=self.people.address(agency.division.code),
            bands=self.bands,
            limits=self.limits,
            articles=self._articles[item.pk],
            citations=self._citations[item.pk],
        )
        self.schedule(plan)
        self.assign(plan)
        return plan

    def party(self, agency: Agency, meta: dict[str, Any], procedure: str, variant: str) -> PartySpec:
        rng, people = self.rng, self.people
        kinds = list(meta.get("parties", ["organisation", "individual"]))
        if procedure == "penalty.general" and variant == "minor":
            kind = "person"
        elif procedure == "penalty.simple" and variant not in ("warning", "voided"):
            fine = meta["fine"]
            kind = rng.choice(
                [k for k in kinds if fine[0] <= self.limits["person" if k == "person" else "organisation"]]
            )
        else:
            kind = rng.choice(kinds)
        trade = "/".join(meta.get("trade") or meta.get("shops") or [meta["field"]])
        pool = self.parties.setdefault(f"{agency.code}:{kind}:{trade}", [])
        if pool and variant != "minor" and rng.random() < 0.15:  # repeat offenders and applicants
            return rng.choice(pool)
        division = agency.division.code
        self._party_keys += 1
        if kind == "person":
            minor = "child" if variant == "minor" else ("teen" if rng.random() < 0.06 else None)
            birth = people.birth(minor=minor, today=self.today)
            spec = PartySpec(
                self._party_keys,
                "person",
                {
                    "name": people.name(),
                    "id_number": people.id_number(division, birth),
                    "address": people.address(division),
                    "phone": people.phone(),
                },
                minor=minor,
            )
        else:
            field_code = meta["field"]
            individual = kind == "individual"
            owner = people.name()
            district = agency.division.name if agency.division.level != "city" else "云溪市"
            spec = PartySpec(
                self._party_keys,
                "organisation",
                {
                    "name": people.shop(field_code, district, owner, meta.get("shops"))
                    if individual
                    else people.company(field_code, trades=meta.get("trade")),
                    "credit_code": people.credit_code(division, individual=individual),
                    "legal_representative": owner,
                    "address": people.address(division),
                    "phone": people.phone(),
                    "is_individual_business": individual,
                },
            )
        if spec.minor is None:  # minors appear once, in the case made for them
            pool.append(spec)
        return spec

    # --- dates ---------------------------------------------------------------------------------

    def _build(self, plan: Plan, start: dt.date) -> list[scenarios.Act]:
        plan.rng.seed(plan.seed)
        builder = scenarios.Builder(start, plan.rng, self.days)
        plan.opened_on = builder.day
        scenarios.PATHS[plan.procedure](builder, plan)
        return _cut(plan, builder.acts)

    def schedule(self, plan: Plan) -> None:
        """Place the path in time: finished cases anywhere in the last 14 months, open ones recent
        (a few stale, so overdue deadlines show up), every act on a working day up to yesterday."""
        rng = self.rng
        trial = self._build(plan, self.cutoff - dt.timedelta(days=200))
        span = (trial[-1].day - plan.opened_on).days if trial else 0
        if plan.target in TERMINAL:
            earliest = self.today - dt.timedelta(days=HISTORY_DAYS)
            latest = self.cutoff - dt.timedelta(days=span + 1)
            room = (latest - earliest).days
            start = earliest + dt.timedelta(days=rng.randrange(room)) if room > 0 else latest
        else:
            back = rng.randrange(40, 150) if rng.random() < 0.15 else rng.randrange(0, 25)
            start = self.cutoff - dt.timedelta(days=back + span)
        for _ in range(8):
            acts = self._build(plan, start)
            last = acts[-1].day if acts else plan.opened_on
            if last <= self.cutoff:
                break
            start -= dt.timedelta(days=(last - self.cutoff).days + 1)
        else:  # pragma: no cover - the paths are far shorter than the history
            raise RuntimeError(f"cannot place plan {plan.idx} before {self.cutoff}")
        plan.acts = acts
        moment = _at(plan.opened_on, rng.randint(8 * 60 + 30, 10 * 60 + 30))
        plan.opened_at = moment
        for act in acts:
            if act.day == moment.date():
                moment = moment + dt.timedelta(minutes=rng.randint(10, 80) if moment.hour < 17 else 5)
            else:
                moment = _at(act.day, rng.randint(9 * 60, 17 * 60))
            act.at = moment

    def assign(self, plan: Plan) -> None:
        """Two handlers whose certificates cover the item's field for the whole case, and the head."""
        staff = self.world.staffing[plan.agency.code]
        first = plan.opened_on
        last = plan.acts[-1].day if plan.acts else first
        field_id = plan.item.field_id
        eligible = [
            o
            for o in staff.officers
            if any(c.covers(field_id, first, last) for c in self.world.certificates.get(o.pk, []))
        ]
        if len(eligible) < 2:
            raise RuntimeError(f"{plan.agency.code}: fewer than two qualified officers for plan {plan.idx}")
        names = {o.username: o for o in eligible}
        if "officer" in names and "officer2" in names and self.rng.random() < 0.6:
            pair = [names["officer"], names["officer2"]]
            self.rng.shuffle(pair)
        else:
            pair = self.rng.sample(eligible, 2)
        plan.lead, plan.partner = pair
        plan.head = staff.head


def _at(day: dt.date, minutes: int) -> dt.datetime:
    naive = dt.datetime.combine(day, dt.time(minutes // 60, minutes % 60))
    return timezone.make_aware(naive)


def _cut(plan: Plan, acts: list[scenarios.Act]) -> list[scenarios.Act]:
    """The acts up to the target stage (acts that keep the stage still run there)."""
    definition = registry.procedure(plan.procedure)
    stage, kept = definition.initial.code, []
    for act in acts:
        move = definition.transition(act.name)
        if stage == plan.target and move.target and move.target != stage:
            break
        if stage not in move.sources:
            raise RuntimeError(f"{plan.procedure}/{plan.variant}: {act.name} cannot run from {stage}")
        kept.append(act)
        stage = move.target or stage
    if stage != plan.target:
        raise Unreachable(f"{plan.procedure}/{plan.variant} never reaches {plan.target} (ends in {stage})")
    return kept


# --- walking ---------------------------------------------------------------------------------------


_TITLES = {
    "penalty.general": "{party}涉嫌{item}案",
    "penalty.simple": "{party}{item}",
    "coercion.measure": "{item}（{party}）",
    "coercion.enforcement": "{party}逾期不履行行政决定强制执行",
    "inspection": "{item}（{party}）",
    "permit": "{party}申请{item}",
    "levy": "{item}（{party}）",
    "confirmation": "{party}{item}",
}
_SOURCES = {
    "penalty.general": ("inspection", "complaint", "hotline", "referral", "assigned"),
    "penalty.simple": ("inspection",),
    "coercion.measure": ("inspection", "complaint"),
    "coercion.enforcement": ("other",),
    "inspection": ("inspection",),
    "permit": ("application",),
    "levy": ("application",),
    "confirmation": ("application",),
}


@dataclass
class Refusal:
    case: str
    transition: str
    code: str
    message: str


class Walker:
    def __init__(self, plans: list[Plan], hooks: DemoHooks, cast: Any):
        self.plans, self.hooks, self.cast = plans, hooks, cast
        self.refusals: list[Refusal] = []

    def run(self) -> None:
        timeline = [(p.opened_at, p.idx, -1) for p in self.plans]
        timeline += [(act.at, p.idx, n) for p in self.plans for n, act in enumerate(p.acts)]
        timeline.sort(key=lambda e: (e[0], e[1], e[2]))
        for moment, idx, n in timeline:
            plan = self.plans[idx]
            if plan.stuck:
                continue
            with clock.frozen(moment):
                if n < 0:
                    self.open(plan)
                else:
                    self.fire(plan, plan.acts[n])

    def open(self, plan: Plan) -> None:
        spec = plan.party_spec
        rng = random.Random(plan.seed ^ 0x5A5A)  # noqa: S311 - synthetic data
        title = _TITLES[plan.procedure].format(party=spec.name, item=plan.item.name)
        if plan.variant == "demolition":
            title = f"{spec.name}违法建筑物强制拆除"
        act_date = plan.opened_on - dt.timedelta(days=rng.randint(1, 30))
        facts = ""
        if plan.procedure.startswith("penalty") or plan.procedure == "coercion.measure":
            facts = f"{act_date:%Y年%m月%d日}，当事人在{plan.place}涉嫌{plan.item.name}。"
        with transaction.atomic():
            if spec.party is None:
                spec.party = case_services.register_party(
                    agency=plan.agency, actor=plan.lead, kind=spec.kind, **spec.fields
                )
            plan.case = case_services.open_case(
                agency=plan.agency,
                procedure=plan.procedure,
                actor=plan.lead,
                title=title[:200],
                party=spec.party,
                item=plan.item,
                handlers=[plan.lead, plan.partner],
                act_date=act_date if plan.procedure.startswith("penalty") else None,
                facts=facts,
                place=plan.place,
                source=rng.choice(_SOURCES[plan.procedure]),
            )

    def fire(self, plan: Plan, act: scenarios.Act) -> None:
        actor = {"lead": plan.lead, "partner": plan.partner, "head": plan.head}[act.actor]
        other = plan.partner if actor == plan.lead else plan.lead
        data = {
            k: [actor.username, other.username] if v == scenarios.OFFICERS else v for k, v in act.data.items()
        }
        try:
            with transaction.atomic():
                stage = plan.case.stage
                data.update(self.hooks.run_before(plan.case, act.name, self.cast) or {})
                plan.case.refresh_from_db()
                if plan.case.stage != stage and not _available(plan.case, act.name):
                    case = plan.case  # a hook performed the act through a richer service
                else:
                    case = case_services.transition(plan.case, act.name, actor=actor, data=data)
                self.hooks.run_after(case, act.name, self.cast)
        except DomainError as refusal:
            plan.stuck = f"{act.name}: {refusal.code}"
            self.refusals.append(Refusal(plan.case.number, act.name, refusal.code, refusal.message))
            log.warning(
                "demo: %s %s refused (%s): %s", plan.case.number, act.name, refusal.code, refusal.message
            )
            plan.case.refresh_from_db()
            return
        plan.case = case


def _available(case, name: str) -> bool:
    return any(t.name == name for t in case.definition.available(case.stage))
