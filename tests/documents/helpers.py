"""Cases at the stages documents need, built through the services (tests/cases/walk.py)."""

from __future__ import annotations

from sanxiang.cases import services as case_services
from tests.cases.walk import PATHS, walk
from tests.factories import credit_code


def party_with_address(world, name="云岭食品贸易有限公司"):
    return case_services.register_party(
        agency=world.agency,
        actor=None,
        kind="organisation",
        name=name,
        credit_code=credit_code(),
        legal_representative="李四",
        address="测试市测试区人民路18号",
    )


def general_case(world, until: str = "decide", **fields):
    """A general-procedure penalty case walked up to and including `until`."""
    fields.setdefault("facts", "2026年2月20日，当事人在其经营场所销售超过保质期的预包装食品12件。")
    fields.setdefault("place", "测试市测试区人民路18号")
    case = world.case(party=party_with_address(world), **fields)
    steps = PATHS["penalty.general"]
    index = [name for name, _ in steps].index(until)
    return walk(world, case, steps[: index + 1])
