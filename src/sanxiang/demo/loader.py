"""Load the demo — 云溪市, a fictional prefecture-level city — into the database, once.

    sanxiang demo            # or: make run (after migrate and keys)

Everything goes through the services (org, catalog, cases), so the demo holds every invariant and
every case has its full record: reference data first (reference.py), then about 300 cases planned
(walker.Planner) and walked through the workflow engine in date order (walker.Walker) over the
last 14 months, with the hooks of the apps built on `cases` (hooks.py) taking part.

Loading is deterministic for a given seed and day, runs in one transaction, and marks itself done
with the sequence `demo:base`: a second run changes nothing and only prints the accounts.
"""

from __future__ import annotations

import datetime as dt
import importlib
import importlib.util
import random
import sys
import time
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models import Count

from sanxiang.core import calendar, clock, sequences, ticks
from sanxiang.core.roles import Role
from sanxiang.demo import reference
from sanxiang.demo.hooks import DemoHooks
from sanxiang.demo.people import People
from sanxiang.demo.reference import World
from sanxiang.demo.walker import Plan, Planner, Refusal, Walker
from sanxiang.org import otp

MARKER = "demo:base"
SEED = 20260301


@dataclass
class Cast:
    """The demo world as the hooks see it (hooks.py): agencies and users by code and username, a
    seeded random, today's date, and whether this run loaded the demo (`first_load`)."""

    today: dt.date
    rng: random.Random
    world: World
    first_load: bool
    size: float = 1.0
    plans: list[Plan] = field(default_factory=list)
    refusals: list[Refusal] = field(default_factory=list)
    seconds: float = 0.0
    _by_case: dict[int, Plan] = field(default_factory=dict, repr=False)

    @property
    def agencies(self):
        return self.world.agencies

    @property
    def users(self):
        return self.world.users

    @property
    def items(self):
        return self.world.items

    @property
    def random(self) -> random.Random:
        return self.rng

    @property
    def cases(self) -> list:
        return [p.case for p in self.plans if p.case is not None]

    def plan_of(self, case) -> Plan | None:
        """The walker's plan for `case` (its variant, target stage, actors and path)."""
        if case.pk not in self._by_case:
            self._by_case.update({p.case.pk: p for p in self.plans if p.case is not None})
        return self._by_case.get(case.pk)


def is_loaded() -> bool:
    return sequences.current_value(MARKER) > 0


def discover_hooks() -> DemoHooks:
    """`sanxiang.<app>.demo.register(hooks)` of every installed app that has one, in INSTALLED_APPS order."""
    hooks = DemoHooks()
    for config in apps.get_app_configs():
        if not config.name.startswith("sanxiang."):
            continue
        name = f"{config.name}.demo"
        if importlib.util.find_spec(name) is None:
            continue
        importlib.import_module(name).register(hooks)
    return hooks


def load(stdout=None, *, size: float = 1.0, seed: int = SEED, hooks: DemoHooks | None = None) -> Cast:
    """Load the demo if it is not there yet; print what there is. `size` scales the number of cases
    (every procedure and stage stays present at any size)."""
    out = stdout or sys.stdout
    started = time.perf_counter()
    now, today = clock.now(), clock.today()
    hooks = hooks or discover_hooks()
    rng = random.Random(seed)  # noqa: S311 - synthetic data, reproducible on purpose
    people = People(random.Random(seed + 1))  # noqa: S311
    reference_day = calendar.add_months(today, -16)
    with transaction.atomic():  # SQLite: IMMEDIATE, so a second loader waits here, then sees the marker
        if is_loaded():
            cast = Cast(today, rng, reference.reload(World()), first_load=False, size=size)
            hooks.run_finally(cast)
            otp.enrol_demo_accounts()
            report(out, cast)
            return cast
        _refuse_foreign_data()
        with clock.frozen(dt.datetime.combine(reference_day, dt.time(9, 0))):
            world, _admin = reference.build(people, today=today, reference_day=reference_day)
        cast = Cast(today, rng, world, first_load=True, size=size)
        cast.plans = Planner(world, rng, people, today=today, size=size).plans()
        walker = Walker(cast.plans, hooks, cast)
        walker.run()
        cast.refusals = walker.refusals
        with clock.frozen(now):
            ticks.run_all()
            hooks.run_finally(cast)
            otp.enrol_demo_accounts()  # after the hooks: some of them add supervisors
            sequences.next_value(MARKER)
    cast.seconds = time.perf_counter() - started
    report(out, cast)
    return cast


def _refuse_foreign_data() -> None:
    from sanxiang.org.models import Agency

    codes = [a["code"] for a in reference.read("city.yaml")["agencies"]]
    clash = Agency.objects.filter(code__in=codes).values_list("code", flat=True).first()
    if clash:
        raise RuntimeError(
            f"数据库中已有机关“{clash}”，但没有演示数据标记（{MARKER}）：演示数据只能载入空数据库。"
        )


# --- what the command prints ---------------------------------------------------------------------


def data_location() -> list[str]:
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        where = f"SQLite {db['NAME']}"
    else:
        where = f"PostgreSQL {db.get('HOST') or 'localhost'}:{db.get('PORT') or 5432}/{db['NAME']}"
    return [
        f"database: {where}",
        f"files:    {settings.MEDIA_ROOT}",
        f"keys:     {settings.SANXIANG_KEY_DIR}",
    ]


def accounts() -> list[tuple[str, str, str, str]]:
    from sanxiang.core.roles import Role
    from sanxiang.org.models import User

    names = [a["username"] for a in reference.read("city.yaml")["accounts"]]
    users = {u.username: u for u in User.objects.filter(username__in=names).select_related("agency")}
    rows = []
    for name in names:
        user = users.get(name)
        if user is not None:
            roles = "、".join(str(Role(r).label) for r in sorted(user.roles))
            rows.append((name, user.full_name, user.agency.name if user.agency else "", roles))
    return rows


def model_counts() -> list[tuple[str, int]]:
    rows = []
    for model in apps.get_models():
        if model.__module__.startswith("sanxiang."):
            rows.append((model._meta.label, model.objects.count()))
    return [(label, n) for label, n in rows if n]


def report(out, cast: Cast) -> None:
    write = out.write
    if cast.first_load:
        write(f"Loaded the demo (云溪市) in {cast.seconds:.1f} s.\n")
        write("Counts:\n")
        for label, n in model_counts():
            write(f"  {label:<32} {n:>7}\n")
        from sanxiang.cases.models import Case

        write("Cases by procedure:\n")
        rows = Case.objects.values("procedure").annotate(n=Count("id"), stages=Count("stage", distinct=True))
        for row in rows.order_by("procedure"):
            write(f"  {row['procedure']:<22} {row['n']:>5} cases in {row['stages']} stages\n")
        for refusal in cast.refusals:
            write(f"  refused: {refusal.case} {refusal.transition} ({refusal.code}) {refusal.message}\n")
    else:
        write("The demo (云溪市) is already loaded; nothing was changed.\n")
    write(f"Demo accounts (password: {settings.DEMO_PASSWORD}; other staff log in as <agency>.<n>):\n")
    for username, name, agency, roles in accounts():
        write(f"  {username:<10} {name:<8} {agency:<18} {roles}\n")
    roles = "、".join(str(Role(r).label) for r in settings.SANXIANG_OTP_REQUIRED_ROLES if r in Role.values)
    if roles:
        write(
            f"Two-factor ({roles}): add the TOTP secret {otp.DEMO_SECRET} to any authenticator app"
            " and type its 6-digit code after the password (docs/demo.md).\n"
        )
    for line in data_location():
        write(f"{line}\n")
