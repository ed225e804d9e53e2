"""The eight procedure definitions (执法程序). Each is the single source of its stages, the
transitions between them, who may fire each, what each needs, and the time limits it starts.

Read a definition top to bottom as the procedure's flowchart: the portal draws exactly this.
"""

from __future__ import annotations

from django.utils.translation import gettext_noop as N_

from sanxiang.cases import effects as fx
from sanxiang.cases import guards as g
from sanxiang.cases.choices import Step
from sanxiang.cases.workflow import (
    ACTED_ON,
    OFFICERS,
    DeadlineSpec,
    Input,
    Procedure,
    Stage,
    Transition,
    choices_of,
    registry,
    roles,
)
from sanxiang.catalog.choices import Category, Circumstance, DiscretionLevel, PenaltyType
from sanxiang.core.roles import Role

OFFICER = roles(Role.OFFICER)
HEAD = roles(Role.HEAD)
OFFICER_OR_HEAD = roles(Role.OFFICER, Role.HEAD)

# --- shared inputs ---------------------------------------------------------------------------

SERVICE_METHODS = (
    ("direct", N_("直接送达")),
    ("lien", N_("留置送达")),
    ("postal", N_("邮寄送达")),
    ("electronic", N_("电子送达")),
    ("public_notice", N_("公告送达")),
)
SERVED_ON = Input("served_on", N_("送达日期"), "date")
SERVICE_METHOD = Input("method", N_("送达方式"), "choice", choices=SERVICE_METHODS)
SUMMARY = Input("summary", N_("说明"), "textarea", required=False)
REQUIRED_SUMMARY = Input("summary", N_("说明"), "textarea")
PAUSE_REASONS = (
    ("hearing", N_("听证")),
    ("appraisal", N_("检测、检验、检疫、鉴定")),
    ("expert_review", N_("专家评审")),
    ("suspension", N_("案件中止")),
    ("public_notice", N_("公告")),
    ("other", N_("其他法定情形")),
)


def _proposal_inputs(outcomes: tuple[tuple[str, str], ...], *, penalty: bool) -> tuple[Input, ...]:
    inputs = [Input("outcome", N_("处理意见"), "choice", choices=outcomes)]
    if penalty:
        inputs += [
            Input(
                "penalty_types",
                N_("处罚种类"),
                "multichoice",
                required=False,
                choices=choices_of(PenaltyType),
            ),
            Input("fine_amount", N_("罚款金额（元）"), "decimal", required=False),
            Input("confiscation_amount", N_("没收违法所得、非法财物金额（元）"), "decimal", required=False),
            Input(
                "discretion_level",
                N_("裁量阶次"),
                "choice",
                required=False,
                choices=choices_of(DiscretionLevel),
            ),
            Input(
                "circumstances",
                N_("裁量情节"),
                "multichoice",
                required=False,
                choices=choices_of(Circumstance),
            ),
        ]
    inputs += [
        Input("legal_basis", N_("法律依据（条款）"), "articles", required=penalty),
        Input("basis_text", N_("依据说明"), "textarea", required=False),
        Input("summary", N_("拟处理意见"), "textarea"),
        Input("reasons_evidence", N_("证据采信理由"), "textarea", required=False),
        Input("reasons_basis", N_("依据选择理由"), "textarea", required=False),
        Input("reasons_discretion", N_("裁量理由"), "textarea", required=False),
    ]
    return tuple(inputs)


PENALTY_OUTCOMES = (
    ("penalty", N_("给予行政处罚")),
    ("no_penalty", N_("不予行政处罚（违法行为轻微等）")),
    ("not_established", N_("违法事实不能成立，不予行政处罚")),
    ("transfer", N_("移送司法机关")),
)
PENALTY_PROPOSAL = _proposal_inputs(PENALTY_OUTCOMES, penalty=True)


def _reassign(sources: tuple[str, ...]) -> Transition:
    return Transition(
        "assign",
        N_("调整承办人"),
        sources,
        None,
        HEAD,
        inputs=(OFFICERS,),
        effects=(fx.reassign,),
        style="secondary",
    )


def _clock_acts(deadline: str, sources: tuple[str, ...]) -> tuple[Transition, Transition]:
    """中止/恢复计时: time spent on hearings, appraisal etc. is excluded (TIME-09)."""
    reason = Input("pause_reason", N_("中止原因"), "choice", choices=PAUSE_REASONS)
    return (
        Transition(
            "pause_clock",
            N_("中止计时"),
            sources,
            None,
            HEAD,
            inputs=(ACTED_ON, reason, SUMMARY),
            effects=(fx.pause_deadline(deadline),),
            style="secondary",
        ),
        Transition(
            "resume_clock",
            N_("恢复计时"),
            sources,
            None,
            HEAD,
            inputs=(ACTED_ON, SUMMARY),
            effects=(fx.resume_deadline(deadline),),
            style="secondary",
        ),
    )


def _remedy(sources: tuple[str, ...]) -> Transition:
    """复议/诉讼结果: a revoked or changed decision updates or withdraws its publication (PUB-07)."""
    return Transition(
        "record_remedy",
        N_("登记复议诉讼结果"),
        sources,
        None,
        OFFICER_OR_HEAD,
        inputs=(
            Input(
                "remedy_kind",
                N_("救济途径"),
                "choice",
                choices=(("reconsideration", N_("行政复议")), ("litigation", N_("行政诉讼"))),
            ),
            Input(
                "remedy_result",
                N_("结果"),
                "choice",
                choices=(
                    ("upheld", N_("维持")),
                    ("changed", N_("变更")),
                    ("revoked", N_("撤销")),
                    ("confirmed_illegal", N_("确认违法")),
                    ("confirmed_void", N_("确认无效")),
                    ("withdrawn", N_("申请人撤回")),
                ),
            ),
            Input("remedy_decided_on", N_("复议决定/判决日期"), "date"),
            Input("remedy_document", N_("文书编号"), required=False),
        ),
        effects=(fx.remember("remedy_kind", "remedy_result", "remedy_decided_on", "remedy_document"),),
        style="secondary",
        description=N_("复议或诉讼撤销、变更决定的，公示信息随之撤下或更新（行政处罚法第48条）。"),
        act="remedy",
    )


# --- 行政处罚普通程序 ------------------------------------------------------------------------------

_BEFORE_DECISION = ("filed", "investigated", "proposed", "notified", "hearing_requested", "heard")

PENALTY_GENERAL = Procedure(
    code="penalty.general",
    name=N_("行政处罚普通程序"),
    category=Category.PENALTY,
    description=N_("立案、调查取证、法制审核、告知、听证、决定、送达、执行、结案。"),
    decision_deadline="decision",
    stages=(
        Stage("clue", N_("线索核查"), Step.START),
        Stage("filed", N_("立案调查"), Step.INVESTIGATION),
        Stage("investigated", N_("调查终结"), Step.INVESTIGATION),
        Stage("proposed", N_("拟处理意见"), Step.DECISION),
        Stage("notified", N_("已告知"), Step.DECISION),
        Stage("hearing_requested", N_("听证中"), Step.DECISION),
        Stage("heard", N_("已听证"), Step.DECISION),
        Stage("decided", N_("已决定"), Step.DECISION),
        Stage("served", N_("已送达"), Step.SERVICE),
        Stage("executed", N_("已执行"), Step.SERVICE),
        Stage("closed", N_("已结案"), Step.ARCHIVE, terminal=True),
        Stage("not_filed", N_("不予立案"), Step.ARCHIVE, terminal=True),
        Stage("transferred", N_("已移送"), Step.ARCHIVE, terminal=True),
    ),
    transitions=(
        Transition(
            "file",
            N_("批准立案"),
            ("clue",),
            "filed",
            HEAD,
            inputs=(
                ACTED_ON,
                Input(
                    "serious_harm", N_("涉及公民生命健康安全、金融安全且有危害后果"), "bool", required=False
                ),
            ),
            guards=(g.within_limitation,),
            effects=(fx.mark_filed,),
            starts=(
                DeadlineSpec(
                    "decision", N_("作出处罚决定"), "PEN-19.deadline", extension_rule="PEN-20.extension"
                ),
            ),
            approval=True,
            step=Step.START,
        ),
        Transition(
            "not_file",
            N_("不予立案"),
            ("clue",),
            "not_filed",
            HEAD,
            inputs=(
                ACTED_ON,
                Input(
                    "ground",
                    N_("不予立案理由"),
                    "choice",
                    choices=(
                        ("minor_corrected", N_("违法行为轻微并及时改正，没有造成危害后果")),
                        ("first_minor", N_("初次违法且危害后果轻微并及时改正")),
                        ("no_fault", N_("当事人有证据足以证明没有主观过错")),
                        ("no_evidence", N_("没有违法事实或证据不足")),
                        ("not_competent", N_("不属于本机关管辖")),
                        ("limitation", N_("超过追责时效")),
                    ),
                ),
                REQUIRED_SUMMARY,
            ),
            effects=(fx.remember("ground"), fx.record_closure),
            approval=True,
            style="secondary",
        ),
        Transition(
            "inspect",
            N_("现场检查"),
            ("filed",),
            None,
            OFFICER,
            inputs=(ACTED_ON, OFFICERS, Input("findings", N_("检查情况"), "textarea")),
            on_site=True,
            handler_only=True,
            act="inspection",
        ),
        Transition(
            "interview",
            N_("询问调查"),
            ("filed",),
            None,
            OFFICER,
            inputs=(
                ACTED_ON,
                OFFICERS,
                Input("interviewee", N_("被询问人")),
                Input("findings", N_("询问要点"), "textarea"),
            ),
            on_site=True,
            handler_only=True,
            act="interview",
        ),
        Transition(
            "preserve_evidence",
            N_("证据先行登记保存"),
            ("filed",),
            None,
            OFFICER,
            inputs=(ACTED_ON, OFFICERS, Input("items", N_("保存物品清单"), "textarea")),
            starts=(DeadlineSpec("preservation", N_("先行登记保存处理决定"), "PEN-12.deadline"),),
            on_site=True,
            handler_only=True,
            act="preservation",
        ),
        Transition(
            "conclude_investigation",
            N_("调查终结"),
            ("filed",),
            "investigated",
            OFFICER,
            inputs=(ACTED_ON, Input("report", N_("调查终结报告"), "textarea")),
            effects=(fx.remember("report"),),
            stops=("preservation",),  # preserved evidence is dealt with before the investigation ends
            handler_only=True,
        ),
        Transition(
            "propose",
            N_("提出拟处理意见"),
            ("investigated",),
            "proposed",
            OFFICER,
            inputs=PENALTY_PROPOSAL,
            guards=(g.penalty_outcome_is_complete, g.no_penalty_for_minors),
            effects=(fx.make_proposal,),
            handler_only=True,
        ),
        Transition(
            "revise_proposal",
            N_("修改拟处理意见"),
            ("proposed", "notified", "hearing_requested", "heard"),
            None,
            OFFICER,
            inputs=PENALTY_PROPOSAL,
            guards=(g.penalty_outcome_is_complete, g.no_penalty_for_minors),
            effects=(fx.make_proposal,),
            handler_only=True,
            style="secondary",
            description=N_("修改后原法制审核意见失效，须重新审核。"),
        ),
        Transition(
            "notify",
            N_("送达事先告知书"),
            ("proposed",),
            "notified",
            OFFICER,
            inputs=(
                SERVED_ON,
                Input("hearing_right", N_("告知听证权利"), "bool", required=False),
                Input("rights_waived", N_("当事人明确放弃陈述、申辩和听证"), "bool", required=False),
            ),
            guards=(g.proposal_required,),
            effects=(fx.record_notice,),
            starts=(
                DeadlineSpec("statement", N_("陈述申辩期"), "SX-CASE-01.deadline", start_input="served_on"),
                DeadlineSpec(
                    "hearing_request",
                    N_("听证申请期"),
                    "HEAR-03.deadline",
                    start_input="served_on",
                    when=lambda ctx: (
                        bool(ctx.data.get("hearing_right")) and not ctx.data.get("rights_waived")
                    ),
                ),
            ),
            handler_only=True,
            act="notice",
        ),
        Transition(
            "request_hearing",
            N_("登记听证申请"),
            ("notified",),
            "hearing_requested",
            OFFICER,
            inputs=(Input("requested_on", N_("申请日期"), "date"),),
            guards=(g.hearing_requested_in_time,),
            effects=(fx.remember("requested_on", prefix="hearing_"),),
            stops=("statement", "hearing_request"),
        ),
        Transition(
            "schedule_hearing",
            N_("安排听证"),
            ("hearing_requested",),
            None,
            OFFICER_OR_HEAD,
            inputs=(
                Input("notified_on", N_("听证通知送达日期"), "date"),
                Input("hearing_on", N_("听证日期"), "date", not_future=False),
                Input("place", N_("听证地点")),
            ),
            guards=(g.hearing_notice_in_time,),
            effects=(fx.remember("notified_on", "hearing_on", "place", prefix="hearing_"),),
        ),
        Transition(
            "hold_hearing",
            N_("举行听证"),
            ("hearing_requested",),
            "heard",
            OFFICER_OR_HEAD,
            inputs=(ACTED_ON, Input("transcript", N_("听证笔录要点"), "textarea")),
            effects=(fx.stamp("hearing_held_on"), fx.remember("transcript", prefix="hearing_")),
            approval=True,
            act="hearing",
            description=N_("听证由非本案调查人员主持（行政处罚法第64条）。"),
        ),
        Transition(
            "decide",
            N_("作出处罚决定"),
            ("notified", "heard"),
            "decided",
            HEAD,
            inputs=(ACTED_ON,),
            guards=(
                g.proposal_required,
                g.statement_period_over_or_waived,
                g.hearing_held_if_requested,
                g.not_heavier_than_notified,
            ),
            effects=(fx.record_decision,),
            stops=("decision", "statement", "hearing_request"),
            starts=(DeadlineSpec("service", N_("送达处罚决定书"), "PEN-21.deadline"),),
            approval=True,
            act="decision",
        ),
        Transition(
            "serve",
            N_("送达决定书"),
            ("decided",),
            "served",
            OFFICER,
            inputs=(SERVED_ON, SERVICE_METHOD),
            guards=(g.served_not_before_decision,),
            effects=(fx.record_service,),
            stops=("service",),
            starts=(
                DeadlineSpec(
                    "payment",
                    N_("缴纳罚款"),
                    "PEN-29.deadline",
                    start_input="effective_served_on",  # set by record_service (PEN-22)
                    when=lambda ctx: bool(ctx.case.fine_amount),
                ),
            ),
            act="service",
        ),
        Transition(
            "record_execution",
            N_("登记执行情况"),
            ("served",),
            "executed",
            OFFICER,
            inputs=(
                ACTED_ON,
                Input(
                    "execution",
                    N_("执行方式"),
                    "choice",
                    choices=(
                        ("paid", N_("当事人自觉履行")),
                        ("enforced", N_("强制执行")),
                        ("court", N_("申请人民法院强制执行")),
                        ("deferred", N_("批准延期、分期缴纳")),
                    ),
                ),
                Input("amount", N_("缴纳金额（元）"), "decimal", required=False),
            ),
            effects=(fx.stamp("executed_on"), fx.remember("execution", "amount")),
            stops=("payment",),
        ),
        Transition(
            "close",
            N_("结案"),
            ("served", "executed"),
            "closed",
            HEAD,
            inputs=(ACTED_ON, Input("summary", N_("结案报告"), "textarea")),
            guards=(g.fine_settled_before_close,),
            effects=(fx.record_closure,),
            approval=True,
        ),
        Transition(
            "transfer",
            N_("移送司法机关"),
            ("filed", "investigated"),
            "transferred",
            HEAD,
            inputs=(ACTED_ON, Input("receiver", N_("接收机关")), REQUIRED_SUMMARY),
            effects=(fx.remember("receiver"), fx.record_closure),
            stops=("decision", "preservation"),
            approval=True,
            style="danger",
        ),
        Transition(
            "extend",
            N_("延长办案期限"),
            _BEFORE_DECISION,
            None,
            HEAD,
            inputs=(ACTED_ON, REQUIRED_SUMMARY),
            guards=(g.extension_allowed("decision", "PEN-20.extension"),),
            effects=(fx.extend_deadline("decision", "PEN-20.extension"),),
            approval=True,
            style="secondary",
        ),
        *_clock_acts("decision", _BEFORE_DECISION),
        _reassign(("clue", *_BEFORE_DECISION)),
        _remedy(("decided", "served", "executed", "closed")),
    ),
)

# --- 行政处罚简易程序 ------------------------------------------------------------------------------

PENALTY_SIMPLE = Procedure(
    code="penalty.simple",
    name=N_("行政处罚简易程序"),
    category=Category.PENALTY,
    description=N_(
        "违法事实确凿、有法定依据，对公民处二百元以下、对法人或者其他组织处三千元以下罚款或者警告的，当场作出决定。"
    ),
    stages=(
        Stage("on_site", N_("现场处置"), Step.START),
        Stage("decided", N_("当场决定"), Step.DECISION),
        Stage("executed", N_("已执行"), Step.SERVICE),
        Stage("closed", N_("已归档"), Step.ARCHIVE, terminal=True),
        Stage("voided", N_("已作废"), Step.ARCHIVE, terminal=True),
    ),
    transitions=(
        Transition(
            "decide_on_site",
            N_("当场作出处罚决定"),
            ("on_site",),
            "decided",
            OFFICER,
            inputs=(
                ACTED_ON,
                OFFICERS,
                Input("outcome", N_("处理意见"), "choice", choices=(("penalty", N_("给予行政处罚")),)),
                Input(
                    "penalty_types",
                    N_("处罚种类"),
                    "multichoice",
                    choices=((PenaltyType.WARNING, N_("警告")), (PenaltyType.FINE, N_("罚款"))),
                ),
                Input("fine_amount", N_("罚款金额（元）"), "decimal", required=False),
                Input("legal_basis", N_("法律依据（条款）"), "articles"),
                Input("summary", N_("违法事实"), "textarea"),
            ),
            guards=(g.simple_procedure_limits, g.no_penalty_for_minors),
            effects=(fx.record_simple_decision,),
            starts=(
                DeadlineSpec(
                    "payment",
                    N_("缴纳罚款"),
                    "PEN-29.deadline",
                    when=lambda ctx: bool(ctx.data.get("fine_amount")),
                ),
            ),
            on_site=True,
            handler_only=True,
            act="simple_decision",
        ),
        Transition(
            "record_payment",
            N_("登记缴款"),
            ("decided",),
            "executed",
            OFFICER,
            inputs=(
                ACTED_ON,
                Input("amount", N_("缴纳金额（元）"), "decimal"),
                Input("collected_on_site", N_("当场收缴"), "bool", required=False),
                Input("receipt_no", N_("收据编号"), required=False),
            ),
            guards=(g.on_site_cash_limit,),
            effects=(fx.stamp("executed_on"), fx.remember("amount", "collected_on_site", "receipt_no")),
            stops=("payment",),
        ),
        Transition(
            "close",
            N_("报备归档"),
            ("decided", "executed"),
            "closed",
            OFFICER_OR_HEAD,
            inputs=(ACTED_ON, SUMMARY),
            guards=(g.fine_settled_before_close,),
            effects=(fx.record_closure,),
        ),
        Transition(
            "void",
            N_("作废"),
            ("on_site",),
            "voided",
            HEAD,
            inputs=(ACTED_ON, REQUIRED_SUMMARY),
            effects=(fx.record_closure,),
            approval=True,
            style="danger",
        ),
        _remedy(("decided", "executed", "closed")),
    ),
)

# --- 行政强制措施（查封、扣押等） ------------------------------------------------------------------

MEASURES = (
    ("seal", N_("查封场所、设施或者财物")),
    ("detain", N_("扣押财物")),
    ("freeze", N_("冻结存款、汇款")),
    ("restrict_liberty", N_("限制公民人身自由")),
    ("other", N_("其他行政强制措施")),
)
_SEIZURE_INPUTS = (
    ACTED_ON,
    OFFICERS,
    Input("measure", N_("强制措施种类"), "choice", choices=MEASURES),
    Input("items", N_("查封扣押财物清单"), "textarea"),
    Input("estimated_value", N_("财物估值（元）"), "decimal", required=False),
    Input("place", N_("实施地点")),
)

COERCION_MEASURE = Procedure(
    code="coercion.measure",
    name=N_("行政强制措施"),
    category=Category.COERCION,
    description=N_("报批、两名执法人员实施、当场告知、制作现场笔录和清单，期限不超过三十日，可延长一次。"),
    decision_deadline="term",
    stages=(
        Stage("applied", N_("报请批准"), Step.START),
        Stage("approved", N_("已批准"), Step.START),
        Stage("in_force", N_("措施实施中"), Step.INVESTIGATION),
        Stage("decided", N_("已作出处理决定"), Step.DECISION),
        Stage("lifted", N_("已解除"), Step.SERVICE),
        Stage("closed", N_("已结案"), Step.ARCHIVE, terminal=True),
        Stage("rejected", N_("不予批准"), Step.ARCHIVE, terminal=True),
    ),
    transitions=(
        Transition(
            "approve",
            N_("批准实施"),
            ("applied",),
            "approved",
            HEAD,
            inputs=(ACTED_ON, Input("measure", N_("强制措施种类"), "choice", choices=MEASURES)),
            effects=(fx.remember("measure"),),
            approval=True,
        ),
        Transition(
            "reject",
            N_("不予批准"),
            ("applied",),
            "rejected",
            HEAD,
            inputs=(ACTED_ON, REQUIRED_SUMMARY),
            effects=(fx.record_closure,),
            approval=True,
            style="secondary",
        ),
        Transition(
            "execute",
            N_("实施查封扣押"),
            ("approved",),
            "in_force",
            OFFICER,
            inputs=_SEIZURE_INPUTS,
            effects=(fx.remember("measure", "items", "estimated_value", "place"),),
            starts=(
                DeadlineSpec(
                    "term", N_("查封扣押期限"), "FORCE-07.initial", extension_rule="FORCE-07.extension"
                ),
            ),
            on_site=True,
            handler_only=True,
            act="seizure",
        ),
        Transition(
            "execute_emergency",
            N_("情况紧急当场实施"),
            ("applied",),
            "in_force",
            OFFICER,
            inputs=_SEIZURE_INPUTS,
            effects=(fx.mark_emergency, fx.remember("measure", "items", "estimated_value", "place")),
            starts=(
                DeadlineSpec(
                    "term", N_("查封扣押期限"), "FORCE-07.initial", extension_rule="FORCE-07.extension"
                ),
                DeadlineSpec("ratification", N_("报告负责人并补办批准"), "FORCE-04.deadline"),
            ),
            on_site=True,
            handler_only=True,
            act="seizure",
            style="danger",
            description=N_("当场实施后二十四小时内向负责人报告并补办批准手续（行政强制法第19条）。"),
        ),
        Transition(
            "ratify",
            N_("补办批准"),
            ("in_force",),
            None,
            HEAD,
            inputs=(ACTED_ON,),
            effects=(fx.stamp("ratified_on"),),
            stops=("ratification",),
            approval=True,
        ),
        Transition(
            "extend",
            N_("延长期限"),
            ("in_force",),
            None,
            HEAD,
            inputs=(ACTED_ON, REQUIRED_SUMMARY),
            guards=(g.extension_allowed("term", "FORCE-07.extension"),),
            effects=(fx.extend_deadline("term", "FORCE-07.extension"),),
            approval=True,
            style="secondary",
        ),
        *_clock_acts("term", ("in_force",)),
        Transition(
            "lift",
            N_("解除强制措施"),
            ("in_force",),
            "lifted",
            OFFICER_OR_HEAD,
            inputs=(
                ACTED_ON,
                Input(
                    "ground",
                    N_("解除理由"),
                    "choice",
                    choices=(
                        ("no_violation", N_("当事人没有违法行为")),
                        ("unrelated", N_("财物与违法行为无关")),
                        ("decided", N_("已作出处理决定，不再需要")),
                        ("expired", N_("期限已经届满")),
                        ("not_needed", N_("其他不再需要的情形")),
                    ),
                ),
            ),
            guards=(g.emergency_ratified,),
            effects=(fx.remember("ground"),),
            stops=("term",),
            act="lift",
        ),
        Transition(
            "decide",
            N_("作出处理决定"),
            ("in_force",),
            "decided",
            HEAD,
            inputs=(
                ACTED_ON,
                Input(
                    "outcome",
                    N_("处理决定"),
                    "choice",
                    choices=(
                        ("confiscate", N_("依法没收")),
                        ("destroy", N_("依法销毁")),
                        ("transfer", N_("移送有关机关")),
                        ("return", N_("退还财物")),
                    ),
                ),
            ),
            guards=(g.emergency_ratified,),
            effects=(fx.record_decision,),
            stops=("term",),
            approval=True,
            act="decision",
        ),
        Transition(
            "close",
            N_("结案"),
            ("lifted", "decided"),
            "closed",
            HEAD,
            inputs=(ACTED_ON, SUMMARY),
            effects=(fx.record_closure,),
            approval=True,
        ),
        _reassign(("applied", "approved", "in_force")),
    ),
)

# --- 行政强制执行 --------------------------------------------------------------------------------

ENFORCEMENT_METHODS = (
    ("surcharge", N_("加处罚款或者滞纳金")),
    ("deposit_transfer", N_("划拨存款、汇款")),
    ("auction", N_("拍卖或者依法处理查封、扣押的场所、设施或者财物")),
    ("restore", N_("排除妨碍、恢复原状")),
    ("substitute", N_("代履行")),
    ("demolition", N_("强制拆除")),
)

COERCION_ENFORCEMENT = Procedure(
    code="coercion.enforcement",
    name=N_("行政强制执行"),
    category=Category.COERCION,
    description=N_("催告、陈述申辩、作出强制执行决定、实施或申请人民法院强制执行。"),
    stages=(
        Stage("pending", N_("待执行"), Step.START),
        Stage("demanded", N_("已催告"), Step.SERVICE),
        Stage("decided", N_("已决定强制执行"), Step.DECISION),
        Stage("court_applied", N_("已申请法院执行"), Step.SERVICE),
        Stage("suspended", N_("中止执行"), Step.SERVICE),
        Stage("executed", N_("执行完毕"), Step.SERVICE),
        Stage("closed", N_("已结案"), Step.ARCHIVE, terminal=True),
        Stage("terminated", N_("终结执行"), Step.ARCHIVE, terminal=True),
    ),
    transitions=(
        Transition(
            "register_basis",
            N_("登记执行依据"),
            ("pending",),
            None,
            OFFICER,
            inputs=(
                Input("basis_document", N_("据以执行的决定书文号")),
                Input("basis_served_on", N_("决定书送达日期"), "date"),
            ),
            effects=(fx.remember("basis_document", "basis_served_on"),),
            handler_only=True,
        ),
        Transition(
            "demand",
            N_("送达催告书"),
            ("pending",),
            "demanded",
            OFFICER,
            inputs=(SERVED_ON, Input("amount", N_("金钱给付金额（元）"), "decimal", required=False), SUMMARY),
            effects=(fx.remember("served_on", prefix="demand_"), fx.remember("amount")),
            starts=(
                DeadlineSpec("demand", N_("催告履行期限"), "SX-CASE-04.deadline", start_input="served_on"),
            ),
            handler_only=True,
            act="demand",
        ),
        Transition(
            "decide",
            N_("作出强制执行决定"),
            ("demanded",),
            "decided",
            HEAD,
            inputs=(
                ACTED_ON,
                Input("method", N_("强制执行方式"), "choice", choices=ENFORCEMENT_METHODS),
                Input("urgent", N_("有证据证明有转移或者隐匿财物迹象，立即执行"), "bool", required=False),
            ),
            guards=(g.demand_period_over,),
            effects=(fx.remember("method", "urgent"), fx.record_decision),
            stops=("demand",),
            approval=True,
            act="decision",
        ),
        Transition(
            "execute",
            N_("实施强制执行"),
            ("decided",),
            "executed",
            OFFICER,
            inputs=(ACTED_ON, OFFICERS, SUMMARY),
            effects=(fx.stamp("executed_on"),),
            on_site=True,
            handler_only=True,
            act="enforcement",
        ),
        Transition(
            "demolish",
            N_("实施强制拆除"),
            ("decided",),
            "executed",
            OFFICER,
            inputs=(ACTED_ON, OFFICERS, Input("structure", N_("拆除的违法建筑物、构筑物、设施")), SUMMARY),
            guards=(g.remedy_periods_expired,),
            effects=(fx.stamp("executed_on"), fx.remember("structure")),
            on_site=True,
            handler_only=True,
            act="demolition",
            style="danger",
        ),
        Transition(
            "apply_to_court",
            N_("申请人民法院强制执行"),
            ("demanded",),
            "court_applied",
            HEAD,
            inputs=(ACTED_ON, Input("court", N_("受理法院"))),
            guards=(g.court_application_wait_over,),
            effects=(fx.remember("court"),),
            stops=("demand",),
            approval=True,
        ),
        Transition(
            "record_court_ruling",
            N_("登记法院执行结果"),
            ("court_applied",),
            "executed",
            OFFICER,
            inputs=(ACTED_ON, Input("ruling", N_("裁定及执行情况"), "textarea")),
            effects=(fx.stamp("executed_on"), fx.remember("ruling")),
        ),
        Transition(
            "suspend",
            N_("中止执行"),
            ("decided",),
            "suspended",
            HEAD,
            inputs=(ACTED_ON, REQUIRED_SUMMARY),
            effects=(fx.stamp("suspended_on"),),
            approval=True,
            style="secondary",
        ),
        Transition(
            "resume",
            N_("恢复执行"),
            ("suspended",),
            "decided",
            HEAD,
            inputs=(ACTED_ON, SUMMARY),
            approval=True,
        ),
        Transition(
            "terminate",
            N_("终结执行"),
            ("pending", "demanded", "decided", "suspended"),
            "terminated",
            HEAD,
            inputs=(ACTED_ON, REQUIRED_SUMMARY),
            effects=(fx.record_closure,),
            approval=True,
            style="danger",
        ),
        Transition(
            "close",
            N_("结案"),
            ("executed",),
            "closed",
            HEAD,
            inputs=(ACTED_ON, SUMMARY),
            effects=(fx.record_closure,),
            approval=True,
        ),
        _reassign(("pending", "demanded", "decided", "suspended")),
    ),
)

# --- 行政检查 -----------------------------------------------------------------------------------

INSPECTION = Procedure(
    code="inspection",
    name=N_("行政检查"),
    category=Category.INSPECTION,
    description=N_("检查审批、亮证检查、制作检查笔录、依法处理。"),
    decision_deadline="conclusion",
    stages=(
        Stage("planned", N_("检查报批"), Step.START),
        Stage("approved", N_("已批准"), Step.START),
        Stage("inspected", N_("已检查"), Step.INVESTIGATION),
        Stage("concluded", N_("已处理"), Step.DECISION),
        Stage("closed", N_("已办结"), Step.ARCHIVE, terminal=True),
        Stage("cancelled", N_("已取消"), Step.ARCHIVE, terminal=True),
    ),
    transitions=(
        Transition(
            "approve",
            N_("批准检查"),
            ("planned",),
            "approved",
            HEAD,
            inputs=(
                ACTED_ON,
                Input("planned", N_("列入年度检查计划"), "bool", required=False),
                Input("basis", N_("检查依据")),
            ),
            effects=(fx.remember("planned", "basis"),),
            starts=(DeadlineSpec("conclusion", N_("检查办结"), "SX-CASE-02.deadline"),),
            approval=True,
        ),
        Transition(
            "cancel",
            N_("取消检查"),
            ("planned", "approved"),
            "cancelled",
            HEAD,
            inputs=(ACTED_ON, REQUIRED_SUMMARY),
            effects=(fx.record_closure,),
            stops=("conclusion",),
            approval=True,
            style="secondary",
        ),
        Transition(
            "inspect",
            N_("实施现场检查"),
            ("approved",),
            "inspected",
            OFFICER,
            inputs=(ACTED_ON, OFFICERS, Input("findings", N_("检查情况"), "textarea")),
            effects=(fx.remember("findings"),),
            on_site=True,
            handler_only=True,
            act="inspection",
        ),
        Transition(
            "conclude",
            N_("作出检查结论"),
            ("inspected",),
            "concluded",
            OFFICER,
            inputs=(
                ACTED_ON,
                Input(
                    "outcome",
                    N_("检查结论"),
                    "choice",
                    choices=(
                        ("no_problem", N_("未发现问题")),
                        ("order_correction", N_("责令改正")),
                        ("open_penalty_case", N_("立案查处")),
                        ("transfer", N_("移送有关部门")),
                    ),
                ),
                REQUIRED_SUMMARY,
            ),
            effects=(fx.record_decision,),
            stops=("conclusion",),
            handler_only=True,
            act="decision",
        ),
        Transition(
            "close",
            N_("办结"),
            ("concluded",),
            "closed",
            HEAD,
            inputs=(ACTED_ON, SUMMARY),
            effects=(fx.record_closure,),
            approval=True,
        ),
        _reassign(("planned", "approved", "inspected")),
    ),
)

# --- 行政许可 -----------------------------------------------------------------------------------

PERMIT_PROPOSAL = _proposal_inputs((("grant", N_("准予许可")), ("refuse", N_("不予许可"))), penalty=False)

PERMIT = Procedure(
    code="permit",
    name=N_("行政许可"),
    category=Category.PERMIT,
    description=N_("申请、受理、审查、决定（二十个工作日内，经批准可延长十个工作日）、送达。"),
    decision_deadline="decision",
    stages=(
        Stage("applied", N_("申请"), Step.START),
        Stage("accepted", N_("已受理"), Step.START),
        Stage("examined", N_("已审查"), Step.INVESTIGATION),
        Stage("decided", N_("已决定"), Step.DECISION),
        Stage("served", N_("已送达"), Step.SERVICE),
        Stage("closed", N_("已办结"), Step.ARCHIVE, terminal=True),
        Stage("rejected", N_("不予受理"), Step.ARCHIVE, terminal=True),
    ),
    transitions=(
        Transition(
            "accept",
            N_("受理"),
            ("applied",),
            "accepted",
            OFFICER,
            inputs=(ACTED_ON,),
            starts=(
                DeadlineSpec(
                    "decision",
                    N_("作出许可决定"),
                    "LIC-03.single_agency",
                    extension_rule="LIC-03.single_agency_extension",
                ),
            ),
        ),
        Transition(
            "request_supplement",
            N_("一次性告知补正材料"),
            ("applied",),
            None,
            OFFICER,
            inputs=(ACTED_ON, Input("missing", N_("需补正的全部内容"), "textarea")),
            effects=(fx.remember("missing"),),
            style="secondary",
        ),
        Transition(
            "reject_application",
            N_("不予受理"),
            ("applied",),
            "rejected",
            OFFICER_OR_HEAD,
            inputs=(ACTED_ON, Input("summary", N_("不予受理理由"), "textarea")),
            effects=(fx.record_closure,),
            style="secondary",
        ),
        Transition(
            "verify_on_site",
            N_("实地核查"),
            ("accepted",),
            None,
            OFFICER,
            inputs=(ACTED_ON, OFFICERS, Input("findings", N_("核查情况"), "textarea")),
            on_site=True,
            act="verification",
        ),
        Transition(
            "examine",
            N_("提出审查意见"),
            ("accepted",),
            "examined",
            OFFICER,
            inputs=PERMIT_PROPOSAL,
            effects=(fx.make_proposal,),
            handler_only=True,
        ),
        Transition(
            "revise_proposal",
            N_("修改审查意见"),
            ("examined",),
            None,
            OFFICER,
            inputs=PERMIT_PROPOSAL,
            effects=(fx.make_proposal,),
            handler_only=True,
            style="secondary",
        ),
        Transition(
            "extend",
            N_("延长审查期限"),
            ("accepted", "examined"),
            None,
            HEAD,
            inputs=(ACTED_ON, REQUIRED_SUMMARY),
            guards=(g.extension_allowed("decision", "LIC-03.single_agency_extension"),),
            effects=(fx.extend_deadline("decision", "LIC-03.single_agency_extension"),),
            approval=True,
            style="secondary",
        ),
        *_clock_acts("decision", ("accepted", "examined")),
        Transition(
            "decide",
            N_("作出许可决定"),
            ("examined",),
            "decided",
            HEAD,
            inputs=(
                ACTED_ON,
                Input("licence_no", N_("许可证书编号"), required=False),
                Input("valid_to", N_("有效期至"), "date", required=False, not_future=False),
            ),
            guards=(g.proposal_required,),
            effects=(fx.record_decision, fx.remember("licence_no", "valid_to")),
            stops=("decision",),
            starts=(DeadlineSpec("issue", N_("颁发、送达许可证件"), "LIC-06.deadline"),),
            approval=True,
            act="decision",
        ),
        Transition(
            "serve",
            N_("送达决定"),
            ("decided",),
            "served",
            OFFICER,
            inputs=(SERVED_ON, SERVICE_METHOD),
            guards=(g.served_not_before_decision,),
            effects=(fx.record_service,),
            stops=("issue",),
            act="service",
        ),
        Transition(
            "close",
            N_("办结"),
            ("served",),
            "closed",
            OFFICER_OR_HEAD,
            inputs=(ACTED_ON, SUMMARY),
            effects=(fx.record_closure,),
        ),
        _reassign(("applied", "accepted", "examined")),
        _remedy(("decided", "served", "closed")),
    ),
)

# --- 行政征收征用 / 行政确认 -----------------------------------------------------------------------


def _decision_procedure(code: str, name: str, category: str, description: str, outcomes) -> Procedure:
    """Levies and confirmations share one shape: initiate, examine, decide, serve, execute."""
    proposal = _proposal_inputs(outcomes, penalty=False)
    return Procedure(
        code=code,
        name=name,
        category=category,
        description=description,
        decision_deadline="decision",
        stages=(
            Stage("initiated", N_("启动"), Step.START),
            Stage("examined", N_("调查核实"), Step.INVESTIGATION),
            Stage("proposed", N_("拟决定"), Step.DECISION),
            Stage("decided", N_("已决定"), Step.DECISION),
            Stage("served", N_("已送达"), Step.SERVICE),
            Stage("executed", N_("已执行"), Step.SERVICE),
            Stage("closed", N_("已办结"), Step.ARCHIVE, terminal=True),
            Stage("terminated", N_("已终止"), Step.ARCHIVE, terminal=True),
        ),
        transitions=(
            Transition(
                "examine",
                N_("调查核实"),
                ("initiated",),
                "examined",
                OFFICER,
                inputs=(ACTED_ON, OFFICERS, Input("findings", N_("核实情况"), "textarea")),
                effects=(fx.remember("findings"),),
                starts=(DeadlineSpec("decision", N_("作出决定"), "SX-CASE-03.deadline"),),
                on_site=True,
                handler_only=True,
                act="verification",
            ),
            Transition(
                "propose",
                N_("提出拟决定"),
                ("examined",),
                "proposed",
                OFFICER,
                inputs=proposal,
                effects=(fx.make_proposal,),
                handler_only=True,
            ),
            Transition(
                "revise_proposal",
                N_("修改拟决定"),
                ("proposed",),
                None,
                OFFICER,
                inputs=proposal,
                effects=(fx.make_proposal,),
                handler_only=True,
                style="secondary",
            ),
            Transition(
                "decide",
                N_("作出决定"),
                ("proposed",),
                "decided",
                HEAD,
                inputs=(ACTED_ON,),
                guards=(g.proposal_required,),
                effects=(fx.record_decision,),
                stops=("decision",),
                approval=True,
                act="decision",
            ),
            Transition(
                "serve",
                N_("送达决定"),
                ("decided",),
                "served",
                OFFICER,
                inputs=(SERVED_ON, SERVICE_METHOD),
                guards=(g.served_not_before_decision,),
                effects=(fx.record_service,),
                act="service",
            ),
            Transition(
                "record_execution",
                N_("登记执行（缴纳、补偿、交付）"),
                ("served",),
                "executed",
                OFFICER,
                inputs=(ACTED_ON, SUMMARY),
                effects=(fx.stamp("executed_on"),),
            ),
            Transition(
                "close",
                N_("办结"),
                ("served", "executed"),
                "closed",
                HEAD,
                inputs=(ACTED_ON, SUMMARY),
                effects=(fx.record_closure,),
                approval=True,
            ),
            Transition(
                "terminate",
                N_("终止办理"),
                ("initiated", "examined", "proposed"),
                "terminated",
                HEAD,
                inputs=(ACTED_ON, REQUIRED_SUMMARY),
                effects=(fx.record_closure,),
                stops=("decision",),
                approval=True,
                style="danger",
            ),
            *_clock_acts("decision", ("examined", "proposed")),
            _reassign(("initiated", "examined", "proposed")),
            _remedy(("decided", "served", "executed", "closed")),
        ),
    )


LEVY = _decision_procedure(
    "levy",
    N_("行政征收征用"),
    Category.LEVY,
    N_("依法核定、告知、决定征收或征用并给予补偿。"),
    (("levy", N_("决定征收")), ("requisition", N_("决定征用")), ("exempt", N_("减免或不予征收"))),
)
CONFIRMATION = _decision_procedure(
    "confirmation",
    N_("行政确认"),
    Category.CONFIRMATION,
    N_("依申请或依职权对法律事实、法律关系予以确认。"),
    (("confirm", N_("予以确认")), ("refuse", N_("不予确认"))),
)

ALL = (
    PENALTY_SIMPLE,
    PENALTY_GENERAL,
    COERCION_MEASURE,
    COERCION_ENFORCEMENT,
    INSPECTION,
    PERMIT,
    LEVY,
    CONFIRMATION,
)


def register_all() -> None:
    for procedure in ALL:
        registry.register(procedure)
