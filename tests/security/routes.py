"""Every route of the URL conf, with real URL kwargs from the matrix world, and the policy table
of docs/security.md parsed."""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass
from pathlib import Path

from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver

DOC = Path(__file__).resolve().parents[2] / "docs" / "security.md"
TOKENS = {"allow", "login", "403", "404", "405", "400", "422"}


@dataclass(frozen=True)
class Route:
    key: str  # namespace:name, or the path pattern for unnamed routes
    pattern: str
    callback: object


def walk(patterns, prefix="", ns=None):
    for p in patterns:
        if isinstance(p, URLResolver):
            inner = p.namespace
            space = f"{ns}:{inner}" if ns and inner else (inner or ns)
            yield from walk(p.url_patterns, prefix + str(p.pattern), space)
        elif isinstance(p, URLPattern):
            name = f"{ns}:{p.name}" if ns and p.name else p.name
            yield Route(
                name or f"{ns + ':' if ns else ''}/{prefix}{p.pattern}", prefix + str(p.pattern), p.callback
            )


def routes() -> list[Route]:
    return list(walk(get_resolver().url_patterns))


# --- the policy table --------------------------------------------------------------------------


def policy() -> tuple[list[str], list[tuple[str, dict[str, str]]]]:
    """(actors, [(route pattern, {actor: expectation})]) from the first Markdown table under the
    heading "Policy table" in docs/security.md."""
    lines = DOC.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("## Policy table"))
    table = []
    for line in lines[start + 1 :]:
        if line.startswith("## "):
            break
        if line.startswith("|"):
            table.append([c.strip() for c in line.strip().strip("|").split("|")])
    header, rows = table[0], table[2:]
    actors = header[1:]
    parsed = []
    for row in rows:
        pattern = row[0].strip("`")
        cells = dict(zip(actors, row[1:], strict=True))
        for actor, cell in cells.items():
            assert cell in TOKENS, f"{pattern}: {actor}: unknown expectation {cell!r}"
        parsed.append((pattern, cells))
    return actors, parsed


def expectation(key: str, rows) -> dict[str, str] | None:
    for pattern, cells in rows:
        if fnmatch.fnmatchcase(key, pattern):
            return cells
    return None


# --- URL kwargs from the world -----------------------------------------------------------------

API_OBJECT = [  # route-name prefix → attribute of the world (the first match wins)
    ("case-", "case"),
    ("evidence-", "evidence"),
    ("access-request-", "access_request"),
    ("document-", "document"),
    ("deadline-alert-", "alert"),
    ("review-case-", "case"),
    ("review-contest-", "contest"),
    ("review-catalog-", "review_catalog"),
    ("review-", "review"),
    ("publication-", "publication"),
    ("clue-", "clue"),
    ("follow-up-", "follow_up"),
    ("finding-", "finding"),
    ("evaluation-", "evaluation"),
    ("supervision-task-", "task"),
    ("supervision-instrument-", "instrument"),
    ("exchange-message-", "message"),
    ("exchange-delivery-", "delivery"),
    ("exchange-endpoint-", "endpoint"),
    ("exchange-received-", "received"),
    ("exchange-import-", "import_run"),
    ("article-", "article"),
    ("rule-parameter-", "rule_parameter"),
    ("open-decision", "public_decision"),
]

WEB_OBJECT = {
    "records:evidence": "evidence",
    "records:evidence_download": "evidence",
    "records:evidence_stream": "evidence",
    "records:evidence_thumbnail": "evidence",
    "records:evidence_supersede": "evidence",
    "records:access_request_decide": "access_request",
    "documents:on_site_done": "document",
    "documents:detail": "document",
    "documents:file": "document",
    "documents:correct": "document",
    "documents:void": "document",
    "documents:serve": "document",
    "review:contest_decision": "contest",
    "publicity:window_edit": "window",
    "catalog:article": "article",
    "portal:decision": "public_decision",
    "portal:board": "window",
    "exchange:message": "message",
    "exchange:delivery-action": "delivery",
    "exchange:replay": "endpoint",
    "exchange:received-detail": "received",
}
WEB_PREFIX_OBJECT = [
    ("review:", "review"),
    ("publicity:", "publication"),
    ("supervision:clue", "clue"),
    ("supervision:follow_up", "follow_up"),
    ("supervision:finding", "finding"),
    ("supervision:evaluation", "evaluation"),
    ("supervision:task", "task"),
    ("supervision:instrument", "instrument"),
]


def _object_for(key: str, w):
    if key in WEB_OBJECT:
        return getattr(w, WEB_OBJECT[key])
    for prefix, attr in WEB_PREFIX_OBJECT:
        if key.startswith(prefix):
            return getattr(w, attr)
    for prefix, attr in API_OBJECT:
        if key.startswith(prefix):
            return getattr(w, attr)
    raise KeyError(key)


def kwargs_for(route: Route, w) -> dict[str, str]:
    names = re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", route.pattern)
    names = [a or b for a, b in names]
    key = route.key
    out: dict[str, str] = {}
    if key.startswith("admin:") or key.startswith("admin:/"):
        return _admin_kwargs(route, names, w)
    for name in names:
        if name in ("number", "case_number"):
            if key.startswith("portal:"):
                out[name] = w.certificate.number
            elif key == "supervision:policy_task":
                out[name] = str(w.policy_task.number)
            elif key.startswith(("transparency:", "record-checkpoint")):
                out[name] = str(w.checkpoint.number)
            else:
                out[name] = w.case.number
        elif name == "pk":
            out[name] = str(_object_for(key, w).pk)
        elif name == "clue_pk":
            out[name] = str(w.clue.pk)
        elif name == "seq":
            out[name] = str(w.entry.seq)
        elif name == "username":
            out[name] = w.officer.username
        elif name == "name":  # cases:transition
            out[name] = w.transition
        elif name == "fmt":
            out[name] = "csv" if key.startswith("supervision:") else "pdf"
        elif name == "chart":
            out[name] = "procedure"
        elif name == "act":
            out[name] = "start" if key.startswith("supervision:task") else "close"
        elif name == "verb":
            out[name] = "retry"
        elif name == "public_id":
            out[name] = w.document.public_id
        elif name == "year":
            out[name] = str(w.public_report.year)
        elif name == "scope":
            out[name] = w.public_report.scope_code
        elif name == "item":
            out[name] = w.public_item
        elif name == "code":
            out[name] = _code(key, w)
        else:
            raise KeyError(f"{key}: no value for <{name}>")
    return out


def _code(key: str, w) -> str:
    if key in ("documents:preview", "documents:draft_file"):
        return w.document.code
    if key == "catalog:item" or key == "item-detail":
        return w.item.code
    if key == "catalog:law":
        return w.article.law.code
    if key == "portal:procedure":
        return w.case.procedure
    return w.agency.code  # org:agency, portal:agency/item/board, supervision:policy_*, agency-detail


def _admin_kwargs(route: Route, names, w) -> dict[str, str]:
    out = {}
    model_admin = _model_admin(route)
    for name in names:
        if name in ("object_id", "pk"):  # pk: django-otp's device QR/config pages
            obj = w.admin_object(model_admin.model) if model_admin else None
            out[name] = str(obj.pk) if obj is not None else "1"
        elif name == "content_type_id":
            from django.contrib.contenttypes.models import ContentType

            out[name] = str(ContentType.objects.get_for_model(type(w.case)).pk)
        elif name == "id":  # the admin's password change of a user
            out[name] = str(w.officer.pk)
        elif name == "url":  # the admin's catch-all
            out[name] = "no-such-page/"
        elif name == "app_label":
            out[name] = "cases"
        else:
            raise KeyError(f"{route.key}: no value for <{name}>")
    if route.key == "admin:view_on_site":
        out["object_id"] = str(w.case.pk)
    return out


def _model_admin(route: Route):
    owner = getattr(route.callback, "model_admin", None)
    if owner is not None:
        return owner
    match = re.match(r"admin/(\w+)/(\w+)/", route.pattern)
    if match:
        for model, model_admin in admin.site._registry.items():
            if (model._meta.app_label, model._meta.model_name) == match.groups():
                return model_admin
    return None
