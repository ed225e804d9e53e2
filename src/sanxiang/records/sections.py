"""What the records app adds to the case page (cases.page_sections) and to the workbench."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sanxiang.cases.choices import Step
from sanxiang.core.roles import Role
from sanxiang.core.scoping import CHANGE, agency_in_scope
from sanxiang.org.models import User
from sanxiang.records import access as access_rules
from sanxiang.records import avrules, checkpoints, services
from sanxiang.records.models import Entry, Evidence


def can_add_evidence(user, case) -> bool:
    return (
        agency_in_scope(user, case.agency, CHANGE)
        and bool(user.roles & {Role.OFFICER, Role.HEAD})
        and not case.is_closed
    )


def av_coverage(request, case) -> dict[str, Any] | None:
    rows = avrules.coverage(case)
    if not rows:
        return None
    return {"rows": rows, "can_add": can_add_evidence(request.user, case)}


def evidence(request, case) -> dict[str, Any] | None:
    items = list(
        Evidence.objects.filter(case=case)
        .select_related("blob", "entry", "captured_by", "event", "supersession", "replaces")
        .order_by("uploaded_at", "pk")
    )
    from sanxiang.records.evidence import acts_of

    return {
        "items": items,
        "acts": {code: _(label) for code, label in acts_of(case).items()},
        "current": [i for i in items if not i.is_superseded],
        "superseded": [i for i in items if i.is_superseded],
        "can_add": can_add_evidence(request.user, case),
    }


_KIND_LABELS = {
    "case.opened": gettext_lazy("登记案件"),
    "evidence.added": gettext_lazy("上传证据"),
    "evidence.superseded": gettext_lazy("证据替换/撤回"),
}


def _describe(kind: str, payload: dict[str, Any]) -> tuple[str, str]:
    if kind == "case.transition":
        data = payload.get("data") or {}
        text = (
            data.get("summary") or data.get("findings") or data.get("report") or payload.get("reason") or ""
        )
        if payload.get("proposal"):
            reasons = payload["proposal"].get("reasons") or {}
            if any(reasons.values()):
                text = text or payload["proposal"].get("summary", "")
        return _(payload.get("label") or kind), str(text)
    if kind == "case.opened":
        return _("登记案件"), str(payload.get("title", ""))
    if kind == "evidence.added":
        return _("上传证据"), str(payload.get("title", ""))
    if kind == "evidence.superseded":
        return _("证据替换/撤回"), str(payload.get("reason", ""))
    if kind == "note":
        return _("记录说明"), str(payload.get("text", ""))
    if kind == "note.correction":
        return _("更正"), str(payload.get("text", ""))
    return kind, str(payload.get("title") or payload.get("summary") or "")


def timeline_rows(case, entries: list[Entry]) -> list[dict[str, Any]]:
    bodies = [(e, json.loads(e.body)) for e in entries]
    usernames = {b.get("actor") for _, b in bodies if b.get("actor")}
    names = {u.username: u.display_name for u in User.objects.filter(username__in=usernames)}
    evidence_by_seq = {
        ev.entry.seq: ev
        for ev in Evidence.objects.filter(case=case).select_related("entry", "blob", "supersession")
    }
    latest = checkpoints.latest()
    steps = dict(Step.choices)
    rows = []
    for entry, body in bodies:
        payload = body.get("payload") or {}
        label, text = _describe(entry.kind, payload)
        av = [
            evidence_by_seq[a["evidence"]]
            for a in payload.get("av", [])
            if a.get("evidence") in evidence_by_seq
        ]
        rows.append(
            {
                "entry": entry,
                "label": label,
                "text": text[:300],
                "actor": names.get(body.get("actor"), body.get("actor") or "—"),
                "at": dt.datetime.fromisoformat(body["at"].replace("Z", "+00:00")),
                "step": steps.get(body.get("step"), ""),
                "evidence": evidence_by_seq.get(entry.seq) if entry.kind == "evidence.added" else None,
                "av": av,
                "reasons": (payload.get("proposal") or {}).get("reasons"),
                "anchored": latest is not None and entry.seq <= latest.size,
                "corrects": body.get("corrects"),
            }
        )
    return rows


def timeline(request, case) -> dict[str, Any] | None:
    entries = list(Entry.objects.filter(stream=services.case_stream(case)).order_by("stream_seq"))
    latest = checkpoints.latest()
    return {
        "rows": timeline_rows(case, entries),
        "checkpoint": latest,
        "can_note": agency_in_scope(request.user, case.agency, CHANGE)
        and bool(request.user.roles & {Role.OFFICER, Role.HEAD}),
    }


def access_section(request, case) -> dict[str, Any] | None:
    user = request.user
    if not (access_log_reader(user) and agency_in_scope(user, case.agency)):
        return None
    recent = list(
        Entry.objects.filter(stream=services.access_stream(case)).select_related("actor").order_by("-seq")[:8]
    )
    rows = [{"entry": e, "payload": json.loads(e.body)["payload"]} for e in recent]
    return {"rows": rows, "pending": access_mod_pending(case)}


def access_mod_pending(case):
    from sanxiang.records.models import AccessRequest, AccessRequestStatus

    return AccessRequest.objects.filter(case=case, status=AccessRequestStatus.PENDING).select_related(
        "requester"
    )


def access_log_reader(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.roles & {Role.SUPERVISOR, Role.HEAD})


def pending_requests(user) -> dict[str, Any] | None:
    pending = list(access_rules.pending_for(user)[:10])
    return {"requests": pending} if pending else None
