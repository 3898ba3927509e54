from django.utils import timezone

from posts.models import TargetState
from publishing.models import OverdueHold
from tests.factories import NetworkAccountFactory
from tests.matrix import EVERYONE, REVIEWERS, Case
from tests.publishing.conftest import approved_post


def _post(brand, people):
    return approved_post(brand, [NetworkAccountFactory(brand=brand)], at=timezone.now())


def _held(brand, people):
    post = _post(brand, people)
    OverdueHold.objects.create(post=post)
    return {"brand_slug": brand.slug, "pk": post.pk}


def _target(state):
    def kwargs(brand, people):
        target = _post(brand, people).targets.get()
        target.state = state
        target.save()
        return {"brand_slug": brand.slug, "pk": target.pk}

    return kwargs


CASES = [
    Case("publishing:pause", REVIEWERS),
    Case("publishing:resume", REVIEWERS, method="post"),
    Case("publishing:overdue", EVERYONE),
    Case("publishing:overdue_decide", REVIEWERS, kwargs=_held, method="post", data=lambda b, p: {"action": "cancel"}),
    Case(
        "publishing:publish_now",
        REVIEWERS,
        kwargs=lambda b, p: {"brand_slug": b.slug, "pk": _post(b, p).pk},
        method="post",
    ),
    Case("publishing:target_retry", REVIEWERS, kwargs=_target(TargetState.FAILED), method="post"),
    Case(
        "publishing:target_resolve",
        REVIEWERS,
        kwargs=_target(TargetState.NEEDS_CHECKING),
        method="post",
        data=lambda b, p: {"published": "yes", "url": "https://example.org/1"},
    ),
]
