"""监督任务 — daily, key and special supervision tasks, their members (with recusal and invited
supervisors' time-limited access) and the province's special-task templates."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sanxiang.core import clock


class TaskKind(models.TextChoices):
    DAILY = "daily", _("日常监督")
    KEY = "key", _("重点监督")
    SPECIAL = "special", _("专项监督")


class TaskStatus(models.TextChoices):
    PLANNED = "planned", _("计划中")
    ACTIVE = "active", _("实施中")
    CLOSED = "closed", _("已办结")


class Method(models.TextChoices):
    """An extensible list (supervision-regulation.md §2): only the three letters are confirmed."""

    SITE_INSPECTION = "site_inspection", _("实地检查")
    DOCUMENT_REVIEW = "document_review", _("资料审查")
    RANDOM_SAMPLING = "random_sampling", _("随机抽查")
    EVALUATION = "evaluation", _("案卷评查")
    QUESTIONNAIRE = "questionnaire", _("问卷调查")
    THIRD_PARTY = "third_party", _("第三方评估")
    INTERVIEW = "interview", _("约谈")
    CIRCULAR = "circular", _("通报")


class MemberRole(models.TextChoices):
    LEAD = "lead", _("组长")
    MEMBER = "member", _("成员")
    INVITED = "invited", _("特邀监督员")


class TaskTemplate(models.Model):
    """专项监督模板 — a special-supervision campaign as the province publishes it (imported as data)."""

    code = models.SlugField(_("模板代码"), max_length=60, unique=True)
    title = models.CharField(_("名称"), max_length=200)
    source = models.CharField(_("下发机关"), max_length=100)
    field_name = models.CharField(_("领域"), max_length=60, blank=True)
    plan = models.TextField(_("工作方案"), blank=True)
    methods = models.JSONField(_("监督方式"), default=list, blank=True)
    checklist = models.JSONField(_("检查清单"), default=list, blank=True)
    report_due = models.DateField(_("结果报送期限"), null=True, blank=True)
    imported_at = models.DateTimeField(_("导入时间"), auto_now_add=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("专项监督模板")
        verbose_name_plural = _("专项监督模板")

    def __str__(self) -> str:
        return self.title


class SupervisionTask(models.Model):
    """监督任务 — one piece of supervision work with its scope, members, plan, window and checklist."""

    number = models.CharField(_("任务编号"), max_length=60, unique=True)
    kind = models.CharField(_("类型"), max_length=10, choices=TaskKind.choices)
    title = models.CharField(_("名称"), max_length=200)
    agency = models.ForeignKey(
        "org.Agency",
        verbose_name=_("承办监督机构"),
        on_delete=models.PROTECT,
        related_name="supervision_tasks",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("责任人"), on_delete=models.PROTECT, related_name="+"
    )
    scope = models.ManyToManyField(
        "org.Agency", verbose_name=_("监督对象"), related_name="supervision_tasks_in_scope", blank=True
    )
    plan = models.TextField(_("工作方案"), blank=True)
    methods = models.JSONField(_("监督方式"), default=list, blank=True)
    checklist = models.JSONField(_("检查清单"), default=list, blank=True)
    window_start = models.DateField(_("开始日期"))
    window_end = models.DateField(_("结束日期"))
    due_on = models.DateField(_("办结期限"))
    status = models.CharField(
        _("状态"), max_length=10, choices=TaskStatus.choices, default=TaskStatus.PLANNED
    )
    template = models.ForeignKey(
        TaskTemplate,
        verbose_name=_("专项模板"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tasks",
    )
    source_clue = models.ForeignKey(
        "supervision.Clue",
        verbose_name=_("来源线索"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="key_tasks",
    )
    findings = models.ManyToManyField(
        "supervision.Finding", verbose_name=_("发现的问题"), blank=True, related_name="tasks"
    )
    listed = models.BooleanField(_("挂牌督办"), default=False)
    escalated_to = models.ForeignKey(
        "org.Agency",
        verbose_name=_("提级至"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    outcome = models.TextField(_("监督结果"), blank=True)
    reported_at = models.DateTimeField(_("向上报送时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("监督任务")
        verbose_name_plural = _("监督任务")

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def stream(self) -> str:
        return f"supervision-task:{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status != TaskStatus.CLOSED

    @property
    def overdue(self) -> bool:
        return self.is_open and self.due_on < clock.today()


class TaskMember(models.Model):
    """A member of a task. Invited supervisors (特邀监督员) hold access only from `access_from` to
    `access_until`, and only after acknowledging confidentiality; every member declares recusal."""

    task = models.ForeignKey(SupervisionTask, on_delete=models.PROTECT, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="supervision_memberships"
    )
    role = models.CharField(_("任务角色"), max_length=10, choices=MemberRole.choices)
    affiliation = models.CharField(
        _("身份"), max_length=100, blank=True, help_text=_("如 市人大代表、行业协会专家")
    )
    access_from = models.DateField(_("授权自"), null=True, blank=True)
    access_until = models.DateField(_("授权至"), null=True, blank=True)
    confidentiality_ack_at = models.DateTimeField(_("保密承诺时间"), null=True, blank=True)
    recusal_declared_at = models.DateTimeField(_("回避声明时间"), null=True, blank=True)
    has_conflict = models.BooleanField(_("存在利害关系"), null=True)
    recusal_statement = models.TextField(_("回避声明"), blank=True)
    withdrawn_at = models.DateTimeField(_("退出时间"), null=True, blank=True)

    class Meta:
        ordering = ["task", "role", "pk"]
        constraints = [models.UniqueConstraint(fields=["task", "user"], name="supervision_member_once")]
        verbose_name = _("任务成员")
        verbose_name_plural = _("任务成员")

    def __str__(self) -> str:
        return f"{self.user} @ {self.task.number}"

    def access_open_on(self, day) -> bool:
        if self.withdrawn_at is not None:
            return False
        if self.role != MemberRole.INVITED:
            return True
        return bool(self.access_from and self.access_until and self.access_from <= day <= self.access_until)
