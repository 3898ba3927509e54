from accounts.permissions import brands_of


def brands(request):
    """The brand switcher: the user's brands and the current one (from the URL, else the session)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    current = getattr(request, "brand", None)
    return {"my_brands": brands_of(user), "current_brand": current, "membership": getattr(request, "membership", None)}
