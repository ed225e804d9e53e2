"""Enumerations of legal review (法制审核)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Flag(models.TextChoices):
    """情形标记 — what a handler or head may declare about a case (行政处罚法 Art. 58(1)1、3、4;
    国办发〔2018〕118号). A flag once set is never removed: it is a matched criterion."""

    MAJOR_PUBLIC_INTEREST = "major_public_interest", _("涉及重大公共利益")
    MAJOR_SOCIAL_IMPACT = "major_social_impact", _("可能造成重大社会影响或引发社会风险")
    COMPLEX = "complex", _("案件情况疑难复杂、涉及多个法律关系")
    SERIOUS_VIOLATION = "serious_violation", _("重大违法行为拟给予较重的行政处罚")
    REQUIRED_BY_LAW = "required_by_law", _("法律、法规规定应当进行法制审核的其他情形")


# Flags that also require the head's collective discussion (集体讨论, 行政处罚法 Art. 57(2), PEN-17).
DISCUSSION_FLAGS = frozenset({Flag.COMPLEX, Flag.SERIOUS_VIOLATION})

FLAG_SOURCES = {
    Flag.MAJOR_PUBLIC_INTEREST: "行政处罚法第58条第1款第1项",
    Flag.MAJOR_SOCIAL_IMPACT: "国办发〔2018〕118号",
    Flag.COMPLEX: "行政处罚法第58条第1款第3项",
    Flag.SERIOUS_VIOLATION: "行政处罚法第57条第2款",
    Flag.REQUIRED_BY_LAW: "行政处罚法第58条第1款第4项",
}


class Material(models.TextChoices):
    """送审材料 — the package the case unit submits (118号: 送审材料)."""

    PROPOSAL = "proposal", _("拟处理意见")
    INVESTIGATION_REPORT = "investigation_report", _("调查终结报告")
    EVIDENCE_LIST = "evidence_list", _("证据材料清单")
    LEGAL_BASIS = "legal_basis", _("法律依据")
    DISCRETION_REASONS = "discretion_reasons", _("裁量理由")
    HEARING_RECORD = "hearing_record", _("听证笔录")
    NOTICES_SERVED = "notices_served", _("已送达的告知文书")


class Aspect(models.TextChoices):
    """审核内容 — the six aspects every opinion answers (118号, rules.md REV-04)."""

    SUBJECT = "subject", _("执法主体")
    AUTHORITY = "authority", _("执法权限")
    PROCEDURE = "procedure", _("执法程序")
    FACTS = "facts", _("事实与证据")
    LAW = "law", _("法律适用与裁量基准")
    DOCUMENTS = "documents", _("法律文书")


class Finding(models.TextChoices):
    COMPLIANT = "compliant", _("合法适当")
    PROBLEM = "problem", _("存在问题")
    NOT_APPLICABLE = "not_applicable", _("不适用")


class State(models.TextChoices):
    SUBMITTED = "submitted", _("待受理")
    REFUSED = "refused", _("材料不全，不予受理")
    ACCEPTED = "accepted", _("已受理，待分配")
    ASSIGNED = "assigned", _("审核中")
    CONCLUDED = "concluded", _("已出具意见")
    VOIDED = "voided", _("已失效")


OPEN_STATES = (State.SUBMITTED, State.ACCEPTED, State.ASSIGNED)
CLOCK_STATES = (State.ACCEPTED, State.ASSIGNED)


class Outcome(models.TextChoices):
    """审核意见 (REV-07)."""

    AGREE = "agree", _("同意")
    AMEND = "amend", _("建议修改")
    RETURN = "return", _("退回补充材料")
    DISAGREE = "disagree", _("不同意")


CONTESTABLE = (Outcome.AMEND, Outcome.DISAGREE)


class ContestState(models.TextChoices):
    PENDING = "pending", _("待负责人决定")
    REFERRED = "referred", _("已提交集体讨论")
    RESOLVED = "resolved", _("已决定")
    VOIDED = "voided", _("拟处理意见已修改，不再处理")


class HeadDecision(models.TextChoices):
    UPHOLD = "uphold", _("维持审核意见")
    OVERRULE = "overrule", _("采纳承办机构意见")
    REFER = "refer", _("提交集体讨论")


class DiscussionOutcome(models.TextChoices):
    APPROVE = "approve", _("同意拟处理意见")
    REJECT = "reject", _("不同意拟处理意见")


class DiscussionPurpose(models.TextChoices):
    CONTEST = "contest", _("审核意见分歧协调")
    MAJOR_CASE = "major_case", _("情节复杂或重大违法案件集体讨论")


class AppointmentKind(models.TextChoices):
    LEGAL_ADVISER = "legal_adviser", _("法律顾问")
    PUBLIC_LAWYER = "public_lawyer", _("公职律师")
