"""People and brands: profile, language, brands, members, invitations.

Members page rule: every member of a brand may see who else works on it (a community manager
needs to know who approves), but only owners (Perm.MANAGE_MEMBERS) invite, change roles and
remove; the pending invitations are shown to owners only.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import services, throttling
from accounts.forms import (
    TIME_ZONES,
    BrandForm,
    BrandSettingsForm,
    InviteForm,
    LanguageForm,
    NewAccountForm,
    ProfileForm,
    RoleForm,
)
from accounts.models import Brand, Invitation, Membership, User
from accounts.permissions import brand_view, brands_of, can
from accounts.roles import Perm
from cm_platform.sensitive import handles_secrets
from core.web import refusals_as_messages, refusals_on_form


@login_required
def home(request):
    """The home page, "Today" (the desk app, which sits above this one: named by URL only):
    every brand's at once for people on several, the brand's own for people on one, and an
    invitation to create a brand for people on none."""
    brands = list(brands_of(request.user)[:2])
    if not brands:
        return render(request, "accounts/no_brand.html")
    if len(brands) > 1:
        return redirect("desk:today")
    return redirect("desk:brand_today", brand_slug=brands[0].slug)


@brand_view()
def brand_home(request):
    """A brand's home page is its "Today" page (the brand gate runs first: 404 for others)."""
    return redirect("desk:brand_today", brand_slug=request.brand.slug)


# --- Password reset -----------------------------------------------------------------------------
class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset request, limited per address and per email address (accounts/throttling.py)."""

    def form_valid(self, form):
        allowed = throttling.password_reset_allowed(
            address=throttling.client_address(self.request), email=form.cleaned_data["email"]
        )
        if not allowed:
            form.add_error(None, _("Too many password reset requests. Try again in an hour."))
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Choosing a new password through the emailed link also lifts a sign-in lockout of the
    account: the person proved they own its address."""

    def form_valid(self, form):
        response = super().form_valid(form)
        throttling.login_lockout_lift(email=self.user.email)
        return response


# --- Profile and language ---------------------------------------------------------------------
@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        translation.activate(user.language or translation.get_language())
        messages.success(request, _("Your profile was saved."))
        response = redirect("accounts:profile")
        if not user.language:  # "the browser's language": forget an earlier choice
            response.delete_cookie(settings.LANGUAGE_COOKIE_NAME)
        return _with_language_cookie(response, user.language)
    return render(request, "accounts/profile.html", {"form": form, "time_zones": TIME_ZONES})


@require_POST
def language(request):
    """Switch the interface language: saved in the profile when signed in, in a cookie always."""
    form = LanguageForm(request.POST)
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = "/"
    if not form.is_valid():
        messages.error(request, _("Unknown language."))
        return HttpResponseRedirect(next_url)
    code = form.cleaned_data["language"]
    if request.user.is_authenticated:
        services.user_set_language(user=request.user, language=code)
    translation.activate(code)
    # Translators: said in the language just chosen, so it names your own language.
    messages.success(request, _("The interface is now in English."))
    return _with_language_cookie(HttpResponseRedirect(next_url), code)


def _with_language_cookie(response, code: str):
    """The cookie keeps the choice after signing out (LocaleMiddleware reads it)."""
    if code:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            code,
            max_age=365 * 86400,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE or "Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )
    return response


# --- Brands -----------------------------------------------------------------------------------
@login_required
def brand_create(request):
    form = BrandForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        with refusals_on_form(form):
            brand = services.brand_create(user=request.user, **form.cleaned_data)
            messages.success(request, _("The brand %(brand)s was created; you are its owner.") % {"brand": brand})
            return redirect("accounts:brand_home", brand_slug=brand.slug)
    return render(request, "accounts/brand_form.html", {"form": form, "time_zones": TIME_ZONES})


@brand_view(Perm.MANAGE_BRAND)
def brand_settings(request):
    # A copy: an invalid form must not rename the brand shown in the navigation.
    form = BrandSettingsForm(
        request.POST or None, request.FILES or None, instance=Brand.objects.get(pk=request.brand.pk)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        # The form hands back the current logo when none is uploaded, and False when "clear" is ticked.
        changes = {"logo": request.FILES.get("logo"), "remove_logo": data.pop("logo") is False}
        with refusals_on_form(form):
            brand = services.brand_update(brand=request.brand, user=request.user, **data, **changes)
            messages.success(request, _("The settings of %(brand)s were saved.") % {"brand": brand})
            return redirect("accounts:brand_settings", brand_slug=request.brand.slug)
    return render(request, "accounts/brand_settings.html", {"form": form, "time_zones": TIME_ZONES})


# --- Members ----------------------------------------------------------------------------------
@brand_view(Perm.VIEW)
def members(request):
    return _members_page(request, InviteForm())


def _members_page(request, invite_form: InviteForm, status: int = 200):
    manage = can(request.membership, Perm.MANAGE_MEMBERS)
    context = {
        "memberships": request.brand.memberships.select_related("user").order_by("user__email"),
        "manage": manage,
        "invite_form": invite_form,
        "role_form": RoleForm,
        "invitations": request.brand.invitations.filter(accepted_at__isnull=True) if manage else [],
    }
    return render(request, "accounts/members.html", context, status=status)


@require_POST
@brand_view(Perm.MANAGE_MEMBERS)
def member_invite(request):
    form = InviteForm(request.POST)
    if form.is_valid():
        with refusals_on_form(form):
            invitation = services.member_invite(brand=request.brand, by=request.user, **form.cleaned_data)
            messages.success(request, _("An invitation was sent to %(email)s.") % {"email": invitation.email})
            return redirect("accounts:members", brand_slug=request.brand.slug)
    messages.error(request, _("The invitation was not sent: see the form below."))
    return _members_page(request, form, status=400)


@require_POST
@brand_view(Perm.MANAGE_MEMBERS)
def member_role(request, pk: int):
    membership = get_object_or_404(Membership, pk=pk, brand=request.brand)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Unknown role."))
        return redirect("accounts:members", brand_slug=request.brand.slug)
    with refusals_as_messages(request):
        membership = services.membership_change_role(membership=membership, by=request.user, **form.cleaned_data)
        messages.success(
            request,
            _("%(person)s is now %(role)s.") % {"person": membership.user, "role": membership.get_role_display()},
        )
    return _after_member_change(request)


@require_POST
@brand_view(Perm.MANAGE_MEMBERS)
def member_remove(request, pk: int):
    membership = get_object_or_404(Membership, pk=pk, brand=request.brand)
    with refusals_as_messages(request):
        services.membership_remove(membership=membership, by=request.user)
        messages.success(
            request,
            _("%(person)s no longer belongs to %(brand)s.") % {"person": membership.user, "brand": request.brand},
        )
    return _after_member_change(request)


@require_POST
@brand_view(Perm.MANAGE_MEMBERS)
def invitation_revoke(request, pk: int):
    invitation = get_object_or_404(Invitation, pk=pk, brand=request.brand, accepted_at__isnull=True)
    services.invitation_revoke(invitation=invitation, by=request.user)
    messages.success(request, _("The invitation of %(email)s was withdrawn.") % {"email": invitation.email})
    return redirect("accounts:members", brand_slug=request.brand.slug)


def _after_member_change(request):
    # An owner who removed or demoted themselves may no longer see the members page.
    if Membership.objects.filter(user=request.user, brand=request.brand).exists():
        return redirect("accounts:members", brand_slug=request.brand.slug)
    return redirect("accounts:home")


# --- Accepting an invitation (the link in the email; no brand membership yet) -----------------
@handles_secrets  # a new account's password
def invitation_accept(request, token: str):
    try:
        invitation = services.invitation_for_token(token)
    except services.InvitationError as error:
        return _invitation_invalid(request, error)
    if request.user.is_authenticated:
        return _accept_signed_in(request, token, invitation)
    if User.objects.filter(email__iexact=invitation.email).exists():
        return render(request, "accounts/invitation_sign_in.html", {"invitation": invitation})
    return _accept_new_account(request, token, invitation)


def _accept_signed_in(request, token: str, invitation: Invitation):
    if request.method == "POST":
        try:
            membership = services.invitation_accept(token=token, user=request.user)
        except services.InvitationError as error:
            return _invitation_invalid(request, error)
        messages.success(request, _("Welcome to %(brand)s!") % {"brand": membership.brand})
        return redirect("accounts:brand_home", brand_slug=membership.brand.slug)
    return render(request, "accounts/invitation_accept.html", {"invitation": invitation})


def _accept_new_account(request, token: str, invitation: Invitation):
    form = NewAccountForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept_new_user(
                token=token, display_name=form.cleaned_data["display_name"], password=form.cleaned_data["password1"]
            )
        except services.InvitationError as error:
            return _invitation_invalid(request, error)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Your account was created. Welcome to %(brand)s!") % {"brand": invitation.brand})
        return redirect("accounts:brand_home", brand_slug=invitation.brand.slug)
    return render(request, "accounts/invitation_new_account.html", {"invitation": invitation, "form": form})


def _invitation_invalid(request, error: services.InvitationError):
    return render(request, "accounts/invitation_invalid.html", {"reason": error.message}, status=400)
