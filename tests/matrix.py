"""The permission matrix's vocabulary. Each app lists its URLs in tests/<app>/matrix.py as CASES.

A case names a URL, how to build its arguments for brand A, and which roles may use it. The
outsider (a member of brand B only) always gets 404: another brand's objects do not exist.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

ROLES = ("owner", "manager", "editor", "viewer")
EVERYONE = frozenset(ROLES)
WRITERS = frozenset({"owner", "manager", "editor"})
REVIEWERS = frozenset({"owner", "manager"})
OWNERS = frozenset({"owner"})


@dataclass(frozen=True)
class Case:
    url_name: str
    allowed: frozenset[str]
    # Builds the URL kwargs (brand_slug included) from brand A and the people; may create objects.
    kwargs: Callable[[Any, dict], dict] = lambda brand, people: {"brand_slug": brand.slug}
    method: str = "get"
    data: Callable[[Any, dict], dict] = field(default=lambda brand, people: {})

    def __str__(self) -> str:
        return f"{self.method.upper()} {self.url_name}"
