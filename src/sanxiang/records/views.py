"""Staff pages of the record: evidence (upload, view, play, download, supersede), dossier export,
access requests and the access log. Every read goes through records.access (I7); every change
through a service."""

from __future__ import annotations

import datetime as dt
import time

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from sanxiang.cases import selectors
from sanxiang.core.errors import DomainError, NotFound
from sanxiang.core.parsing import parse_int
from sanxiang.org.reauth import recent_auth_required
from sanxiang.records import access, conf, dossier, media, services
from sanxiang.records.evidence import acts_of, add_evidence, supersede_evidence
from sanxiang.records.forms import AccessRequestForm, EvidenceForm, ReasonForm, SupersedeForm
from sanxiang.records.models import AccessRequest, Evidence
from sanxiang.records.sections import access_log_reader, can_add_evidence
from sanxiang.records.selectors import access_log, evidence_for

# --- remembered reasons: a supervisor states why once per case and half hour ------------------


def _reason_key(number: str) -> str:
    return f"records.reason.{number}"


def remember_reason(request, number: str, reason: str) -> None:
    if reason and hasattr(request, "session"):
        request.session[_reason_key(number)] = [reason[:500], time.time()]


def remembered_reason(request, number: str) -> str:
    stated = request.GET.get("reason", "").strip()
    if stated:
        remember_reason(request, number, stated)
        return stated
    saved = getattr(request, "session", {}).get(_reason_key(number))
    if saved and time.time() - saved[1] < conf.get("ACCESS_REASON_MINUTES") * 60:
        return saved[0]
    return ""


def _case_or_404(request, number: str):
    try:
        return selectors.case_for(request.user, number=number)
    except NotFound:
        raise Http404 from None


def _evidence_or_404(request, pk: int) -> Evidence:
    try:
        return evidence_for(request.user, pk)
    except NotFound:
        raise Http404 from None


def gate_response(request, gate: access.AccessGate) -> HttpResponse:
    """The prompt shown instead of a page whose read needs a reason or an approval first."""
    case = gate.case
    context = {
        "gate": gate,
        "case": case,
        "next": request.get_full_path(),
        "reason_form": ReasonForm(),
        "request_form": AccessRequestForm(),
        "pending": AccessRequest.objects.filter(case=case, requester=request.user, status="pending").first(),
    }
    return render(request, "records/access_gate.html", context, status=403)


# --- evidence --------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def evidence_upload(request, number: str):
    case = _case_or_404(request, number)
    if not can_add_evidence(request.user, case):
        raise Http404
    initial = {k: request.GET[k] for k in ("act", "media_kind", "evidence_type") if k in request.GET}
    form = EvidenceForm(request.POST or None, request.FILES or None, case=case, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            item = add_evidence(case=case, actor=request.user, **form.service_kwargs())
        except DomainError as refusal:
            form.add_error(refusal.field if refusal.field in form.fields else None, refusal.message)
        else:
            messages.success(request, _("已添加证据：%(title)s") % {"title": item.title})
            return redirect(reverse("cases:detail", args=[case.number]) + "#evidence-h")
    status = 422 if request.method == "POST" else 200
    return render(request, "records/evidence_upload.html", {"case": case, "form": form}, status=status)


@login_required
def evidence_detail(request, pk: int):
    item = _evidence_or_404(request, pk)
    try:
        access.open_evidence(
            request.user, item, door="web", reason=remembered_reason(request, item.case.number)
        )
    except access.AccessGate as gate:
        return gate_response(request, gate)
    context = {
        "item": item,
        "case": item.case,
        "token": media.stream_token(request.user, item),
        "act_label": _(acts_of(item.case).get(item.act, item.act)) if item.act else "",
        "can_change": can_add_evidence(request.user, item.case) and not item.is_superseded,
    }
    return render(request, "records/evidence_detail.html", context)


@login_required
@require_http_methods(["GET", "HEAD"])
def evidence_download(request, pk: int):
    item = _evidence_or_404(request, pk)
    if media.starts_a_read(request) and request.method == "GET":
        try:
            access.open_evidence(
                request.user,
                item,
                door="web",
                what="download",
                reason=remembered_reason(request, item.case.number),
            )
        except access.AccessGate as gate:
            return gate_response(request, gate)
    elif not access.may_read(request.user, item.case, remembered_reason(request, item.case.number)):
        raise Http404
    name = item.original_name or f"{item.blob.sha256[:12]}"
    return media.serve(request, item.blob, filename=name, attachment=True)


@login_required
@require_http_methods(["GET", "HEAD"])
def evidence_stream(request, pk: int):
    item = _evidence_or_404(request, pk)
    if not media.token_valid(request.GET.get("t", ""), request.user, item):
        raise Http404
    return media.serve(request, item.blob)


@login_required
def evidence_thumbnail(request, pk: int):
    """Thumbnails are part of the case page, whose view is logged; they add no entry of their own."""
    item = _evidence_or_404(request, pk)
    if not access.may_read(request.user, item.case, remembered_reason(request, item.case.number)):
        raise Http404
    data = media.thumbnail(item.blob)
    if data is None:
        raise Http404
    response = HttpResponse(data, content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def evidence_supersede(request, pk: int):
    item = _evidence_or_404(request, pk)
    if not can_add_evidence(request.user, item.case):
        raise Http404
    form = SupersedeForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        replacement = None
        if data["file"]:
            replacement = {
                "source": data["file"],
                "filename": data["file"].name,
                "title": data["title"] or item.title,
                "captured_at": item.captured_at,
                "captured_until": item.captured_until,
                "place": item.place,
                "device_number": item.device_number,
                "captured_by": item.captured_by,
                "description": item.description,
            }
        try:
            supersede_evidence(item, actor=request.user, reason=data["reason"], replacement=replacement)
        except DomainError as refusal:
            form.add_error(refusal.field if refusal.field in form.fields else None, refusal.message)
        else:
            messages.success(request, _("已替换/撤回证据。"))
            return redirect(reverse("cases:detail", args=[item.case.number]) + "#evidence-h")
    return render(
        request,
        "records/evidence_supersede.html",
        {"item": item, "case": item.case, "form": form},
        status=422 if request.method == "POST" else 200,
    )


# --- dossier ---------------------------------------------------------------------------------


@login_required
@recent_auth_required
def dossier_download(request, number: str):
    case = _case_or_404(request, number)
    try:
        path = dossier.export_for(request.user, case, door="web", reason=remembered_reason(request, number))
    except access.AccessGate as gate:
        return gate_response(request, gate)
    return FileResponse(
        dossier.open_and_unlink(path), as_attachment=True, filename=f"{case.number}-dossier.zip"
    )


# --- access requests and the access log ----------------------------------------------------------


def _safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return fallback


@login_required
@require_POST
def access_request_create(request, number: str):
    case = _case_or_404(request, number)
    form = AccessRequestForm(request.POST)
    if form.is_valid():
        try:
            access.request_access(request.user, case, reason=form.cleaned_data["reason"])
        except DomainError as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(request, _("调阅申请已提交，待本案所属机关负责人审批。"))
    else:
        messages.error(request, _("请填写调阅理由。"))
    return redirect("records:access_requests")


@login_required
def access_requests(request):
    mine = AccessRequest.objects.filter(requester=request.user).select_related("case", "decided_by")[:50]
    return render(
        request,
        "records/access_requests.html",
        {"mine": mine, "to_decide": access.pending_for(request.user), "now": dt.datetime.now(dt.UTC)},
    )


@login_required
@require_POST
def access_request_decide(request, pk: int):
    found = AccessRequest.objects.restrict(request.user).filter(pk=pk).select_related("case").first()
    if found is None:
        raise Http404
    try:
        access.decide_request(
            found,
            actor=request.user,
            approve=request.POST.get("decision") == "approve",
            note=request.POST.get("note", ""),
        )
    except DomainError as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("已审批调阅申请。"))
    return redirect(_safe_next(request, reverse("records:access_requests")))


@login_required
def access_log_view(request):
    if not access_log_reader(request.user):
        raise Http404
    result = access_log(request.user, request.GET)
    page = Paginator(result.entries, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "records/access_log.html",
        {
            "page": page,
            "rows": result.rows(page.object_list),
            "filters": result.filters,
            "query": query.urlencode(),
        },
    )


@login_required
def case_access_log(request, number: str):
    if not access_log_reader(request.user):
        raise Http404
    case = _case_or_404(request, number)
    return redirect(reverse("records:access_log") + f"?case={case.number}")


@login_required
@require_POST
def note_create(request, number: str):
    case = _case_or_404(request, number)
    raw = request.POST.get("corrects", "").strip()
    try:
        services.add_note(
            case,
            actor=request.user,
            text=request.POST.get("text", ""),
            corrects_seq=parse_int(raw),
        )
    except DomainError as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("已记入全过程记录。"))
    return redirect(reverse("cases:detail", args=[case.number]) + "#record-h")
