from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from api.tokens import token_create


class Command(BaseCommand):
    help = "Create a personal API token for a user and print it (once: only its digest is kept)."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--name", default="command line", help="What the token is for.")

    def handle(self, *args, email, name, **options):
        user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
        if user is None:
            raise CommandError(f"No active user with the email address {email}.")
        try:
            token, raw = token_create(user=user, name=name)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        # The token alone on stdout so `TOKEN=$(manage.py create_token ...)` works; words on stderr.
        self.stderr.write(f"Token “{token.name}” for {user.email} (shown once, keep it safe):")
        self.stdout.write(raw)
