"""Cases: parties, cases, proposals, the workflow history, and running deadlines.

Nothing outside `services.py` changes a case's stage or workflow fields (DESIGN.md: Architecture).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sanxiang.cases.choices import CaseSource, DeadlineStatus, IdType, Step
from sanxiang.catalog.choices import Category, DiscretionLevel, PartyKind
from sanxiang.catalog.models import Article, EnforcementItem
from sanxiang.core.models import AuditedModel
from sanxiang.core.scoping import RestrictedQuerySet
from sanxiang.org.models import Agency


class Party(AuditedModel):
    """当事人 — a natural person (ID number) or an organisation (unified social credit code)."""

    agency = models.ForeignKey(
        Agency, verbose_name=_("登记机关"), on_delete=models.PROTECT, related_name="parties"
    )
    kind = models.CharField(_("类型"), max_length=20, choices=PartyKind.choices)
    name = models.CharField(_("名称/姓名"), max_length=200)
    id_type = models.CharField(_("证件类型"), max_length=30, choices=IdType.choices, blank=True)
    id_number = models.CharField(_("证件号码"), max_length=40, blank=True)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    legal_representative = models.CharField(_("法定代表人/负责人"), max_length=60, blank=True)
    address = models.CharField(_("住所/地址"), max_length=200, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    is_individual_business = models.BooleanField(_("个体工商户"), default=False)

    objects = RestrictedQuerySet.as_manager()
    scope_agency_lookup = "agency"

    class Meta:
        ordering = ["name"]
        verbose_name = _("当事人")
        verbose_name_plural = _("当事人")

    def __str__(self) -> str:
        return self.name

    def age_on(self, day: dt.date) -> int | None:
        if self.kind != PartyKind.PERSON or not self.birth_date:
            return None
        b = self.birth_date
        return day.year - b.year - ((day.month, day.day) < (b.month, b.day))


class CaseQuerySet(RestrictedQuerySet):
    def open(self) -> CaseQuerySet:
        return self.exclude(closed_on__isnull=False)


class Case(AuditedModel):
    """案件 — one enforcement matter, run by one procedure definition (cases/procedures.py)."""

    agency = models.ForeignKey(
        Agency, verbose_name=_("执法主体"), on_delete=models.PROTECT, related_name="cases"
    )
    number = models.CharField(_("案件编号"), max_length=40, unique=True)
    year = models.PositiveIntegerField(_("年度"))
    serial = models.PositiveIntegerField(_("序号"))
    procedure = models.CharField(_("程序"), max_length=40, db_index=True)
    category = models.CharField(_("执法类别"), max_length=20, choices=Category.choices, db_index=True)
    item = models.ForeignKey(
        EnforcementItem,
        verbose_name=_("执法事项"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    party = models.ForeignKey(
        Party, verbose_name=_("当事人"), null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    title = models.CharField(_("案由"), max_length=200)
    facts = models.TextField(_("案情/违法事实"), blank=True)
    place = models.CharField(_("地点"), max_length=200, blank=True)
    act_date = models.DateField(_("行为发生日期"), null=True, blank=True)
    source = models.CharField(
        _("案件来源"), max_length=20, choices=CaseSource.choices, default=CaseSource.INSPECTION
    )
    stage = models.CharField(_("阶段"), max_length=40, db_index=True)
    handlers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("承办人"), related_name="handled_cases"
    )
    sensitive = models.BooleanField(_("敏感案件（调阅须审批）"), default=False)
    opened_at = models.DateTimeField(_("登记时间"))
    filed_on = models.DateField(_("立案日期"), null=True, blank=True)
    decided_on = models.DateField(_("决定日期"), null=True, blank=True, db_index=True)
    served_on = models.DateField(_("送达日期"), null=True, blank=True)
    closed_on = models.DateField(_("结案日期"), null=True, blank=True)
    outcome = models.CharField(_("处理结果"), max_length=40, blank=True)
    fine_amount = models.DecimalField(_("罚款金额"), max_digits=14, decimal_places=2, null=True, blank=True)
    confiscation_amount = models.DecimalField(
        _("没收金额"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    attributes = models.JSONField(_("程序数据"), default=dict, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1)

    objects = CaseQuerySet.as_manager()
    scope_agency_lookup = "agency"

    class Meta:
        ordering = ["-opened_at"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "year", "serial"], name="case_serial_unique")
        ]
        indexes = [
            models.Index(fields=["agency", "stage"]),
            models.Index(fields=["agency", "opened_at"]),
            # closed_on ranges per agency (drill-downs, scorecard; docs/supervision.md); opened_at
            # in it so a "closed in the period" list sorts index entries, not 10^5 table rows
            models.Index(fields=["agency", "closed_on", "opened_at"], name="case_agency_closed_opened_idx"),
            # drill-down lists (newest first) over every agency of a supervisor's scope: the first
            # page is read backwards along this index instead of sorting 10^5–10^6 rows
            models.Index(fields=["opened_at"], name="case_opened_idx"),
        ]
        verbose_name = _("案件")
        verbose_name_plural = _("案件")

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def definition(self):
        from sanxiang.cases.workflow import registry

        return registry.procedure(self.procedure)

    @property
    def stage_name(self) -> str:
        return self.definition.stage(self.stage).name

    @property
    def step(self) -> Step:
        return self.definition.stage(self.stage).step

    @property
    def is_closed(self) -> bool:
        return self.definition.stage(self.stage).terminal

    @property
    def current_proposal(self) -> Proposal | None:
        return self.proposals.filter(superseded=False).order_by("-version").first()

    @property
    def etag(self) -> str:
        return f'"{self.pk}-{self.version}"'


class CaseTally(models.Model):
    """How many cases each agency holds, kept in the transaction of every case written or deleted
    (cases/tally.py), so an unfiltered case list knows its `count` without `COUNT(*)` over 10⁵–10⁶
    rows of a big agency (docs/performance.md, "every read under 100 ms")."""

    agency = models.OneToOneField(
        Agency, verbose_name=_("执法主体"), on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    cases = models.BigIntegerField(_("案件数"), default=0)

    objects = RestrictedQuerySet.as_manager()
    scope_agency_lookup = "agency"

    class Meta:
        verbose_name = _("案件计数")
        verbose_name_plural = _("案件计数")

    def __str__(self) -> str:
        return f"{self.agency_id}: {self.cases}"


class Proposal(models.Model):
    """拟处理意见 — one version of the handler's proposed decision. A change is a new version;
    the fingerprint is what a legal review approves (DESIGN.md I1)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="proposals")
    version = models.PositiveIntegerField(_("版本"))
    outcome = models.CharField(_("处理意见"), max_length=40)
    penalty_types = models.JSONField(_("处罚种类"), default=list, blank=True)
    fine_amount = models.DecimalField(_("罚款金额"), max_digits=14, decimal_places=2, null=True, blank=True)
    confiscation_amount = models.DecimalField(
        _("没收违法所得、非法财物金额"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    legal_basis = models.ManyToManyField(
        Article, verbose_name=_("法律依据"), related_name="proposals", blank=True
    )
    basis_text = models.TextField(_("依据说明"), blank=True)
    discretion_level = models.CharField(
        _("裁量阶次"), max_length=20, choices=DiscretionLevel.choices, blank=True
    )
    circumstances = models.JSONField(_("裁量情节"), default=list, blank=True)
    summary = models.TextField(_("拟处理意见说明"), blank=True)
    reasons_evidence = models.TextField(_("证据采信理由"), blank=True)
    reasons_basis = models.TextField(_("依据选择理由"), blank=True)
    reasons_discretion = models.TextField(_("裁量理由"), blank=True)
    party = models.ForeignKey(Party, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    fingerprint = models.CharField(max_length=64, editable=False)
    superseded = models.BooleanField(default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["case", "version"]
        constraints = [models.UniqueConstraint(fields=["case", "version"], name="proposal_version_unique")]
        verbose_name = _("拟处理意见")
        verbose_name_plural = _("拟处理意见")

    def __str__(self) -> str:
        return f"{self.case.number} v{self.version}"

    @property
    def outcome_label(self) -> str:
        """The outcome as the procedure's own form names it (e.g. 给予行政处罚)."""
        for transition in self.case.definition.transitions:
            spec = transition.input("outcome")
            if spec is not None:
                for value, label in spec.choices:
                    if value == self.outcome:
                        return label
        return self.outcome

    def canonical(self, basis_ids: list[int]) -> dict:
        def money(v: Decimal | None) -> str | None:
            return None if v is None else f"{Decimal(v):.2f}"

        party = self.party
        return {
            "case": self.case.number,
            "outcome": self.outcome,
            "penalty_types": sorted(self.penalty_types),
            "fine_amount": money(self.fine_amount),
            "confiscation_amount": money(self.confiscation_amount),
            "legal_basis": sorted(basis_ids),
            "basis_text": self.basis_text,
            "discretion_level": self.discretion_level,
            "circumstances": sorted(self.circumstances),
            "summary": self.summary,
            "reasons": [self.reasons_evidence, self.reasons_basis, self.reasons_discretion],
            "party": None
            if party is None
            else [party.pk, party.name, party.id_number, party.credit_code, party.kind],
        }

    def compute_fingerprint(self, basis_ids: list[int]) -> str:
        body = json.dumps(
            self.canonical(basis_ids), ensure_ascii=False, sort_keys=True, separators=(",", ":")
        )
        return hashlib.sha256(body.encode()).hexdigest()


class CaseEvent(models.Model):
    """One fired transition: who moved the case from which stage to which, when, why, with what."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    seq = models.PositiveIntegerField()
    transition = models.CharField(max_length=40)
    label = models.CharField(max_length=60)
    from_stage = models.CharField(max_length=40)
    to_stage = models.CharField(max_length=40)
    step = models.CharField(max_length=20, choices=Step.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    reason = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["case", "seq"]
        constraints = [models.UniqueConstraint(fields=["case", "seq"], name="case_event_seq_unique")]
        verbose_name = _("办案环节")
        verbose_name_plural = _("办案环节")

    def __str__(self) -> str:
        return f"{self.case.number}#{self.seq} {self.transition}"

    @property
    def note(self) -> str:
        """The free text the actor wrote with the act, for the timeline."""
        for key in ("summary", "findings", "report", "transcript", "ruling"):
            if self.data.get(key):
                return str(self.data[key])
        return ""


class Deadline(models.Model):
    """A running time limit of a case, computed from a rule parameter (DESIGN.md I8)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="deadlines")
    code = models.CharField(max_length=40)
    label = models.CharField(_("时限"), max_length=80)
    rule_code = models.CharField(_("法定参数"), max_length=80)
    citation = models.CharField(_("依据"), max_length=300)
    starts_on = models.DateField(_("起算日"))
    amount = models.IntegerField(_("期间"))
    unit = models.CharField(_("单位"), max_length=20)
    due_on = models.DateField(_("届满日"), db_index=True)
    starts_at = models.DateTimeField(_("起算时刻"), null=True, blank=True, help_text=_("按小时计算的期限"))
    due_at = models.DateTimeField(_("届满时刻"), null=True, blank=True, help_text=_("按小时计算的期限"))
    provisional = models.BooleanField(_("暂定（节假日数据缺失）"), default=False)
    status = models.CharField(
        _("状态"),
        max_length=20,
        choices=DeadlineStatus.choices,
        default=DeadlineStatus.RUNNING,
        db_index=True,
    )
    met_on = models.DateField(_("完成日"), null=True, blank=True)
    extensions = models.PositiveSmallIntegerField(_("延长次数"), default=0)
    extension_amount = models.IntegerField(_("延长期间"), default=0)
    paused_amount = models.IntegerField(_("中止期间"), default=0)
    paused_since = models.DateField(_("中止起始"), null=True, blank=True)
    overdue_since = models.DateField(_("逾期起始"), null=True, blank=True)
    pauses = models.JSONField(_("中止记录"), default=list, blank=True)

    objects = RestrictedQuerySet.as_manager()
    scope_agency_lookup = "case__agency"

    class Meta:
        ordering = ["due_on"]
        verbose_name = _("办案时限")
        verbose_name_plural = _("办案时限")

    def __str__(self) -> str:
        return f"{self.case.number} {self.label} {self.due_on}"

    @property
    def is_open(self) -> bool:
        return self.status in (DeadlineStatus.RUNNING, DeadlineStatus.PAUSED, DeadlineStatus.OVERDUE)


class AlertKind(models.TextChoices):
    DUE_SOON = "due_soon", _("即将届满")
    OVERDUE = "overdue", _("已逾期")


class DeadlineAlert(models.Model):
    """时限预警 — raised once per deadline and kind by `sanxiang tick`; shown on the workbench of the
    handlers and heads of the agency, and read by the supervision dashboards."""

    deadline = models.ForeignKey(Deadline, on_delete=models.PROTECT, related_name="alerts")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="alerts")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="deadline_alerts")
    kind = models.CharField(_("类型"), max_length=20, choices=AlertKind.choices)
    due_on = models.DateField(_("届满日"))
    message = models.CharField(_("内容"), max_length=300)
    raised_at = models.DateTimeField(_("预警时间"), db_index=True)
    acknowledged_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    mailed = models.BooleanField(_("已发邮件"), default=False)

    objects = RestrictedQuerySet.as_manager()
    scope_agency_lookup = "agency"

    class Meta:
        ordering = ["-raised_at"]
        constraints = [models.UniqueConstraint(fields=["deadline", "kind"], name="deadline_alert_once")]
        verbose_name = _("时限预警")
        verbose_name_plural = _("时限预警")

    def __str__(self) -> str:
        return f"{self.case.number} {self.message}"
