"""The workflow language: procedures, stages, transitions, inputs, guards, deadlines.

Each procedure is one declarative `Procedure` (cases/procedures.py). The same object drives the
engine (`services.transition`), the buttons and forms of the staff UI, the API's list of
available transitions, and the flowchart published on the portal — so what is published is what
is enforced.

Apps built on `cases` add guards and effects by registration at start-up (`registry.add_guard`),
never by being imported here: e.g. the review app registers "a passed review of the current
proposal" on `decide`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from fnmatch import fnmatchcase
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from sanxiang.cases.choices import Step
from sanxiang.core import clock
from sanxiang.core.errors import InvalidInput

if TYPE_CHECKING:
    from sanxiang.cases.models import Case
    from sanxiang.org.models import User


# --- inputs ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Input:
    """One value a user supplies when firing a transition (a form field, an API `data` key)."""

    name: str
    label: str
    kind: str = "text"  # text | textarea | date | decimal | bool | choice | multichoice | officers | articles
    required: bool = True
    choices: tuple[tuple[str, str], ...] = ()
    help: str = ""
    not_future: bool = True  # dates of acts cannot lie in the future; scheduled dates set False

    def clean(self, raw: Any) -> Any:
        empty = raw is None or raw == "" or raw == [] or raw == ()
        if empty:
            if self.required and self.kind != "bool":
                raise InvalidInput(
                    "case.input.required",
                    _("请填写“%(label)s”。") % {"label": _(self.label)},
                    field=self.name,
                )
            return False if self.kind == "bool" else ([] if self.kind in _LIST_KINDS else None)
        cleaner = getattr(self, f"_clean_{self.kind}")
        return cleaner(raw)

    def _fail(self, template: str) -> InvalidInput:
        """`template` is a gettext msgid with a `%(label)s` placeholder for this input's label."""
        return InvalidInput("case.input.invalid", _(template) % {"label": _(self.label)}, field=self.name)

    def _clean_text(self, raw: Any) -> str:
        text = str(raw).strip()
        if len(text) > 20000:
            raise self._fail(N_("“%(label)s”过长。"))
        if self.required and not text:
            raise InvalidInput(
                "case.input.required", _("请填写“%(label)s”。") % {"label": _(self.label)}, field=self.name
            )
        return text

    _clean_textarea = _clean_text

    def _clean_date(self, raw: Any) -> dt.date:
        if isinstance(raw, dt.datetime):
            raw = raw.date()
        if isinstance(raw, dt.date):
            value = raw
        else:
            try:
                value = dt.date.fromisoformat(str(raw).strip())
            except ValueError:
                raise self._fail(N_("“%(label)s”不是有效日期（格式：YYYY-MM-DD）。")) from None
        if self.not_future and value > clock.today():
            raise self._fail(N_("“%(label)s”不能晚于今天。"))
        if value.year < 1990:
            raise self._fail(N_("“%(label)s”不是有效日期。"))
        return value

    def _clean_decimal(self, raw: Any) -> Decimal:
        try:
            value = Decimal(str(raw).replace(",", "").strip())
        except InvalidOperation:
            raise self._fail(N_("“%(label)s”不是有效金额。")) from None
        if not value.is_finite() or value < 0 or value >= Decimal("1e12"):
            raise self._fail(N_("“%(label)s”不是有效金额。"))
        return value.quantize(Decimal("0.01"))

    def _clean_bool(self, raw: Any) -> bool:
        if isinstance(raw, bool):
            return raw
        return str(raw).lower() in {"1", "true", "on", "yes", "是"}

    def _clean_choice(self, raw: Any) -> str:
        value = str(raw)
        if value not in {c for c, _ in self.choices}:
            raise self._fail(N_("“%(label)s”的取值无效。"))
        return value

    def _clean_multichoice(self, raw: Any) -> list[str]:
        values = [raw] if isinstance(raw, str) else list(raw)
        allowed = {c for c, _ in self.choices}
        if not all(isinstance(v, str) and v in allowed for v in values):
            raise self._fail(N_("“%(label)s”的取值无效。"))
        return sorted(set(values))

    def _clean_ids(self, raw: Any) -> list[str]:
        values = [raw] if isinstance(raw, (str, int)) else list(raw)
        if len(values) > 50:
            raise self._fail(N_("“%(label)s”过多。"))
        return [str(v).strip() for v in values if str(v).strip()]

    _clean_officers = _clean_ids
    _clean_articles = _clean_ids


_LIST_KINDS = {"multichoice", "officers", "articles"}


# --- deadlines -------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeadlineSpec:
    """A time limit a transition starts: its length is the rule parameter `rule` (I8)."""

    code: str
    label: str
    rule: str
    start_input: str | None = None  # a date input the period runs from; else the act date
    extension_rule: str | None = None
    when: Callable[[TransitionContext], bool] | None = None  # start only if this holds


# --- transitions, stages, procedures ---------------------------------------------------------

Guard = Callable[["TransitionContext"], None]
Effect = Callable[["TransitionContext"], None]


@dataclass(frozen=True)
class Stage:
    code: str
    name: str
    step: Step
    terminal: bool = False


@dataclass(frozen=True)
class Transition:
    """A move from one of `sources` to `target` (None: an act that leaves the stage unchanged)."""

    name: str
    label: str
    sources: tuple[str, ...]
    target: str | None
    roles: frozenset[str]
    inputs: tuple[Input, ...] = ()
    guards: tuple[Guard, ...] = ()
    effects: tuple[Effect, ...] = ()
    starts: tuple[DeadlineSpec, ...] = ()
    stops: tuple[str, ...] = ()
    on_site: bool = False  # I5: two officers with valid certificates for the item's field
    approval: bool = False  # I6: never fired by a handler of the case
    handler_only: bool = False  # only a handler of the case may fire it
    act: str = ""  # what the act is, for rules keyed on it (e.g. seizure → AV required)
    step: Step | None = None  # the record step, when it differs from the target stage's
    style: str = "primary"
    description: str = ""

    @property
    def is_act(self) -> bool:
        return self.target is None

    def input(self, name: str) -> Input | None:
        return next((i for i in self.inputs if i.name == name), None)


@dataclass(frozen=True)
class Procedure:
    code: str
    name: str
    category: str
    stages: tuple[Stage, ...]
    transitions: tuple[Transition, ...]
    description: str = ""
    decision_deadline: str | None = None  # code of the deadline the dashboards call "legal time limit"

    @property
    def initial(self) -> Stage:
        return self.stages[0]

    def stage(self, code: str) -> Stage:
        for stage in self.stages:
            if stage.code == code:
                return stage
        raise KeyError(f"{self.code}: no stage {code!r}")

    def transition(self, name: str) -> Transition:
        for t in self.transitions:
            if t.name == name:
                return t
        raise KeyError(f"{self.code}: no transition {name!r}")

    def available(self, stage: str) -> list[Transition]:
        return [t for t in self.transitions if stage in t.sources]

    def validate(self) -> None:
        """Fail at start-up, not in a user's hands, if a definition is inconsistent."""
        codes = {s.code for s in self.stages}
        names = [t.name for t in self.transitions]
        assert len(names) == len(set(names)), f"{self.code}: duplicate transition names"
        for t in self.transitions:
            assert set(t.sources) <= codes, f"{self.code}.{t.name}: unknown source"
            assert t.target is None or t.target in codes, f"{self.code}.{t.name}: unknown target"
            assert t.roles, f"{self.code}.{t.name}: no role may fire it"
        reachable, frontier = {self.initial.code}, [self.initial.code]
        while frontier:
            stage = frontier.pop()
            for t in self.available(stage):
                if t.target and t.target not in reachable:
                    reachable.add(t.target)
                    frontier.append(t.target)
        assert reachable == codes, f"{self.code}: unreachable stages {codes - reachable}"


# --- the context a guard or effect sees ------------------------------------------------------


@dataclass
class TransitionContext:
    case: Case
    procedure: Procedure
    transition: Transition
    actor: User
    data: dict[str, Any]
    reason: str = ""
    now: dt.datetime = field(default_factory=clock.now)
    extras: dict[str, Any] = field(default_factory=dict)  # what effects hand to later effects/reactions

    @property
    def today(self) -> dt.date:
        return clock.today()

    @property
    def act_date(self) -> dt.date:
        """The day of the act: `acted_on`, else the transition's first date input recording an act
        (served_on, requested_on…: a deadline the act stops is met on that day), else today."""
        if self.data.get("acted_on"):
            return self.data["acted_on"]
        for spec in self.transition.inputs:
            value = self.data.get(spec.name)
            if spec.kind == "date" and spec.not_future and isinstance(value, dt.date):
                return value
        return self.today


# --- registry --------------------------------------------------------------------------------


@dataclass
class _Hook:
    procedure: str
    transition: str
    fn: Callable[[TransitionContext], None]

    def matches(self, procedure: str, transition: str) -> bool:
        return fnmatchcase(procedure, self.procedure) and fnmatchcase(transition, self.transition)


class Registry:
    """All procedures, plus guards and effects other apps register on them."""

    def __init__(self) -> None:
        self._procedures: dict[str, Procedure] = {}
        self._guards: list[_Hook] = []
        self._effects: list[_Hook] = []
        self._previews: list[_Hook] = []

    def register(self, procedure: Procedure) -> Procedure:
        procedure.validate()
        self._procedures[procedure.code] = procedure
        return procedure

    def procedure(self, code: str) -> Procedure:
        return self._procedures[code]

    def procedures(self) -> list[Procedure]:
        return list(self._procedures.values())

    def add_guard(self, fn: Guard, *, procedure: str = "*", transition: str = "*") -> Guard:
        self._guards.append(_Hook(procedure, transition, fn))
        return fn

    def add_effect(self, fn: Effect, *, procedure: str = "*", transition: str = "*") -> Effect:
        self._effects.append(_Hook(procedure, transition, fn))
        return fn

    def add_preview(self, fn: Guard, *, procedure: str = "*", transition: str = "*") -> Guard:
        """A check that needs no input, run when the case page lists the next steps, so a step that
        will be refused shows as blocked with the reason before anyone fills its form."""
        self._previews.append(_Hook(procedure, transition, fn))
        return fn

    def previews_for(self, procedure: str, transition: str) -> list[Guard]:
        return [h.fn for h in self._previews if h.matches(procedure, transition)]

    def guard(self, *, procedure: str = "*", transition: str = "*") -> Callable[[Guard], Guard]:
        return lambda fn: self.add_guard(fn, procedure=procedure, transition=transition)

    def effect(self, *, procedure: str = "*", transition: str = "*") -> Callable[[Effect], Effect]:
        return lambda fn: self.add_effect(fn, procedure=procedure, transition=transition)

    def guards_for(self, procedure: str, transition: str) -> list[Guard]:
        return [h.fn for h in self._guards if h.matches(procedure, transition)]

    def effects_for(self, procedure: str, transition: str) -> list[Effect]:
        return [h.fn for h in self._effects if h.matches(procedure, transition)]

    def remove(self, fn: Callable) -> None:
        """Unregister a hook (tests only)."""
        self._guards = [h for h in self._guards if h.fn is not fn]
        self._effects = [h for h in self._effects if h.fn is not fn]
        self._previews = [h for h in self._previews if h.fn is not fn]


registry = Registry()


def roles(*codes: str) -> frozenset[str]:
    return frozenset(codes)


def choices_of(enum: Any) -> tuple[tuple[str, str], ...]:
    return tuple((value, str(label)) for value, label in enum.choices)


ACTED_ON = Input("acted_on", N_("实施日期"), "date", required=False, help=N_("默认为今天"))
OFFICERS = Input("officers", N_("执法人员"), "officers", help=N_("至少两名持有效执法证的执法人员"))
