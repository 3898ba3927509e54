"""Template helpers of posts: times in a zone, the workflow's actions."""

from zoneinfo import ZoneInfo

from django import template
from django.templatetags.tz import do_timezone

from accounts.permissions import can
from accounts.roles import Perm
from posts.models import PostState, TargetState
from posts.workflow import Action

register = template.Library()


@register.simple_tag
def workflow_actions() -> type[Action]:
    """`{% workflow_actions as Action %}`, then `{{ Action.SUBMIT }}` (the name a form posts) or
    `{{ Action.SUBMIT.label }}` (the button's words): a template never spells an action."""
    return Action


@register.filter
def in_zone(moment, zone_name: str):
    """An aware datetime shown in the named IANA zone (the brand's or the writer's). Through
    Django's own `timezone` filter: a plain astimezone() was turned back into the current zone
    by the `date` filter that follows (it converts whatever is not marked as converted)."""
    if not moment or not zone_name:
        return moment
    return do_timezone(moment, ZoneInfo(zone_name))


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def may(membership, perm: str) -> bool:
    """`{% if membership|may:"review" %}`: asks accounts.roles, never compares role names."""
    return can(membership, Perm(perm))


@register.filter
def state_label(value: str) -> str:
    """A workflow or delivery state, in words (history rows store the raw values)."""
    for choices in (PostState, TargetState):
        if value in choices.values:
            return str(choices(value).label)
    return value
