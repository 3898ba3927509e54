"""Listening: saved searches, the sources read for them, mentions, spike alerts, the crisis room."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Brand
from listening.expressions import Document, Node, compile_expression, fold


class SavedSearch(models.Model):
    """What a brand listens for: an expression (listening/expressions.py), languages, authors left out."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="saved_searches")
    name = models.CharField(_("name"), max_length=100)
    expression = models.TextField(
        _("expression"),
        help_text=_('Words, "exact phrases" and #hashtags with AND, OR, NOT and parentheses.'),
    )
    # Language codes ("fr", "en"); empty: every language. A mention whose language is unknown passes.
    languages = models.JSONField(_("languages"), default=list, blank=True)
    # Handles or names, folded (listening.expressions.fold); their mentions are not kept.
    excluded_authors = models.JSONField(_("excluded authors"), default=list, blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("saved search")
        verbose_name_plural = _("saved searches")

    def __str__(self) -> str:
        return self.name

    def matcher(self) -> Node:
        return compile_expression(self.expression)

    def matches(self, doc: Document, *, language: str, author: str, compiled: Node | None = None) -> bool:
        if self.languages and language and language[:2].lower() not in self.languages:
            return False
        if author and fold(author).lstrip("@") in self.excluded_authors:
            return False
        return (compiled or self.matcher()).matches(doc)
