"""A local LinkedIn (OAuth 2, OpenID userinfo, Posts, Images, organization ACLs) for tests.

    with LinkedInServer(client_id="cid", client_secret="csecret") as server:
        settings.LINKEDIN_API_URL = server.url
        settings.LINKEDIN_OAUTH_URL = server.url + "/oauth/v2"
        server.issue_token()            # a valid access token (60 days)
        server.expire_tokens()          # 401 serviceErrorCode 65602 "The token used in the request has expired"
        server.organizations            # pages the member administers: {id: {"localizedName", "vanityName"}}
        server.posts                    # posts created: author, commentary as LinkedIn renders it, images

Every /rest request must carry Linkedin-Version (YYYYMM) and X-Restli-Protocol-Version 2.0.0
(400 otherwise, as LinkedIn answers). The commentary is rendered as little text: an escaped
reserved character shows as itself, an unescaped one drops the rest of the text (what happens on
linkedin.com), and {hashtag|\\#|word} shows as #word. The same commentary by the same author twice
is 422 DUPLICATE_POST.
"""

from __future__ import annotations

import re
import secrets
import time
from typing import Any
from urllib.parse import urlencode

from tests.networks.servers.local import Answer, LocalServer, LoggedRequest

RESERVED = set("|{}@[]()<>#\\*_~")
EXPIRED = {
    "serviceErrorCode": 65602,
    "code": "EXPIRED_ACCESS_TOKEN",
    "message": "The token used in the request has expired",
    "status": 401,
}
INVALID = {"serviceErrorCode": 65600, "code": "INVALID_ACCESS_TOKEN", "message": "Invalid access token", "status": 401}
HASHTAG_TEMPLATE = re.compile(r"\{hashtag\|\\#\|(\w+)\}")


def render_little_text(commentary: str) -> str:
    """What linkedin.com shows for a commentary: escapes resolved, text cut at a bare reserved char."""
    commentary = HASHTAG_TEMPLATE.sub(lambda m: "\x00" + m.group(1), commentary)
    shown, index = [], 0
    while index < len(commentary):
        char = commentary[index]
        if char == "\\" and index + 1 < len(commentary) and commentary[index + 1] in RESERVED:
            shown.append(commentary[index + 1])
            index += 2
            continue
        if char in RESERVED:
            break
        shown.append("#" if char == "\x00" else char)
        index += 1
    return "".join(shown)


class LinkedInServer(LocalServer):
    name = "linkedin"

    def __init__(self, *, client_id: str = "li-client", client_secret: str = "li-secret") -> None:
        super().__init__()
        self.client_id, self.client_secret = client_id, client_secret
        self.member = {"sub": "782bbtaQ", "name": "Camille Martin", "picture": "https://media.licdn.com/camille.jpg"}
        self.organizations: dict[str, dict[str, str]] = {
            "2414183": {"localizedName": "Desk Corp", "vanityName": "desk-corp"}
        }
        self.tokens: dict[str, float] = {}
        self.codes: dict[str, str] = {}
        self.images: dict[str, dict[str, Any]] = {}
        self.posts: list[dict[str, Any]] = []
        self.auto_approve = True

    def issue_token(self, expires_in: int = 5184000) -> dict[str, Any]:
        token = secrets.token_urlsafe(40)
        with self.lock:
            self.tokens[token] = time.time() + expires_in
        return {"access_token": token, "expires_in": expires_in, "scope": "openid,profile,w_member_social"}

    def expire_tokens(self) -> None:
        with self.lock:
            self.tokens = dict.fromkeys(self.tokens, 0.0)

    def error_body(self, status: int) -> Any:
        if status == 401:
            return INVALID
        if status == 422:
            return {
                "status": 422,
                "code": "DUPLICATE_POST",
                "message": "Content is a duplicate of urn:li:share:7000000000000000001",
            }
        if status == 429:
            return {
                "status": 429,
                "serviceErrorCode": 101,
                "code": "TOO_MANY_REQUESTS",
                "message": "Resource level throttle APPLICATION DAY limit for calls to this resource is reached.",
            }
        if status == 403:
            return {
                "status": 403,
                "serviceErrorCode": 100,
                "code": "ACCESS_DENIED",
                "message": "Not enough permissions to access: partnerApiPostsExternal.CREATE.20241101",
            }
        return {"status": status, "message": "Internal Server Error"}

    # --- routing ------------------------------------------------------------------------------
    def route(self, request: LoggedRequest) -> Answer:
        path = request.route
        if path == "/oauth/v2/authorization":
            return self._authorize(request)
        if path == "/oauth/v2/accessToken":
            return self._access_token(request)
        if path.startswith("/upload/"):
            return self._upload(request, path.rsplit("/", 1)[1])
        token_problem = self._token_problem(request)
        if token_problem:
            return 401, token_problem, {}
        if path.startswith("/rest/") and not self._versioned(request):
            return (
                400,
                {
                    "status": 400,
                    "code": "VERSION_MISSING",
                    "message": "A version must be present. "
                    "Please specify a version by adding the LinkedIn-Version header.",
                },
                {},
            )
        if path == "/v2/userinfo":
            return 200, {**self.member, "email_verified": True, "locale": {"country": "FR", "language": "fr"}}, {}
        if path == "/rest/organizationAcls":
            elements = [
                {
                    "organization": f"urn:li:organization:{oid}",
                    "role": "ADMINISTRATOR",
                    "state": "APPROVED",
                    "roleAssignee": f"urn:li:person:{self.member['sub']}",
                }
                for oid in self.organizations
            ]
            return 200, {"paging": {"count": 10, "start": 0}, "elements": elements}, {}
        if path.startswith("/rest/organizations/"):
            org = self.organizations.get(path.rsplit("/", 1)[1])
            return (
                (200, {"id": int(path.rsplit("/", 1)[1]), **org}, {})
                if org
                else (404, {"status": 404, "message": "Not found"}, {})
            )
        if path == "/rest/images" and request.query.get("action") == "initializeUpload":
            return self._initialize_upload(request)
        if path == "/rest/posts" and request.method == "POST":
            return self._create_post(request)
        return 404, {"status": 404, "message": "Resource not found"}, {}

    @staticmethod
    def _versioned(request: LoggedRequest) -> bool:
        version = request.header("Linkedin-Version") or ""
        return request.header("X-Restli-Protocol-Version") == "2.0.0" and re.fullmatch(r"\d{6}", version) is not None

    def _token_problem(self, request: LoggedRequest) -> dict[str, Any] | None:
        with self.lock:
            expiry = self.tokens.get(request.bearer)
        if expiry is None:
            return INVALID
        return EXPIRED if expiry < time.time() else None

    # --- OAuth --------------------------------------------------------------------------------
    def _authorize(self, request: LoggedRequest) -> Answer:
        query = request.query
        if query.get("client_id") != self.client_id or query.get("response_type") != "code":
            return 400, b"invalid client_id", {"Content-Type": "text/html"}
        if not self.auto_approve:
            back = {
                "error": "user_cancelled_authorize",
                "error_description": "The user cancelled the authorization",
                "state": query.get("state", ""),
            }
        else:
            code = secrets.token_urlsafe(16)
            with self.lock:
                self.codes[code] = query["redirect_uri"]
            back = {"code": code, "state": query.get("state", "")}
        return 302, b"", {"Location": f"{query['redirect_uri']}?{urlencode(back)}"}

    def _access_token(self, request: LoggedRequest) -> Answer:
        params = request.form
        if params.get("client_id") != self.client_id or params.get("client_secret") != self.client_secret:
            return 401, {"error": "invalid_client", "error_description": "Client authentication failed"}, {}
        with self.lock:
            redirect_uri = self.codes.pop(params.get("code", ""), None)
        if params.get("grant_type") != "authorization_code" or redirect_uri != params.get("redirect_uri"):
            return (
                400,
                {
                    "error": "invalid_request",
                    "error_description": "Unable to retrieve access token: appid/redirect uri/code verifier does not "
                    "match authorization code. Or authorization code expired.",
                },
                {},
            )
        return 200, self.issue_token(), {}

    # --- images and posts ---------------------------------------------------------------------
    def _initialize_upload(self, request: LoggedRequest) -> Answer:
        owner = (request.json.get("initializeUploadRequest") or {}).get("owner", "")
        image_id = f"D4E10AQ{self.next_id()}"
        with self.lock:
            self.images[image_id] = {"owner": owner, "bytes": None}
        value = {
            "uploadUrlExpiresAt": int(time.time() * 1000) + 86400000,
            "uploadUrl": f"{self.url}/upload/{image_id}",
            "image": f"urn:li:image:{image_id}",
        }
        return 200, {"value": value}, {}

    def _upload(self, request: LoggedRequest, image_id: str) -> Answer:
        if request.method != "PUT" or self._token_problem(request):
            return 401, INVALID, {}
        with self.lock:
            if image_id not in self.images:
                return 404, {"status": 404, "message": "Upload URL not found"}, {}
            self.images[image_id]["bytes"] = request.body
        return 201, None, {}

    def _create_post(self, request: LoggedRequest) -> Answer:
        body = request.json
        content = body.get("content") or {}
        images = [content["media"]] if "media" in content else (content.get("multiImage") or {}).get("images", [])
        for image in images:
            image_id = str(image.get("id", "")).removeprefix("urn:li:image:")
            if self.images.get(image_id, {}).get("bytes") is None:
                return (
                    400,
                    {"status": 400, "code": "INVALID_CONTENT", "message": f"Image {image.get('id')} is not uploaded"},
                    {},
                )
        if (
            body.get("lifecycleState") != "PUBLISHED"
            or (body.get("distribution") or {}).get("feedDistribution") != "MAIN_FEED"
        ):
            return (
                422,
                {"status": 422, "code": "UNPROCESSABLE_ENTITY", "message": "Invalid distribution or lifecycle state"},
                {},
            )
        with self.lock:
            if any(p["author"] == body.get("author") and p["commentary"] == body.get("commentary") for p in self.posts):
                return 422, self.error_body(422), {}
            urn = f"urn:li:share:{7100000000000000000 + len(self.posts) + 1}"
            self.posts.append(
                {
                    "urn": urn,
                    "author": body.get("author"),
                    "commentary": body.get("commentary", ""),
                    "shown": render_little_text(body.get("commentary", "")),
                    "images": images,
                }
            )
        return 201, None, {"x-restli-id": urn}
