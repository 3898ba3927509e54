"""Permission-matrix rows of the posts pages (tests/test_permission_matrix.py runs them)."""

from posts.models import Media
from tests.factories import NetworkAccountFactory, PostFactory, PostTargetFactory
from tests.matrix import EVERYONE, REVIEWERS, WRITERS, Case


def _post(brand, people, **extra) -> dict:
    post = PostFactory.create(brand=brand, author=people["editor"])
    PostTargetFactory(post=post, account=NetworkAccountFactory(brand=brand))
    return {"brand_slug": brand.slug, "pk": post.pk, **extra}


def _media(brand, people) -> dict:
    media = Media.objects.create(brand=brand, file="media/x.png", content_type="image/png", original_name="x.png")
    return {"brand_slug": brand.slug, "pk": media.pk}


CASES = [
    Case("posts:list", EVERYONE),
    Case("posts:create", WRITERS),
    Case("posts:detail", EVERYONE, kwargs=_post),
    Case("posts:edit", WRITERS, kwargs=_post),
    Case("posts:transition", WRITERS, kwargs=lambda b, p: _post(b, p, action="submit"), method="post"),
    Case("posts:comment", EVERYONE, kwargs=_post, method="post", data=lambda b, p: {"text": "Bien vu"}),
    Case("posts:review", REVIEWERS),
    Case("posts:media_library", EVERYONE),
    Case("posts:media_upload", WRITERS, method="post"),
    Case("posts:media_alt", WRITERS, kwargs=_media, method="post", data=lambda b, p: {"alt_text": "Un chat"}),
]
