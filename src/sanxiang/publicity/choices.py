from django.db import models
from django.utils.translation import gettext_lazy as _


class PublicationKind(models.TextChoices):
    DECISION = "decision", _("执法决定（事后公开）")
    ITEM_LIST = "item_list", _("执法事项清单与主体信息（事前公开）")


class PublicationStatus(models.TextChoices):
    """draft → checked → published → (updated = published again) / withdrawn / expired;
    withheld: not published, with a reason (minors, secrets, privacy — PUB-09, MASK-03)."""

    DRAFT = "draft", _("待审核")
    CHECKED = "checked", _("已审核待发布")
    PUBLISHED = "published", _("已公示")
    WITHDRAWN = "withdrawn", _("已撤下")
    EXPIRED = "expired", _("公示期满")
    WITHHELD = "withheld", _("不予公开")


class PendingAction(models.TextChoices):
    """What a published (or drafted) decision still needs after a remedy outcome (PUB-07)."""

    NONE = "", _("无")
    UPDATE = "update", _("待更新")


class PublicStatus(models.TextChoices):
    """How the portal shows a published decision."""

    PUBLISHED = "published", _("公示中")
    WITHDRAWN = "withdrawn", _("已撤下")
    EXPIRED = "expired", _("公示期满")


PARTY_KIND_LABELS = {
    "person": _("自然人"),
    "organisation": _("法人及非法人组织"),
    "individual_business": _("个体工商户"),
}
