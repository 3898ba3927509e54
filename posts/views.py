"""Pages of posts: thin views calling posts/services.py."""

from django.shortcuts import get_object_or_404, render

from accounts.permissions import brand_view
from accounts.roles import Perm
from posts.models import Post


def post_for(request, pk: int) -> Post:
    """The post of the current brand, or 404 (another brand's post does not exist)."""
    return get_object_or_404(Post.objects.select_related("brand", "author", "campaign"), pk=pk, brand=request.brand)


@brand_view(Perm.VIEW)
def post_list(request):
    posts = Post.objects.filter(brand=request.brand).select_related("author").prefetch_related("targets__account")
    return render(request, "posts/list.html", {"posts": posts})


@brand_view(Perm.VIEW)
def post_detail(request, pk: int):
    post = post_for(request, pk)
    return render(request, "posts/detail.html", {"post": post})
