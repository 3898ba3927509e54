"""`make run`'s analytics demo: forty days of the demo brand's posts published on the fake network
(the demo source: made-up but steady numbers for each post, shipped with the code), read back
through the real collection (dispatcher, claims, snapshots, rollups) with a clock walked over
those days, followers read once a day and growing.

Afterwards the analytics page has cards, trends, top posts and a heatmap, and the reports page
makes the French PDF report. Idempotent: run again, it finds the history and adds nothing.
"""

from datetime import datetime, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.models import Brand
from analytics import services
from analytics.models import SnapshotSchedule
from networks.models import NetworkAccount
from posts.models import Campaign, Post, PostState, PostTarget, TargetState

DAYS = 40  # more than a month: the last full month always has numbers (the report's default)
TEXTS = [
    "Nouvelle suspension en laiton brossé : la lumière douce des soirées d’automne.",
    "Dans l’atelier : le soufflage d’un globe en verre, étape par étape.",
    "Vos coins lecture en photo : merci pour vos partages !",
    "Conseil déco : trois hauteurs de lampes pour un salon chaleureux.",
    "Portrait : Léa, notre artisane verrière depuis quinze ans.",
    "Livraison offerte ce week-end sur toutes les lampes à poser.",
]
FOLLOWERS_AT_START, FOLLOWERS_PER_DAY = 1_200, 9
STEP = timedelta(hours=2)


class Command(BaseCommand):
    help = "Give the demo brand (run `demo` first) forty days of published posts and their numbers."

    def handle(self, *args, **options):
        brand = Brand.objects.filter(slug="demo").first()
        if brand is None:
            raise CommandError("Run `manage.py demo` first: there is no demo brand.")
        if SnapshotSchedule.objects.filter(brand=brand).exists():
            self.stdout.write(self.style.SUCCESS("Analytics demo: already there, kept as it is."))
            return
        account, _ = NetworkAccount.objects.get_or_create(
            brand=brand, network="fake", display_name="Maison Lumière (réseau de démonstration)"
        )
        now = timezone.now()
        start = now - timedelta(days=DAYS)
        published = self._history(brand, account, start=start, now=now)
        stored = self._collect(account, start=start, now=now)
        self.stdout.write(self.style.SUCCESS(f"Analytics demo: {published} posts published, read back {stored} times."))

    def _history(self, brand: Brand, account: NetworkAccount, *, start: datetime, now: datetime) -> int:
        """Two posts most days at varied hours; one in nine failed; some late by a few minutes."""
        campaigns = [
            Campaign.objects.get_or_create(brand=brand, name=name, defaults={"colour": colour})[0]
            for name, colour in (("Collection d’automne", "#b35900"), ("Portes ouvertes de l’atelier", "#2f7d32"))
        ]
        count = 0
        for day in range(DAYS):
            for slot, hour in enumerate((9, 18)):
                n = day * 2 + slot
                if n % 7 == 3:
                    continue  # a day with one post only
                planned = (start + timedelta(days=day)).replace(hour=hour - 1 + n % 3, minute=(n * 17) % 60)
                if planned >= now - timedelta(hours=1):
                    continue
                lateness = (0.5, 2.0, 40.0, 420.0)[n % 4]
                failed = n % 9 == 4
                post = Post.objects.create(
                    brand=brand,
                    text=TEXTS[n % len(TEXTS)],
                    scheduled_at=planned,
                    state=PostState.APPROVED,
                    campaign=campaigns[n % 3] if n % 3 < 2 else None,
                )
                PostTarget.objects.create(
                    post=post,
                    account=account,
                    state=TargetState.FAILED if failed else TargetState.PUBLISHED,
                    remote_id="" if failed else f"demo-{account.pk}-{n}",
                    published_at=None if failed else planned + timedelta(seconds=lateness),
                    lateness_seconds=lateness,
                    last_error="Le réseau a refusé la publication (démonstration)." if failed else "",
                )
                count += 1
        return count

    def _collect(self, account: NetworkAccount, *, start: datetime, now: datetime) -> int:
        """The dispatcher and the collection tasks' services, called as beat and the worker would,
        every two hours (a read due in between is made late, as after a pause)."""
        stored, moment = 0, start
        while moment <= now:
            day = (moment - start).days
            # What the fake network answers for the account's followers that day.
            followers = FOLLOWERS_AT_START + FOLLOWERS_PER_DAY * day + day % 4
            NetworkAccount.objects.filter(pk=account.pk).update(config={**account.config, "followers": followers})
            for claim in services.metrics_dispatch(now=moment):
                if claim.followers:
                    services.followers_collect(account_id=claim.account_id, now=moment)
                else:
                    stored += services.posts_collect(account_id=claim.account_id, claim_id=claim.claim_id, now=moment)
            moment += STEP
        return stored
