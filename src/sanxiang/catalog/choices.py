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


class Circumstance(models.TextChoices):
    """裁量情节 — the circumstances a benchmark tier names (BenchmarkLevel.circumstances) and a
    proposal records; the discretion assistant (insight) reads them (rules.md PEN-24/25, DISC-02)."""

    FIRST_OFFENCE = "first_offence", _("初次违法")
    MINOR_HARM = "minor_harm", _("危害后果轻微")
    NO_HARM = "no_harm", _("没有造成危害后果")
    CORRECTED_PROMPTLY = "corrected_promptly", _("及时改正")
    NO_FAULT = "no_fault", _("有证据证明没有主观过错")
    MENTAL_INCAPACITY = "mental_incapacity", _("不能辨认或者控制自己行为的精神病人、智力残疾人")
    ELIMINATED_HARM = "eliminated_harm", _("主动消除或者减轻危害后果")
    COERCED = "coerced", _("受他人胁迫或者诱骗")
    CONFESSED = "confessed", _("主动供述行政机关尚未掌握的违法行为")
    MERITORIOUS = "meritorious", _("配合查处有立功表现")
    MINOR_14_17 = "minor_14_17", _("已满十四周岁不满十八周岁")
    SHORT_DURATION = "short_duration", _("违法行为持续时间短")
    SMALL_AMOUNT = "small_amount", _("涉案货值或违法所得较小")
    COOPERATED = "cooperated", _("积极配合调查")
    LARGE_AMOUNT = "large_amount", _("涉案货值或违法所得较大")
    REPEAT_OFFENCE = "repeat_offence", _("一年内因同一违法行为受过处罚")
    OBSTRUCTED = "obstructed", _("拒不配合调查或者隐匿、销毁证据")
    SERIOUS_HARM = "serious_harm", _("造成人身伤害或者较大社会影响")
    VULNERABLE_VICTIMS = "vulnerable_victims", _("针对未成年人、老年人等群体实施")
