from django.utils import translation


def activate_profile_language(request, user, *, unless_asked: bool = False) -> None:
    """Answer in `user`'s profile language (when set). `unless_asked`: an Accept-Language header
    wins (the API: a script says what it wants; a browser always sends one, the pages ignore it).

    Pages: UserLanguageMiddleware, for the session's user. The API's token users are only known
    once DRF authenticates them inside the view, after every middleware ran:
    api.authentication calls this then."""
    language = getattr(user, "language", "")
    if not language or (unless_asked and request.META.get("HTTP_ACCEPT_LANGUAGE")):
        return
    translation.activate(language)
    request.LANGUAGE_CODE = language


class UserLanguageMiddleware:
    """The language comes from the profile, else the browser (LocaleMiddleware runs before)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        activate_profile_language(request, request.user)
        return self.get_response(request)
