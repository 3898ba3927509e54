"""Meta's content publishing, shared by Instagram and Threads: a post is a media container that
Meta prepares (it downloads each image from our public URL) and that is published once ready.

Both APIs (https://developers.facebook.com/docs/instagram-platform/content-publishing,
https://developers.facebook.com/docs/threads/posts) take the same steps:
- `POST /{user-id}/<create>` makes a container and answers its id; a carousel is one container
  per image with `is_carousel_item=true`, then one with `media_type=CAROUSEL` and `children`;
- `GET /{container-id}` tells its status: IN_PROGRESS until FINISHED, or ERROR (Meta could not use
  it: rejected) or EXPIRED (not published within 24 hours: made again on a retry);
- `POST /{user-id}/<publish>` with `creation_id` publishes it; `GET /{id}?fields=permalink`.
Meta fills the containers from our public address, so neither network can publish images from
a local site (`setup_problem`). What differs is named in `Containers`; calls and error documents
are the Graph API's (graph.py), and each network's limits, media and wording its own.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from networks.base import ErrorKind, PublishError, PublishResult
from networks.meta import graph
from networks.meta.graph import GraphAdapter

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise


@dataclass(frozen=True)
class Containers:
    """How one of Meta's networks names the container steps, and its words when one fails."""

    create: str  # POST /{user}/<create> makes a container: "media", "threads"
    publish: str  # POST /{user}/<publish> with creation_id publishes it
    text: str  # the field of the post's text: "caption", "text"
    image_type: str  # the media_type of an image container; "" where the network infers it
    status: str  # the field read while polling: "status_code", "status"
    reason: str  # the field saying why a container is in ERROR: "status", "error_message"
    refused: StrPromise  # a container in ERROR (rejected), formatted with %(reason)s
    late: StrPromise  # a container EXPIRED or not ready after poll_timeout (retried)


class ContainerAdapter(GraphAdapter):
    """A Meta network publishing through containers; a subclass sets `containers`."""

    containers: ClassVar[Containers]
    poll_interval = 2.0  # seconds between two reads of a container's status
    poll_timeout = 120.0  # then the post is tried again later

    @classmethod
    def setup_problem(cls) -> str | None:
        problem = graph.site_problem(cls.name, media_count=1)
        return problem.message if problem else None

    def publish_containers(self, *, user: str, text: str, image_urls: list[str], profile_url: str) -> PublishResult:
        """Create the post's container, wait until Meta has prepared it and publish it.

        No image: a text container (Threads; Instagram refuses such a post before calling this).
        The result's URL is the post's permalink, else `profile_url`.
        """
        container = self._post_container(user, text, image_urls)
        self._wait_until_finished(container)
        data = {"creation_id": container}
        post_id = str(self._call("POST", f"/{user}/{self.containers.publish}", publishing=True, data=data)["id"])
        return PublishResult(remote_id=post_id, url=self.permalink(post_id) or profile_url)

    def permalink(self, post_id: str) -> str:
        """The published post's address, "" when Meta does not tell: it is published whatever
        this look-up answers, and a failure here must not make the engine publish it again."""
        try:
            return str(self._call("GET", f"/{post_id}", params={"fields": "permalink"}).get("permalink") or "")
        except PublishError:
            return ""

    def _post_container(self, user: str, text: str, image_urls: list[str]) -> str:
        spec = self.containers
        image = {"media_type": spec.image_type} if spec.image_type else {}
        if not image_urls:
            data = {"media_type": "TEXT", spec.text: text}
        elif len(image_urls) == 1:
            data = {**image, "image_url": image_urls[0], spec.text: text}
        else:
            children = [
                self._create(user, {**image, "image_url": url, "is_carousel_item": "true"}) for url in image_urls
            ]
            for child in children:
                self._wait_until_finished(child)
            data = {"media_type": "CAROUSEL", "children": ",".join(children), spec.text: text}
        return self._create(user, data)

    def _create(self, user: str, data: dict[str, str]) -> str:
        return str(self._call("POST", f"/{user}/{self.containers.create}", data=data)["id"])

    def _wait_until_finished(self, container: str) -> None:
        spec = self.containers
        deadline = time.monotonic() + self.poll_timeout
        while True:
            status = self._call("GET", f"/{container}", params={"fields": f"{spec.status},{spec.reason}"})
            code = status.get(spec.status)
            if code in ("FINISHED", "PUBLISHED"):
                return
            if code == "ERROR":
                raise PublishError(spec.refused % {"reason": status.get(spec.reason) or code}, kind=ErrorKind.REJECTED)
            if code == "EXPIRED" or time.monotonic() > deadline:
                raise PublishError(str(spec.late), kind=ErrorKind.RETRY, retry_after=60)
            time.sleep(self.poll_interval)
