from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from posts.models import Post


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
