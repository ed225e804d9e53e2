"""State changes of publicity (P1–P4). Each function runs in one transaction, takes the acting
user, appends its record entry to the publication's stream in that transaction, and refuses with
a `DomainError` (stable code, Chinese message) leaving everything as it was.

Life of a decision publication (DESIGN.md I3):

    decision made ──► draft (due = decision date + PUB-05 working days)
    draft ──check (confidentiality review)──► checked ──publish──► published (snapshot v1)
    published ──revise──► draft (update in progress; the public still sees v1) ──…──► published v2
    published ──withdraw (reason shown)──► withdrawn       published ──tick──► expired
    draft ──withhold (reason)──► withheld   (minors, secrets, privacy: never published)

The portal reads only the snapshots these functions write (`PublicDecision`, `PublicAgency`, …).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from sanxiang.catalog import rules
from sanxiang.catalog.choices import Category, PenaltyType
from sanxiang.core import calendar, clock
from sanxiang.core.errors import DomainError, Forbidden, InvalidInput
from sanxiang.core.roles import Role
from sanxiang.core.scoping import CHANGE, agency_in_scope
from sanxiang.publicity import content as content_mod
from sanxiang.publicity import signals
from sanxiang.publicity.choices import PendingAction, PublicationKind, PublicationStatus, PublicStatus
from sanxiang.publicity.models import Publication, PublicDecision, PublicDecisionVersion
from sanxiang.records import services as records

S = PublicationStatus
EDITABLE_FIELDS = ("title", "facts", "basis", "outcome", "licence", "decision_number")


# --- helpers ---------------------------------------------------------------------------------


def require_editor(actor, agency) -> None:
    """Only a publicity editor (公示管理员) of the agency checks, publishes or withdraws (P1)."""
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        raise Forbidden("auth.required", _("请先登录。"))
    if not agency_in_scope(actor, agency, CHANGE) or not actor.has_role(Role.PUBLICITY_EDITOR):
        raise Forbidden("publicity.forbidden", _("只有本机关公示管理员可以办理公示。"))


def _lock(pub: Publication) -> Publication:
    return Publication.objects.select_for_update(of=("self",)).select_related("agency", "case").get(pk=pub.pk)


def _append(pub: Publication, kind: str, actor, payload: dict[str, Any]):
    payload = {
        "publication": pub.pk,
        "kind": pub.kind,
        "case": pub.case.number if pub.case_id else None,
        **payload,
    }
    return records.append(
        kind=f"publication.{kind}", payload=payload, actor=actor, stream=pub.stream, agency=pub.agency
    )


def _save(pub: Publication, actor, *fields: str) -> None:
    pub.updated_by = actor if getattr(actor, "pk", None) else pub.updated_by
    pub.save(update_fields=[*fields, "updated_by", "updated_at"])


def _expect(pub: Publication, *allowed: str) -> None:
    if pub.status not in allowed:
        raise DomainError(
            "publicity.status",
            _("公示信息当前状态为“%(status)s”，不能办理此项操作。") % {"status": pub.get_status_display()},
        )


def due_rule_code(category: str) -> str:
    """PUB-05: permits and penalties within 7 working days, other decisions within 20."""
    if category in (Category.PERMIT, Category.PENALTY):
        return "PUB-05.licensing_and_penalty"
    return "PUB-05.other_enforcement_decisions"


def publication_due(decided_on: dt.date, category: str, agency=None) -> tuple[calendar.Due, str]:
    rule = rules.param(due_rule_code(category), on=decided_on, agency=agency)
    return calendar.due_date(decided_on, int(rule.value), rule.unit), rule.citation


def _visible_until(pub: Publication) -> dt.date | None:
    """How long the decision stays on the public listing (CRED-04…06 via SX-PUB-04)."""
    start = pub.decided_on or clock.today()
    types = set(pub.content.get("penalty_types") or [])
    if pub.category == Category.PENALTY and types and types <= {PenaltyType.WARNING, PenaltyType.CRITICISM}:
        key = "penalty_light"
    elif pub.category in (Category.PENALTY, Category.PERMIT):
        key = pub.category
    else:
        key = "other"
    rule = rules.param(f"SX-PUB-04.{key}", on=start, agency=pub.agency)
    return calendar.due_date(start, int(rule.value), rule.unit, roll_forward=False).date


# --- drafts (reactions to the workflow) ------------------------------------------------------


def _automatic_withhold_reason(case) -> str:
    """Decisions the rules say are never published, whatever the editor thinks (MASK-03, CRED-02)."""
    party, decided = case.party, case.decided_on or clock.today()
    minor_age = int(rules.param("SX-PUB-03.minor_age", on=decided, agency=case.agency).value)
    age = party.age_on(decided) if party is not None else None
    if age is not None and age < minor_age:
        return _("当事人为未成年人，依法不予公开（个人信息保护法第28条；MASK-03）。")
    proposal = case.current_proposal
    types = set(proposal.penalty_types) if proposal else set()
    publish_warnings = rules.param("SX-PUB-02.publish_warning_only", on=decided, agency=case.agency)
    if case.category == Category.PENALTY and types == {PenaltyType.WARNING} and not publish_warnings.value:
        return _("仅给予警告的行政处罚不予公示（%(source)s）。") % {"source": publish_warnings.citation}
    return ""


def draft_decision(case, *, actor) -> Publication:
    """A decision was made: draft its publication with the due date of PUB-05 (called inside the
    case's transaction by the `case_transitioned` receiver)."""
    decided = case.decided_on or clock.today()
    due, citation = publication_due(decided, case.category, case.agency)
    existing = Publication.objects.filter(case=case).first()
    if existing is not None:  # a decision made again (after a suspension, say): refresh the draft
        if existing.is_open:
            existing.content = content_mod.decision_content(case)
            existing.persons = content_mod.known_persons(case)
            existing.decided_on, existing.due_on, existing.due_provisional = (
                decided,
                due.date,
                due.provisional,
            )
            _save(existing, actor, "content", "persons", "decided_on", "due_on", "due_provisional")
            _append(existing, "redrafted", actor, {"decided_on": decided, "due_on": due.date})
        return existing
    pub = Publication.objects.create(
        agency=case.agency,
        kind=PublicationKind.DECISION,
        case=case,
        category=case.category,
        title=f"{case.title}（{case.number}）"[:200],
        decided_on=decided,
        due_on=due.date,
        due_provisional=due.provisional,
        due_rule=citation[:300],
        content=content_mod.decision_content(case),
        persons=content_mod.known_persons(case),
        created_by=actor,
        updated_by=actor,
    )
    _append(pub, "drafted", actor, {"decided_on": decided, "due_on": due.date, "rule": citation})
    reason = _automatic_withhold_reason(case)
    if reason:
        pub.status, pub.withhold_reason = S.WITHHELD, reason
        _save(pub, actor, "status", "withhold_reason")
        _append(pub, "withheld", actor, {"reason": reason, "automatic": True})
    return pub


def note_remedy(case, *, actor, data: dict[str, Any]) -> Publication | None:
    """A reconsideration or lawsuit changed, revoked or annulled the decision (PUB-07): withdraw
    its publication at once with the reason, or — if changed — note it publicly and open an
    update due within PUB-07 working days."""
    result = data.get("remedy_result")
    if result not in REMEDY_WITHDRAW | {"changed"}:
        return None
    pub = Publication.objects.filter(case=case).first()
    if pub is None:
        return None
    pub = _lock(pub)
    decided_on = data.get("remedy_decided_on") or clock.today()
    rule = rules.param("PUB-07.deadline", on=decided_on, agency=pub.agency)
    due = calendar.due_date(decided_on, int(rule.value), rule.unit)
    reason = remedy_reason(data)
    if result in REMEDY_WITHDRAW:
        if pub.published_version:
            return _withdraw(pub, actor=actor, reason=reason)
        if pub.status in (S.DRAFT, S.CHECKED):
            return _withhold(pub, actor=actor, reason=reason)
        return pub
    if pub.status not in (S.DRAFT, S.CHECKED, S.PUBLISHED):
        return pub
    # changed: the public sees a note now; the editor publishes the changed content by `due`
    pub.pending_action, pub.action_due_on, pub.action_note = PendingAction.UPDATE, due.date, reason[:300]
    pub.status, pub.confidentiality_reviewed = S.DRAFT, False
    fields = ["pending_action", "action_due_on", "action_note", "status", "confidentiality_reviewed"]
    pub.content = {**pub.content, **content_mod.decision_content(case)}
    _save(pub, actor, *fields, "content")
    _append(pub, "change_noted", actor, {"reason": reason, "due_on": due.date, "rule": rule.citation})
    if pub.published_version:
        note = _("%(reason)s更新后的信息将于%(due)s前公布。") % {
            "reason": reason,
            "due": f"{due.date:%Y-%m-%d}",
        }
        _note_snapshot(pub, note, actor)
    return pub


REMEDY_WITHDRAW = {"revoked", "confirmed_illegal", "confirmed_void"}
_REMEDY_KINDS = {"reconsideration": N_("行政复议"), "litigation": N_("行政诉讼")}
_REMEDY_RESULTS = {
    "changed": N_("变更"),
    "revoked": N_("撤销"),
    "confirmed_illegal": N_("确认违法"),
    "confirmed_void": N_("确认无效"),
}


def remedy_reason(data: dict[str, Any]) -> str:
    decided = data.get("remedy_decided_on")
    when = decided.strftime("%Y年%m月%d日") if isinstance(decided, dt.date) else str(decided or "")
    document = data.get("remedy_document") or ""
    return _("该决定已于%(when)s经%(kind)s%(result)s%(doc)s。") % {
        "when": when,
        "kind": _(_REMEDY_KINDS.get(data.get("remedy_kind"), N_("复议或诉讼"))),
        "result": _(_REMEDY_RESULTS.get(data.get("remedy_result"), "")),
        "doc": f"（{document}）" if document else "",
    }


# --- the editor's steps ----------------------------------------------------------------------


@transaction.atomic
def edit(pub: Publication, *, actor, changes: dict[str, str]) -> Publication:
    """Edit the wording of a draft (facts in brief, outcome…); a checked draft needs a new check."""
    pub = _lock(pub)
    require_editor(actor, pub.agency)
    _expect(pub, S.DRAFT, S.CHECKED)
    if pub.kind != PublicationKind.DECISION:
        raise DomainError("publicity.edit.kind", _("事项清单的内容来自执法事项目录，请在目录中修改。"))
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise InvalidInput("publicity.edit.field", _("不能修改该字段。"), field=sorted(unknown)[0])
    cleaned = {k: str(v).strip()[:5000] for k, v in changes.items()}
    if "title" in cleaned and not cleaned["title"]:
        raise InvalidInput("publicity.edit.required", _("请填写违法行为类型/事项。"), field="title")
    pub.content = {**pub.content, **cleaned}
    pub.status = S.DRAFT
    pub.confidentiality_reviewed = False
    _save(pub, actor, "content", "status", "confidentiality_reviewed")
    _append(pub, "edited", actor, {"fields": sorted(cleaned)})
    return pub


def _refresh_decision_number(pub: Publication, actor) -> None:
    """A draft made when the case was decided carries the case number until the decision document
    is issued; once it is, the document's number replaces that placeholder (never an edited one)."""
    if pub.kind != PublicationKind.DECISION or pub.case_id is None:
        return
    if pub.content.get("decision_number") not in ("", None, pub.case.number):
        return
    number = content_mod.decision_number(pub.case)
    if number != pub.content.get("decision_number"):
        pub.content = {**pub.content, "decision_number": number}
        _save(pub, actor, "content")


@transaction.atomic
def check(pub: Publication, *, actor, confidentiality_reviewed: bool = False, note: str = "") -> Publication:
    """审核: the confidentiality review of a decision (PUB-09) or the legality check of an item
    list (P2); both are recorded with the checker's name."""
    pub = _lock(pub)
    require_editor(actor, pub.agency)
    _expect(pub, S.DRAFT)
    _refresh_decision_number(pub, actor)
    result: dict[str, Any] = {}
    if pub.kind == PublicationKind.DECISION:
        if not confidentiality_reviewed:
            raise InvalidInput(
                "publicity.check.confidentiality",
                _("请确认已进行保密审查：不涉及国家秘密、商业秘密和个人隐私，或已作脱敏处理（PUB-09）。"),
                field="confidentiality_reviewed",
            )
        if not pub.content.get("title"):
            raise InvalidInput("publicity.edit.required", _("请填写违法行为类型/事项。"), field="title")
    else:
        from sanxiang.publicity import before

        result = before.legality_check(pub.agency)
        if result["errors"]:
            raise DomainError(
                "publicity.check.legality",
                _("合法性审核未通过：%(first)s") % {"first": result["errors"][0]},
                problems=result["errors"],
            )
        if result["warnings"] and not note.strip():
            raise InvalidInput(
                "publicity.check.note_required",
                _("事项清单有待更新的事项，请在审核意见中说明处理情况。"),
                field="note",
            )
    pub.status, pub.checked_by, pub.checked_at = S.CHECKED, actor, clock.now()
    pub.check_note, pub.check_result = note.strip(), result
    pub.confidentiality_reviewed = pub.kind == PublicationKind.DECISION
    _save(
        pub,
        actor,
        "status",
        "checked_by",
        "checked_at",
        "check_note",
        "check_result",
        "confidentiality_reviewed",
    )
    _append(pub, "checked", actor, {"note": pub.check_note, "warnings": result.get("warnings", [])})
    return pub


@transaction.atomic
def withhold(pub: Publication, *, actor, reason: str) -> Publication:
    """不予公开 with a reason (PUB-06/09): recorded, never shown."""
    pub = _lock(pub)
    require_editor(actor, pub.agency)
    if not reason.strip():
        raise InvalidInput("publicity.reason_required", _("请说明不予公开的理由。"), field="reason")
    _expect(pub, S.DRAFT, S.CHECKED)
    if pub.published_version:
        raise DomainError("publicity.withhold.published", _("已公示的信息请使用“撤下”。"))
    return _withhold(pub, actor=actor, reason=reason.strip())


def _withhold(pub: Publication, *, actor, reason: str) -> Publication:
    pub.status, pub.withhold_reason = S.WITHHELD, reason[:300]
    pub.pending_action, pub.overdue_since = PendingAction.NONE, None
    _save(pub, actor, "status", "withhold_reason", "pending_action", "overdue_since")
    _append(pub, "withheld", actor, {"reason": pub.withhold_reason})
    return pub


@translation.override(settings.LANGUAGE_CODE)  # public text in Chinese, whatever the editor's UI language
@transaction.atomic
def publish(pub: Publication, *, actor, note: str = "") -> Publication:
    """发布: write the masked snapshot the portal shows, and its record entry (I3)."""
    pub = _lock(pub)
    require_editor(actor, pub.agency)
    _expect(pub, S.CHECKED)
    if pub.kind == PublicationKind.ITEM_LIST:
        from sanxiang.publicity import before

        return before.publish_profile(pub, actor=actor)
    _refresh_decision_number(pub, actor)
    update = pub.published_version > 0
    if update and not note.strip():
        raise InvalidInput(
            "publicity.publish.note_required", _("更新已公示的信息须填写更新说明。"), field="note"
        )
    body = content_mod.public_body(pub.content, pub.persons, agency=pub.agency)
    today = clock.today()
    pub.published_version += 1
    pub.status, pub.published_by, pub.last_published_at = S.PUBLISHED, actor, clock.now()
    pub.first_published_on = pub.first_published_on or today
    pub.visible_until = _visible_until(pub)
    pub.pending_action, pub.action_due_on, pub.overdue_since = PendingAction.NONE, None, None
    if update:
        pub.public_note = note.strip()[:500]
    _save(
        pub,
        actor,
        "published_version",
        "status",
        "published_by",
        "last_published_at",
        "first_published_on",
        "visible_until",
        "pending_action",
        "action_due_on",
        "overdue_since",
        "public_note",
    )
    _write_snapshot(pub, body, actor, event="updated" if update else "published", note=pub.public_note)
    return pub


def _write_snapshot(pub: Publication, body: dict[str, Any], actor, *, event: str, note: str = "") -> None:
    digest = content_mod.body_hash(body)
    entry = _append(
        pub,
        event,
        actor,
        {"version": pub.published_version, "body": body, "body_hash": digest, "note": note},
    )
    today = clock.today()
    fields = {
        "agency_code": body["agency_code"],
        "agency_name": body["agency_name"],
        "agency_credit_code": body["agency_credit_code"] or "",
        "category": body["category"],
        "procedure_name": body["procedure_name"],
        "decision_number": body["decision_number"][:100],
        "party_kind": body["party_kind_label"],
        "party_name": body["party_name"][:200],
        "party_credit_code": body["party_credit_code"] or "",
        "legal_representative": body["legal_representative"][:60],
        "title": body["title"][:200],
        "facts": body["facts"],
        "basis": body["basis"],
        "outcome": body["outcome"],
        "penalty_types": "、".join(body["penalty_types"])[:200],
        "fine_amount": body["fine_amount"],
        "confiscation_amount": body["confiscation_amount"],
        "licence": body["licence"][:200],
        "decided_on": pub.decided_on,
        "status": PublicStatus.PUBLISHED,
        "note": note,
        "note_on": today if note else None,
        "visible_until": pub.visible_until,
        "version": pub.published_version,
        "entry_seq": entry.seq,
        "entry_hash": entry.hash,
        "body_hash": digest,
        "search_text": content_mod.search_text(body),
    }
    snapshot = PublicDecision.objects.filter(publication_ref=pub.pk).first()
    if snapshot is None:
        snapshot = PublicDecision.objects.create(
            publication_ref=pub.pk, published_on=pub.first_published_on or today, **fields
        )
    else:
        for key, value in fields.items():
            setattr(snapshot, key, value)
        snapshot.updated_on = today
        snapshot.save()
    PublicDecisionVersion.objects.create(
        decision=snapshot,
        version=pub.published_version,
        event=event,
        at=entry.at,
        note=note,
        body=body,
        body_hash=digest,
        entry_seq=entry.seq,
        entry_hash=entry.hash,
    )
    signals.publication_changed.send(
        sender=Publication, publication=pub, change=event, snapshot=snapshot, note=note
    )


def _public_event(pub: Publication, event: str, note: str, actor, status: str | None = None) -> None:
    """A public event that changes the snapshot's status or note but not its body."""
    snapshot = PublicDecision.objects.filter(publication_ref=pub.pk).first()
    if snapshot is None:
        return
    entry = _append(pub, event, actor, {"version": snapshot.version, "note": note, "status": status})
    today = clock.today()
    snapshot.note, snapshot.note_on = note[:500], today
    snapshot.entry_seq, snapshot.entry_hash = entry.seq, entry.hash
    update = ["note", "note_on", "entry_seq", "entry_hash"]
    if status:
        snapshot.status = status
        update.append("status")
    snapshot.save(update_fields=update)
    PublicDecisionVersion.objects.create(
        decision=snapshot,
        version=snapshot.version,
        event=event,
        at=entry.at,
        note=note[:500],
        body={},
        entry_seq=entry.seq,
        entry_hash=entry.hash,
    )


def _note_snapshot(pub: Publication, note: str, actor) -> None:
    _public_event(pub, "noted", note, actor)


@transaction.atomic
def revise(pub: Publication, *, actor, reason: str) -> Publication:
    """Open an update of a published decision (a correction, PUB-08): the public keeps seeing
    the published version until the update is checked and published with its note."""
    pub = _lock(pub)
    require_editor(actor, pub.agency)
    _expect(pub, S.PUBLISHED)
    if pub.kind != PublicationKind.DECISION:
        raise DomainError("publicity.revise.kind", _("事项清单请重新审核后发布。"))
    if not reason.strip():
        raise InvalidInput("publicity.reason_required", _("请说明更新原因。"), field="reason")
    pub.status, pub.pending_action, pub.action_note = S.DRAFT, PendingAction.UPDATE, reason.strip()[:300]
    pub.confidentiality_reviewed = False
    _save(pub, actor, "status", "pending_action", "action_note", "confidentiality_reviewed")
    _append(pub, "revision_opened", actor, {"reason": pub.action_note})
    return pub


@transaction.atomic
def withdraw(pub: Publication, *, actor, reason: str) -> Publication:
    """撤下 with a public reason (PUB-07): the decision leaves the listing; a notice stays."""
    pub = _lock(pub)
    require_editor(actor, pub.agency)
    if not reason.strip():
        raise InvalidInput("publicity.reason_required", _("撤下公示信息须公开说明理由。"), field="reason")
    if not pub.published_version or pub.status in (S.WITHDRAWN, S.EXPIRED):
        raise DomainError("publicity.withdraw.not_published", _("该信息尚未公示或已撤下。"))
    return _withdraw(pub, actor=actor, reason=reason.strip())


def _withdraw(pub: Publication, *, actor, reason: str) -> Publication:
    pub.status, pub.withdrawn_on, pub.public_note = S.WITHDRAWN, clock.today(), reason[:500]
    pub.pending_action, pub.action_due_on, pub.overdue_since = PendingAction.NONE, None, None
    _save(
        pub,
        actor,
        "status",
        "withdrawn_on",
        "public_note",
        "pending_action",
        "action_due_on",
        "overdue_since",
    )
    if pub.kind == PublicationKind.DECISION:
        _public_event(pub, "withdrawn", reason, actor, status=PublicStatus.WITHDRAWN)
        snapshot = PublicDecision.objects.filter(publication_ref=pub.pk).first()
        if snapshot is not None:
            signals.publication_changed.send(
                sender=Publication, publication=pub, change="withdrawn", snapshot=snapshot, note=reason
            )
    else:
        _append(pub, "withdrawn", actor, {"reason": reason})
    return pub


# --- periodic work (sanxiang tick) -----------------------------------------------------------


@transaction.atomic
def expire_due(today: dt.date | None = None) -> int:
    """Published decisions past their publication period leave the listing (CRED-04…06)."""
    today = today or clock.today()
    count = 0
    for pub in Publication.objects.select_for_update(of=("self",)).filter(
        kind=PublicationKind.DECISION, status=S.PUBLISHED, visible_until__lt=today
    ):
        pub.status = S.EXPIRED
        _save(pub, None, "status")
        _public_event(
            pub,
            "expired",
            _("公示期已于%(day)s届满。") % {"day": f"{pub.visible_until:%Y-%m-%d}"},
            None,
            status=PublicStatus.EXPIRED,
        )
        count += 1
    return count


@transaction.atomic
def mark_overdue(today: dt.date | None = None) -> list[Publication]:
    """Drafts past their due date (or updates past PUB-07) are marked overdue; returns the newly
    overdue ones so the tick can raise alerts."""
    today = today or clock.today()
    newly = []
    open_ = Publication.objects.select_for_update(of=("self",)).filter(
        status__in=[S.DRAFT, S.CHECKED], overdue_since=None
    )
    for pub in open_.select_related("agency"):
        due = pub.action_due_on if pub.pending_action else (None if pub.published_version else pub.due_on)
        if due is not None and due < today:
            pub.overdue_since = due + dt.timedelta(days=1)
            _save(pub, None, "overdue_since")
            newly.append(pub)
    return newly


def is_late(pub: Publication) -> bool | None:
    """Was the first publication late (PUB-05)? None while it is not published."""
    if pub.first_published_on is None or pub.due_on is None:
        return None
    return pub.first_published_on > pub.due_on


# --- before enforcement: the item list (事前公开) --------------------------------------------


@transaction.atomic
def draft_item_list(agency, *, actor) -> Publication:
    """Start (or restart) the publication of the agency's item list and profile; it is checked for
    legality before it can be published (P2)."""
    require_editor(actor, agency)
    pub = (
        Publication.objects.select_for_update(of=("self",))
        .filter(agency=agency, kind=PublicationKind.ITEM_LIST)
        .first()
    )
    if pub is None:
        pub = Publication.objects.create(
            agency=agency,
            kind=PublicationKind.ITEM_LIST,
            title=_("%(agency)s 执法事项清单与主体信息") % {"agency": agency.name},
            created_by=actor,
            updated_by=actor,
        )
    elif pub.status == S.DRAFT:
        return pub
    else:
        pub.status, pub.check_result, pub.check_note = S.DRAFT, {}, ""
        _save(pub, actor, "status", "check_result", "check_note")
    _append(pub, "drafted", actor, {"agency": agency.code})
    return pub


# --- during enforcement: the public certificate register (事中公示) ---------------------------


def sync_officer(cert) -> None:
    """Keep the public copy of a certificate in step with the register (PUB-03/04). Name, number,
    agency, fields, validity and status only — nothing else about the holder is public."""
    from sanxiang.publicity.models import PublicOfficer

    holder = cert.holder
    PublicOfficer.objects.update_or_create(
        number=cert.number,
        defaults={
            "name": holder.display_name,
            "agency_code": holder.agency.code if holder.agency_id else "",
            "agency_name": holder.agency.name if holder.agency_id else "",
            "fields": "、".join(f.name for f in cert.fields.all()),
            "issuer": cert.issuer,
            "valid_from": cert.valid_from,
            "valid_to": cert.valid_to,
            "status": cert.status,
            "photo": cert.photo.name if cert.photo else "",
        },
    )


def sync_all_officers() -> int:
    from sanxiang.org.models import Certificate

    count = 0
    for cert in Certificate.objects.select_related("holder__agency").prefetch_related("fields"):
        sync_officer(cert)
        count += 1
    return count


# --- the annual statistics report (P5) -------------------------------------------------------


@transaction.atomic
def publish_annual_report(year: int, *, actor, agency=None):
    """Publish the statistics of `year` on the portal (PUB-11): an editor for their own agency, a
    supervisor for every agency of their division subtree."""
    from sanxiang.org.models import Agency
    from sanxiang.publicity import annual
    from sanxiang.publicity.models import PublicReport

    if not getattr(actor, "is_authenticated", False):
        raise Forbidden("auth.required", _("请先登录。"))
    if not 1990 <= int(year) <= clock.today().year:
        raise InvalidInput("publicity.report.year", _("年度无效。"), field="year")
    if agency is None:
        if not actor.has_role(Role.SUPERVISOR) or actor.agency is None:
            raise Forbidden("publicity.forbidden", _("只有执法监督人员可以发布本区域的统计年报。"))
        division = actor.agency.division
        agencies = Agency.objects.filter(division__path__startswith=division.path)
        scope_code, scope_name = f"division-{division.code}", division.name
    else:
        require_editor(actor, agency)
        agencies = Agency.objects.filter(pk=agency.pk)
        scope_code, scope_name = agency.code, agency.name
    data = annual.build(int(year), annual.scope_agencies([a.code for a in agencies]), scope_name=scope_name)
    digest = content_mod.body_hash(data)
    entry = records.append(
        kind="publication.report_published",
        payload={"year": int(year), "scope": scope_code, "body_hash": digest},
        actor=actor,
        stream=f"report:{year}:{scope_code}"[:60],
        agency=actor.agency,
    )
    report, created = PublicReport.objects.get_or_create(
        year=int(year),
        scope_code=scope_code,
        defaults={"scope_name": scope_name, "published_at": entry.at, "body": data},
    )
    if not created:
        report.version += 1
    report.scope_name, report.published_at, report.body = scope_name, entry.at, {**data, "body_hash": digest}
    report.entry_seq, report.entry_hash = entry.seq, entry.hash
    report.save()
    return report


@transaction.atomic
def save_window(agency, *, actor, data: dict[str, Any], window=None):
    """Create or change a service window; it reaches the portal with the next item-list publication."""
    from sanxiang.publicity.models import ServiceWindow

    require_editor(actor, agency)
    if window is not None and window.agency_id != agency.pk:
        raise Forbidden("publicity.forbidden", _("只有本机关公示管理员可以办理公示。"))
    staff = list(data.pop("staff", []) or [])
    if any(u.agency_id != agency.pk for u in staff):
        raise InvalidInput("publicity.window.staff", _("在岗人员须为本机关工作人员。"), field="staff")
    if not (data.get("name") or "").strip():
        raise InvalidInput("publicity.window.name", _("请填写窗口名称。"), field="name")
    window = window or ServiceWindow(agency=agency, created_by=actor)
    for key, value in data.items():
        setattr(window, key, value)
    window.updated_by = actor
    window.save()
    window.staff.set(staff)
    records.append(
        kind="publication.window_saved",
        payload={"window": window.pk, "name": window.name, "staff": [u.username for u in staff]},
        actor=actor,
        stream=f"window:{window.pk}",
        agency=agency,
    )
    return window
