"""What clues, follow-up items and findings send to the provincial supervision information system
(《行政执法监督条例》 Art. 37 ¶2) on each of their own state changes: the record entry of the act is
written and, in the same transaction, `supervision_changed` carries a plain-JSON snapshot (the
exchange outbox enqueues it; supervision never imports exchange).

Topics are `supervision.<record kind>` (`supervision.clue.registered`, `supervision.clue.escalate`,
`supervision.followup.closed`, `supervision.finding.amended`, …); keys `supervision-clue:<number>`,
`supervision-followup:<number>`, `supervision-finding:<number>`. The complainant's name, phone and
the free text of a clue stay local: the province gets the channel, the 12345 order number, the
status and the links.
"""

from __future__ import annotations

from typing import Any

from sanxiang.supervision.services.common import emit, iso, record


def clue_payload(clue) -> dict[str, Any]:
    return {
        "number": clue.number,
        "agency": clue.agency.code,
        "channel": clue.channel,
        "status": clue.status,
        "title": clue.title,
        "received_on": iso(clue.received_on),
        "hotline_order_no": clue.hotline_order_no,
        "model_code": clue.model_code,
        "is_key": clue.is_key,
        "step_due_on": iso(clue.step_due_on),
        "transfer_count": clue.transfer_count,
        "transferred_to": clue.transferred_to.code if clue.transferred_to_id else None,
        "merged_into": clue.merged_into.number if clue.merged_into_id else None,
        "cases": sorted(clue.cases.values_list("number", flat=True)),
        "agencies": sorted(clue.agencies.values_list("code", flat=True)),
        "key_tasks": sorted(clue.key_tasks.values_list("number", flat=True)),
        "closed_at": iso(clue.closed_at),
        "replied_at": iso(clue.replied_at),
    }


def follow_up_payload(item) -> dict[str, Any]:
    return {
        "number": item.number,
        "agency": item.agency.code,
        "kind": item.kind,
        "title": item.title,
        "status": item.status,
        "clue": item.clue.number if item.clue_id else None,
        "finding": item.finding.number if item.finding_id else None,
        "assignee_agency": item.assignee_agency.code if item.assignee_agency_id else None,
        "due_on": iso(item.due_on),
    }


def finding_payload(finding) -> dict[str, Any]:
    return {
        "number": finding.number,
        "kind": finding.kind,
        "agency": finding.agency.code,
        "supervising_agency": finding.supervising_agency.code if finding.supervising_agency_id else None,
        "officer": finding.officer.username if finding.officer_id else None,
        "case": finding.case.number if finding.case_id else None,
        "clue": finding.clue.number if finding.clue_id else None,
        "title": finding.title,
        "severity": finding.severity,
        "status": finding.status,
        "rule_code": finding.rule_code,
        "rule_citation": finding.rule_citation,
        "detector": finding.detector,
        "found_on": iso(finding.found_on),
        "version": finding.version,
        "evidence": finding.evidence,
    }


_SHAPES = {
    "clue": ("supervision-clue", clue_payload),
    "followup": ("supervision-followup", follow_up_payload),
    "finding": ("supervision-finding", finding_payload),
}


def act(obj, kind: str, payload: dict[str, Any], *, actor=None, agency=None) -> None:
    """Record the act in the object's stream (I2) and push the object's new state (Art. 37)."""
    record(obj.stream, kind, payload, actor=actor, agency=agency)
    prefix, build = _SHAPES[kind.split(".", 1)[0]]
    emit(f"supervision.{kind}", f"{prefix}:{obj.number}", build(obj), agency or obj.agency)
