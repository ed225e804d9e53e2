"""政策任务跟踪 (O1, policy table 附件2) and what it makes visible: the supporting rules library
(配套制度, O3) and the audio/video equipment inventory (O5). Training and exam records (O4) are
org.TrainingRecord, shown beside them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sanxiang.core.scoping import RestrictedQuerySet
from sanxiang.org.models import Agency


class PolicyTask(models.Model):
    """One row of the task table (任务分解表), loaded from supervision/data/policy_tasks.yaml."""

    number = models.PositiveSmallIntegerField(_("序号"), unique=True)
    title = models.CharField(_("工作任务"), max_length=60)
    requirements = models.TextField(_("具体要求"))
    responsibility = models.TextField(_("责任分工"))
    deadline_text = models.CharField(_("完成时限"), max_length=120)
    due_on = models.DateField(_("完成期限"), null=True, blank=True, help_text=_("空：持续推进"))
    county_due_on = models.DateField(
        _("县级完成期限"), null=True, blank=True, help_text=_("县级有不同期限时")
    )
    features = models.CharField(_("对应功能"), max_length=60, blank=True)

    class Meta:
        ordering = ["number"]
        verbose_name = _("三项制度任务")
        verbose_name_plural = _("三项制度任务")

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    @property
    def ongoing(self) -> bool:
        return self.due_on is None

    def due_for(self, agency):
        """The deadline that binds `agency`: the county date for agencies below the city level."""
        if self.county_due_on and agency.division.level != "city":
            return self.county_due_on
        return self.due_on


class TaskStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("未启动")
    IN_PROGRESS = "in_progress", _("推进中")
    DONE = "done", _("已完成")


class TaskReport(models.Model):
    """落实情况报告 — an agency's progress on one task. Reports are never edited: a new report
    supersedes the previous one, so the history stays for the joint-meeting office."""

    agency = models.ForeignKey(Agency, verbose_name=_("执法主体"), on_delete=models.PROTECT, related_name="+")
    task = models.ForeignKey(
        PolicyTask, verbose_name=_("任务"), on_delete=models.PROTECT, related_name="reports"
    )
    status = models.CharField(_("进展"), max_length=20, choices=TaskStatus.choices)
    progress = models.PositiveSmallIntegerField(_("完成度（%）"), default=0)
    note = models.TextField(_("落实情况"))
    evidence = models.TextField(_("佐证材料"), blank=True, help_text=_("文件名称、文号或链接，每行一项"))
    attachment = models.FileField(_("附件"), upload_to="policy/", blank=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reported_at = models.DateTimeField(_("报告时间"))
    completed_on = models.DateField(_("完成日期"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()
    scope_agency_lookup = "agency"

    class Meta:
        ordering = ["agency", "task", "-reported_at", "-pk"]
        indexes = [models.Index(fields=["agency", "task", "reported_at"])]
        verbose_name = _("任务落实情况")
        verbose_name_plural = _("任务落实情况")

    def __str__(self) -> str:
        return f"{self.agency} {self.task.number} {self.status}"


class SupportingRule(models.Model):
    """配套制度 — a rule an agency adopted to implement the three systems (task 20, O3)."""

    agency = models.ForeignKey(Agency, verbose_name=_("执法主体"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("制度名称"), max_length=120)
    doc_number = models.CharField(_("文号"), max_length=60, blank=True)
    adopted_on = models.DateField(_("印发日期"))
    task = models.ForeignKey(
        PolicyTask,
        verbose_name=_("对应任务"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rules",
    )
    note = models.CharField(_("说明"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("登记时间"))

    objects = RestrictedQuerySet.as_manager()
    scope_agency_lookup = "agency"

    class Meta:
        ordering = ["agency", "-adopted_on"]
        verbose_name = _("配套制度")
        verbose_name_plural = _("配套制度")

    def __str__(self) -> str:
        return self.title


class DeviceKind(models.TextChoices):
    BODYCAM = "bodycam", _("执法记录仪")
    CAMERA = "camera", _("摄像/照相设备")
    RECORDER = "recorder", _("录音设备")
    HEARING_ROOM = "hearing_room", _("听证室/询问室音视频系统")
    STORAGE = "storage", _("音像资料存储设备")


class DeviceStatus(models.TextChoices):
    IN_USE = "in_use", _("在用")
    REPAIR = "repair", _("维修")
    RETIRED = "retired", _("报废")


class AVDevice(models.Model):
    """音像记录设备 — one device of the agency's inventory (task 7, 23; O5). `number` is what an
    evidence item names as its device (records.Evidence.device_number)."""

    agency = models.ForeignKey(Agency, verbose_name=_("执法主体"), on_delete=models.PROTECT, related_name="+")
    number = models.CharField(_("设备编号"), max_length=60, unique=True)
    kind = models.CharField(_("类别"), max_length=20, choices=DeviceKind.choices)
    model_name = models.CharField(_("型号"), max_length=80, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=DeviceStatus.choices, default=DeviceStatus.IN_USE
    )
    acquired_on = models.DateField(_("配备日期"), null=True, blank=True)
    keeper = models.CharField(_("保管人"), max_length=60, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("登记时间"))

    objects = RestrictedQuerySet.as_manager()
    scope_agency_lookup = "agency"

    class Meta:
        ordering = ["agency", "kind", "number"]
        verbose_name = _("音像记录设备")
        verbose_name_plural = _("音像记录设备")

    def __str__(self) -> str:
        return self.number
