"""The bell's pages: a person's own notifications, across brands."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from notifications.models import Notification


@login_required
def notification_list(request):
    items = Notification.objects.filter(user=request.user).select_related("brand", "post")[:100]
    return render(request, "notifications/list.html", {"items": items})


@require_POST
@login_required
def notification_open(request, pk: int):
    """Mark one notification read and go to its post."""
    item = get_object_or_404(Notification, pk=pk, user=request.user)
    item.read_at = item.read_at or timezone.now()
    item.save(update_fields=["read_at"])
    if item.post_id:
        return redirect("posts:detail", brand_slug=item.brand.slug, pk=item.post_id)
    if item.link.startswith("/") and not item.link.startswith("//"):  # a path on this site only
        return redirect(item.link)
    return redirect("notifications:list")


@require_POST
@login_required
def notifications_read(request):
    Notification.objects.filter(user=request.user, read_at=None).update(read_at=timezone.now())
    messages.success(request, _("All notifications are marked as read."))
    return redirect("notifications:list")
