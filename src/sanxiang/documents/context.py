"""The built-in providers: what a document can say about a case, as plain data.

Every legal number written into a document (payment period, surcharge, remedy periods, statement
and hearing windows, seizure term…) is read from its rule parameter (I8) and carries the citation,
so an agency that overrides a value gets documents that say its value.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from sanxiang.cases.choices import DeadlineStatus
from sanxiang.cases.models import Case, CaseEvent
from sanxiang.catalog import rules
from sanxiang.catalog.choices import DiscretionLevel, PartyKind, PenaltyType
from sanxiang.core import calendar, clock
from sanxiang.documents.formatting import cn_date, cn_int, money, rmb_upper
from sanxiang.documents.providers import provider

_OUTCOMES = {
    "penalty": "给予行政处罚",
    "no_penalty": "不予行政处罚",
    "not_established": "违法事实不能成立，不予行政处罚",
    "transfer": "移送司法机关",
    "grant": "准予行政许可",
    "refuse": "不予行政许可",
}
_UNIT_WORDS = {
    "working_days": "个工作日",
    "calendar_days": "日",
    "months": "个月",
    "years": "年",
    "hours": "小时",
}
_MEASURES = {
    "seal": "查封",
    "detain": "扣押",
    "freeze": "冻结",
    "restrict_liberty": "限制人身自由",
    "other": "其他行政强制措施",
}


def period(code: str, case: Case, on: dt.date | None = None) -> dict[str, Any]:
    """A rule parameter as documents write it: 十五日, 五个工作日, 六个月 — with its citation."""
    rule = rules.param(code, on=on or clock.today(), agency=case.agency)
    value = int(Decimal(str(rule.value)))
    return {
        "value": value,
        "text": f"{cn_int(value)}{_UNIT_WORDS.get(rule.unit, '')}",
        "unit": rule.unit,
        "citation": rule.citation,
        "rule": rule.code,
    }


def _date(value: Any) -> str:
    if not value:
        return ""
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value[:10])
        except ValueError:
            return value
    return cn_date(value)


def _last_event(case: Case, *names: str) -> CaseEvent | None:
    return case.events.filter(transition__in=names).order_by("-seq").first()


@provider("agency")
def agency(case: Case) -> dict[str, Any]:
    a = case.agency
    return {
        "name": a.name,
        "short_name": a.short_name,
        "address": a.address,
        "phone": a.phone,
        "complaint_channel": a.complaint_channel,
    }


@provider("case")
def case_facts(case: Case) -> dict[str, Any]:
    return {
        "number": case.number,
        "title": case.title,
        "facts": case.facts,
        "place": case.place,
        "act_date": cn_date(case.act_date),
        "procedure": str(case.definition.name),
        "stage": str(case.stage_name),
        "source": str(case.get_source_display()),
        "opened_on": cn_date(timezone.localtime(case.opened_at).date()),
        "filed_on": cn_date(case.filed_on),
        "decided_on": cn_date(case.decided_on),
        "served_on": cn_date(case.served_on),
        "closed_on": cn_date(case.closed_on),
        "item": case.item.name if case.item else "",
        "outcome": case.outcome,
        "outcome_label": _OUTCOMES.get(case.outcome, case.outcome),
        "report": case.attributes.get("report", ""),
        "handlers": "、".join(h.display_name for h in case.handlers.all()),
    }


@provider("party")
def party(case: Case) -> dict[str, Any] | None:
    p = case.party
    if p is None:
        return None
    person = p.kind == PartyKind.PERSON
    return {
        "name": p.name,
        "is_person": person,
        "kind": str(p.get_kind_display()),
        "id_label": "身份证件号码" if person else "统一社会信用代码",
        "id_number": p.id_number if person else p.credit_code,
        "legal_representative": p.legal_representative,
        "address": p.address,
        "phone": p.phone,
    }


def _officer_line(usernames: list[str], certificates: list[str], case: Case) -> list[dict[str, str]]:
    names = {u.username: u.display_name for u in case.agency.staff.filter(username__in=usernames)}
    return [
        {"name": names.get(u, u), "certificate": certificates[i] if i < len(certificates) else ""}
        for i, u in enumerate(usernames)
    ]


@provider("officers")
def officers(case: Case) -> dict[str, Any] | None:
    """执法人员及执法证号 — from the latest on-site act (I5 recorded the certificates it checked)."""
    event = case.events.filter(data__has_key="certificates").order_by("-seq").first()
    if event is None:
        return None
    people = _officer_line(event.data.get("officers", []), event.data.get("certificates", []), case)
    return {
        "list": people,
        "text": "、".join(f"{p['name']}（执法证号：{p['certificate']}）" for p in people),
        "act": event.label,
        "on": _date(event.data.get("acted_on") or timezone.localtime(event.at).date()),
    }


def _penalty_text(proposal) -> str:
    parts = []
    types = set(proposal.penalty_types or [])
    for value, label in PenaltyType.choices:
        if value not in types:
            continue
        if value == PenaltyType.FINE and proposal.fine_amount:
            parts.append(
                f"罚款人民币{money(proposal.fine_amount)}（大写：{rmb_upper(proposal.fine_amount)}）"
            )
        elif value in (PenaltyType.CONFISCATE_GAINS, PenaltyType.CONFISCATE_PROPERTY) and (
            proposal.confiscation_amount
        ):
            parts.append(f"{label}人民币{money(proposal.confiscation_amount)}")
        else:
            parts.append(str(label))
    return "；".join(parts)


@provider("proposal")
def proposal(case: Case) -> dict[str, Any] | None:
    p = case.current_proposal
    if p is None:
        return None
    basis = [a.citation for a in p.legal_basis.select_related("law")]
    return {
        "version": p.version,
        "outcome": p.outcome,
        "outcome_label": _OUTCOMES.get(p.outcome, p.outcome),
        "penalty": _penalty_text(p),
        "penalty_types": [str(PenaltyType(t).label) for t in p.penalty_types if t in PenaltyType.values],
        "fine": money(p.fine_amount),
        "fine_upper": rmb_upper(p.fine_amount) if p.fine_amount else "",
        "confiscation": money(p.confiscation_amount),
        "basis": "、".join(basis),
        "basis_text": p.basis_text,
        "discretion_level": str(DiscretionLevel(p.discretion_level).label) if p.discretion_level else "",
        "summary": p.summary,
        "reasons_evidence": p.reasons_evidence,
        "reasons_basis": p.reasons_basis,
        "reasons_discretion": p.reasons_discretion,
        "fingerprint": p.fingerprint,
    }


@provider("remedy")
def remedy(case: Case) -> dict[str, Any]:
    """REM-01/REM-02: the remedy route and its periods, stated in every decision."""
    reconsideration = period("REM-01.deadline", case)
    litigation = period("REM-02.direct", case)
    return {
        "reconsideration": reconsideration,
        "litigation": litigation,
        "text": (
            f"如不服本决定，可以在收到本决定书之日起{reconsideration['text']}内依法申请行政复议，"
            f"或者在{litigation['text']}内依法向人民法院提起行政诉讼。"
        ),
        "citation": f"{reconsideration['citation']}；{litigation['citation']}",
    }


@provider("payment")
def payment(case: Case) -> dict[str, Any] | None:
    """PEN-29 payment period and PEN-31 surcharge, when the decision includes a fine."""
    fine = case.fine_amount
    if fine is None and case.current_proposal is not None:
        fine = case.current_proposal.fine_amount
    if not fine:
        return None
    days = period("PEN-29.deadline", case)
    rate = rules.param("PEN-31.daily_rate", agency=case.agency)
    percent = (Decimal(str(rate.value)) * 100).normalize()
    due = case.deadlines.filter(code="payment").order_by("-pk").first()
    return {
        "period": days,
        "due_on": cn_date(due.due_on) if due else "",
        "rate": f"{percent}%",
        "text": (
            f"当事人应当自收到本决定书之日起{days['text']}内，到指定的银行或者通过电子支付系统缴纳罚款。"
            f"到期不缴纳罚款的，每日按罚款数额的{percent}%加处罚款，加处罚款的数额不超出罚款的数额。"
        ),
        "citation": f"{days['citation']}；{rate.citation}",
    }


@provider("notice")
def notice(case: Case) -> dict[str, Any]:
    """PEN-14/PEN-16, HEAR-01…03: the rights the party is told of, and their windows."""
    statement = period("SX-CASE-01.deadline", case)
    hearing = period("HEAR-03.deadline", case)
    served = case.attributes.get("notice_served_on")
    return {
        "statement": statement,
        "hearing": hearing,
        "hearing_right": _hearing_right(case),
        "served_on": _date(served),
        "statement_ends": _window_end(served, statement["value"]),
        "waived": bool(case.attributes.get("rights_waived")),
    }


def _window_end(served: str | None, days: int) -> str:
    if not served:
        return ""
    return cn_date(calendar.add_working_days(dt.date.fromisoformat(served), days))


def _hearing_right(case: Case) -> bool:
    """HEAR-01/HEAR-02: the right to a hearing applies to heavy penalties; a large fine is measured
    against the (sector) thresholds. The officer's explicit choice at notice prevails."""
    if "hearing_right" in case.attributes:
        return bool(case.attributes["hearing_right"])
    p = case.current_proposal
    if p is None:
        return False
    heavy = {
        PenaltyType.LOWER_QUALIFICATION,
        PenaltyType.REVOKE_LICENCE,
        PenaltyType.ORDER_SUSPENSION,
        PenaltyType.ORDER_CLOSURE,
        PenaltyType.RESTRICT_PRACTICE,
        PenaltyType.RESTRICT_ACTIVITY,
    }
    if heavy & set(p.penalty_types or []):
        return True
    person = case.party is not None and case.party.kind == PartyKind.PERSON
    key = "HEAR-02.natural_person_min" if person else "HEAR-02.organisation_min"
    threshold = rules.param(key, agency=case.agency).amount
    return (p.fine_amount or 0) + (p.confiscation_amount or 0) >= threshold


@provider("hearing")
def hearing(case: Case) -> dict[str, Any] | None:
    a = case.attributes
    if not a.get("hearing_requested_on"):
        return None
    held = _last_event(case, "hold_hearing")
    notice_rule = period("HEAR-04.min_notice", case)
    return {
        "requested_on": _date(a.get("hearing_requested_on")),
        "notified_on": _date(a.get("hearing_notified_on")),
        "on": _date(a.get("hearing_hearing_on")),
        "place": a.get("hearing_place", ""),
        "scheduled": bool(a.get("hearing_hearing_on")),
        "held": bool(a.get("hearing_held_on")),
        "held_on": _date(a.get("hearing_held_on")),
        "transcript": a.get("hearing_transcript", ""),
        "chair": held.actor.display_name if held and held.actor else "",
        "notice_period": notice_rule,
    }


@provider("inspection")
def inspection(case: Case) -> dict[str, Any] | None:
    event = _last_event(case, "inspect", "verify_on_site", "examine")
    if event is None or not event.data.get("findings"):
        return None
    return _act(case, event)


@provider("interview")
def interview(case: Case) -> dict[str, Any] | None:
    event = _last_event(case, "interview")
    return _act(case, event) if event else None


def _act(case: Case, event: CaseEvent) -> dict[str, Any]:
    people = _officer_line(event.data.get("officers", []), event.data.get("certificates", []), case)
    return {
        "on": _date(event.data.get("acted_on") or timezone.localtime(event.at).date()),
        "time": f"{timezone.localtime(event.at):%H:%M}",
        "findings": event.data.get("findings", ""),
        "interviewee": event.data.get("interviewee", ""),
        "officers": "、".join(f"{p['name']}（执法证号：{p['certificate']}）" for p in people),
        "recorder": event.actor.display_name if event.actor else "",
    }


@provider("preservation")
def preservation(case: Case) -> dict[str, Any] | None:
    event = _last_event(case, "preserve_evidence")
    if event is None:
        return None
    return {
        **_act(case, event),
        "items": event.data.get("items", ""),
        "period": period("PEN-12.deadline", case),
    }


@provider("seizure")
def seizure(case: Case) -> dict[str, Any] | None:
    """FORCE-06/FORCE-07: measure, items, term and its single extension."""
    a = case.attributes
    if not a.get("items") or case.procedure != "coercion.measure":
        return None
    term = case.deadlines.filter(code="term").order_by("-pk").first()
    event = _last_event(case, "execute", "execute_emergency")
    items = [line.strip() for line in str(a.get("items", "")).splitlines() if line.strip()]
    return {
        "measure": _MEASURES.get(a.get("measure", ""), "查封（扣押）"),
        "items": a.get("items", ""),
        "rows": [[str(i + 1), line, "", ""] for i, line in enumerate(items)],
        "estimated_value": money(a.get("estimated_value")),
        "place": a.get("place", ""),
        "term": period("FORCE-07.initial", case),
        "extension": period("FORCE-07.extension", case),
        "starts_on": cn_date(term.starts_on) if term else "",
        "due_on": cn_date(term.due_on) if term else "",
        "emergency": bool(a.get("emergency")),
        "on": _date(event.data.get("acted_on") or timezone.localtime(event.at).date()) if event else "",
    }


@provider("permit")
def permit(case: Case) -> dict[str, Any] | None:
    if case.procedure != "permit":
        return None
    accepted = _last_event(case, "accept")
    rejected = _last_event(case, "reject_application")
    decision = case.deadlines.filter(code="decision").order_by("-pk").first()
    return {
        "accepted_on": _date(accepted.data.get("acted_on") or accepted.at.date()) if accepted else "",
        "rejected_reason": rejected.data.get("summary", "") if rejected else "",
        "decision_period": period("LIC-03.single_agency", case),
        "decision_due_on": cn_date(decision.due_on) if decision else "",
        "licence_no": case.attributes.get("licence_no", ""),
        "valid_to": _date(case.attributes.get("valid_to")),
        "issue_period": period("LIC-06.deadline", case),
    }


@provider("demand")
def demand(case: Case) -> dict[str, Any] | None:
    a = case.attributes
    if case.procedure != "coercion.enforcement":
        return None
    decision = _last_event(case, "decide")
    return {
        "basis_document": a.get("basis_document", ""),
        "basis_served_on": _date(a.get("basis_served_on")),
        "served_on": _date(a.get("demand_served_on")),
        "amount": money(a.get("amount")),
        "amount_upper": rmb_upper(a["amount"]) if a.get("amount") else "",
        "period": period("SX-CASE-04.deadline", case),
        "method": (decision.data.get("method", "") if decision else "") or a.get("method", ""),
        "method_label": _enforcement_method(a.get("method", "")),
        "urgent": bool(a.get("urgent")),
        "summary": (
            _last_event(case, "demand").data.get("summary", "") if _last_event(case, "demand") else ""
        ),
    }


def _enforcement_method(code: str) -> str:
    from sanxiang.cases.procedures import ENFORCEMENT_METHODS

    return str(dict(ENFORCEMENT_METHODS).get(code, code))


@provider("closing")
def closing(case: Case) -> dict[str, Any]:
    events = case.events.select_related("actor").order_by("seq")
    executed = case.attributes.get("executed_on")
    close = _last_event(case, "close")
    return {
        "steps": [
            [_date(timezone.localtime(e.at).date()), str(e.label), e.actor.display_name if e.actor else ""]
            for e in events
        ],
        "executed_on": _date(executed),
        "execution": case.attributes.get("execution", ""),
        "summary": close.data.get("summary", "") if close else "",
        "closed_on": cn_date(case.closed_on),
    }


@provider("deadlines")
def deadlines(case: Case) -> list[dict[str, Any]]:
    return [
        {
            "label": str(d.label),
            "due_on": cn_date(d.due_on),
            "status": str(d.get_status_display()),
            "citation": d.citation,
        }
        for d in case.deadlines.exclude(status=DeadlineStatus.CANCELLED).order_by("due_on")
    ]


@provider("service")
def service(case: Case) -> dict[str, Any]:
    """送达回证: every numbered document of the case with how it was served (blank if not yet)."""
    from sanxiang.documents.models import Document, DocumentStatus

    rows = []
    docs = Document.objects.filter(case=case, status=DocumentStatus.ISSUED, number__isnull=False)
    for doc in docs.select_related("number").order_by("issued_at"):
        record = doc.services.order_by("-recorded_at").first()
        rows.append(
            [
                doc.title,
                doc.number_text,
                str(record.get_method_display()) if record else "",
                cn_date(record.served_on) if record else "",
                record.recipient if record else "",
            ]
        )
    return {"rows": rows, "count": len(rows)}
