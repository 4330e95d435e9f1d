"""Print the current two-factor code of a demo account (office, admin), so the
demo stays usable without an authenticator app."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from people.mfa import DEMO_TOTP_SECRET, totp_code, totp_secret_of
from people.models import User


class Command(BaseCommand):
    help = "Print the current two-factor code of a demo account (e.g. office)."

    def add_arguments(self, parser):
        parser.add_argument("username", nargs="?", default="office")

    def handle(self, *args, username, **options):
        user = User.objects.filter(username=username).first()
        # Only the published demo secret is ever printed: never a real account's.
        if user is None or not user.is_demo or totp_secret_of(user) != DEMO_TOTP_SECRET:
            raise CommandError(
                f"{username!r} is not a demo account with the demo two-factor "
                "secret (run seed_demo first)."
            )
        if not settings.DEMO_MODE:
            raise CommandError("Demo mode is off: demo accounts cannot sign in.")
        self.stdout.write(totp_code(DEMO_TOTP_SECRET))
