from django.utils import translation


class UserLanguageMiddleware:
    """The language comes from the profile, else the browser (LocaleMiddleware runs before)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = getattr(request.user, "language", "")
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)
