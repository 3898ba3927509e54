"""Saved captions and hashtag groups: a brand's shared library of texts the composer inserts.

Everyone in the brand reads them (the composer offers them to writers, the page shows them to
all); those who write posts (Perm.WRITE) create, edit and delete them, whoever made them: like
the media library, it is the team's.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Brand
from accounts.permissions import require_member
from accounts.roles import Perm
from posts.models import SavedText

MAX_TEXT = 5000


def _clean(*, brand: Brand, kind: str, name: str, text: str, saved: SavedText | None = None) -> tuple[str, str]:
    name, text = (name or "").strip(), (text or "").strip()
    errors: dict[str, str] = {}
    if kind not in SavedText.Kind.values:
        errors["kind"] = _("Choose a caption or hashtags.")
    if not name:
        errors["name"] = _("Give it a name.")
    elif len(name) > SavedText._meta.get_field("name").max_length:  # type: ignore[operator]
        errors["name"] = _("The name is too long (80 characters at most).")
    elif _name_taken(brand, kind, name, saved):
        errors["name"] = _("This brand already has a saved text of this kind with this name.")
    if not text:
        errors["text"] = _("Write the text to save.")
    elif len(text) > MAX_TEXT:
        errors["text"] = _("The text is too long (%(limit)s characters at most).") % {"limit": MAX_TEXT}
    if errors:
        raise ValidationError(errors)
    return name, text


def _name_taken(brand: Brand, kind: str, name: str, saved: SavedText | None) -> bool:
    """Whatever the case ("Été" and "ÉTÉ"), compared here: SQLite's iexact folds ASCII only."""
    names = SavedText.objects.filter(brand=brand, kind=kind)
    if saved is not None:
        names = names.exclude(pk=saved.pk)
    return name.casefold() in {other.casefold() for other in names.values_list("name", flat=True)}


@transaction.atomic
def saved_text_create(*, brand: Brand, user, kind: str, name: str, text: str) -> SavedText:
    require_member(user, brand, Perm.WRITE)
    name, text = _clean(brand=brand, kind=kind, name=name, text=text)
    return SavedText.objects.create(brand=brand, kind=kind, name=name, text=text, created_by=user)


@transaction.atomic
def saved_text_update(*, saved: SavedText, user, kind: str, name: str, text: str) -> SavedText:
    require_member(user, saved.brand, Perm.WRITE)
    saved.name, saved.text = _clean(brand=saved.brand, kind=kind, name=name, text=text, saved=saved)
    saved.kind = kind
    saved.save(update_fields=["kind", "name", "text", "updated_at"])
    return saved


@transaction.atomic
def saved_text_delete(*, saved: SavedText, user) -> None:
    require_member(user, saved.brand, Perm.WRITE)
    saved.delete()
