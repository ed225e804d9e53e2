"""督办预警 — what `sanxiang tick` raises when a supervision item is left unanswered past its due
date (《行政执法监督条例》 Arts. 39, 41): an instrument the target did not report on (escalated
automatically) and a clue step not done in time. Raised once per item and due date; shown to the
organ that owns the item and to the supervision organ one level up."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sanxiang.core.scoping import RestrictedQuerySet


class AlertKind(models.TextChoices):
    INSTRUMENT_ESCALATED = "instrument_escalated", _("文书逾期未报告整改，已自动升级")
    CLUE_OVERDUE = "clue_overdue", _("线索逾期未办理")


class AlertQuerySet(RestrictedQuerySet):
    def restrict(self, user, action: str = "view") -> AlertQuerySet:
        """The owning organ's scope, plus the alerts addressed to the user's agency (the upper organ)."""
        from sanxiang.core.scoping import agency_scope_q

        q = agency_scope_q(user, "agency", action)
        if getattr(user, "is_authenticated", False) and getattr(user, "agency_id", None):
            q |= Q(notified_id=user.agency_id)
        return self.filter(q)


class SupervisionAlert(models.Model):
    key = models.CharField(_("预警键"), max_length=120, unique=True)
    kind = models.CharField(_("类型"), max_length=30, choices=AlertKind.choices)
    agency = models.ForeignKey(
        "org.Agency", verbose_name=_("责任机构"), on_delete=models.PROTECT, related_name="+"
    )
    notified = models.ForeignKey(
        "org.Agency",
        verbose_name=_("告知的上一级监督机构"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    instrument = models.ForeignKey(
        "supervision.Instrument", null=True, blank=True, on_delete=models.PROTECT, related_name="alerts"
    )
    clue = models.ForeignKey(
        "supervision.Clue", null=True, blank=True, on_delete=models.PROTECT, related_name="alerts"
    )
    due_on = models.DateField(_("期限"))
    message = models.CharField(_("内容"), max_length=300)
    rule = models.CharField(_("依据"), max_length=300)
    provisional = models.BooleanField(_("默认值待核实"), default=True)
    raised_at = models.DateTimeField(_("预警时间"), db_index=True)
    acknowledged_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = AlertQuerySet.as_manager()
    scope_agency_lookup = "agency"

    class Meta:
        ordering = ["-raised_at", "-pk"]
        verbose_name = _("督办预警")
        verbose_name_plural = _("督办预警")

    def __str__(self) -> str:
        return self.message
