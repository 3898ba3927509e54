"""The home page takes cards: each card says what it shows, the page draws them in order.

A card is a class with a `key` (its HTML id, stable for tests and links), a `title`, a
`template` and `context(scope)`; `applies(scope)` hides it from people it has nothing for (the
review card from those who cannot review). Register it with one line in desk/cards/__init__.py.
A card reads in a fixed number of queries, whatever the number of posts or brands.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from desk.scope import DeskScope

if TYPE_CHECKING:
    from django.db.models import QuerySet
    from django_stubs_ext import StrOrPromise

    from posts.models import Post


@dataclass(frozen=True)
class ShownCard:
    """A card ready for its template: `card.context` holds what its `context()` returned."""

    key: str
    title: StrOrPromise
    template: str
    area: str
    context: dict


class Card:
    key: ClassVar[str]
    title: ClassVar[StrOrPromise]
    template: ClassVar[str]
    area: ClassVar[str] = "side"  # "main": the wide column (the day's schedule); "side": what needs you

    def applies(self, scope: DeskScope) -> bool:
        return True

    def context(self, scope: DeskScope) -> dict:
        raise NotImplementedError

    def show(self, scope: DeskScope) -> ShownCard:
        return ShownCard(self.key, self.title, self.template, self.area, self.context(scope))


class PostsCard(Card):
    """A card listing posts from a selector, at most `limit` of them."""

    template = "desk/cards/posts.html"
    limit: ClassVar[int] = 20
    empty: ClassVar[StrOrPromise]  # said when there is nothing: reassuring, not a blank

    def posts(self, scope: DeskScope) -> QuerySet[Post]:
        raise NotImplementedError

    def context(self, scope: DeskScope) -> dict:
        posts = list(self.posts(scope)[: self.limit + 1])
        return {"posts": posts[: self.limit], "more": len(posts) > self.limit, "empty": self.empty}
