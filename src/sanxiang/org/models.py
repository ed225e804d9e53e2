"""Organisation: administrative divisions, enforcement agencies, staff, certificates, training."""

from __future__ import annotations

import datetime as dt
from functools import cached_property

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import connections, models, router
from django.utils.translation import gettext_lazy as _

from sanxiang.core.models import AuditedModel
from sanxiang.core.roles import Role
from sanxiang.core.scoping import RestrictedQuerySet


class DivisionLevel(models.TextChoices):
    CITY = "city", _("市")
    COUNTY = "county", _("县/区")
    TOWNSHIP = "township", _("乡镇/街道")


class Division(models.Model):
    """行政区划 — a node of the city → county/district → township tree.

    `path` is the materialised path of codes (`/439900/439901/`), so a subtree is one prefix filter.
    """

    code = models.CharField(_("区划代码"), max_length=12, unique=True)
    name = models.CharField(_("名称"), max_length=60)
    level = models.CharField(_("层级"), max_length=10, choices=DivisionLevel.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(max_length=200, editable=False, db_index=True)

    class Meta:
        ordering = ["path"]
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.path = f"{self.parent.path if self.parent else '/'}{self.code}/"
        super().save(*args, **kwargs)


class Field(models.Model):
    """执法领域 — e.g. 市场监管, 生态环境; certificates and items are tied to fields."""

    code = models.CharField(_("代码"), max_length=30, unique=True)
    name = models.CharField(_("名称"), max_length=60)

    class Meta:
        ordering = ["code"]
        verbose_name = _("执法领域")
        verbose_name_plural = _("执法领域")

    def __str__(self) -> str:
        return self.name


class AgencyKind(models.TextChoices):
    ADMINISTRATIVE_ORGAN = "administrative_organ", _("行政机关")
    AUTHORISED_ORGANISATION = "authorised_organisation", _("法律法规授权组织")
    ENTRUSTED_ORGANISATION = "entrusted_organisation", _("受委托组织")


class SubjectType(models.TextChoices):
    """What the regulation calls the supervised subject (《行政执法监督条例》 Art. 2)."""

    DEPARTMENT = "department", _("政府工作部门")
    DISPATCHED_ORGAN = "dispatched_organ", _("派出机关")
    LOWER_GOVERNMENT = "lower_government", _("下级人民政府")
    AUTHORISED_ORGANISATION = "authorised_organisation", _("法律法规授权组织")
    ENTRUSTED_ORGANISATION = "entrusted_organisation", _("受委托组织（经委托机关监督）")


class Agency(AuditedModel):
    """行政执法主体 — an agency that enforces in its own name (or, if entrusted, in another's)."""

    code = models.SlugField(_("代码"), max_length=30, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    short_name = models.CharField(_("文号简称"), max_length=20, help_text=_("用于文号，如“云市监”"))
    kind = models.CharField(_("主体类型"), max_length=30, choices=AgencyKind.choices)
    division = models.ForeignKey(
        Division, verbose_name=_("行政区划"), on_delete=models.PROTECT, related_name="agencies"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级机关"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    entrusted_by = models.ForeignKey(
        "self",
        verbose_name=_("委托机关"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="entrusted",
        help_text=_("受委托组织以委托机关名义执法"),
    )
    fields = models.ManyToManyField(Field, verbose_name=_("执法领域"), blank=True, related_name="agencies")
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    legal_status = models.TextField(_("法律地位与设立依据"), blank=True)
    duties = models.TextField(_("职责"), blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    complaint_channel = models.CharField(_("监督投诉渠道"), max_length=200, blank=True)
    is_justice_bureau = models.BooleanField(_("司法行政部门（执法监督机构）"), default=False)
    # The supervision graph (《行政执法监督条例》 Arts. 2, 6, 42; docs/supervision.md "Supervision graph").
    subject_type = models.CharField(
        _("监督对象类型"), max_length=30, choices=SubjectType.choices, default=SubjectType.DEPARTMENT
    )
    supervising_bureau = models.ForeignKey(
        "self",
        verbose_name=_("监督机构"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supervised_agencies",
        help_text=_("留空：所在行政区划（或上级区划）人民政府的司法行政部门"),
    )
    is_justice_office = models.BooleanField(
        _("司法所"),
        default=False,
        help_text=_("乡镇（街道）司法所：协助登记线索、承担交办检查，不制发监督文书"),
    )
    vertically_managed = models.BooleanField(
        _("垂直管理机关"),
        default=False,
        help_text=_("地方政府发现问题的，告知其上级主管部门（条例第42条第2款）"),
    )
    upper_department = models.CharField(
        _("上级主管部门"), max_length=100, blank=True, help_text=_("垂直管理机关的上级主管部门名称")
    )

    objects = RestrictedQuerySet.as_manager()
    scope_agency_lookup = None

    class Meta:
        ordering = ["division__path", "code"]
        verbose_name = _("执法主体")
        verbose_name_plural = _("执法主体")

    def __str__(self) -> str:
        return self.name


class StaffManager(UserManager.from_queryset(RestrictedQuerySet)):
    pass


class User(AbstractUser):
    """A staff user: one agency, one or more roles (Django groups named by `Role` codes)."""

    full_name = models.CharField(_("姓名"), max_length=60, blank=True)
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("所属机关"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
    )
    phone = models.CharField(_("电话"), max_length=30, blank=True)
    language = models.CharField(
        _("界面语言"), max_length=10, blank=True, choices=[("zh-hans", "简体中文"), ("en", "English")]
    )
    legal_qualification = models.CharField(
        _("法律职业资格证书编号"),
        max_length=40,
        blank=True,
        help_text=_("首次从事法制审核须具备（行政处罚法第58条）"),
    )
    is_legal_adviser = models.BooleanField(_("法律顾问/公职律师"), default=False)

    objects = StaffManager()
    scope_agency_lookup = "agency"

    class Meta:
        ordering = ["agency__code", "username"]
        verbose_name = _("工作人员")
        verbose_name_plural = _("工作人员")

    def __str__(self) -> str:
        return self.full_name or self.username

    @cached_property
    def roles(self) -> frozenset[str]:
        if not self.pk:
            return frozenset()
        return role_names(self.pk)

    def has_role(self, role: str) -> bool:
        return role in self.roles

    @property
    def display_name(self) -> str:
        return self.full_name or self.username


ROLE_CODES = frozenset(Role.values)


def role_names(user_id: int) -> frozenset[str]:
    """The roles (`Role` group names) of one user. Read on every request, so it is one plain SQL
    statement: the ORM spent ~0.4 ms building this query each time, more than the database took
    to answer it (docs/performance.md, API)."""
    through = User.groups.through
    group = through._meta.get_field("group").related_model
    sql = (
        f"SELECT g.name FROM {group._meta.db_table} g "  # noqa: S608 — table names from the models
        f"JOIN {through._meta.db_table} ug ON ug.group_id = g.id WHERE ug.user_id = %s"
    )
    with connections[router.db_for_read(User)].cursor() as cursor:
        cursor.execute(sql, [user_id])
        return frozenset(name for (name,) in cursor.fetchall() if name in ROLE_CODES)


class CertificateStatus(models.TextChoices):
    ACTIVE = "active", _("有效")
    SUSPENDED = "suspended", _("暂扣")
    REVOKED = "revoked", _("注销/吊销")
    EXPIRED = "expired", _("已过期")
    NOT_YET_VALID = "not_yet_valid", _("尚未生效")


class Certificate(AuditedModel):
    """行政执法证 — who may act on site, in which fields, from when to when."""

    number = models.CharField(_("执法证号"), max_length=40, unique=True)
    holder = models.ForeignKey(
        User, verbose_name=_("持证人"), on_delete=models.PROTECT, related_name="certificates"
    )
    fields = models.ManyToManyField(Field, verbose_name=_("执法领域"), related_name="certificates")
    issuer = models.CharField(_("发证机关"), max_length=100)
    valid_from = models.DateField(_("有效期自"))
    valid_to = models.DateField(_("有效期至"))
    status = models.CharField(
        _("状态"),
        max_length=20,
        choices=[c for c in CertificateStatus.choices if c[0] != CertificateStatus.NOT_YET_VALID],
        default=CertificateStatus.ACTIVE,
    )
    status_reason = models.CharField(_("状态说明"), max_length=200, blank=True)
    photo = models.ImageField(_("照片"), upload_to="certificates/", blank=True)

    objects = RestrictedQuerySet.as_manager()
    scope_agency_lookup = "holder__agency"

    class Meta:
        ordering = ["number"]
        verbose_name = _("执法证")
        verbose_name_plural = _("执法证")

    def __str__(self) -> str:
        return self.number

    def status_on(self, day: dt.date) -> CertificateStatus:
        """The status that governs an act on `day`: suspension and revocation first, then the dates."""
        if self.status != CertificateStatus.ACTIVE:
            return CertificateStatus(self.status)
        if day < self.valid_from:
            return CertificateStatus.NOT_YET_VALID
        if day > self.valid_to:
            return CertificateStatus.EXPIRED
        return CertificateStatus.ACTIVE

    def covers(self, field_id: int | None) -> bool:
        return field_id is None or self.fields.filter(pk=field_id).exists()


class TrainingKind(models.TextChoices):
    TRAINING = "training", _("培训")
    EXAM = "exam", _("考试")


class TrainingRecord(AuditedModel):
    """培训与考试记录 (policy tasks 21, 24)."""

    user = models.ForeignKey(
        User, verbose_name=_("人员"), on_delete=models.PROTECT, related_name="training_records"
    )
    kind = models.CharField(_("类型"), max_length=10, choices=TrainingKind.choices)
    title = models.CharField(_("名称"), max_length=120)
    date = models.DateField(_("日期"))
    hours = models.DecimalField(_("学时"), max_digits=5, decimal_places=1, default=0)
    score = models.DecimalField(_("成绩"), max_digits=5, decimal_places=1, null=True, blank=True)
    passed = models.BooleanField(_("是否通过"), null=True)

    objects = RestrictedQuerySet.as_manager()
    scope_agency_lookup = "user__agency"

    class Meta:
        ordering = ["-date"]
        verbose_name = _("培训考试记录")
        verbose_name_plural = _("培训考试记录")

    def __str__(self) -> str:
        return f"{self.user} {self.title}"


class SecurityEventKind(models.TextChoices):
    LOGIN = "login", _("登录成功")
    LOGIN_FAILED = "login_failed", _("登录失败")
    LOCKED_OUT = "locked_out", _("登录被锁定")
    LOGOUT = "logout", _("退出登录")
    SESSION_EXPIRED = "session_expired", _("会话超时")
    OTP_VERIFIED = "otp_verified", _("两步验证通过")
    OTP_FAILED = "otp_failed", _("两步验证失败")
    OTP_ENROLLED = "otp_enrolled", _("启用两步验证")
    REAUTH = "reauth", _("重新验证身份")
    REAUTH_FAILED = "reauth_failed", _("重新验证失败")


class SecurityEvent(models.Model):
    """登录审计 — one row per login, logout, failure, lockout, second factor and re-authentication.

    Written by `org.security` from the auth signals and the login views; read-only in the admin.
    Never holds a password or a one-time code: `username` is what was typed in the username field."""

    kind = models.CharField(_("事件"), max_length=20, choices=SecurityEventKind.choices, db_index=True)
    username = models.CharField(_("用户名"), max_length=150, blank=True, db_index=True)
    user = models.ForeignKey(
        User,
        verbose_name=_("用户"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="security_events",
    )
    ip = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    user_agent = models.CharField(_("浏览器标识"), max_length=300, blank=True)
    at = models.DateTimeField(_("时间"), db_index=True)
    detail = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("登录审计")
        verbose_name_plural = _("登录审计")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.get_kind_display()} {self.username}"
