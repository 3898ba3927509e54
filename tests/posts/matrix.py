"""Permission-matrix rows of the posts pages (tests/test_permission_matrix.py runs them)."""

from posts.models import Media, SavedText
from tests.factories import NetworkAccountFactory, PostFactory, PostTargetFactory
from tests.matrix import EVERYONE, REVIEWERS, WRITERS, Case


def _post(brand, people, **extra) -> dict:
    post = PostFactory.create(brand=brand, author=people["editor"])
    PostTargetFactory(post=post, account=NetworkAccountFactory(brand=brand))
    return {"brand_slug": brand.slug, "pk": post.pk, **extra}


def _media(brand, people) -> dict:
    media = Media.objects.create(brand=brand, file="media/x.png", content_type="image/png", original_name="x.png")
    return {"brand_slug": brand.slug, "pk": media.pk}


def _saved_text(brand, people) -> dict:
    saved = SavedText.objects.create(brand=brand, kind="hashtags", name="Été", text="#été #soleil")
    return {"brand_slug": brand.slug, "pk": saved.pk}


def _bulk_submit(brand, people) -> dict:
    post = PostFactory.create(brand=brand, author=people["editor"])
    return {"action": "submit", "posts": [post.pk]}


CASES = [
    Case("posts:list", EVERYONE),
    Case("posts:create", WRITERS),
    Case("posts:detail", EVERYONE, kwargs=_post),
    Case("posts:edit", WRITERS, kwargs=_post),
    Case("posts:transition", WRITERS, kwargs=lambda b, p: _post(b, p, action="submit"), method="post"),
    Case("posts:comment", EVERYONE, kwargs=_post, method="post", data=lambda b, p: {"text": "Bien vu"}),
    Case("posts:review", REVIEWERS),
    Case("posts:turnaround", REVIEWERS),
    Case("posts:media_library", EVERYONE),
    Case("posts:media_upload", WRITERS, method="post"),
    Case("posts:media_alt", WRITERS, kwargs=_media, method="post", data=lambda b, p: {"alt_text": "Un chat"}),
    Case("posts:bulk", WRITERS, method="post", data=_bulk_submit),
    Case("posts:duplicate", WRITERS, kwargs=_post),
    Case("posts:duplicate", WRITERS, kwargs=_post, method="post", data=lambda b, p: {"brand": b.pk}),
    Case("posts:saved_texts", EVERYONE),
    Case(
        "posts:saved_texts",
        WRITERS,
        method="post",
        data=lambda b, p: {"kind": "caption", "name": "Signature", "text": "L'équipe"},
    ),
    Case("posts:saved_text_edit", WRITERS, kwargs=_saved_text),
    Case(
        "posts:saved_text_edit",
        WRITERS,
        kwargs=_saved_text,
        method="post",
        data=lambda b, p: {"kind": "hashtags", "name": "Été", "text": "#été"},
    ),
    Case("posts:saved_text_delete", WRITERS, kwargs=_saved_text, method="post"),
]
