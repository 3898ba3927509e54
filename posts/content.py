"""What a post says: its content as one value, the same wherever it comes from.

The composer's form (PostForm.content), the API's serializer (PostWriteSerializer.content), the
CSV import (ResolvedRow.content), the bulk and duplicate paths and the post itself
(`post.content`) all produce a PostContent; posts.services.post_create and post_update take one.
It is normalised once, here, so every source means the same thing by the same content.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from networks.models import NetworkAccount
    from posts.models import Campaign, Media


@dataclass(frozen=True)
class PostContent:
    """The six fields a person writes: text, network accounts, media (in order), per-network
    texts ({account id: text}; absent: the main text), campaign and time (None: no time).

    Normalised on creation: the text stripped, accounts and media without repeats, per-network
    texts stripped and kept only for chosen accounts when not empty. Whether it is allowed (the
    brand's objects, each network's rules) is the services' question, not this value's.
    """

    text: str = ""
    accounts: Sequence[NetworkAccount] = ()
    media: Sequence[Media] = ()
    # A read-only mapping: left out of the hash, which the other fields already decide.
    target_texts: Mapping[int, str] = field(default_factory=dict, hash=False)
    campaign: Campaign | None = None
    scheduled_at: datetime | None = None

    def __post_init__(self) -> None:
        accounts = tuple(dict.fromkeys(self.accounts))
        chosen = {account.pk for account in accounts}
        texts = {int(k): v.strip() for k, v in self.target_texts.items() if int(k) in chosen and v and v.strip()}
        object.__setattr__(self, "text", (self.text or "").strip())
        object.__setattr__(self, "accounts", accounts)
        object.__setattr__(self, "media", tuple(dict.fromkeys(self.media)))
        object.__setattr__(self, "target_texts", MappingProxyType(texts))

    def text_for(self, account: NetworkAccount) -> str:
        """What is sent to this account: its own text, else the main text."""
        return self.target_texts.get(account.pk, self.text)

    @property
    def fingerprint(self) -> str:
        """A hash of everything an approval covers: text, per-network texts, media (in order),
        accounts (in any order).

        The time and the campaign are left out on purpose: moving an approved post, or filing it
        in another campaign, keeps its approval.
        """
        accounts = sorted(account.pk for account in self.accounts)
        covered = {
            "text": self.text,
            "targets": [[account, self.target_texts.get(account, "")] for account in accounts],
            "media": [item.pk for item in self.media],
            "accounts": accounts,
        }
        return hashlib.sha256(json.dumps(covered, ensure_ascii=False).encode()).hexdigest()
