"""Benchmark of reading Facebook Page comments (networks/meta/reading.py) from the local Graph API.

A Page with `--posts` posts (50 by default, the most a sweep watches) and `--comments` comments
spread over them (2,000), replies included. Prints JSON: the first read (seconds, Graph calls,
messages; no duplicate, none lost), a quiet poll afterwards (calls: the posts' listing and the
mentions only, as no post's activity moved), and a poll after one new comment (one call more).
The Page's floor is 200 calls an hour (FacebookAdapter.rates): the quiet poll's calls times the
polls an hour (at most one every `read_at_most_every` seconds) say how much of it reading takes.

    .venv/bin/python bench/bench_meta_sweep.py [--posts 50] [--comments 2000]

Nothing is stored: the adapter reads for an account that exists only in memory.
"""

import argparse
import json
import os
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cm_platform.settings_test")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.utils import timezone  # noqa: E402

from networks.models import NetworkAccount  # noqa: E402
from tests.networks.servers.graph import GraphServer  # noqa: E402


def read_all(adapter, cursor=""):
    messages, calls = [], 0
    since = timezone.now() - timedelta(days=settings.INBOX_BACKFILL_DAYS)
    while True:
        page = adapter.read_messages(cursor=cursor, since=since)
        messages += page.messages
        cursor, calls = page.cursor, calls + 1
        if not page.more:
            return messages, cursor, calls


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=50)
    parser.add_argument("--comments", type=int, default=2000)
    args = parser.parse_args()
    with GraphServer() as graph:
        settings.GRAPH_API_URL = graph.api_url
        graph.page_size = 100  # the Graph API's largest page
        page = graph.page("Desk Café")
        account = NetworkAccount(network="facebook", display_name=page["name"], handle=page["id"])
        account.credentials = {"page_token": page["access_token"]}
        account.config = {"page_id": page["id"]}
        adapter = account.adapter()
        posts = [adapter.publish(text=f"Post {n}", media=[], key="k").remote_id for n in range(args.posts)]
        hour_ago = time.time() - 3600
        for post in graph.posts:
            post["created"] = hour_ago
        written: list[str] = []
        previous: dict[str, str] = {}
        for n in range(args.comments):
            post = posts[n % len(posts)]
            on = previous.get(post) if n % 4 == 3 else post  # one in four answers the last comment
            written.append(graph.comment(on=on or post, text=f"Commentaire {n}", at=hour_ago + n * 0.1))
            previous[post] = written[-1]
        started = time.perf_counter()
        first, cursor, first_calls = read_all(adapter)
        seconds = time.perf_counter() - started
        read_ids = [m.remote_id for m in first]
        _quiet, cursor, quiet_calls = read_all(adapter, cursor)
        graph.comment(on=posts[0], text="Nouveau")
        news, cursor, busy_calls = read_all(adapter, cursor)
        polls_an_hour = 3600 / max(settings.INBOX_POLL_INTERVAL, adapter.read_at_most_every)
        print(
            json.dumps(
                {
                    "posts": args.posts,
                    "comments": args.comments,
                    "first_read": {
                        "seconds": round(seconds, 2),
                        "graph_calls": first_calls,
                        "messages": len(read_ids),
                        "duplicates": len(read_ids) - len(set(read_ids)),
                        "lost": len(set(written) - set(read_ids)),
                    },
                    "quiet_poll_calls": quiet_calls,
                    "poll_after_one_comment": {"calls": busy_calls, "messages": len(news)},
                    "quiet_calls_an_hour": round(quiet_calls * polls_an_hour),
                    "page_calls_an_hour_floor": 200,
                },
                indent=2,
            )
        )


if __name__ == "__main__":
    main()
