"""The data-subject export page (docs/privacy.md): a form, answered with a JSON download."""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from sanxiang.core.errors import DomainError
from sanxiang.supervision.services import privacy


@login_required
@require_http_methods(["GET", "POST"])
def export(request):
    if not privacy.may_export(request.user):
        raise Http404
    error = ""
    if request.method == "POST":
        post = request.POST
        try:
            data = privacy.export(
                request.user,
                id_number=post.get("id_number", "").strip(),
                credit_code=post.get("credit_code", "").strip(),
                reason=post.get("reason", ""),
                door="web",
            )
        except DomainError as refusal:
            error = refusal.message
        else:
            response = HttpResponse(
                json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
            )
            response["Content-Disposition"] = 'attachment; filename="privacy-export.json"'
            response["Cache-Control"] = "no-store"
            return response
    return render(request, "supervision/privacy/export.html", {"error": error, "values": request.POST})
