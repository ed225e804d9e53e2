"""Read helpers: scoped lookups (404 for the invisible) and the supervisors' access log."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, QuerySet
from django.db.models.functions import TruncHour
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sanxiang.core import calendar, clock
from sanxiang.core.errors import NotFound
from sanxiang.records import conf
from sanxiang.records.models import Entry, Evidence

KIND_LABELS = {
    "access.case": gettext_lazy("查阅案件"),
    "access.evidence": gettext_lazy("查阅证据"),
    "access.document": gettext_lazy("查阅文书"),
    "access.denied": gettext_lazy("调阅被拒绝"),
    "access.requested": gettext_lazy("申请调阅"),
    "access.approved": gettext_lazy("批准调阅"),
    "access.rejected": gettext_lazy("驳回调阅"),
}
WHAT_LABELS = {
    "view": gettext_lazy("查看"),
    "download": gettext_lazy("下载"),
    "export_dossier": gettext_lazy("导出案卷"),
    "evidence_list": gettext_lazy("证据列表"),
    "record": gettext_lazy("全过程记录"),
}
UNUSUAL = {
    "denied": gettext_lazy("越权或未获批准的调阅"),
    "bulk": gettext_lazy("批量下载"),
    "off_hours": gettext_lazy("非工作时间调阅"),
}


def evidence_for(user, pk: int) -> Evidence:
    found = (
        Evidence.objects.restrict(user).filter(pk=pk).select_related("case__agency", "blob", "entry").first()
    )
    if found is None:
        raise NotFound("evidence.not_found", _("证据不存在或无权查阅。"))
    return found


def access_entries(user) -> QuerySet[Entry]:
    return (
        Entry.objects.restrict(user)
        .filter(kind__startswith="access.")
        .select_related("actor", "case", "agency")
    )


@dataclass
class AccessLog:
    entries: QuerySet[Entry]
    filters: dict[str, Any] = field(default_factory=dict)

    def rows(self, entries) -> list[dict[str, Any]]:
        rows = []
        for entry in entries:
            payload = json.loads(entry.body)["payload"]
            local = timezone.localtime(entry.at)
            rows.append(
                {
                    "entry": entry,
                    "payload": payload,
                    "off_hours": is_off_hours(local),
                    "denied": entry.kind == "access.denied",
                    "label": KIND_LABELS.get(entry.kind, entry.kind),
                    "what": WHAT_LABELS.get(payload.get("what", ""), payload.get("what", "")),
                }
            )
        return rows


def is_off_hours(local: dt.datetime) -> bool:
    start, end = conf.get("OFFICE_HOURS")
    return not (start <= local.hour < end) or not calendar.is_working_day(local.date())


def _date(raw: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def access_log(user, params: Mapping[str, str]) -> AccessLog:
    """Access entries in the user's scope, filtered by case, user, date range and unusual kind."""
    query = access_entries(user)
    today = clock.today()
    since = _date(params.get("since")) or today - dt.timedelta(days=30)
    until = _date(params.get("until")) or today
    query = query.filter(at__date__gte=since, at__date__lte=until)
    if params.get("case"):
        query = query.filter(case__number=params["case"].strip())
    if params.get("user"):
        query = query.filter(actor__username=params["user"].strip())
    unusual = params.get("unusual", "")
    if unusual == "denied":
        query = query.filter(kind="access.denied")
    elif unusual == "bulk":
        query = query.filter(pk__in=_bulk_ids(query))
    elif unusual == "off_hours":
        candidates = query.exclude(kind__in=["access.requested", "access.approved", "access.rejected"])
        ids = [
            pk
            for pk, at in candidates.values_list("pk", "at")[:50000]
            if is_off_hours(timezone.localtime(at))
        ]
        query = query.filter(pk__in=ids)
    filters = {
        "case": params.get("case", ""),
        "user": params.get("user", ""),
        "since": since,
        "until": until,
        "unusual": unusual,
        "choices": UNUSUAL,
    }
    return AccessLog(query.order_by("-seq"), filters)


def _bulk_ids(query: QuerySet[Entry]) -> list[int]:
    """Reads of evidence (and documents) by one user beyond the hourly threshold."""
    reads = query.filter(kind__in=["access.evidence", "access.document"])
    buckets = (
        reads.annotate(hour=TruncHour("at"))
        .values("actor", "hour")
        .annotate(n=Count("id"))
        .filter(n__gt=conf.get("BULK_READS_PER_HOUR"))
    )
    ids: list[int] = []
    for bucket in buckets:
        start = bucket["hour"]
        ids += reads.filter(
            actor=bucket["actor"], at__gte=start, at__lt=start + dt.timedelta(hours=1)
        ).values_list("pk", flat=True)
    return ids
