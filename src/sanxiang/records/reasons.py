"""Reasons (说理, policy task 6(3); features R2): in general procedure a decision states why the
evidence was accepted, why this legal basis was chosen and why this discretion was applied. The
three reasons live on the proposal being decided; the transition's record entry carries that
proposal whole (records/receivers.py), so the reasons are part of the record."""

from __future__ import annotations

from sanxiang.core.errors import DomainError

REASONS = (
    ("reasons_evidence", "证据采信理由"),
    ("reasons_basis", "依据选择理由"),
    ("reasons_discretion", "裁量理由"),
)


def missing_reasons(proposal) -> list[str]:
    return [label for name, label in REASONS if not (getattr(proposal, name, "") or "").strip()]


def reasons_given(ctx) -> None:
    proposal = ctx.case.current_proposal
    if proposal is None:  # the procedure's own guard answers "no proposal"
        return
    missing = missing_reasons(proposal)
    if missing:
        raise DomainError(
            "records.reasons.missing",
            f"普通程序作出决定须说明理由。当前拟处理意见缺少：{'、'.join(missing)}。"
            "请先“修改拟处理意见”补充说理，再作出决定。",
        )
