"""A web site serving feeds on 127.0.0.1: files as they are, with ETag / Last-Modified answered by
304, gzip on request, redirects (and loops), and any body a test puts at a path.

    with FeedServer() as server:
        server.put("/rss", FEEDS / "rss2.xml", content_type="application/rss+xml")
        server.put("/big", b"...", gzip=True)
        server.redirect("/a", "/b")
"""

from __future__ import annotations

import gzip as gzip_module
from dataclasses import dataclass, field
from pathlib import Path

from tests.networks.servers.local import Answer, LocalServer, LoggedRequest


@dataclass
class Page:
    body: bytes
    content_type: str
    etag: str = ""
    last_modified: str = ""
    gzip: bool = False
    headers: dict[str, str] = field(default_factory=dict)


class FeedServer(LocalServer):
    name = "feeds"
    server_version = "FeedServer/1.0"

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.pages: dict[str, Page] = {}
        self.redirects: dict[str, str] = {}

    def put(self, path: str, body: bytes | Path, *, content_type: str = "application/rss+xml", **options) -> None:
        data = body.read_bytes() if isinstance(body, Path) else body
        with self.lock:
            self.pages[path] = Page(data, content_type, **options)

    def redirect(self, path: str, to: str) -> None:
        with self.lock:
            self.redirects[path] = to

    def route(self, request: LoggedRequest) -> Answer:
        with self.lock:
            target = self.redirects.get(request.route)
            page = self.pages.get(request.route)
        if target is not None:
            return 302, b"", {"Location": target, "Content-Type": "text/plain"}
        if page is None:
            return 404, b"not found", {"Content-Type": "text/plain"}
        validators = {"ETag": page.etag, "Last-Modified": page.last_modified}
        validators = {name: value for name, value in validators.items() if value}
        if (page.etag and request.header("If-None-Match") == page.etag) or (
            page.last_modified and request.header("If-Modified-Since") == page.last_modified
        ):
            return 304, b"", {"Content-Type": page.content_type, **validators}
        headers = {"Content-Type": page.content_type, **validators, **page.headers}
        body = page.body
        if page.gzip:
            body = page.body if page.body[:2] == b"\x1f\x8b" else gzip_module.compress(page.body)
            headers["Content-Encoding"] = "gzip"
        return 200, body, headers
