from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import activate, check_for_language
from django.views.decorators.http import require_POST

from sanxiang.core.workbench import panels_for


@login_required
def workbench(request):
    return render(request, "core/workbench.html", {"panels": panels_for(request.user)})


@require_POST
def set_language(request):
    """Switch the interface language; a signed-in user keeps the choice (issue 9)."""
    language = request.POST.get("language", "")
    target = request.POST.get("next") or request.headers.get("referer") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    response = HttpResponseRedirect(target)
    if check_for_language(language):
        activate(language)
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, samesite="Lax")
        if request.user.is_authenticated:
            request.user.language = language
            request.user.save(update_fields=["language"])
    return response


def health(request):
    from django.db import connection
    from django.http import JsonResponse

    with connection.cursor() as cursor:
        cursor.execute("select 1")
    return JsonResponse({"status": "ok"})
