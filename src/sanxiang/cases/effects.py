"""Effects: what a fired transition writes besides the stage. Each runs inside the transition's
transaction, after every guard passed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from sanxiang.cases import deadlines
from sanxiang.cases.workflow import TransitionContext


def jsonable(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if hasattr(value, "username"):
        return value.username
    if hasattr(value, "pk"):
        return value.pk
    return value


def remember(*names: str, prefix: str = "") -> Callable[[TransitionContext], None]:
    """Copy inputs into the case's procedure data (`attributes`), e.g. the date a notice was served."""

    def effect(ctx: TransitionContext) -> None:
        for name in names:
            if name in ctx.data and ctx.data[name] not in (None, "", []):
                ctx.case.attributes[f"{prefix}{name}"] = jsonable(ctx.data[name])

    effect.__name__ = f"remember_{'_'.join(names)}"
    return effect


def stamp(attribute: str) -> Callable[[TransitionContext], None]:
    """Record the act date under `attribute` (e.g. `executed_on`)."""

    def effect(ctx: TransitionContext) -> None:
        ctx.case.attributes[attribute] = ctx.act_date.isoformat()

    effect.__name__ = f"stamp_{attribute}"
    return effect


def mark_filed(ctx: TransitionContext) -> None:
    ctx.case.filed_on = ctx.act_date


def make_proposal(ctx: TransitionContext) -> None:
    from sanxiang.cases.services import record_proposal

    ctx.extras["proposal"] = record_proposal(ctx.case, actor=ctx.actor, data=ctx.data, at=ctx.now)


def record_notice(ctx: TransitionContext) -> None:
    """What the party was told (PEN-14), kept so the decision can be checked against it (PEN-15)."""
    proposal = ctx.case.current_proposal
    ctx.case.attributes.update(
        {
            "notice_served_on": ctx.data["served_on"].isoformat(),
            "rights_waived": bool(ctx.data.get("rights_waived")),
            "hearing_right": bool(ctx.data.get("hearing_right")),
            "notified_fingerprint": proposal.fingerprint if proposal else None,
            "notified_total": str((proposal.fine_amount or 0) + (proposal.confiscation_amount or 0))
            if proposal
            else "0",
        }
    )


def record_decision(ctx: TransitionContext) -> None:
    case, proposal = ctx.case, ctx.case.current_proposal
    case.decided_on = ctx.act_date
    if proposal is not None:
        case.outcome = proposal.outcome
        case.fine_amount = proposal.fine_amount
        case.confiscation_amount = proposal.confiscation_amount
        case.attributes["decided_fingerprint"] = proposal.fingerprint
        case.attributes["decided_proposal_version"] = proposal.version
    elif ctx.data.get("outcome"):
        case.outcome = ctx.data["outcome"]


def record_service(ctx: TransitionContext) -> None:
    """The date service takes effect starts the time limits that depend on it (payment, remedies).
    Public notice (公告送达) is deemed served only when its notice period has run (PEN-22): the
    date entered is the publication date; the effective date is `effective_served_on`."""
    method = ctx.data.get("method", "")
    served = ctx.data.get("served_on") or ctx.act_date
    effective = deadlines.effective_service_date(method, served, ctx.case.agency)
    ctx.data["effective_served_on"] = effective
    if effective != served:
        ctx.case.attributes["notice_published_on"] = served.isoformat()
    ctx.case.served_on = effective
    ctx.case.attributes["service_method"] = method


def record_closure(ctx: TransitionContext) -> None:
    ctx.case.closed_on = ctx.act_date


def record_simple_decision(ctx: TransitionContext) -> None:
    """简易程序: the on-the-spot decision is proposed, decided and handed over in one act."""
    make_proposal(ctx)
    record_decision(ctx)
    ctx.case.served_on = ctx.act_date
    ctx.case.attributes["service_method"] = "direct"


def reassign(ctx: TransitionContext) -> None:
    ctx.case.handlers.set(ctx.data["officers"])


def extend_deadline(code: str, rule_code: str) -> Callable[[TransitionContext], None]:
    def effect(ctx: TransitionContext) -> None:
        deadline = deadlines.extend(ctx.case, code, rule_code, ctx.act_date)
        ctx.extras["deadline"] = {"code": code, "due_on": deadline.due_on.isoformat()}

    effect.__name__ = f"extend_{code}"
    return effect


def pause_deadline(code: str) -> Callable[[TransitionContext], None]:
    def effect(ctx: TransitionContext) -> None:
        reason = ctx.data.get("pause_reason") or ""
        spec = ctx.transition.input("pause_reason")
        label = dict(spec.choices).get(reason, reason) if spec else reason
        summary = ctx.data.get("summary") or ""
        deadlines.pause(ctx.case, code, ctx.act_date, reason=f"{label}：{summary}" if summary else label)

    effect.__name__ = f"pause_{code}"
    return effect


def resume_deadline(code: str) -> Callable[[TransitionContext], None]:
    def effect(ctx: TransitionContext) -> None:
        deadline = deadlines.resume(ctx.case, code, ctx.act_date)
        ctx.extras["deadline"] = {"code": code, "due_on": deadline.due_on.isoformat()}

    effect.__name__ = f"resume_{code}"
    return effect


def mark_emergency(ctx: TransitionContext) -> None:
    ctx.case.attributes["emergency"] = True
