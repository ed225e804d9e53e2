from django.db import models
from django.utils.translation import gettext_lazy as _

from sanxiang.catalog.choices import Category, PartyKind  # noqa: F401  (re-exported for cases code)


class Step(models.TextChoices):
    """The five steps of the record (全过程记录: 启动, 调查取证, 审核决定, 送达执行, 结案归档)."""

    START = "start", _("启动")
    INVESTIGATION = "investigation", _("调查取证")
    DECISION = "decision", _("审核决定")
    SERVICE = "service", _("送达执行")
    ARCHIVE = "archive", _("结案归档")


class IdType(models.TextChoices):
    RESIDENT_ID = "resident_id", _("居民身份证")
    PASSPORT = "passport", _("护照")
    HK_MACAO_PASS = "hk_macao_pass", _("港澳居民来往内地通行证")
    TAIWAN_PASS = "taiwan_pass", _("台湾居民来往大陆通行证")
    FOREIGN_PERMANENT = "foreign_permanent", _("外国人永久居留身份证")
    OTHER = "other", _("其他")


class CaseSource(models.TextChoices):
    INSPECTION = "inspection", _("监督检查发现")
    COMPLAINT = "complaint", _("投诉举报")
    HOTLINE = "hotline", _("12345热线")
    REFERRAL = "referral", _("移送")
    ASSIGNED = "assigned", _("上级交办")
    APPLICATION = "application", _("当事人申请")
    OTHER = "other", _("其他")


class DeadlineStatus(models.TextChoices):
    RUNNING = "running", _("计时中")
    PAUSED = "paused", _("中止计时")
    MET = "met", _("已按期完成")
    LATE = "late", _("逾期完成")
    OVERDUE = "overdue", _("已逾期")
    CANCELLED = "cancelled", _("已撤销")
