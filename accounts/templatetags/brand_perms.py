"""`{% if membership|can:"manage_members" %}`: templates ask accounts.roles, never compare roles."""

from django import template

from accounts import permissions
from accounts.roles import Perm

register = template.Library()


@register.filter
def can(membership, perm: str) -> bool:
    return permissions.can(membership, Perm(perm))
