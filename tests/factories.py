from datetime import timedelta

import factory
from django.utils import timezone

from accounts.models import Brand, Membership, User
from accounts.roles import Role
from networks.models import NetworkAccount
from posts.models import Post, PostTarget

PASSWORD = "correct horse battery staple"
PEOPLE = ("Camille Ruiz", "Noor Haddad", "Yuki Tanaka", "Inès Blanc", "Omar Diallo", "Léa Petit")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    # Fixed names, not Faker's: a random "Gilmore" once matched the browser tests' "More" button
    # (Playwright matches names by substring), so a run depended on the draw.
    display_name = factory.Sequence(lambda n: f"{PEOPLE[n % len(PEOPLE)]} {n}")
    password = factory.django.Password(PASSWORD)


class BrandFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Brand
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Brand {n}")
    slug = factory.Sequence(lambda n: f"brand-{n}")
    time_zone = "Europe/Paris"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    brand = factory.SubFactory(BrandFactory)
    role = Role.EDITOR


class NetworkAccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NetworkAccount

    brand = factory.SubFactory(BrandFactory)
    network = "fake"
    display_name = factory.Sequence(lambda n: f"Account {n}")
    handle = factory.Sequence(lambda n: f"@account{n}")


class PostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Post

    brand = factory.SubFactory(BrandFactory)
    author = factory.SubFactory(UserFactory)
    text = factory.Faker("sentence", locale="fr_FR")
    scheduled_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=1))


class PostTargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PostTarget

    post = factory.SubFactory(PostFactory)
    account = factory.SubFactory(NetworkAccountFactory, brand=factory.SelfAttribute("..post.brand"))
