"""按日汇总 — the dashboard's daily case counts, so that a year or rolling-12-month page reads a few
thousand summary rows instead of scanning every case (docs/supervision.md, "Dashboard at scale").

One row per agency × day × procedure × current stage. `opened` counts the cases registered that
day (local date of `Case.opened_at`) that are now in that stage; `closed` the cases closed that day
(`Case.closed_on`) that are now in that stage. Written only by services/summary.py: incrementally
in the transaction of each case change, and rebuilt from the cases for a range of days by
`sanxiang tick` (yesterday and today) and `sanxiang summary rebuild` (after bulk loads)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from sanxiang.org.models import Agency


class DailyCaseCount(models.Model):
    agency = models.ForeignKey(Agency, verbose_name=_("执法主体"), on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("日期"))
    procedure = models.CharField(_("程序"), max_length=40)
    stage = models.CharField(_("当前阶段"), max_length=40)
    opened = models.IntegerField(_("当日登记"), default=0)
    closed = models.IntegerField(_("当日结案"), default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "day", "procedure", "stage"], name="daily_case_count_key"
            )
        ]
        indexes = [models.Index(fields=["day"], name="daily_case_count_day_idx")]
        verbose_name = _("案件按日汇总")
        verbose_name_plural = _("案件按日汇总")

    def __str__(self) -> str:
        return f"{self.agency_id} {self.day} {self.procedure}/{self.stage}: +{self.opened} ✓{self.closed}"
