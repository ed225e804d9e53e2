"""政策任务跟踪 (O1): the 24 tasks as data, agencies' progress reports with evidence, the
supporting rules library (O3) and the AV equipment inventory (O5).

Who does what: the head of an agency reports its progress and keeps its rules library and device
inventory; supervisors read every agency in their scope; the joint-meeting office (联席会议办公室,
set up in the city's justice bureau) sees the overview of all agencies. Every report is a new row
(history kept) and a record entry (I2)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction
from django.utils.translation import gettext as _

from sanxiang.core import clock
from sanxiang.core.errors import Forbidden, InvalidInput
from sanxiang.core.roles import Role
from sanxiang.core.scoping import CHANGE, agency_in_scope

DATA = Path(__file__).resolve().parent.parent / "data" / "policy_tasks.yaml"


def load_tasks(**_kwargs) -> int:
    """Create or refresh the 24 tasks from data/policy_tasks.yaml (post_migrate; idempotent)."""
    from sanxiang.supervision.models import PolicyTask

    count = 0
    for raw in yaml.safe_load(DATA.read_text(encoding="utf-8")):
        PolicyTask.objects.update_or_create(
            number=raw["number"],
            defaults={
                "title": raw["title"],
                "requirements": raw["requirements"],
                "responsibility": raw["responsibility"],
                "deadline_text": raw["deadline_text"],
                "due_on": _date(raw.get("due_on")),
                "county_due_on": _date(raw.get("county_due_on")),
                "features": raw.get("features", ""),
            },
        )
        count += 1
    return count


def _date(value) -> dt.date | None:
    if value in (None, ""):
        return None
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def may_report(user, agency) -> bool:
    return (
        getattr(user, "is_authenticated", False)
        and agency_in_scope(user, agency, CHANGE)
        and bool(user.roles & {Role.HEAD, Role.SUPERVISOR})
    )


def _require(user, agency) -> None:
    if not may_report(user, agency):
        raise Forbidden(
            "supervision.policy.forbidden", _("只有本机关负责人可以报告落实情况、登记配套制度和设备。")
        )


def _record(kind: str, payload: dict[str, Any], actor, agency) -> None:
    from sanxiang.records import services as records

    records.append(
        kind=kind, payload=payload, actor=actor, stream=f"policy:{agency.code}"[:60], agency=agency
    )


@transaction.atomic
def report_progress(
    agency,
    task,
    *,
    actor,
    status: str,
    progress: int,
    note: str,
    evidence: str = "",
    attachment=None,
    completed_on: dt.date | None = None,
):
    from sanxiang.supervision.models import TaskReport
    from sanxiang.supervision.models.policy import TaskStatus

    _require(actor, agency)
    if status not in TaskStatus.values:
        raise InvalidInput("supervision.policy.status", _("进展状态无效。"), field="status")
    try:
        progress = int(progress)
    except (TypeError, ValueError):
        raise InvalidInput(
            "supervision.policy.progress", _("完成度须为0～100的整数。"), field="progress"
        ) from None
    if not 0 <= progress <= 100:
        raise InvalidInput("supervision.policy.progress", _("完成度须为0～100的整数。"), field="progress")
    if not (note or "").strip():
        raise InvalidInput("supervision.policy.note", _("请填写落实情况。"), field="note")
    today = clock.today()
    if status == TaskStatus.DONE:
        progress = 100
        completed_on = completed_on or today
        if not (evidence or "").strip() and not attachment:
            raise InvalidInput(
                "supervision.policy.evidence", _("报告已完成的任务须附佐证材料。"), field="evidence"
            )
    else:
        completed_on = None
    if completed_on and completed_on > today:
        raise InvalidInput(
            "supervision.policy.completed_on", _("完成日期不能晚于今天。"), field="completed_on"
        )
    report = TaskReport.objects.create(
        agency=agency,
        task=task,
        status=status,
        progress=progress,
        note=note.strip(),
        evidence=(evidence or "").strip(),
        attachment=attachment or "",
        reported_by=actor,
        reported_at=clock.now(),
        completed_on=completed_on,
    )
    _record(
        "policy.progress_reported",
        {
            "task": task.number,
            "status": status,
            "progress": progress,
            "completed_on": completed_on.isoformat() if completed_on else None,
        },
        actor,
        agency,
    )
    return report


@transaction.atomic
def add_rule(
    agency, *, actor, title: str, adopted_on: dt.date, doc_number: str = "", task=None, note: str = ""
):
    from sanxiang.supervision.models import SupportingRule

    _require(actor, agency)
    if not (title or "").strip():
        raise InvalidInput("supervision.policy.title", _("请填写制度名称。"), field="title")
    if adopted_on > clock.today():
        raise InvalidInput("supervision.policy.adopted_on", _("印发日期不能晚于今天。"), field="adopted_on")
    rule = SupportingRule.objects.create(
        agency=agency,
        title=title.strip(),
        adopted_on=adopted_on,
        doc_number=doc_number.strip(),
        task=task,
        note=note.strip(),
        recorded_by=actor,
        recorded_at=clock.now(),
    )
    _record("policy.rule_added", {"title": rule.title, "doc_number": rule.doc_number}, actor, agency)
    return rule


@transaction.atomic
def add_device(
    agency,
    *,
    actor,
    number: str,
    kind: str,
    model_name: str = "",
    acquired_on=None,
    keeper: str = "",
    status: str = "in_use",
):
    from sanxiang.supervision.models import AVDevice
    from sanxiang.supervision.models.policy import DeviceKind, DeviceStatus

    _require(actor, agency)
    number = (number or "").strip()
    if not number:
        raise InvalidInput("supervision.device.number", _("请填写设备编号。"), field="number")
    if kind not in DeviceKind.values or status not in DeviceStatus.values:
        raise InvalidInput("supervision.device.kind", _("设备类别或状态无效。"), field="kind")
    if AVDevice.objects.filter(number=number).exists():
        raise InvalidInput("supervision.device.duplicate", _("该设备编号已登记。"), field="number")
    device = AVDevice.objects.create(
        agency=agency,
        number=number,
        kind=kind,
        model_name=model_name.strip(),
        acquired_on=acquired_on,
        keeper=keeper.strip(),
        status=status,
        recorded_by=actor,
        recorded_at=clock.now(),
    )
    _record("policy.device_added", {"number": number, "kind": kind}, actor, agency)
    return device


# --- reading -----------------------------------------------------------------------------------


@dataclass
class Cell:
    task: Any
    agency: Any
    report: Any  # latest TaskReport or None
    due: dt.date | None
    today: dt.date

    @property
    def status(self) -> str:
        return self.report.status if self.report else "not_started"

    @property
    def overdue(self) -> bool:
        """Past its deadline and not done (or done after it)."""
        if self.due is None:
            return False
        if self.report and self.report.status == "done":
            return bool(self.report.completed_on and self.report.completed_on > self.due)
        return self.today > self.due

    @property
    def css(self) -> str:
        if self.status == "done":
            return "warn" if self.overdue else "ok"
        return "bad" if self.overdue else ("info" if self.status == "in_progress" else "")

    @property
    def label(self) -> str:
        from sanxiang.supervision.models.policy import TaskStatus

        text = str(TaskStatus(self.status).label)
        if not self.overdue:
            return text
        if self.status == "done":
            return _("%(status)s（逾期完成）") % {"status": text}
        return _("%(status)s（已逾期）") % {"status": text}


def latest_reports(agencies) -> dict[tuple[int, int], Any]:
    from sanxiang.supervision.models import TaskReport

    latest: dict[tuple[int, int], Any] = {}
    for report in TaskReport.objects.filter(agency__in=agencies).order_by("reported_at", "pk"):
        latest[(report.agency_id, report.task_id)] = report
    return latest


def matrix(agencies) -> tuple[list, list[tuple[Any, list[Cell]]]]:
    """Tasks × agencies: the latest report of each, with status against the deadline."""
    from sanxiang.supervision.models import PolicyTask

    tasks = list(PolicyTask.objects.all())
    if not tasks:
        load_tasks()
        tasks = list(PolicyTask.objects.all())
    agencies = list(agencies)
    latest = latest_reports(agencies)
    today = clock.today()
    rows = []
    for agency in agencies:
        rows.append(
            (
                agency,
                [Cell(t, agency, latest.get((agency.pk, t.pk)), t.due_for(agency), today) for t in tasks],
            )
        )
    return tasks, rows


def summary(rows) -> dict[str, int]:
    counts = {"done": 0, "in_progress": 0, "not_started": 0, "overdue": 0, "total": 0}
    for _agency, cells in rows:
        for cell in cells:
            counts["total"] += 1
            counts[cell.status] += 1
            counts["overdue"] += cell.overdue and cell.status != "done"
    return counts
