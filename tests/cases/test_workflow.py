"""Every procedure walked from start to end through the service, and the engine's own rules."""

import pytest

from sanxiang.cases import services
from sanxiang.cases.models import CaseEvent
from sanxiang.cases.procedures import ALL
from sanxiang.cases.workflow import registry
from sanxiang.core.errors import DomainError, Forbidden, InvalidInput
from tests.cases.walk import PATHS, walk

pytestmark = pytest.mark.django_db


def test_every_procedure_has_a_happy_path_in_the_tests():
    assert set(PATHS) == {p.code for p in ALL} == {p.code for p in registry.procedures()}


@pytest.mark.parametrize("code", sorted(PATHS))
def test_walk_procedure_to_the_end(world, code):
    case = world.case(code)
    case = walk(world, case, PATHS[code])
    assert case.is_closed, f"{code} ended in {case.stage}"
    assert case.closed_on is not None
    events = list(case.events.order_by("seq").values_list("transition", flat=True))
    assert events == ["open", *[name for name, _ in PATHS[code]]]
    assert case.version == len(PATHS[code]) + 1


def test_transition_not_allowed_from_stage_changes_nothing(world):
    case = world.case()
    with pytest.raises(DomainError) as refused:
        services.transition(case, "decide", actor=world.head, data={})
    assert refused.value.code == "case.transition.not_allowed"
    case.refresh_from_db()
    assert case.stage == "clue" and case.version == 1
    assert CaseEvent.objects.filter(case=case).count() == 1


def test_unknown_transition_and_unknown_input(world):
    case = world.case()
    with pytest.raises(InvalidInput):
        services.transition(case, "teleport", actor=world.head)
    with pytest.raises(InvalidInput) as refused:
        services.transition(case, "file", actor=world.head, data={"bogus": 1})
    assert refused.value.field == "bogus"


def test_roles_are_enforced(world):
    case = world.case()
    with pytest.raises(Forbidden) as refused:
        services.transition(case, "file", actor=world.officer)
    assert refused.value.code == "case.transition.role"


def test_handler_cannot_approve_own_case(world):
    from sanxiang.core.roles import Role
    from tests.factories import staff

    head_handler = staff(world.agency, Role.HEAD, Role.OFFICER)
    case = services.open_case(
        agency=world.agency,
        procedure="penalty.general",
        actor=head_handler,
        title="x",
        handlers=[head_handler],
    )
    with pytest.raises(Forbidden) as refused:
        services.transition(case, "file", actor=head_handler)
    assert refused.value.code == "case.sod.handler_approves"


def test_a_head_cannot_approve_what_they_registered(world):
    case = services.open_case(
        agency=world.agency,
        procedure="penalty.general",
        actor=world.head,
        title="x",
        handlers=[world.officer, world.partner],
    )
    with pytest.raises(Forbidden) as refused:
        services.transition(case, "file", actor=world.head)
    assert refused.value.code == "case.sod.own_act"


def test_stale_version_is_refused(world):
    case = world.case()
    with pytest.raises(DomainError) as refused:
        services.transition(case, "file", actor=world.head, expected_version=case.version + 1)
    assert refused.value.code == "case.stale"
    services.transition(case, "file", actor=world.head, expected_version=case.version)


def test_inputs_are_validated(world):
    case = walk(world, world.case(), PATHS["penalty.general"][:4])
    with pytest.raises(InvalidInput) as refused:
        services.transition(case, "notify", actor=world.officer, data={"served_on": "2026-13-40"})
    assert refused.value.field == "served_on"
    with pytest.raises(InvalidInput) as refused:
        services.transition(case, "notify", actor=world.officer, data={"served_on": "2099-01-01"})
    assert "不能晚于今天" in refused.value.message


def test_definitions_are_consistent():
    for procedure in registry.procedures():
        procedure.validate()
        assert not procedure.initial.terminal
        assert any(s.terminal for s in procedure.stages)
