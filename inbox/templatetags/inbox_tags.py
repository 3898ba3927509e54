"""Template helpers of the inbox: the navigation's entry with its unread count, state badges."""

from django import template
from django.utils.html import format_html

from core.sentiment import Label
from inbox.models import ConversationState, Priority
from inbox.ontime import due_state
from inbox.selectors import inbox_unread_count

register = template.Library()

STATE_CLASSES = {
    ConversationState.NEW: "text-bg-primary",
    ConversationState.ASSIGNED: "text-bg-info",
    ConversationState.WAITING: "text-bg-light border",
    ConversationState.RESOLVED: "text-bg-success",
    ConversationState.SPAM: "text-bg-dark",
    ConversationState.ARCHIVED: "text-bg-secondary",
}


@register.inclusion_tag("inbox/includes/nav_item.html", takes_context=True)
def inbox_nav_item(context):
    request = context["request"]
    brand = context.get("current_brand")
    membership = context.get("membership")
    return {"brand": brand, "unread": _unread(request, brand, membership) if brand is not None else 0}


def _unread(request, brand, membership) -> int:
    """Counted once per request and brand, however many times the page draws the navigation."""
    counted = request.__dict__.setdefault("_inbox_unread", {})
    if brand.pk not in counted:
        counted[brand.pk] = inbox_unread_count(request.user, brand, membership=membership)
    return counted[brand.pk]


@register.filter
def state_class(state: str) -> str:
    return STATE_CLASSES.get(ConversationState(state), "text-bg-secondary") if state in ConversationState.values else ""


SENTIMENT_CLASSES = {
    Label.POSITIVE: "text-bg-success",
    Label.NEUTRAL: "text-bg-light border",
    Label.NEGATIVE: "text-bg-danger",
}


@register.simple_tag
def sentiment_badge(label: str):
    """A message's or conversation's sentiment as a badge ("" when it has none)."""
    if label not in SENTIMENT_CLASSES:
        return ""
    return format_html(
        '<span class="badge {} sentiment sentiment-{}">{}</span>',
        SENTIMENT_CLASSES[Label(label)],
        label,
        Label(label).verbose,
    )


@register.filter
def is_pressing(priority: int) -> bool:
    return priority >= Priority.HIGH


@register.simple_tag
def due_badge(conversation, now):
    """ "late" when the response target ran out, "soon" when it runs out shortly, else ""."""
    return due_state(conversation, now)


@register.filter
def business_duration(seconds: float | None) -> str:
    """3,700 seconds -> "1 h 2 min" (French and English write it alike)."""
    if seconds is None:
        return ""
    minutes = int(seconds // 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"
