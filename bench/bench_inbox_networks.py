"""Benchmark of the inbox over X, LinkedIn, Telegram and Discord: 10,000 messages collected from
each network's local server with the poller SIGKILLed midway, stored once and none lost.

For each network, a local server following its documentation holds 10,000 messages for one
account (X: mentions; LinkedIn: comments on 10 of the page's posts; Telegram: messages in the
channel's discussion group, waiting as bot updates; Discord: messages in the channel), each page
answered after `--latency` (20 ms by default). A real `celery worker` and `celery beat` read them
from the first read (back to 7 days); the worker is SIGKILLed once 3,000 are stored and started
again. Printed as JSON per network: seconds until all are stored, duplicates (0), lost (0), pages
read, and the reads X billed.

    .venv/bin/python bench/bench_inbox_networks.py                      # both backends
    .venv/bin/python bench/bench_inbox_networks.py --backend embedded   # or: services
    .venv/bin/python bench/bench_inbox_networks.py --network telegram

Everything happens in a throw-away test database, never in yours.
"""

import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_inbox import BACKENDS, Processes, _wait  # noqa: E402 — the inbox bench's worker and beat

from bench import harness  # noqa: E402

MESSAGES = 10_000
KILL_AFTER = 3_000
NETWORKS = ("x", "linkedin", "telegram", "discord")


def main() -> None:
    harness.run(__file__, __doc__, BACKENDS, run, options=_options, timeout=3600)


def _options(parser) -> None:
    parser.add_argument("--network", choices=[*NETWORKS, "all"], default="all")
    parser.add_argument("--latency", type=float, default=0.02)


def run(args) -> dict:
    with harness.throwaway_database("bench-inbox-networks"):
        from django.conf import settings
        from django.db import connection

        result: dict = {"database": connection.vendor, "broker": settings.CELERY_BROKER_URL.split(":")[0]}
        for network in NETWORKS if args.network == "all" else (args.network,):
            result[network] = scenario(network, Path(settings.VAR_DIR) / f"bench-inbox-{network}", args.latency)
        result["load_average_1min"] = harness.load_average()
        return result


# --- one network: its server holding MESSAGES, and the account reading it -----------------------
def x_setup(server, brand, start):
    from networks.models import NetworkAccount
    from networks.x.adapter import _tokens_from

    for n in range(MESSAGES):
        server.post_as(f"person{n % 500}", f"@thedesk Message {n}", created_at=start + timedelta(seconds=n))
    account = NetworkAccount.objects.create(
        brand=brand,
        network="x",
        display_name="X",
        credentials=_tokens_from(server.issue_tokens()),
        config={"user_id": server.user["id"], "username": server.user["username"]},
        monthly_read_budget=100_000,
    )
    return account, {"X_API_URL": server.url}, "/2/users/"


def linkedin_setup(server, brand, start):
    from networks.models import NetworkAccount

    page = "urn:li:organization:2414183"
    posts = [server.post_as(page, f"Post {n}") for n in range(10)]
    for n in range(MESSAGES):
        server.comment_as(f"urn:li:person:p{n % 500}", posts[n % 10], f"Commentaire {n}", created_at=start)
    account = NetworkAccount.objects.create(
        brand=brand,
        network="linkedin",
        display_name="Desk Corp",
        credentials={"access_token": server.issue_token()["access_token"]},
        config={"author": page},
    )
    return account, {"LINKEDIN_API_URL": server.url}, "/rest/socialActions/"


def telegram_setup(server, brand, start):
    from networks.models import NetworkAccount

    for n in range(MESSAGES):
        server.comment_as(f"person{n % 500}", f"Message {n}", at=start + timedelta(seconds=n))
    account = NetworkAccount.objects.create(
        brand=brand,
        network="telegram",
        display_name="Desk news",
        credentials={"bot_token": server.token},
        config={
            "chat_id": server.channel["id"],
            "bot_id": server.bot["id"],
            "discussion_chat_id": server.group["id"],
        },
    )
    return account, {"TELEGRAM_API_URL": server.url}, f"/bot{server.token}/getUpdates"


def discord_setup(server, brand, start):
    from networks.models import NetworkAccount

    for n in range(MESSAGES):
        server.post_as(f"person{n % 500}", f"Message {n}", at=start + timedelta(seconds=n))
    account = NetworkAccount.objects.create(
        brand=brand,
        network="discord",
        display_name="Discord",
        credentials={"webhook_token": server.token, "bot_token": server.bot_token},
        config={
            "webhook_id": server.webhook_id,
            "channel_id": server.webhook["channel_id"],
            "guild_id": server.webhook["guild_id"],
            "bot_id": server.bot["id"],
        },
    )
    return account, {"DISCORD_API_URL": server.api_url}, "/api/channels/"


def servers():
    from tests.networks.servers.discord import DiscordServer
    from tests.networks.servers.linkedin import LinkedInServer
    from tests.networks.servers.telegram import TelegramServer
    from tests.networks.servers.x import XServer

    return {
        "x": (XServer, x_setup),
        "linkedin": (LinkedInServer, linkedin_setup),
        "telegram": (TelegramServer, telegram_setup),
        "discord": (DiscordServer, discord_setup),
    }


def scenario(network: str, folder: Path, latency: float) -> dict:
    from django.db.models import Count
    from django.utils import timezone

    from accounts.models import Brand
    from inbox.models import Message
    from networks import budget
    from networks.models import RateBudget

    server_class, setup = servers()[network]
    brand = Brand.objects.create(name=f"Bench {network}", slug=f"bench-{network}")
    with server_class() as server:
        account, urls, pages_path = setup(server, brand, timezone.now() - timedelta(days=6))
        server.latency = latency
        processes = Processes(folder)
        processes.env.update(urls)
        mine = Message.objects.filter(account=account)
        began = time.monotonic()
        processes.start_worker()
        processes.start_beat()
        try:
            first_stored = _wait(lambda: mine.exists(), timeout=600)
            killed_at = _wait(lambda: mine.count() >= KILL_AFTER, timeout=600)
            processes.kill("worker")
            stored_at_kill = mine.count()
            processes.start_worker()
            resumed = _wait(lambda: mine.count() > stored_at_kill, timeout=300)
            _wait(lambda: mine.count() >= MESSAGES, timeout=900)
            done = time.monotonic()
        finally:
            processes.stop()
        distinct = mine.values("remote_id").annotate(n=Count("pk")).count()
        reads = RateBudget.objects.filter(account=account, kind=budget.READS).values_list("used", flat=True).first()
        return {
            "messages_on_the_network": MESSAGES,
            "network_latency_seconds": latency,
            "stored": mine.count(),
            "seconds_until_all_stored": round(done - began, 1),
            "seconds_reading": round((killed_at - first_stored) + (done - resumed), 1),
            "stored_when_killed": stored_at_kill,
            "duplicates": mine.count() - distinct,
            "lost": MESSAGES - distinct,
            "pages_read": len(server.requests_to("GET" if network != "telegram" else "POST", pages_path)),
            "x_reads_billed": reads,
        }


if __name__ == "__main__":
    main()
