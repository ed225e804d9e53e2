"""Choices of the clue, follow-up, finding and case-file evaluation models."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ClueChannel(models.TextChoices):
    """线索来源渠道 (supervision-regulation.md: clue intake, S)."""

    HOTLINE = "hotline", _("12345热线工单")
    ENTERPRISE_APPEAL = "enterprise_appeal", _("涉企行政执法诉求")
    LETTERS_VISITS = "letters_visits", _("信访")
    ONLINE_FORM = "online_form", _("门户网站在线反映")
    MEDIA = "media", _("媒体曝光")
    REFERRAL = "referral", _("移送转办")
    MODEL = "model", _("线索模型")
    OTHER = "other", _("其他")


class ClueStatus(models.TextChoices):
    REGISTERED = "registered", _("已登记")
    ASSESSING = "assessing", _("研判中")
    DISMISSED = "dismissed", _("不予处理")
    TRANSFERRED = "transferred", _("已转办")
    HANDLING = "handling", _("办理中")
    ESCALATED = "escalated", _("转重点监督")
    MERGED = "merged", _("已合并")
    CLOSED = "closed", _("已办结")


class FollowUpKind(models.TextChoices):
    CLUE = "clue", _("线索跟进")
    RECTIFICATION = "rectification", _("整改")
    FINDING = "finding", _("问题跟进")


class FollowUpStatus(models.TextChoices):
    OPEN = "open", _("待分派")
    ASSIGNED = "assigned", _("已分派")
    RESPONDED = "responded", _("已回复")
    CLOSED = "closed", _("已关闭")


class MisconductKind(models.TextChoices):
    """问题类型 — the misconduct taxonomy (supervision-regulation.md scope (d), S) plus failures of
    the three systems and qualification problems."""

    NOT_FILED = "not_filed", _("有案不立")
    BUCK_PASSING = "buck_passing", _("推诿扯皮")
    FINE_INSTEAD = "fine_instead", _("以罚代管")
    OUT_OF_AREA = "out_of_area", _("违规异地执法")
    PROFIT_DRIVEN = "profit_driven", _("趋利性执法")
    ARBITRARY_CHARGE = "arbitrary_charge", _("乱收费")
    ARBITRARY_FINE = "arbitrary_fine", _("乱罚款")
    ARBITRARY_INSPECTION = "arbitrary_inspection", _("乱检查")
    ARBITRARY_SEIZURE = "arbitrary_seizure", _("乱查封")
    NOT_PUBLISHED = "not_published", _("未按时公示")
    MISSING_AV = "missing_av", _("未全过程记录（音像缺失）")
    DECIDED_BEFORE_REVIEW = "decided_before_review", _("未经法制审核作出决定")
    UNQUALIFIED = "unqualified", _("无证执法（资格问题）")
    CASE_FILE = "case_file", _("案卷质量问题")
    OBSTRUCTION = "obstruction", _("拒绝、阻挠监督")
    OTHER = "other", _("其他")


class FindingStatus(models.TextChoices):
    OPEN = "open", _("待处理")
    CONFIRMED = "confirmed", _("已认定")
    RECTIFYING = "rectifying", _("整改中")
    CLOSED = "closed", _("已办结")
    WITHDRAWN = "withdrawn", _("已撤销（保留记录）")


class Severity(models.TextChoices):
    VETO = "veto", _("否决项")
    MAJOR = "major", _("严重")
    MINOR = "minor", _("一般")
    INFO = "info", _("提示")


class EvaluationTrigger(models.TextChoices):
    CLOSED = "closed", _("结案自动评查")
    DEMAND = "demand", _("按需评查")
    CAMPAIGN = "campaign", _("评查活动")
