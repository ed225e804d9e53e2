from django.conf import settings
from django.utils import translation


class UserLanguageMiddleware:
    """Chinese first: the interface is in zh-hans unless the user chose another language (kept on
    the user, or in the language cookie for the public). The browser's Accept-Language is not used,
    so an English-language browser in a government office still gets the Chinese interface."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        language = getattr(user, "language", "") or request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        request.LANGUAGE_CODE = language
        # override, not activate: the language ends with the request, so nothing that runs later in
        # the same thread (a test, a signal handler, a command) inherits one user's choice
        with translation.override(language):
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class SecurityHeadersMiddleware:
    """Headers Django does not set itself: Permissions-Policy (settings.PERMISSIONS_POLICY).

    The Content-Security-Policy comes from django-csp (settings.CONTENT_SECURITY_POLICY), relaxed
    here for two kinds of response, by path or type so that a 304 answer carries the same policy:
    the API docs page (Redoc injects <style> elements and runs its search in a blob: worker) and an
    HTML file served as a download (an annual report, an analysis file, a scorecard: its own <style>,
    no script) get style-src 'unsafe-inline' — never script-src."""

    API_DOCS = "/api/docs/"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = getattr(settings, "PERMISSIONS_POLICY", "")
        if policy:
            response.headers.setdefault("Permissions-Policy", policy)
        if request.path == self.API_DOCS:
            response._csp_update = {"style-src": ["'unsafe-inline'"], "worker-src": ["blob:"]}
        elif response.get("Content-Type", "").startswith("text/html") and response.has_header(
            "Content-Disposition"
        ):
            response._csp_update = {"style-src": ["'unsafe-inline'"]}
        return response


class RateLimitMiddleware:
    """Per-IP limits on the public portal (core/ratelimit.py): every page ("portal"), searches
    ("portal_search") and the clue form and its status lookup ("portal_clue"). The open-data API
    counts in its DRF throttle instead. Staff pages are not limited here (they need a login, which
    has its own lockout)."""

    def __init__(self, get_response):
        self.get_response = get_response

    @staticmethod
    def scopes(request) -> list[str]:
        path = request.path
        if not path.startswith("/portal/"):
            return []
        scopes = ["portal"]
        if request.GET.get("q"):
            scopes.append("portal_search")
        if path.startswith("/portal/clues/") and (request.method == "POST" or request.GET):
            scopes.append("portal_clue")
        return scopes

    def __call__(self, request):
        from sanxiang.core import ratelimit

        for scope in self.scopes(request):
            wait = ratelimit.check(request, scope)
            if wait is not None:
                return ratelimit.too_many_requests(request, wait)
        return self.get_response(request)
