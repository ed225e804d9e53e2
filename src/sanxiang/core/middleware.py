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
