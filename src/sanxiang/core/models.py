"""Shared kernel models: audit fields, the working-day calendar overrides, gapless sequences."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditedModel(models.Model):
    """Base fields every domain row carries: who created and last changed it, and when."""

    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("更新人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        abstract = True


class CalendarOverride(models.Model):
    """节假日调整 — one day whose working status differs from the package data or the weekend rule.

    Used for years the `chinese-calendar` package does not yet cover (load the State Council's
    annual notice) and for local adjustments.
    """

    date = models.DateField(_("日期"), unique=True)
    is_working_day = models.BooleanField(_("是否工作日"))
    name = models.CharField(_("名称"), max_length=60, blank=True, help_text=_("如：春节、调休上班"))
    source = models.CharField(
        _("依据"), max_length=200, help_text=_("如：国务院办公厅关于2027年部分节假日安排的通知")
    )

    class Meta:
        ordering = ["date"]
        verbose_name = _("节假日调整")
        verbose_name_plural = _("节假日调整")

    def __str__(self) -> str:
        kind = _("工作日") if self.is_working_day else _("休息日")
        return f"{self.date} {kind} {self.name}"


class CalendarYear(models.Model):
    """A year whose holidays and make-up workdays are fully entered as overrides.

    Deadlines falling in a year that is neither covered by the package nor marked complete here are
    computed by the weekend rule and flagged provisional (rules.md TIME-08).
    """

    year = models.PositiveIntegerField(_("年度"), unique=True)
    complete = models.BooleanField(_("已完整录入"), default=True)
    source = models.CharField(_("依据"), max_length=200)

    class Meta:
        ordering = ["year"]
        verbose_name = _("年度日历")
        verbose_name_plural = _("年度日历")

    def __str__(self) -> str:
        return str(self.year)


class Sequence(models.Model):
    """A gapless counter (case numbers, document numbers): incremented in the caller's transaction."""

    key = models.CharField(max_length=200, unique=True)
    value = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("编号序列")
        verbose_name_plural = _("编号序列")

    def __str__(self) -> str:
        return f"{self.key}={self.value}"
