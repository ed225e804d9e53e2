"""Drive a case through its procedure with plausible inputs — shared by tests, e2e and the demo."""

from __future__ import annotations

import datetime as dt

from sanxiang.cases import services
from sanxiang.core import clock

PROPOSAL = {
    "outcome": "penalty",
    "penalty_types": ["fine"],
    "fine_amount": "8000",
    "summary": "拟处罚款八千元。",
    "reasons_evidence": "现场检查笔录、询问笔录与抽检报告相互印证。",
    "reasons_basis": "违法行为符合《食品安全法》第一百二十四条规定的情形。",
    "reasons_discretion": "首次违法，积极配合调查，在一般阶次内从轻。",
}


def inputs_for(world, case, name: str) -> dict:
    today = clock.today()
    officers = world.officers()
    basis = [str(a.pk) for a in case.item.penalty_basis.all()] if case.item else []
    table = {
        "inspect": {"officers": officers, "findings": "现场发现过期食品12件。"},
        "interview": {"officers": officers, "interviewee": "李四", "findings": "当事人承认销售。"},
        "conclude_investigation": {"report": "事实清楚，证据确凿。"},
        "propose": {**PROPOSAL, "legal_basis": basis},
        "notify": {"served_on": today.isoformat(), "hearing_right": False, "rights_waived": True},
        "decide": {"method": "surcharge"} if case.procedure == "coercion.enforcement" else {},
        "serve": {"served_on": today.isoformat(), "method": "direct"},
        "record_execution": {"execution": "paid", "amount": "8000"},
        "close": {"summary": "结案。"},
        "decide_on_site": {
            "officers": officers,
            "outcome": "penalty",
            "penalty_types": ["fine"],
            "fine_amount": "100",
            "legal_basis": basis,
            "summary": "占道经营。",
        },
        "record_payment": {"amount": "100"},
        "approve": {"measure": "seal"}
        if case.procedure == "coercion.measure"
        else {"basis": "年度检查计划", "planned": True},
        "execute": {"officers": officers, "measure": "seal", "items": "冷柜2台", "place": "测试路1号"}
        if case.procedure == "coercion.measure"
        else {"officers": officers, "summary": "执行完毕。"},
        "lift": {"ground": "decided"},
        "demand": {"served_on": (today - dt.timedelta(days=30)).isoformat(), "amount": "8000"},
        "conclude": {"outcome": "no_problem", "summary": "未发现问题。"},
        "accept": {},
        "examine": {"outcome": "grant", "summary": "符合条件。", "legal_basis": basis}
        if case.procedure == "permit"
        else {"officers": officers, "findings": "核实无误。"},
    }
    if case.procedure in ("levy", "confirmation") and name == "propose":
        return {"outcome": "levy" if case.procedure == "levy" else "confirm", "summary": "拟决定。"}
    declared = {i.name for i in case.definition.transition(name).inputs}
    return {k: v for k, v in table.get(name, {}).items() if k in declared}


# The happy path of every procedure: (transition, who fires it).
PATHS = {
    "penalty.general": [
        ("file", "head"),
        ("inspect", "officer"),
        ("conclude_investigation", "officer"),
        ("propose", "officer"),
        ("notify", "officer"),
        ("decide", "head"),
        ("serve", "officer"),
        ("record_execution", "officer"),
        ("close", "head"),
    ],
    "penalty.simple": [("decide_on_site", "officer"), ("record_payment", "officer"), ("close", "officer")],
    "coercion.measure": [("approve", "head"), ("execute", "officer"), ("lift", "officer"), ("close", "head")],
    "coercion.enforcement": [
        ("demand", "officer"),
        ("decide", "head"),
        ("execute", "officer"),
        ("close", "head"),
    ],
    "inspection": [("approve", "head"), ("inspect", "officer"), ("conclude", "officer"), ("close", "head")],
    "permit": [
        ("accept", "officer"),
        ("examine", "officer"),
        ("decide", "head"),
        ("serve", "officer"),
        ("close", "head"),
    ],
    "levy": [
        ("examine", "officer"),
        ("propose", "officer"),
        ("decide", "head"),
        ("serve", "officer"),
        ("record_execution", "officer"),
        ("close", "head"),
    ],
    "confirmation": [
        ("examine", "officer"),
        ("propose", "officer"),
        ("decide", "head"),
        ("serve", "officer"),
        ("close", "head"),
    ],
}


def walk(world, case, steps):
    from tests.records.helpers import prepare_act

    for name, who in steps:
        data = inputs_for(world, case, name)
        prepare_act(world, case, name, data)  # e.g. the body-camera video a seizure needs (I4)
        case = services.transition(case, name, actor=getattr(world, who), data=data)
    return case
