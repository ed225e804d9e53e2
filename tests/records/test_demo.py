"""The demo hooks: a seizure and a forced demolition get their body-camera video before they fire,
inspections get photos, supervisors read with reasons, and the result verifies."""

import random
from types import SimpleNamespace

import pytest

from sanxiang.cases import services
from sanxiang.core.roles import Role
from sanxiang.demo.hooks import DemoHooks
from sanxiang.records import demo
from sanxiang.records.models import AVCoverage, Checkpoint, Entry
from sanxiang.records.verify import verify
from tests.cases.walk import PATHS, inputs_for
from tests.factories import staff

pytestmark = pytest.mark.django_db


def test_demo_hooks_record_what_the_acts_need(world):
    hooks = DemoHooks()
    demo.register(hooks)
    cast = SimpleNamespace(rng=random.Random(1), first_load=True)

    def fire(case, name, who):
        extra = hooks.run_before(case, name, cast)
        data = {**inputs_for(world, case, name), **extra}
        case = services.transition(case, name, actor=getattr(world, who), data=data)
        hooks.run_after(case, name, cast)
        return case

    seizure = world.case("coercion.measure", sensitive=True)
    for name, who in PATHS["coercion.measure"]:
        seizure = fire(seizure, name, who)
    assert AVCoverage.objects.filter(event__case=seizure, evidence__device_number__startswith="DSJ").exists()
    inspected = world.case()
    for name, who in PATHS["penalty.general"][:2]:
        inspected = fire(inspected, name, who)
    staff(world.agency, Role.SUPERVISOR, certified=False)
    staff(world.agency, Role.OFFICER)  # a colleague who asks to read the sensitive case
    hooks.run_finally(cast)
    assert Entry.objects.filter(kind="access.approved").exists()
    assert Checkpoint.objects.exists()
    assert verify().ok
