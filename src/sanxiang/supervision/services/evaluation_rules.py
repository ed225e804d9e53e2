"""The checks behind the case-file evaluation rules (案卷评查). Each check reads one case and returns
None when it passes or a (message, detail) pair when it fails. Which checks run, their points,
severity, parameters and sources are data: supervision/data/evaluation-rules.yaml."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from sanxiang.catalog.choices import PartyKind

Result = tuple[str, dict[str, Any]] | None
CHECKS: dict[str, Callable[[Any, dict[str, Any]], Result]] = {}


def check(name: str):
    def register(fn):
        CHECKS[name] = fn
        return fn

    return register


def _issued(case, codes: list[str] | None = None):
    qs = case.documents.exclude(status="voided").select_related("number")
    if codes is not None:
        qs = qs.filter(code__in=codes)
    return list(qs.order_by("code", "-version"))


def _text_of(document) -> str:
    parts = []
    for block in (document.content or {}).get("blocks", []):
        parts.append(str(block.get("heading", "")))
        parts.extend(str(p) for p in block.get("paragraphs", []))
        for row in block.get("rows", []):
            parts.extend(str(c) for c in row)
    return "\n".join(parts)


@check("documents_present")
def documents_present(case, params) -> Result:
    required = params.get(case.procedure)
    if not required:
        return None
    present = {d.code for d in _issued(case, required)}
    missing = [code for code in required if code not in present]
    if not missing:
        return None
    return f"缺少文书：{'、'.join(missing)}", {"missing": missing}


@check("numbering_consistent")
def numbering_consistent(case, params) -> Result:
    problems = []
    for doc in _issued(case):
        number = doc.number
        if number is None:
            if doc.template.numbered:
                problems.append(f"{doc.title}未编文号")
            continue
        if number.case_id != case.pk or number.agency_id != case.agency_id:
            problems.append(f"{doc.title}文号{number.number}不属于本案")
        elif number.status == "voided":
            problems.append(f"{doc.title}使用已作废文号{number.number}")
        elif number.year != doc.issued_on.year:
            problems.append(f"{doc.title}文号年度{number.year}与文书日期不符")
    if not problems:
        return None
    return "；".join(problems), {"problems": problems}


@check("party_complete")
def party_complete(case, params) -> Result:
    party = case.party
    if party is None:
        return "未登记当事人", {"missing": ["party"]}
    missing = []
    if not party.name.strip():
        missing.append("名称/姓名")
    if party.kind == PartyKind.PERSON and not party.id_number:
        missing.append("身份证件号码")
    if party.kind != PartyKind.PERSON and not party.credit_code and not party.id_number:
        missing.append("统一社会信用代码")
    if not party.address.strip():
        missing.append("住所/地址")
    if not missing:
        return None
    return f"当事人身份信息不完整：缺少{'、'.join(missing)}", {"missing": missing}


@check("facts_complete")
def facts_complete(case, params) -> Result:
    missing = []
    if case.act_date is None:
        missing.append("违法行为时间")
    if not case.place.strip():
        missing.append("违法行为地点")
    if len(case.facts.strip()) < int(params.get("min_length", 10)):
        missing.append("违法行为事实")
    if not missing:
        return None
    return f"违法事实未载明：{'、'.join(missing)}", {"missing": missing}


@check("evidence_matches")
def evidence_matches(case, params) -> Result:
    items = [e for e in case.evidence.all() if not hasattr(e, "supersession")]
    if not items:
        return "案卷无证据材料", {"evidence": 0}
    review = case.reviews.order_by("-round").first() if hasattr(case, "reviews") else None
    if review is None or not review.evidence_list.strip():
        return None
    listed = review.evidence_list
    unlisted = [e.title for e in items if e.title not in listed]
    if not unlisted:
        return None
    return f"证据清单未列明：{'、'.join(unlisted[:5])}", {"unlisted": unlisted}


def _proposal(case):
    return case.proposals.filter(superseded=False).order_by("-version").first()


@check("basis_cited")
def basis_cited(case, params) -> Result:
    proposal = _proposal(case)
    if proposal is None or proposal.outcome in ("no_penalty", "dismiss", "not_filed"):
        return None
    missing = []
    if not proposal.legal_basis.exists():
        missing.append("未引用法律条文")
    if case.item_id is None:
        missing.append("未关联执法事项")
    if not missing:
        return None
    return "法律依据不完整：" + "、".join(missing), {"missing": missing}


def _benchmark_level(case, proposal):
    if case.item_id is None or not proposal.discretion_level:
        return None
    day = case.act_date or case.decided_on
    benchmarks = case.item.benchmarks.filter(published_on__isnull=False)
    if day is not None:
        benchmarks = benchmarks.filter(effective_from__lte=day).exclude(effective_to__lt=day)
    benchmark = benchmarks.order_by("-effective_from").first()
    if benchmark is None:
        return None
    return benchmark.levels.filter(level=proposal.discretion_level).first()


@check("discretion_within")
def discretion_within(case, params) -> Result:
    proposal = _proposal(case)
    if proposal is None or proposal.fine_amount is None:
        return None
    fine = Decimal(proposal.fine_amount)
    level = _benchmark_level(case, proposal)
    low = level.min_fine if level else (case.item.min_fine if case.item_id else None)
    high = level.max_fine if level else (case.item.max_fine if case.item_id else None)
    outside = (low is not None and fine < low) or (high is not None and fine > high)
    if not outside or proposal.reasons_discretion.strip():
        return None
    return (
        f"罚款{fine}元超出裁量幅度（{low or '—'}–{high or '—'}元）且未说明理由",
        {
            "fine": str(fine),
            "min": str(low) if low is not None else None,
            "max": str(high) if high is not None else None,
        },
    )


@check("payment_and_remedy")
def payment_and_remedy(case, params) -> Result:
    documents = _issued(case, list(params.get("documents", [])))
    if not documents:
        return None
    missing = []
    for heading in params.get("headings", []):
        found = False
        for block in (documents[0].content or {}).get("blocks", []):
            if block.get("heading") == heading and any(str(p).strip() for p in block.get("paragraphs", [])):
                found = True
        if not found:
            missing.append(heading)
    if not missing:
        return None
    return f"决定书未载明：{'、'.join(missing)}", {"missing": missing}


@check("service_within_limit")
def service_within_limit(case, params) -> Result:
    if case.decided_on is None:
        return None
    deadline = case.deadlines.filter(code=params.get("deadline_code", "service")).order_by("-pk").first()
    if deadline is None:
        return None
    if deadline.status in ("late", "overdue"):
        return (
            f"决定书未在期限（{deadline.due_on}）内送达（{deadline.citation}）",
            {"due_on": str(deadline.due_on), "served_on": str(case.served_on or "")},
        )
    if case.closed_on and case.served_on is None and not case.services.exists():
        return "已结案但无送达记录", {"due_on": str(deadline.due_on)}
    return None


@check("review_done")
def review_done(case, params) -> Result:
    from sanxiang.review.services import passed_review

    classification = case.review_classifications.order_by("-created_at", "-pk").first()
    if classification is None or not classification.required or case.decided_on is None:
        return None
    if passed_review(case, _proposal(case)) is not None:
        return None
    return "属重大执法决定但无通过的法制审核", {"matches": classification.matches}


_AMOUNT = re.compile(r"罚款(?:人民币)?([0-9][0-9,]*(?:\.[0-9]+)?)元")


@check("amounts_consistent")
def amounts_consistent(case, params) -> Result:
    proposal = _proposal(case)
    amounts: dict[str, Decimal] = {}
    if case.fine_amount is not None:
        amounts["案件"] = Decimal(case.fine_amount)
    if proposal is not None and proposal.fine_amount is not None:
        amounts["拟处理意见"] = Decimal(proposal.fine_amount)
    for doc in _issued(case, list(params.get("documents", []))):
        for match in _AMOUNT.findall(_text_of(doc)):
            amounts[doc.title] = Decimal(match.replace(",", ""))
    if len(set(amounts.values())) <= 1:
        return None
    shown = "；".join(f"{k}{v}元" for k, v in amounts.items())
    return f"各处罚款金额不一致：{shown}", {k: str(v) for k, v in amounts.items()}
