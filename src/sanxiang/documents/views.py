"""Staff pages for documents: the case page's section, preview (HTML), issue, issued versions and
their files, correction, voiding a number, service with proof, consent to e-service, and the
phone-sized on-site decision page of the simple procedure. Every change goes through `services`;
every lookup starts from the user's scope (404 outside it)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from sanxiang.cases import selectors
from sanxiang.cases.signals import case_viewed
from sanxiang.core import clock
from sanxiang.core import pdf as fonts
from sanxiang.core.errors import DomainError, NotFound
from sanxiang.core.roles import Role
from sanxiang.documents import compose, services
from sanxiang.documents import render as renderer
from sanxiang.documents.models import Document, DocumentNumber, DocumentStatus, ServiceMethod
from sanxiang.org import reauth


def _case(request, number: str):
    try:
        return selectors.case_for(request.user, number=number)
    except NotFound:
        raise Http404 from None


def _document(request, pk: int) -> Document:
    found = (
        Document.objects.restrict(request.user)
        .select_related("case__agency", "number", "template", "issued_by", "entry")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404
    return found


def _viewed(request, case, what: str) -> None:
    case_viewed.send(
        type(case), case=case, user=request.user, door="web", reason=request.GET.get("reason", what)
    )


def _can_act(user, case) -> bool:
    return user.agency_id == case.agency_id and bool(user.roles & {Role.OFFICER, Role.HEAD})


def case_section(request, case):
    """The 执法文书 section of the case page."""
    issued = list(
        Document.objects.filter(case=case).select_related("number", "issued_by").order_by("code", "-version")
    )
    current = {d.code: d for d in issued if d.status == DocumentStatus.ISSUED}
    rows = []
    for template, blocked in compose.readiness(case):
        doc = current.get(template.code)
        in_stage = case.stage in template.applies.get(case.procedure, [])
        rows.append(
            {
                "template": template,
                "document": doc,
                "ready": blocked is None,
                "in_stage": in_stage,
                "blocked": blocked,
            }
        )
    return {
        "rows": rows,
        "history": [d for d in issued if d.status != DocumentStatus.ISSUED],
        "numbers_voided": DocumentNumber.objects.filter(case=case, status="voided"),
        "services": case.services.select_related("document", "document__number").order_by("-recorded_at"),
        "can_act": _can_act(request.user, case),
    }


@login_required
@require_http_methods(["GET", "POST"])
def preview(request, number: str, code: str):
    case = _case(request, number)
    try:
        template = compose.template_for(code, case.agency)
    except NotFound:
        raise Http404 from None
    overrides = {k[9:]: v for k, v in request.POST.items() if k.startswith("override_")}
    error, field = "", ""
    if request.method == "POST" and (ask := reauth.ensure_recent_auth(request)):
        return ask  # issuing needs the password confirmed recently (org/reauth.py)
    if request.method == "POST":
        try:
            document = services.issue(case, template, actor=request.user, overrides=overrides)
        except DomainError as refusal:
            error, field = refusal.message, refusal.field or ""
        else:
            messages.success(
                request,
                _("已出具%(title)s %(number)s。") % {"title": document.title, "number": document.number_text},
            )
            return redirect("documents:detail", pk=document.pk)
    _viewed(request, case, "文书预览")
    composed = services.preview(case, template, overrides=overrides)
    problem = error
    if not problem:
        try:
            services.preview(case, template, overrides=overrides, check=True)
        except DomainError as refusal:
            problem = refusal.message
    editable = [s for s in template.sections if s.get("editable") and s.get("key")]
    texts = {b["key"]: "\n".join(b["paragraphs"]) for b in composed.content["blocks"] if b.get("key")}
    context = {
        "case": case,
        "template": template,
        "content": composed.content,
        "problem": problem,
        "problem_field": field,
        "editable": [
            {"key": s["key"], "heading": s.get("heading") or s["key"], "text": texts.get(s["key"], "")}
            for s in editable
        ],
        "missing_glyphs": "".join(fonts.missing(compose.plain_text(composed.content))),
        "existing": services.current(case, template.code),
        "can_act": _can_act(request.user, case),
    }
    return render(request, "documents/preview.html", context, status=422 if error else 200)


def _file_response(data: bytes, fmt: str, filename: str, inline: bool = False) -> HttpResponse:
    response = HttpResponse(data, content_type=renderer.MEDIA_TYPES[fmt])
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(filename)}"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def draft_file(request, number: str, code: str, fmt: str):
    case = _case(request, number)
    if fmt not in renderer.MEDIA_TYPES:
        raise Http404
    try:
        composed = services.preview(case, code)
    except NotFound:
        raise Http404 from None
    _viewed(request, case, "文书草稿下载")
    data = renderer.render(composed.content, fmt)
    return _file_response(data, fmt, f"{case.number}-{composed.template.name}-草稿.{fmt}")


@login_required
def detail(request, pk: int):
    document = _document(request, pk)
    case = document.case
    _viewed(request, case, "查阅文书")
    versions = (
        Document.objects.filter(case=case, code=document.code).select_related("number").order_by("-version")
    )
    return render(
        request,
        "documents/detail.html",
        {
            "case": case,
            "document": document,
            "content": document.content,
            "verify_url": services.verification_url(document),
            "versions": versions,
            "services": document.services.prefetch_related("proofs").order_by("-recorded_at"),
            "can_act": _can_act(request.user, case),
            "is_head": request.user.has_role(Role.HEAD),
        },
    )


@login_required
def issued_file(request, pk: int, fmt: str):
    document = _document(request, pk)
    if fmt not in renderer.MEDIA_TYPES:
        raise Http404
    _viewed(request, document.case, "文书下载")
    name = f"{document.title}{document.number_text or document.case.number}-v{document.version}.{fmt}"
    return _file_response(services.render_document(document, fmt), fmt, name, inline=fmt == "pdf")


@login_required
@require_http_methods(["GET", "POST"])
def correct(request, pk: int):
    document = _document(request, pk)
    error = ""
    overrides = {k[9:]: v for k, v in request.POST.items() if k.startswith("override_")}
    if request.method == "POST":
        try:
            new = services.correct(
                document, actor=request.user, reason=request.POST.get("reason", ""), overrides=overrides
            )
        except DomainError as refusal:
            error = refusal.message
        else:
            messages.success(request, _("已生成更正后的第%(v)s版。") % {"v": new.version})
            return redirect("documents:detail", pk=new.pk)
    template = compose.template_for(document.code, document.case.agency)
    texts = {b["key"]: "\n".join(b["paragraphs"]) for b in document.content["blocks"] if b.get("key")}
    editable = [
        {
            "key": s["key"],
            "heading": s.get("heading") or s["key"],
            "text": overrides.get(s["key"], texts.get(s["key"], "")),
        }
        for s in template.sections
        if s.get("editable") and s.get("key")
    ]
    return render(
        request,
        "documents/correct.html",
        {
            "document": document,
            "case": document.case,
            "error": error,
            "editable": editable,
            "reason": request.POST.get("reason", ""),
        },
        status=422 if error else 200,
    )


@login_required
@require_POST
def void(request, pk: int):
    document = _document(request, pk)
    if document.number is None:
        raise Http404
    try:
        services.void_number(document.number, actor=request.user, reason=request.POST.get("reason", ""))
    except DomainError as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("文号%(n)s已作废。") % {"n": document.number_text})
    return redirect("documents:detail", pk=document.pk)


def _uploads(files, kind_hint: str = "") -> list[services.Upload]:
    uploads = []
    for f in files:
        media_type = f.content_type or "application/octet-stream"
        kind = (
            "photo"
            if media_type.startswith("image/")
            else "video"
            if media_type.startswith("video/")
            else ("audio" if media_type.startswith("audio/") else "document")
        )
        uploads.append(services.Upload(f, f.name, media_type, kind_hint or kind))
    return uploads


def _date(value: str, field: str) -> dt.date:
    try:
        return dt.date.fromisoformat((value or "").strip())
    except ValueError:
        raise DomainError("documents.input.date", _("请填写有效日期（YYYY-MM-DD）。"), field=field) from None


@login_required
@require_http_methods(["GET", "POST"])
def serve(request, pk: int):
    document = _document(request, pk)
    case = document.case
    errors: dict[str, str] = {}
    general = ""
    values = request.POST if request.method == "POST" else {}
    if request.method == "POST":
        try:
            services.record_service(
                document,
                actor=request.user,
                method=request.POST.get("method", ""),
                served_on=_date(request.POST.get("served_on", ""), "served_on"),
                recipient=request.POST.get("recipient", ""),
                place=request.POST.get("place", ""),
                witnesses=request.POST.get("witnesses", ""),
                note=request.POST.get("note", ""),
                proofs=_uploads(request.FILES.getlist("proofs")),
            )
        except DomainError as refusal:
            if refusal.field in {"method", "served_on", "proofs", "recipient"}:
                errors[refusal.field] = refusal.message
            else:
                general = refusal.message
        else:
            messages.success(request, _("已登记送达。"))
            return redirect("documents:detail", pk=document.pk)
    context = {
        "document": document,
        "case": case,
        "methods": ServiceMethod.choices,
        "values": values,
        "errors": errors,
        "general": general,
        "consents": case.service_consents.all(),
        "today": clock.today().isoformat(),
    }
    return render(request, "documents/serve.html", context, status=422 if errors or general else 200)


@login_required
@require_http_methods(["GET", "POST"])
def consent(request, number: str):
    case = _case(request, number)
    error = ""
    if request.method == "POST":
        files = _uploads(request.FILES.getlist("file"))
        try:
            if not files:
                raise DomainError(
                    "documents.consent.file_required", _("请上传当事人签署的电子送达地址确认书。")
                )
            services.record_consent(
                case,
                actor=request.user,
                address=request.POST.get("address", ""),
                signed_on=_date(request.POST.get("signed_on", ""), "signed_on"),
                upload=files[0],
            )
        except DomainError as refusal:
            error = refusal.message
        else:
            messages.success(request, _("已登记电子送达确认书。"))
            return redirect("cases:detail", number=case.number)
    return render(
        request,
        "documents/consent.html",
        {"case": case, "error": error, "values": request.POST},
        status=422 if error else 200,
    )


# --- 简易程序 on site (phone-sized) -------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def on_site(request):
    from sanxiang.documents.onsite import OnSiteForm, decide_on_site

    if not request.user.has_role(Role.OFFICER) or request.user.agency is None:
        raise Http404
    form = OnSiteForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            document = decide_on_site(
                actor=request.user,
                item=data["item"],
                partner=data["partner"],
                party_data=form.party_data(),
                place=data["place"],
                facts=data["facts"],
                penalty_types=form.penalty_types(),
                fine_amount=data["fine_amount"],
                legal_basis=[int(a) for a in data["legal_basis"]],
                photos=_uploads(request.FILES.getlist("photos"), "photo"),
            )
        except DomainError as refusal:
            target = {
                "id_number": "party_id",
                "credit_code": "party_id",
                "name": "party_name",
                "legal_representative": "party_representative",
                "penalty_types": "fine_amount",
                "officers": "partner",
            }.get(refusal.field or "", refusal.field)
            form.add_error(target if target in form.fields else None, refusal.message)
        else:
            return redirect("documents:on_site_done", pk=document.pk)
    return render(request, "documents/on_site.html", {"form": form}, status=422 if form.errors else 200)


@login_required
def on_site_done(request, pk: int):
    document = _document(request, pk)
    return render(request, "documents/on_site_done.html", {"document": document, "case": document.case})
