"""The notification bell in the navigation bar, with its count of unread lines."""

from django import template

from notifications.models import Notification

register = template.Library()


@register.inclusion_tag("notifications/includes/bell.html", takes_context=True)
def notification_bell(context):
    user = context["request"].user
    unread = Notification.objects.filter(user=user, read_at=None).count() if user.is_authenticated else 0
    return {"unread": unread}
