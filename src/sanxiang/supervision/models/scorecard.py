"""三项制度考评 — the configurable part of the compliance scorecard: each indicator's weight,
target and whether it counts. The computation itself is code (services/scorecard.py); what the
assessment values (weights, targets) is data an administrator edits, seeded from
supervision/data/scorecard.yaml."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Direction(models.TextChoices):
    HIGHER = "higher", _("越高越好（不低于目标）")
    LOWER = "lower", _("越低越好（不高于目标）")


class ScorecardIndicator(models.Model):
    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("指标"), max_length=60)
    definition = models.TextField(_("计算口径"))
    source = models.CharField(_("依据"), max_length=300, blank=True)
    weight = models.DecimalField(_("权重（分值）"), max_digits=6, decimal_places=2)
    target = models.DecimalField(
        _("目标值"), max_digits=7, decimal_places=4, help_text=_("比率，0～1，如 0.95 表示 95%")
    )
    direction = models.CharField(
        _("方向"), max_length=10, choices=Direction.choices, default=Direction.HIGHER
    )
    enabled = models.BooleanField(_("纳入考评"), default=True)
    order = models.PositiveSmallIntegerField(_("顺序"), default=50)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("考评指标")
        verbose_name_plural = _("考评指标")

    def __str__(self) -> str:
        return self.name
