"""LinkedIn (Posts API): a member's profile or an organization page they administer.

Facts (https://learn.microsoft.com/linkedin/marketing/community-management/shares/posts-api,
.../images-api, .../little-text-format, 3-legged OAuth), proven against tests/networks/servers/linkedin.py:
- OAuth 2 authorization code; `POST {LINKEDIN_OAUTH_URL}/accessToken` answers a token valid
  60 days (`expires_in` 5184000), with a refresh token only for partners LinkedIn approved;
- who signed in: `GET /v2/userinfo` (OpenID: `sub` -> urn:li:person:<sub>); the pages they
  administer: `GET /rest/organizationAcls?q=roleAssignee&role=ADMINISTRATOR&state=APPROVED`;
- every /rest call carries `Linkedin-Version: YYYYMM` and `X-Restli-Protocol-Version: 2.0.0`;
- an image: `POST /rest/images?action=initializeUpload` -> `uploadUrl` + image URN, then `PUT`
  the bytes there; the post: `POST /rest/posts` -> 201 with the post URN in `x-restli-id`;
- `commentary` is "little text": | { } @ [ ] ( ) < > # \\ * _ ~ are reserved and escaped with a
  backslash, or the text after them is lost; a #word becomes LinkedIn's hashtag template;
- errors: `{"status", "serviceErrorCode", "code", "message"}`; 401 / 65600-65602 invalid or
  expired token (reconnect), 403 ACCESS_DENIED (the member lost the right: reconnect), 422
  DUPLICATE_POST (rejected), 429 (retry).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.utils.translation import gettext as _

from cm_platform.reasons import reason
from core.images import Fit
from core.images import Limits as ImageLimits
from networks import http_adapter as remote
from networks.base import (
    ConnectError,
    Connection,
    Counting,
    ErrorKind,
    Limits,
    MediaFile,
    PublishError,
    PublishResult,
)
from networks.budget import POSTS, Rate
from networks.http_adapter import Wording
from networks.oauth import OAuthAdapter, OAuthClient

NAME = "LinkedIn"
SCOPES = "openid profile w_member_social w_organization_social r_organization_admin"
RESERVED = re.compile(r"([|{}@\[\]()<>#\\*_~])")
HASHTAG = re.compile(r"(?<![\w\\])\\#(\w+)")
# serviceErrorCode values LinkedIn documents for a token that is invalid, expired or revoked.
TOKEN_ERRORS = {65600, 65601, 65602, 65603, 65604}


def escape_commentary(text: str) -> str:
    """Little text: reserved characters escaped, then #word turned into a real hashtag."""
    escaped = RESERVED.sub(r"\\\1", text)
    return HASHTAG.sub(lambda m: "{hashtag|\\#|" + m.group(1) + "}", escaped)


def _rest_headers(token: str) -> dict[str, str]:
    return {
        "Authorization": f"Bearer {token}",
        "Linkedin-Version": settings.LINKEDIN_VERSION,
        "X-Restli-Protocol-Version": "2.0.0",
    }


def _reason(response) -> tuple[Any, str, int]:
    """(message, code, serviceErrorCode) of LinkedIn's error document."""
    answer = remote.json_of(response)
    message = remote.short(answer.get("message") or answer.get("error_description")) or remote.unnamed_error(
        response.status_code
    )
    return message, str(answer.get("code") or answer.get("error") or ""), int(answer.get("serviceErrorCode") or 0)


class LinkedInAdapter(OAuthAdapter):
    slug = "linkedin"
    name = NAME
    icon = "bi-linkedin"
    # LinkedIn's daily limits for creating posts: 150 per member and 100,000 per application.
    rates = (Rate(POSTS, 150, 24 * 3600), Rate(POSTS, 100_000, 24 * 3600, app_wide=True))
    limits = Limits(
        max_chars=3000,
        counting=Counting.UTF16,
        max_media=20,  # multiImage takes 2 to 20
        images=ImageLimits(Fit(types=frozenset({"image/jpeg", "image/png", "image/gif"}), max_bytes=10 * 1024 * 1024)),
        alt_text_max=4086,
    )
    required_settings = ("LINKEDIN_CLIENT_ID", "LINKEDIN_CLIENT_SECRET")
    scopes = SCOPES
    wording = Wording(
        throttled=reason("LinkedIn asks to slow down (%(reason)s); the post will be tried again."),
        access_refused=reason("LinkedIn refused the account's access (%(reason)s): reconnect the account."),
        temporary=reason("LinkedIn had a problem (error %(status)d); the post will be tried again."),
        refused=reason("LinkedIn refused the post: %(reason)s"),
    )

    # --- connecting -----------------------------------------------------------------------------
    @classmethod
    def authorize_endpoint(cls) -> str:
        return f"{settings.LINKEDIN_OAUTH_URL}/authorization"

    @classmethod
    def token_endpoint(cls) -> str:
        return f"{settings.LINKEDIN_OAUTH_URL}/accessToken"

    @classmethod
    def accounts_from_tokens(cls, tokens: dict[str, Any], *, client: OAuthClient) -> list[Connection]:
        """The member who signed in, and the organization pages they administer."""
        credentials, expires_at = cls.credentials_from(tokens)
        headers = _rest_headers(credentials["access_token"])
        me = cls.send_connecting("GET", f"{settings.LINKEDIN_API_URL}/v2/userinfo", headers=headers)
        if me.status_code != 200:
            raise ConnectError(_("LinkedIn did not tell who signed in (%(reason)s).") % {"reason": cls.error_words(me)})
        person = remote.json_of(me)

        def account(name: str, urn: str, picture: str = "", vanity: str = "") -> Connection:
            return Connection(
                display_name=name,
                handle=urn,
                avatar_url=picture,
                credentials=credentials,
                config={"author": urn, "vanity_name": vanity},
                token_expires_at=expires_at,
            )

        member = account(
            person.get("name") or _("LinkedIn member"), f"urn:li:person:{person['sub']}", person.get("picture") or ""
        )
        return [member] + [account(*org) for org in cls._organizations(headers)]

    def refresh_credentials(self) -> dict[str, Any] | None:
        """Only for apps LinkedIn approved for refresh tokens; others reconnect every 60 days."""
        return self.refresh_with_token()

    # --- publishing -----------------------------------------------------------------------------
    def publish(self, *, text: str, media: list[MediaFile], key: str) -> PublishResult:
        author = self.account.config["author"]
        payload: dict[str, Any] = {
            "author": author,
            "commentary": escape_commentary(text),
            "visibility": "PUBLIC",
            "distribution": {
                "feedDistribution": "MAIN_FEED",
                "targetEntities": [],
                "thirdPartyDistributionChannels": [],
            },
            "lifecycleState": "PUBLISHED",
            "isReshareDisabledByAuthor": False,
        }
        images = [{"id": self._upload(item, author), "altText": item.alt_text} for item in media]
        if len(images) == 1:
            payload["content"] = {"media": images[0]}
        elif images:
            payload["content"] = {"multiImage": {"images": images}}
        response = self._call("POST", "/rest/posts", publishing=True, json=payload)
        urn = response.headers.get("x-restli-id") or response.headers.get("x-linkedin-id") or ""
        return PublishResult(remote_id=urn, url=f"https://www.linkedin.com/feed/update/{urn}/")

    def check_connection(self) -> str:
        author = self.account.config["author"]
        if author.startswith("urn:li:organization:"):
            organization = remote.json_of(self._call("GET", f"/rest/organizations/{author.rsplit(':', 1)[1]}"))
            return organization.get("localizedName") or author
        person = remote.json_of(self._call("GET", "/v2/userinfo"))
        return person.get("name") or author

    def _upload(self, item: MediaFile, owner: str) -> str:
        response = self._call(
            "POST", "/rest/images?action=initializeUpload", json={"initializeUploadRequest": {"owner": owner}}
        )
        value = remote.json_of(response).get("value") or {}
        upload = self.send(
            "PUT",
            value["uploadUrl"],
            data=item.read(),
            headers={"Authorization": f"Bearer {self.account.credentials.get('access_token', '')}"},
        )
        if self.failed(upload):
            raise self.error_for(upload)
        return str(value["image"])

    def _call(self, method: str, path: str, *, publishing: bool = False, **kwargs):
        headers = _rest_headers(self.account.credentials.get("access_token", ""))
        url = settings.LINKEDIN_API_URL + path
        return self.call(method, url, publishing=publishing, headers=headers, **kwargs)

    @classmethod
    def access_refused(cls, response) -> bool:
        """401, a token error code, or 403 ACCESS_DENIED (the member lost the right)."""
        _words, code, service_code = _reason(response)
        status = response.status_code
        return status == 401 or service_code in TOKEN_ERRORS or (status == 403 and code == "ACCESS_DENIED")

    @classmethod
    def error_words(cls, response) -> Any:
        return _reason(response)[0]

    def error_for(self, response) -> PublishError:
        error = super().error_for(response)
        if error.kind == ErrorKind.REJECTED and _reason(response)[1] == "DUPLICATE_POST":
            return PublishError(
                reason("LinkedIn refused the post as a duplicate of an earlier one: %(reason)s")
                % {"reason": self.error_words(response)},
                kind=ErrorKind.REJECTED,
            )
        return error

    @classmethod
    def _organizations(cls, headers: dict[str, str]) -> list[tuple[str, str, str, str]]:
        """(name, URN, logo, vanity name) of the pages the member administers."""
        query = "q=roleAssignee&role=ADMINISTRATOR&state=APPROVED"
        response = cls.send_connecting(
            "GET", f"{settings.LINKEDIN_API_URL}/rest/organizationAcls?{query}", headers=headers
        )
        if response.status_code != 200:
            return []  # without r_organization_admin the member's own profile still works
        pages = []
        for element in remote.json_of(response).get("elements") or []:
            urn = str(element.get("organization") or "")
            if not urn.startswith("urn:li:organization:"):
                continue
            org_id = quote(urn.rsplit(":", 1)[1])
            detail = cls.send_connecting(
                "GET", f"{settings.LINKEDIN_API_URL}/rest/organizations/{org_id}", headers=headers
            )
            organization = remote.json_of(detail) if detail.status_code == 200 else {}
            pages.append((organization.get("localizedName") or urn, urn, "", organization.get("vanityName") or ""))
        return pages
