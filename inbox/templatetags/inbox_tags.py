"""Template helpers of the inbox: the navigation's entry with its unread count, state badges."""

from django import template

from inbox.models import ConversationState, Priority
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
    unread = inbox_unread_count(request.user, brand, membership=membership) if brand is not None else 0
    return {"brand": brand, "unread": unread}


@register.filter
def state_class(state: str) -> str:
    return STATE_CLASSES.get(ConversationState(state), "text-bg-secondary") if state in ConversationState.values else ""


@register.filter
def is_pressing(priority: int) -> bool:
    return priority >= Priority.HIGH
