"""Permission-matrix rows of the posts pages (tests/test_permission_matrix.py runs them)."""

from tests.factories import NetworkAccountFactory, PostFactory, PostTargetFactory
from tests.matrix import EVERYONE, Case


def _post(brand, people) -> dict:
    post = PostFactory(brand=brand, author=people["editor"])
    PostTargetFactory(post=post, account=NetworkAccountFactory(brand=brand))
    return {"brand_slug": brand.slug, "pk": post.pk}


CASES = [
    Case("posts:list", EVERYONE),
    Case("posts:detail", EVERYONE, kwargs=_post),
]
