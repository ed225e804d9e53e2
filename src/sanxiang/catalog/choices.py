"""Enumerations of the legal domain, shared by the catalog and the apps built on it."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    """执法类别 — the kinds of enforcement acts (行政许可/处罚/强制/征收征用/确认/检查)."""

    PERMIT = "permit", _("行政许可")
    PENALTY = "penalty", _("行政处罚")
    COERCION = "coercion", _("行政强制")
    LEVY = "levy", _("行政征收征用")
    CONFIRMATION = "confirmation", _("行政确认")
    INSPECTION = "inspection", _("行政检查")
    OTHER = "other", _("其他")


class PenaltyType(models.TextChoices):
    """行政处罚种类 — the closed list of 行政处罚法 Art. 9 (rules.md PEN-01)."""

    WARNING = "warning", _("警告")
    CRITICISM = "criticism", _("通报批评")
    FINE = "fine", _("罚款")
    CONFISCATE_GAINS = "confiscate_gains", _("没收违法所得")
    CONFISCATE_PROPERTY = "confiscate_property", _("没收非法财物")
    SUSPEND_LICENCE = "suspend_licence", _("暂扣许可证件")
    LOWER_QUALIFICATION = "lower_qualification", _("降低资质等级")
    REVOKE_LICENCE = "revoke_licence", _("吊销许可证件")
    RESTRICT_ACTIVITY = "restrict_activity", _("限制开展生产经营活动")
    ORDER_SUSPENSION = "order_suspension", _("责令停产停业")
    ORDER_CLOSURE = "order_closure", _("责令关闭")
    RESTRICT_PRACTICE = "restrict_practice", _("限制从业")
    DETENTION = "detention", _("行政拘留")
    OTHER = "other", _("法律、行政法规规定的其他行政处罚")


class DiscretionLevel(models.TextChoices):
    """裁量阶次 (GLOSSARY: discretion benchmark levels)."""

    NO_PENALTY = "no_penalty", _("不予处罚")
    MITIGATED = "mitigated", _("减轻处罚")
    LIGHTER = "lighter", _("从轻处罚")
    STANDARD = "standard", _("一般处罚")
    HEAVIER = "heavier", _("从重处罚")


class PartyKind(models.TextChoices):
    PERSON = "person", _("自然人")
    ORGANISATION = "organisation", _("法人或其他组织")


class Confidence(models.TextChoices):
    """How sure we are of a legal rule (rules.md §0)."""

    PRIMARY = "P", _("已核对法律原文")
    SECONDARY = "S", _("二手资料，待核对")
    UNCONFIRMED = "U", _("未经确认，默认值")
