"""Other people on the test PDS: they write posts, replies, mentions and quotes as records in
their own repos (what any Bluesky client does), and the local AppView indexes them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tests.networks.bluesky.conftest import Pds, PdsAccount
from tests.networks.servers.bluesky_appview import AppViewServer, iso

POST = "app.bsky.feed.post"


@dataclass
class People:
    pds: Pds
    appview: AppViewServer
    brand: PdsAccount  # the account the desk connected

    def __post_init__(self) -> None:
        self.appview.watch(self.brand.did, self.brand.handle)
        self.claire = self.join("claire")
        self.bob = self.join("bob")

    def join(self, name: str) -> PdsAccount:
        person = self.pds.create_account(name)
        self.appview.watch(person.did, person.handle)
        return person

    def write(
        self,
        text: str,
        *,
        by: PdsAccount | None = None,
        in_reply_to: str = "",
        mention: PdsAccount | None = None,
        quote: str = "",
        plain: bool = False,
        at: datetime | None = None,
    ) -> str:
        """A post by `by` (Claire): a reply, a quote, a `plain` post naming no one, else a mention
        of `mention` (the brand by default).

        Written without the PDS's lexicon check (validate=False) as other clients may: the
        contract's texts include one longer than Bluesky's 300 graphemes."""
        by = by or self.claire
        record: dict[str, Any] = {"$type": POST, "text": text, "createdAt": iso(at or datetime.now(UTC))}
        if in_reply_to:
            record["reply"] = self.reply_refs(in_reply_to)
        elif quote:
            quoted = self.record(quote)
            record["embed"] = {"$type": "app.bsky.embed.record", "record": {"uri": quote, "cid": quoted["cid"]}}
        elif not plain:
            named = mention or self.brand
            prefix = f"@{named.handle} "
            record["text"] = prefix + text
            feature = {"$type": "app.bsky.richtext.facet#mention", "did": named.did}
            size = len(prefix.encode()) - 1
            record["facets"] = [{"index": {"byteStart": 0, "byteEnd": size}, "features": [feature]}]
        body = {"repo": by.did, "collection": POST, "record": record, "validate": False}
        response = self.pds.xrpc("POST", "com.atproto.repo.createRecord", token=by.access_jwt, json=body)
        assert response.status_code == 200, response.text
        return response.json()["uri"]

    def record(self, uri: str) -> dict[str, Any]:
        repo, collection, rkey = uri.removeprefix("at://").split("/")
        params = {"repo": repo, "collection": collection, "rkey": rkey}
        response = self.pds.xrpc("GET", "com.atproto.repo.getRecord", params=params)
        assert response.status_code == 200, response.text
        return response.json()

    def reply_refs(self, uri: str) -> dict[str, Any]:
        parent = self.record(uri)
        root = (parent["value"].get("reply") or {}).get("root") or {"uri": uri, "cid": parent["cid"]}
        return {"root": root, "parent": {"uri": uri, "cid": parent["cid"]}}

    def exists(self, uri: str) -> bool:
        repo, collection, rkey = uri.removeprefix("at://").split("/")
        params = {"repo": repo, "collection": collection, "rkey": rkey}
        return self.pds.xrpc("GET", "com.atproto.repo.getRecord", params=params).status_code == 200

    def hidden(self, uri: str) -> bool:
        """Whether one of the brand's threadgates hides `uri` (hiddenReplies)."""
        params = {"repo": self.brand.did, "collection": "app.bsky.feed.threadgate", "limit": 100}
        response = self.pds.xrpc("GET", "com.atproto.repo.listRecords", params=params)
        assert response.status_code == 200, response.text
        return any(uri in (r["value"].get("hiddenReplies") or ()) for r in response.json()["records"])

    def replies_by_brand(self) -> list[dict[str, Any]]:
        params = {"repo": self.brand.did, "collection": POST, "limit": 100}
        response = self.pds.xrpc("GET", "com.atproto.repo.listRecords", params=params)
        assert response.status_code == 200, response.text
        return [r for r in response.json()["records"] if r["value"].get("reply")]
