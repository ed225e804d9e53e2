"""Composing a document: template version + the case's data → a plain, frozen structure.

The composed structure (`Composed.content`) is what is hashed, stored and rendered — DOCX, PDF and
the HTML preview all draw the same blocks, so the three never disagree. Composition refuses,
naming the gap, when the document does not belong to the case's stage or outcome, when data it
needs is missing, when a required field is empty (PEN-18 for the penalty decision), or when a
decision of the general procedure lacks its reasons (证据采信、依据选择、裁量理由).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

from django.db.models import F, Q
from django.template import engines
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sanxiang.core import clock
from sanxiang.core.errors import DomainError, InvalidInput, NotFound
from sanxiang.documents import providers
from sanxiang.documents.formatting import cn_date
from sanxiang.documents.models import DocumentTemplate
from sanxiang.records import canonical

FORMAT = 1
MAX_OVERRIDE = 20000

# What a required field is called when it is missing (the message names it in Chinese).
LABELS = {
    "party.name": gettext_lazy("当事人名称或姓名"),
    "party.address": gettext_lazy("当事人住所（地址）"),
    "case.title": gettext_lazy("案由"),
    "case.facts": gettext_lazy("违法事实"),
    "proposal": gettext_lazy("拟处理意见"),
    "proposal.basis": gettext_lazy("法律依据"),
    "proposal.penalty": gettext_lazy("处罚种类和数额"),
    "proposal.summary": gettext_lazy("违法事实"),
    "proposal.reasons_evidence": gettext_lazy("证据采信理由"),
    "proposal.reasons_basis": gettext_lazy("依据选择理由"),
    "proposal.reasons_discretion": gettext_lazy("裁量理由"),
    "remedy.text": gettext_lazy("救济途径和期限"),
    "officers.text": gettext_lazy("执法人员及执法证号"),
    "inspection": gettext_lazy("现场检查记录"),
    "inspection.findings": gettext_lazy("检查情况"),
    "inspection.officers": gettext_lazy("执法人员"),
    "interview": gettext_lazy("询问记录"),
    "interview.interviewee": gettext_lazy("被询问人"),
    "interview.officers": gettext_lazy("执法人员"),
    "interview.findings": gettext_lazy("询问内容"),
    "preservation": gettext_lazy("先行登记保存记录"),
    "preservation.items": gettext_lazy("保存物品清单"),
    "seizure": gettext_lazy("查封扣押记录"),
    "seizure.items": gettext_lazy("查封扣押财物"),
    "hearing.scheduled": gettext_lazy("听证安排（时间、地点）"),
    "hearing.held": gettext_lazy("听证记录"),
    "hearing.on": gettext_lazy("听证日期"),
    "hearing.place": gettext_lazy("听证地点"),
    "hearing.transcript": gettext_lazy("听证笔录"),
    "review_opinion": gettext_lazy("法制审核意见（由法制审核模块提供）"),
    "review_opinion.conclusion": gettext_lazy("审核结论"),
    "collective_discussion": gettext_lazy("集体讨论记录（由法制审核模块提供）"),
    "collective_discussion.conclusion": gettext_lazy("集体讨论决定"),
    "service.rows": gettext_lazy("已出具的编号文书"),
    "permit.rejected_reason": gettext_lazy("不予受理理由"),
    "demand.method_label": gettext_lazy("强制执行方式"),
}
REASONS = ("proposal.reasons_evidence", "proposal.reasons_basis", "proposal.reasons_discretion")


@dataclass(frozen=True)
class Composed:
    template: DocumentTemplate
    content: dict[str, Any]

    @property
    def sha256(self) -> str:
        return content_hash(self.content)


def content_hash(content: dict[str, Any]) -> str:
    return hashlib.sha256(canonical.encode(content)).hexdigest()


# --- which template -----------------------------------------------------------------------------


def template_for(code_or_name: str, agency) -> DocumentTemplate:
    """The version in force for `agency`: its own latest active variant, else the national one.
    Accepts the template code (`penalty_decision`) or its Chinese name (行政处罚决定书)."""
    key = (code_or_name or "").strip()
    scope = Q(agency=agency) | Q(agency__isnull=True)
    candidates = DocumentTemplate.objects.filter(scope, active=True).filter(Q(code=key) | Q(name=key))
    found = candidates.order_by(F("agency").asc(nulls_last=True), "-version").select_related("agency").first()
    if found is None:
        raise NotFound("documents.template.unknown", _("没有名为“%(key)s”的文书模板。") % {"key": key})
    return found


def templates_for_case(case) -> list[DocumentTemplate]:
    """Every template that applies to the case's procedure (one version each, agency's first)."""
    chosen: dict[str, DocumentTemplate] = {}
    rows = DocumentTemplate.objects.filter(Q(agency=case.agency) | Q(agency__isnull=True), active=True)
    for t in rows.order_by(F("agency").asc(nulls_last=True), "-version"):
        if t.code not in chosen and case.procedure in (t.applies or {}):
            chosen[t.code] = t
    return sorted(chosen.values(), key=lambda t: t.pk if t.seeded else 10**9 + t.pk)


def readiness(case) -> list[tuple[DocumentTemplate, str | None]]:
    """Each template of the case's procedure with what keeps it from being issued now (None: ready).
    The case's data is gathered once for all of them."""
    data = providers.context_for(case)
    result = []
    for template in templates_for_case(case):
        try:
            check_applies(template, case, data)
        except DomainError as refusal:
            result.append((template, refusal.message))
        else:
            result.append((template, None))
    return result


# --- data ---------------------------------------------------------------------------------------


def lookup(data: dict[str, Any], path: str) -> Any:
    value: Any = data
    for part in path.split("."):
        if isinstance(value, dict):
            value = value.get(part)
        else:
            return None
    return value


def _filled(value: Any) -> bool:
    if isinstance(value, str):
        return bool(value.strip())
    return bool(value)


def check_applies(template: DocumentTemplate, case, data: dict[str, Any]) -> None:
    stages = (template.applies or {}).get(case.procedure)
    if stages is None:
        raise DomainError(
            "documents.template.wrong_procedure",
            _("“%(name)s”不适用于%(procedure)s。")
            % {"name": template.name, "procedure": _(case.definition.name)},
        )
    if case.stage not in stages:
        raise DomainError(
            "documents.template.wrong_stage",
            _("案件处于“%(stage_name)s”阶段，不能出具“%(name)s”。")
            % {"stage_name": _(case.stage_name), "name": template.name},
        )
    outcome = case.outcome or lookup(data, "proposal.outcome") or ""
    if template.outcomes and outcome not in template.outcomes:
        raise DomainError(
            "documents.template.wrong_outcome",
            _("本案处理结果与“%(name)s”不符。") % {"name": template.name},
        )
    for need in template.needs or []:
        if not _filled(lookup(data, need)):
            raise DomainError(
                "documents.data.missing",
                _("尚无“%(value)s”，不能出具“%(name)s”。")
                % {"value": LABELS.get(need, need), "name": template.name},
                field=need,
            )


def check_reasons(template: DocumentTemplate, case, data: dict[str, Any]) -> None:
    """说明理由: a decision of the general procedure states why the evidence was accepted, why this
    legal basis, and why this measure of discretion (the policy's task 6; rules.md PEN-18)."""
    if not template.requires_reasons:
        return
    for path in REASONS:
        if not _filled(lookup(data, path)):
            raise DomainError(
                "documents.reasons.missing",
                _("决定书须载明%(value)s，请在拟处理意见中补充后再出具。") % {"value": LABELS[path]},
                field=path.split(".", 1)[1],
            )


# --- rendering the sections ---------------------------------------------------------------------


def compile_text(text: str) -> None:
    """Parse a section text; raises TemplateSyntaxError (used when an admin saves a template)."""
    engines["django"].from_string("{% autoescape off %}" + (text or "") + "{% endautoescape %}")


def _render(text: str, data: dict[str, Any]) -> str:
    engine = engines["django"]
    source = "{% autoescape off %}" + (text or "") + "{% endautoescape %}"
    template = engine.from_string(source)  # a syntax error surfaces to the template editor
    try:
        return template.render(data).strip()
    except Exception as error:  # an admin-edited text referring to data that is not there
        raise DomainError(
            "documents.template.render", _("文书模板无法生成：%(error)s") % {"error": error}
        ) from None


def _paragraphs(text: str) -> list[str]:
    return [line.strip() for line in text.replace("\r\n", "\n").split("\n") if line.strip()]


def _block(section: dict[str, Any], data: dict[str, Any], overrides: dict[str, str]) -> dict[str, Any]:
    kind = section.get("type", "text")
    heading = _render(section.get("heading", ""), data)
    if kind == "fields":
        rows = [[_render(label, data), _render(value, data)] for label, value in section.get("rows", [])]
        return {"type": "fields", "heading": heading, "rows": rows}
    if kind == "table":
        rows = lookup(data, section.get("rows", "")) or []
        columns = [str(c) for c in section.get("columns", [])]
        return {
            "type": "table",
            "heading": heading,
            "columns": columns,
            "rows": [[str(cell) for cell in row] for row in rows],
        }
    if kind == "signature":
        return {"type": "signature", "agency": lookup(data, "agency.name"), "date": data["document"]["date"]}
    key = section.get("key")
    if key and section.get("editable") and key in overrides:
        text = overrides[key]
    else:
        text = _render(section.get("text", ""), data)
    block = {"type": "text", "heading": heading, "key": key or "", "paragraphs": _paragraphs(text)}
    if section.get("indent") is False:
        block["indent"] = False
    return block


def _check_required(template: DocumentTemplate, data: dict[str, Any], overrides: dict[str, str]) -> None:
    for section in template.sections:
        if section.get("key") in overrides and section.get("editable"):
            continue
        for path in section.get("required", []):
            if not _filled(lookup(data, path)):
                raise DomainError(
                    "documents.field.missing",
                    _("“%(name)s”缺少必备内容：%(value)s。")
                    % {"name": template.name, "value": LABELS.get(path, path)},
                    field=path,
                )


def _clean_overrides(template: DocumentTemplate, overrides: dict[str, str] | None) -> dict[str, str]:
    editable = {s.get("key") for s in template.sections if s.get("editable") and s.get("key")}
    cleaned = {}
    for key, text in (overrides or {}).items():
        if key not in editable:
            raise InvalidInput(
                "documents.override.not_editable", _("“%(key)s”部分不可修改。") % {"key": key}, field=key
            )
        text = str(text or "").strip()
        if not text:
            continue
        if len(text) > MAX_OVERRIDE:
            raise InvalidInput("documents.override.too_long", _("修改内容过长。"), field=key)
        cleaned[key] = text
    return cleaned


def compose(
    template: DocumentTemplate,
    case,
    *,
    number: str = "",
    on: dt.date | None = None,
    overrides: dict[str, str] | None = None,
    check: bool = True,
) -> Composed:
    """The document `template` for `case` as it would be issued on `on` with `number`. With
    `check=False` (previews) the applicability and required-field checks are skipped."""
    on = on or clock.today()
    data = providers.context_for(case)
    data["document"] = {"title": template.name, "date": cn_date(on)}  # the number goes in the header
    overrides = _clean_overrides(template, overrides)
    if check:
        check_applies(template, case, data)
        check_reasons(template, case, data)
        _check_required(template, data, overrides)
    blocks = [_block(section, data, overrides) for section in template.sections]
    content = {
        "format": FORMAT,
        "template": {
            "code": template.code,
            "version": template.version,
            "agency": template.agency.code if template.agency_id else None,
        },
        "title": template.name,
        "agency": case.agency.name,
        "number": number,
        "case": case.number,
        "date": on.isoformat(),
        "date_text": cn_date(on),
        "blocks": blocks,
    }
    return Composed(template, content)


def plain_text(content: dict[str, Any]) -> str:
    """The document's text, in reading order (search, tests, accessibility)."""
    lines = [content.get("agency", ""), content.get("title", ""), content.get("number", "")]
    for block in content.get("blocks", []):
        if block.get("heading"):
            lines.append(block["heading"])
        if block["type"] == "text":
            lines += block["paragraphs"]
        elif block["type"] == "fields":
            lines += [f"{label}：{value}" for label, value in block["rows"]]
        elif block["type"] == "table":
            lines.append(" ".join(block["columns"]))
            lines += [" ".join(row) for row in block["rows"]]
        elif block["type"] == "signature":
            lines += [block["agency"], block["date"]]
    return "\n".join(line for line in lines if line)
