from django import template

from networks import http

register = template.Library()


@register.filter
def http_link(url) -> str:
    """A remote URL as a page may use it in href or src: http(s) only, else "" (networks/http.py).

    The URLs are checked when stored; this is the second line, for rows stored before that.
    """
    return http.http_link(url)
