"""What may go out now: the one rule the dispatcher, the publish task and the pages share.

A post goes out when it is approved (brands that need no approval approve on "schedule", see
posts/workflow.py: a draft never goes out), its time has come, its brand is not paused, and no
crisis pause left it waiting for a manager (an OverdueHold). A target of such a post goes out
when it is pending, its account is connected, and any retry delay has passed.

One exception to the pause: a holding statement a manager approved in the crisis room
(listening.Statement, reached as `crisis_statement`). The pause stops what was planned before the
crisis, not the brand's answer to it; the statement is approved after the pause, by someone who
may lift it, and says so in its own words, so letting it through is that person's decision.
"""

from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from networks.models import AccountStatus, NetworkAccount
from posts.models import Post, PostState, PostTarget, TargetState
from publishing.models import Pause
from publishing.pause import is_paused


def releasable_posts(now: datetime | None = None) -> QuerySet[Post]:
    """Posts that may be published at `now` (default: this instant)."""
    return Post.objects.filter(
        ~Q(brand__in=Pause.objects.values("brand")) | Q(crisis_statement__isnull=False),
        state=PostState.APPROVED,
        scheduled_at__lte=now or timezone.now(),
        overdue_hold__isnull=True,
    )


def releasable_target_q(now: datetime | None = None) -> Q:
    """Whether a target (whatever its delivery state) may be sent now: post rule + account.

    Subqueries, not joins: an UPDATE filtered by this rule keeps its conditions on the target
    row in a plain WHERE (Django rewrites a joined UPDATE as `id IN (subquery)`), and only a
    plain WHERE is re-checked by PostgreSQL on a row another transaction has just changed. The
    claims of the dispatcher and of the publish task rely on that.
    """
    connected = NetworkAccount.objects.filter(status=AccountStatus.CONNECTED).values("pk")
    return Q(post__in=releasable_posts(now).values("pk"), account__in=connected)


def publish_now_refusal(post: Post) -> str | None:
    """Why "publish now" cannot send this post, or None when it can: the rule the service applies
    and the pages ask before offering the button (so it never shows on a post with nothing left
    to send). Reads `post.targets.all()` and `post.brand`."""
    if post.state != PostState.APPROVED:
        return _("Only an approved post can be published.")
    if is_paused(post.brand):
        return _("Publishing is paused for this brand: resume it first.")
    if not any(target.state == TargetState.PENDING for target in post.targets.all()):
        return _("Nothing is left to publish for this post.")
    return None


def due_targets(now: datetime | None = None) -> QuerySet[PostTarget]:
    """Pending targets the dispatcher may claim now."""
    now = now or timezone.now()
    return PostTarget.objects.filter(
        releasable_target_q(now),
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now),
        state=TargetState.PENDING,
    )
