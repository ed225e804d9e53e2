"""How apps built on `cases` take part in the demo without the base loader importing them.

Each app may have a module `sanxiang/<app>/demo.py` defining

    def register(hooks: DemoHooks) -> None

which the loader calls once, in INSTALLED_APPS order, before it walks the demo cases. Hooks:

* `hooks.before("decide", procedure="penalty.*")(fn)` — `fn(case, transition, cast)` runs before
  the walker fires that transition; it may do what the transition needs first (attach AV evidence
  to a seizure, pass a legal review, record reasons) and may return a dict of extra inputs.
* `hooks.after("decide")(fn)` — `fn(case, transition, cast)` after it fired (publish the
  decision, render the document…).
* `hooks.finally_(fn)` — `fn(cast)` once all demo cases exist (standalone data: catalogs, reports,
  late publications…). Each must be idempotent or check `cast.first_load`.

`cast` (`sanxiang.demo.loader.Cast`) holds the demo world: agencies and users by code/username, a
seeded `random.Random`, and today's date. In detail:

* `cast.today`, `cast.rng` (also `cast.random`), `cast.first_load`;
* `cast.agencies["yx-scjg"]`, `cast.users["officer"]`, `cast.items[code]`, `cast.world.staffing[code]`
  (officers, head, reviewer, editor, supervisors of an agency);
* `cast.cases` — the cases walked so far; `cast.plan_of(case)` — what the walker intends for it:
  `.variant` ("major", "hearing", "revoked", "emergency", "demolition"…), `.target` (the stage it
  stops at), `.lead`/`.partner`/`.head` (who acts), `.acts` (the remaining path).

Hooks run with the clock frozen at the moment of the act (`core.clock`), inside the act's
savepoint: a hook that raises `DomainError` makes the walker log the refusal and leave the case
at its stage, like a refusing guard.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import Any

TransitionHook = Callable[[Any, str, Any], dict | None]


@dataclass
class DemoHooks:
    _before: list[tuple[str, str, TransitionHook]] = field(default_factory=list)
    _after: list[tuple[str, str, TransitionHook]] = field(default_factory=list)
    _finally: list[Callable[[Any], None]] = field(default_factory=list)

    def before(self, transition: str, procedure: str = "*"):
        def register(fn: TransitionHook) -> TransitionHook:
            self._before.append((procedure, transition, fn))
            return fn

        return register

    def after(self, transition: str, procedure: str = "*"):
        def register(fn: TransitionHook) -> TransitionHook:
            self._after.append((procedure, transition, fn))
            return fn

        return register

    def finally_(self, fn: Callable[[Any], None]) -> Callable[[Any], None]:
        self._finally.append(fn)
        return fn

    def run_before(self, case, transition: str, cast) -> dict:
        extra: dict = {}
        for procedure, name, fn in self._before:
            if fnmatchcase(case.procedure, procedure) and fnmatchcase(transition, name):
                extra.update(fn(case, transition, cast) or {})
        return extra

    def run_after(self, case, transition: str, cast) -> None:
        for procedure, name, fn in self._after:
            if fnmatchcase(case.procedure, procedure) and fnmatchcase(transition, name):
                fn(case, transition, cast)

    def run_finally(self, cast) -> None:
        for fn in self._finally:
            fn(cast)
