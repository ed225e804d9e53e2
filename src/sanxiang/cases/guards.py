"""Procedure-specific guards: each refuses a transition with a coded, Chinese reason, citing the law.

A guard takes the `TransitionContext` and raises `DomainError` (or returns). Every legal number
comes from a rule parameter (I8).
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from sanxiang.cases.workflow import TransitionContext
from sanxiang.catalog import rules
from sanxiang.catalog.choices import PartyKind, PenaltyType
from sanxiang.core import calendar
from sanxiang.core.errors import DomainError, InvalidInput


def _attr_date(ctx: TransitionContext, name: str):
    import datetime as dt

    value = ctx.case.attributes.get(name)
    return dt.date.fromisoformat(value) if value else None


def within_limitation(ctx: TransitionContext) -> None:
    """PEN-23: no penalty once 2 years (5 with harm to life, health or financial safety) have passed."""
    act_date = ctx.case.act_date
    if act_date is None:
        return
    key = (
        "PEN-23.life_health_or_financial_safety_with_harm"
        if ctx.data.get("serious_harm")
        else "PEN-23.default"
    )
    rule = rules.param(key, on=ctx.act_date)
    last_day = calendar.add_months(act_date, 12 * int(rule.value))
    if ctx.act_date > last_day:
        raise DomainError(
            "case.limitation.expired",
            _("违法行为发生于%(act_date)s，已超过%(value)s年追责时效（%(citation)s），不得立案处罚。")
            % {"act_date": format(act_date, "%Y-%m-%d"), "value": rule.value, "citation": rule.citation},
        )


def simple_procedure_limits(ctx: TransitionContext) -> None:
    """PEN-02: on-the-spot decisions only for a warning or a small fine (inclusive thresholds)."""
    types = set(ctx.data.get("penalty_types") or [])
    if not types or not types <= {PenaltyType.WARNING, PenaltyType.FINE}:
        raise DomainError(
            "case.simple.penalty_type",
            _("简易程序只能给予警告或者罚款（行政处罚法第51条）。"),
            field="penalty_types",
        )
    fine = ctx.data.get("fine_amount") or Decimal(0)
    if PenaltyType.FINE in types and fine <= 0:
        raise InvalidInput("case.simple.fine_missing", _("给予罚款的，请填写罚款金额。"), field="fine_amount")
    party = ctx.case.party
    if party is None:
        raise DomainError("case.party.missing", _("请先登记当事人。"))
    key = "PEN-02.max_fine_citizen" if party.kind == PartyKind.PERSON else "PEN-02.max_fine_organisation"
    rule = rules.param(key, on=ctx.act_date, agency=ctx.case.agency)
    if fine > rule.amount:
        raise DomainError(
            "case.simple.fine_too_high",
            _("罚款%(fine)s元超过简易程序上限%(value)s元（%(citation)s），应适用普通程序。")
            % {"fine": fine, "value": rule.value, "citation": rule.citation},
            field="fine_amount",
        )


def no_penalty_for_minors(ctx: TransitionContext) -> None:
    """PEN-24: a person under 14 at the time of the act is not penalised."""
    if ctx.data.get("outcome", "penalty") != "penalty":
        return
    party = ctx.case.party
    day = ctx.case.act_date or ctx.act_date
    age = party.age_on(day) if party else None
    rule = rules.param("PEN-24.no_penalty_under_age", on=day)
    if age is not None and age < int(rule.value):
        raise DomainError(
            "case.party.minor_no_penalty",
            _("当事人行为时未满%(value)s周岁，不予行政处罚（%(citation)s）。")
            % {"value": rule.value, "citation": rule.citation},
            field="outcome",
        )


def penalty_outcome_is_complete(ctx: TransitionContext) -> None:
    if ctx.data.get("outcome") != "penalty":
        return
    types = set(ctx.data.get("penalty_types") or [])
    if not types:
        raise InvalidInput(
            "case.proposal.penalty_types", _("给予处罚的，请选择处罚种类。"), field="penalty_types"
        )
    if PenaltyType.FINE in types and not ctx.data.get("fine_amount"):
        raise InvalidInput(
            "case.proposal.fine_missing", _("给予罚款的，请填写罚款金额。"), field="fine_amount"
        )
    confiscates = {PenaltyType.CONFISCATE_GAINS, PenaltyType.CONFISCATE_PROPERTY} & types
    if confiscates and ctx.data.get("confiscation_amount") is None:
        raise InvalidInput(
            "case.proposal.confiscation_missing",
            _("没收违法所得或非法财物的，请填写金额。"),
            field="confiscation_amount",
        )


def proposal_required(ctx: TransitionContext) -> None:
    if ctx.case.current_proposal is None:
        raise DomainError("case.proposal.missing", _("尚未提出拟处理意见。"))


def statement_period_over_or_waived(ctx: TransitionContext) -> None:
    """PEN-14/PEN-16: no decision before the party was told of its rights and the window to state a
    case, defend and ask for a hearing has passed (or the party clearly waived it)."""
    served = _attr_date(ctx, "notice_served_on")
    if served is None:
        raise DomainError(
            "case.notice.not_served", _("尚未送达行政处罚事先告知书，不得作出处罚决定（行政处罚法第62条）。")
        )
    if ctx.case.attributes.get("rights_waived") or ctx.case.attributes.get("hearing_held_on"):
        return
    rule = rules.param("SX-CASE-01.deadline", on=served, agency=ctx.case.agency)
    window_ends = calendar.add_working_days(served, int(rule.value))
    if ctx.act_date <= window_ends:
        raise DomainError(
            "case.notice.period_running",
            _(
                "当事人陈述、申辩和要求听证的期限至%(window_ends)s届满，期满后或当事人明确放弃后方可决定（%(citation)s）。"
            )
            % {"window_ends": format(window_ends, "%Y-%m-%d"), "citation": rule.citation},
        )


def hearing_held_if_requested(ctx: TransitionContext) -> None:
    """HEAR-06: after a hearing is requested, the decision rests on its transcript."""
    if ctx.case.attributes.get("hearing_requested_on") and not ctx.case.attributes.get("hearing_held_on"):
        raise DomainError(
            "case.hearing.not_held", _("当事人已要求听证，听证结束前不得作出决定（行政处罚法第65条）。")
        )


def hearing_requested_in_time(ctx: TransitionContext) -> None:
    """HEAR-03: the party asks for a hearing within 5 working days of being told of the right."""
    served = _attr_date(ctx, "notice_served_on")
    requested = ctx.data.get("requested_on") or ctx.today
    rule = rules.param("HEAR-03.deadline", on=served or requested)
    if served and requested > calendar.add_working_days(served, int(rule.value)):
        raise DomainError(
            "case.hearing.request_late",
            _("听证申请超过告知后%(value)s个工作日的期限（%(citation)s），视为放弃听证。")
            % {"value": rule.value, "citation": rule.citation},
            field="requested_on",
        )


def hearing_notice_in_time(ctx: TransitionContext) -> None:
    """HEAR-04: the party is told of time and place at least 7 working days before the hearing."""
    notified, hearing_on = ctx.data.get("notified_on"), ctx.data.get("hearing_on")
    rule = rules.param("HEAR-04.min_notice", on=notified)
    earliest = calendar.add_working_days(notified, int(rule.value))
    if hearing_on < earliest:
        raise DomainError(
            "case.hearing.notice_too_short",
            _("听证通知须在举行听证的%(value)s个工作日前送达，听证日期最早为%(earliest)s（%(citation)s）。")
            % {"value": rule.value, "earliest": format(earliest, "%Y-%m-%d"), "citation": rule.citation},
            field="hearing_on",
        )


def not_heavier_than_notified(ctx: TransitionContext) -> None:
    """PEN-15: the penalty may not grow because the party defended itself; new facts need a new notice."""
    notified = ctx.case.attributes.get("notified_fingerprint")
    proposal = ctx.case.current_proposal
    if not notified or proposal is None or proposal.fingerprint == notified:
        return
    previous = Decimal(ctx.case.attributes.get("notified_total") or "0")
    total = (proposal.fine_amount or 0) + (proposal.confiscation_amount or 0)
    if total > previous:
        raise DomainError(
            "case.notice.heavier_than_notified",
            _("拟处罚重于已告知的处罚，须重新告知当事人（行政处罚法第45条）。"),
        )


def served_not_before_decision(ctx: TransitionContext) -> None:
    served = ctx.data.get("served_on")
    decided = ctx.case.decided_on
    if served and decided and served < decided:
        raise InvalidInput("case.service.before_decision", _("送达日期不能早于决定日期。"), field="served_on")


def extension_allowed(deadline_code: str, rule_code: str):
    """A guard allowing at most the rule's `max_extensions` extensions of one deadline."""

    def guard(ctx: TransitionContext) -> None:
        rule = rules.param(rule_code, on=ctx.act_date, agency=ctx.case.agency)
        allowed = int(rule.extra.get("max_extensions", 1))
        deadline = ctx.case.deadlines.filter(
            code=deadline_code, status__in=["running", "paused", "overdue"]
        ).first()
        if deadline is None:
            raise DomainError("case.deadline.not_running", _("没有可延长的计时期限。"))
        if deadline.extensions >= allowed:
            raise DomainError(
                "case.deadline.extension_limit",
                _("该期限只能延长%(allowed)s次（%(citation)s）。")
                % {"allowed": allowed, "citation": rule.citation},
            )

    guard.__name__ = f"extension_allowed_{deadline_code}"
    return guard


def demand_period_over(ctx: TransitionContext) -> None:
    """FORCE-11: an enforcement decision only after the demand period passed without performance."""
    served = _attr_date(ctx, "demand_served_on")
    if served is None:
        raise DomainError(
            "case.enforcement.no_demand", _("尚未送达催告书，不得作出强制执行决定（行政强制法第35条）。")
        )
    rule = rules.param("SX-CASE-04.deadline", on=served, agency=ctx.case.agency)
    ends = calendar.add_working_days(served, int(rule.value))
    if ctx.act_date <= ends and not ctx.data.get("urgent"):
        raise DomainError(
            "case.enforcement.demand_period_running",
            _("催告期限至%(ends)s届满，期满前不得作出强制执行决定（%(citation)s）。")
            % {"ends": format(ends, "%Y-%m-%d"), "citation": rule.citation},
        )


def court_application_wait_over(ctx: TransitionContext) -> None:
    """FORCE-17: apply to court only 10 working days after the demand was served."""
    served = _attr_date(ctx, "demand_served_on")
    rule = rules.param("FORCE-17.wait_after_reminder_served", on=ctx.act_date)
    if served is None or ctx.act_date <= calendar.add_working_days(served, int(rule.value)):
        raise DomainError(
            "case.enforcement.court_too_early",
            _("催告书送达满%(value)s个工作日后方可申请人民法院强制执行（%(citation)s）。")
            % {"value": rule.value, "citation": rule.citation},
        )


def remedy_periods_expired(ctx: TransitionContext) -> None:
    """FORCE-13: forced demolition only after the reconsideration and litigation periods expired."""
    served = _attr_date(ctx, "basis_served_on")
    if served is None:
        raise DomainError("case.demolition.basis_unknown", _("请先登记限期拆除决定的送达日期。"))
    reconsideration = rules.param("REM-01.deadline", on=served)
    litigation = rules.param("REM-02.direct", on=served)
    last = max(
        calendar.due_date(served, int(reconsideration.value), reconsideration.unit).date,
        calendar.due_date(served, int(litigation.value), litigation.unit).date,
    )
    if ctx.act_date <= last:
        raise DomainError(
            "case.demolition.remedy_period_running",
            _(
                "当事人申请行政复议或提起行政诉讼的期限至%(last)s届满，期满前不得强制拆除（行政强制法第44条）。"
            )
            % {"last": format(last, "%Y-%m-%d")},
        )


def emergency_ratified(ctx: TransitionContext) -> None:
    """FORCE-04: an emergency measure must be approved by the head afterwards."""
    if ctx.case.attributes.get("emergency") and not ctx.case.attributes.get("ratified_on"):
        raise DomainError(
            "case.coercion.not_ratified",
            _("当场实施的行政强制措施尚未经负责人补办批准（行政强制法第19条）。"),
        )


def on_site_cash_limit(ctx: TransitionContext) -> None:
    """PEN-30: fines collected on the spot only up to 100 yuan (simple procedure)."""
    if not ctx.data.get("collected_on_site"):
        return
    rule = rules.param("PEN-30.max_amount_simple_procedure", on=ctx.act_date)
    if (ctx.data.get("amount") or 0) > rule.amount:
        raise DomainError(
            "case.payment.on_site_limit",
            _("当场收缴罚款不得超过%(value)s元（%(citation)s）。")
            % {"value": rule.value, "citation": rule.citation},
            field="amount",
        )


def fine_settled_before_close(ctx: TransitionContext) -> None:
    if ctx.case.fine_amount and not ctx.case.attributes.get("executed_on"):
        raise DomainError("case.close.not_executed", _("罚款尚未缴纳或执行完毕，不能结案。"))
