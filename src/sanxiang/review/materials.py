"""The submission package (送审材料) and its completeness check.

Which materials are required depends on the procedure and on what happened in the case: the
investigation report where the procedure has an investigation, the discretion reasons where a fine
or confiscation is proposed, the hearing record where a hearing was held, the served notice where
the procedure notifies the party before deciding.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sanxiang.review.choices import Material


@dataclass(frozen=True)
class Item:
    code: str
    required: bool
    present: bool
    detail: str = ""

    @property
    def label(self) -> str:
        return str(Material(self.code).label)

    @property
    def missing(self) -> bool:
        return self.required and not self.present

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "required": self.required, "present": self.present, "detail": self.detail}


def _has_transition(case, name: str) -> bool:
    return any(t.name == name for t in case.definition.transitions)


def check(case, proposal, evidence_list: str) -> list[Item]:
    attrs = case.attributes or {}
    amounts = proposal is not None and bool(proposal.fine_amount or proposal.confiscation_amount)
    basis = proposal is not None and (proposal.legal_basis.exists() or bool(proposal.basis_text.strip()))
    hearing_held = bool(attrs.get("hearing_held_on"))
    return [
        Item(
            Material.PROPOSAL,
            True,
            proposal is not None and bool(proposal.summary.strip()),
            f"v{proposal.version}" if proposal else "",
        ),
        Item(
            Material.INVESTIGATION_REPORT,
            _has_transition(case, "conclude_investigation"),
            bool(attrs.get("report") or attrs.get("findings")),
        ),
        Item(Material.EVIDENCE_LIST, True, bool((evidence_list or "").strip())),
        Item(Material.LEGAL_BASIS, True, basis),
        Item(
            Material.DISCRETION_REASONS,
            amounts,
            proposal is not None and bool(proposal.reasons_discretion.strip()),
        ),
        Item(Material.HEARING_RECORD, hearing_held, bool(attrs.get("hearing_transcript"))),
        Item(
            Material.NOTICES_SERVED,
            _has_transition(case, "notify"),
            bool(attrs.get("notice_served_on")),
            attrs.get("notice_served_on", ""),
        ),
    ]


def missing(items: list[Item]) -> list[Item]:
    return [i for i in items if i.missing]
