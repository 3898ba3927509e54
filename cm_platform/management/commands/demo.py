"""`manage.py demo`: one brand, one person per role, a web feed, three posts about to go out, and
a community account on the fake network whose messages the worker brings into the inbox.

Idempotent: every object is looked up before it is created, so `make run` can call it each time
and keeps what the user changed. The three posts are made only when the brand itself is new.
"""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone, translation

from accounts.models import Brand, Membership, User
from accounts.roles import Role
from networks.adapters.conversations import MessageKind
from networks.adapters.fake import FakeAdapter
from networks.models import NetworkAccount
from posts.models import Post, PostState, PostTarget

PEOPLE = [
    # (email, password, display name, role). Demo passwords: readable on purpose, local use only.
    ("owner@demo.example", "demo-owner-2026", "Camille Propriétaire", Role.OWNER),
    ("manager@demo.example", "demo-manager-2026", "Marc Responsable", Role.MANAGER),
    ("editor@demo.example", "demo-editor-2026", "Élodie CM", Role.EDITOR),
    ("viewer@demo.example", "demo-viewer-2026", "Victor Lecteur", Role.VIEWER),
]
POSTS = [
    (2, "☀️ Nouvelle collection printemps chez Maison Lumière : des lampes qui réchauffent vos soirées."),
    (5, "Nos artisans vous ouvrent l'atelier samedi de 10 h à 18 h. Venez voir naître une lampe !"),
    (10, "Concours : partagez une photo de votre coin lecture préféré et gagnez une suspension Lumière."),
]

# (minutes ago, author, text, number of the message it answers): the demo's inbox.
MESSAGES = [
    (180, "@claire@piaille.fr", "@maisonlumiere Vous livrez en Belgique ? Je cherche une suspension pour Noël.", 0),
    (95, "@marc@mastodon.social", "Ma lampe est arrivée cassée… @maisonlumiere, que fait-on ?", 0),
    (60, "@claire@piaille.fr", "Et les frais de port, c’est combien ?", 1),
    (12, "@ines@framapiaf.org", "Merci @maisonlumiere pour l’atelier de samedi, c’était génial ! 🎉", 0),
]


class Command(BaseCommand):
    help = "Load the demo brand Maison Lumière with one user per role (safe to run again)."

    def handle(self, *args, **options):
        with transaction.atomic():
            brand, brand_is_new = Brand.objects.get_or_create(
                slug="demo", defaults={"name": "Maison Lumière", "time_zone": "Europe/Paris"}
            )
            users = [self._member(brand, email, password, name, role) for email, password, name, role in PEOPLE]
            account, _ = NetworkAccount.objects.get_or_create(
                brand=brand, network="webfeed", defaults={"display_name": "Site web (flux)"}
            )
            if brand_is_new:
                self._posts(brand, account, author=users[2], approver=users[1])
                self._community(brand)
        self._print_sign_ins(brand, brand_is_new)

    def _member(self, brand: Brand, email: str, password: str, name: str, role: str) -> User:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email=email, password=password, display_name=name, language="fr")
        Membership.objects.get_or_create(user=user, brand=brand, defaults={"role": role})
        return user

    def _posts(self, brand: Brand, account: NetworkAccount, author: User, approver: User) -> None:
        now = timezone.now()
        for minutes, text in POSTS:
            post = Post.objects.create(
                brand=brand,
                author=author,
                text=text,
                scheduled_at=now + timedelta(minutes=minutes),
                state=PostState.APPROVED,
                approved_by=approver,
                approved_at=now,
            )
            PostTarget.objects.create(post=post, account=account)
            # Bind the approval to this exact content, as post_approve does.
            post.approved_fingerprint = post.content.fingerprint
            post.save(update_fields=["approved_fingerprint"])

    def _community(self, brand: Brand) -> None:
        """People writing to the brand on the fake network (its messages live in the account's
        config, so the worker reading the inbox sees them)."""
        community = NetworkAccount.objects.create(
            brand=brand, network="fake", display_name="Communauté (démo)", handle="@maisonlumiere"
        )
        now = timezone.now()
        for minutes_ago, author, text, answers in MESSAGES:
            parent = f"m{answers}-{community.pk}" if answers else ""
            FakeAdapter.receive(
                community,
                text,
                author=author,
                in_reply_to=parent,
                at=now - timedelta(minutes=minutes_ago),
                kind=MessageKind.REPLY if parent else MessageKind.MENTION,
            )

    def _print_sign_ins(self, brand: Brand, brand_is_new: bool) -> None:
        status = "created" if brand_is_new else "already there, kept as it is"
        self.stdout.write(self.style.SUCCESS(f"Demo brand “{brand.name}” ({status})."))
        self.stdout.write(f"Sign in at {settings.SITE_URL} with:")
        with translation.override("en"):  # the rest of this output is English too
            for email, password, _name, role in PEOPLE:
                self.stdout.write(f"  {Role(role).label:<18} {email:<24} {password}")
