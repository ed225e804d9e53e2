from django.utils import translation


class UserLanguageMiddleware:
    """Apply a signed-in user's chosen language (issue 9: switchable per user)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = getattr(getattr(request, "user", None), "language", "") or ""
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)
