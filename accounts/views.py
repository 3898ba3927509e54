from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from accounts.permissions import brand_view, brands_of


@login_required
def home(request):
    """The brand the user worked on last, else their first brand, else an invitation to create one."""
    brands = brands_of(request.user)
    brand = brands.filter(slug=request.session.get("brand_slug")).first() or brands.first()
    if brand is None:
        return render(request, "accounts/no_brand.html")
    return redirect("accounts:brand_home", brand_slug=brand.slug)


@brand_view()
def brand_home(request):
    """A brand's home page is its editorial calendar."""
    return render(request, "accounts/brand_home.html")
