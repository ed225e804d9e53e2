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


def hearing_case(world):
    """A general-procedure case whose party asked for a hearing that was then held."""
    case = general_case(world, until="propose")
    steps = [
        ("notify", "officer", {"served_on": "2026-02-02", "hearing_right": True}),
        ("request_hearing", "officer", {"requested_on": "2026-02-03"}),
        (
            "schedule_hearing",
            "officer",
            {"notified_on": "2026-02-04", "hearing_on": "2026-02-26", "place": "本局听证室"},
        ),
        (
            "hold_hearing",
            "head",
            {"acted_on": "2026-02-26", "transcript": "当事人对违法事实无异议，请求从轻处罚。"},
        ),
    ]
    for name, who, data in steps:
        case = case_services.transition(case, name, actor=getattr(world, who), data=data)
    return case


def fire(world, case, name, who="officer", **data):
    return case_services.transition(case, name, actor=getattr(world, who), data=data)


REVIEW = {
    "reviewer": "王法制",
    "submitted_on": "2026年3月1日",
    "reviewed_on": "2026年3月3日",
    "conclusion": "同意",
    "opinion": "事实清楚，证据确凿，适用依据正确，程序合法，裁量适当。",
    "findings": ["主体合法", "事实清楚", "程序合法"],
}
DISCUSSION = {
    "held_on": "2026年3月4日",
    "chair": "局长",
    "attendees": "局领导班子成员",
    "recorder": "办公室",
    "discussion": "与会人员一致认为应予处罚。",
    "conclusion": "同意拟处理意见。",
}
