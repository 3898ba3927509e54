"""The engine's own state beside the targets (posts.PostTarget): a brand's crisis pause and the
holds it leaves on posts that fell due meanwhile."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Brand
from posts.models import Post


class Pause(models.Model):
    """A brand's crisis pause: while its row exists, nothing of the brand is published.

    One row per paused brand (the brand is the key); resuming deletes it. Read through
    publishing.pause.pause_of, which Django's cache of the reverse one-to-one makes one query
    per brand at most (none where the brand was loaded with select_related("pause")).
    """

    brand = models.OneToOneField(Brand, primary_key=True, on_delete=models.CASCADE, related_name="pause")
    paused_at = models.DateTimeField(_("paused at"), default=timezone.now)
    paused_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(_("pause reason"), max_length=300)
    resume_at = models.DateTimeField(_("resume at"), null=True, blank=True)

    class Meta:
        verbose_name = _("crisis pause")
        verbose_name_plural = _("crisis pauses")

    def __str__(self) -> str:
        return f"pause {self.brand_id}"


class OverdueHold(models.Model):
    """A post that fell due while its brand was paused: it waits for a manager's decision.

    Resuming a brand must not fire a burst of stale posts, so each one due at that moment gets a
    hold; the dispatcher skips held posts until a manager reschedules, publishes now or cancels.
    """

    post = models.OneToOneField(Post, on_delete=models.CASCADE, related_name="overdue_hold")
    held_at = models.DateTimeField(default=timezone.now)
    # Who resumed the brand (None: the automatic resume at the time the manager chose).
    resumed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["post__scheduled_at", "pk"]
        verbose_name = _("overdue post")
        verbose_name_plural = _("overdue posts")

    def __str__(self) -> str:
        return f"hold {self.post_id}"
