"""`{% load api_tokens %}{% api_tokens_section %}`: the profile page's "API tokens" section."""

from django import template

from api.forms import TokenForm

register = template.Library()


@register.inclusion_tag("api/tokens_section.html", takes_context=True)
def api_tokens_section(context, token_form=None, new_token=None):
    user = context["request"].user
    return {
        "request": context["request"],
        "csrf_token": context.get("csrf_token"),
        "tokens": user.api_tokens.all(),
        "token_form": token_form or TokenForm(),
        "new_token": new_token,
    }
