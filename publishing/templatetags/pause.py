from django import template

from publishing.pause import is_paused

register = template.Library()


@register.filter
def paused(brand) -> bool:
    """Whether the brand's publishing is paused (`{% if nav_brand|paused %}`)."""
    return brand is not None and is_paused(brand)
