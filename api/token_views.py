"""The profile's "API tokens" pages (/me/tokens/): a person's own tokens, nobody else's."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from api.forms import TokenForm
from api.models import ApiToken
from api.tokens import token_create, token_revoke
from cm_platform.sensitive import handles_secrets

# The new token waits in the session for the one page that shows it (post, redirect, get: a
# reload neither makes a second token nor shows this one again).
NEW_TOKEN_KEY = "api_new_token"  # noqa: S105 (a session key, not a secret)


@handles_secrets
@login_required
def token_list(request):
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token, raw = token_create(user=request.user, name=form.cleaned_data["name"])
        request.session[NEW_TOKEN_KEY] = raw
        message = _("Token “%(name)s” created. Copy it now: it will not be shown again.")
        messages.success(request, message % {"name": token.name})
        return redirect("api_tokens:list")
    new_token = request.session.pop(NEW_TOKEN_KEY, None)
    response = render(request, "api/tokens_page.html", {"token_form": form, "new_token": new_token})
    # The page may hold a secret: no cache may keep it.
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def token_revoke_view(request, pk: int):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    token_revoke(token=token, user=request.user)
    messages.success(request, _("Token “%(name)s” revoked: it no longer works.") % {"name": token.name})
    return redirect("api_tokens:list")
