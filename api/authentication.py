from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from accounts.middleware import activate_profile_language
from api.tokens import token_authenticate


class BearerTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer <personal access token>`. Calls without the header fall through
    to the session (the browser's own calls, CSRF-checked by DRF)."""

    keyword = "Bearer"

    def authenticate(self, request):
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].decode(errors="replace").lower() != self.keyword.lower():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("The Authorization header must be “Bearer <token>”."))
        token = token_authenticate(parts[1].decode(errors="replace"))
        if token is None:
            # The same words for unknown, revoked and inactive: nothing to learn from them.
            raise exceptions.AuthenticationFailed(_("This token is not valid (unknown or revoked)."))
        activate_profile_language(request._request, token.user, unless_asked=True)
        return token.user, token

    def authenticate_header(self, request):
        return f'{self.keyword} realm="api"'
