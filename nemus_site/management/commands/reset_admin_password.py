import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse
from django_otp.plugins.otp_static.lib import add_static_token


class Command(BaseCommand):
    """Give the demo admin a new random password and print how to log in.

    `make run` calls this on every start, so no fixed password ever exists.
    """

    help = "Set a new random password for the demo admin and print it."

    def add_arguments(self, parser):
        parser.add_argument(
            "--base-url",
            default="http://127.0.0.1:8000",
            help="Where the site is served, for the printed login address.",
        )

    def handle(self, *args, **options):
        username = settings.DEMO_ADMIN_USERNAME
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(
                f"No user {username!r}; run `manage.py seed_demo` first."
            )
        password = secrets.token_urlsafe(18)
        validate_password(password, user)
        user.set_password(password)
        user.save(update_fields=["password"])
        login_url = options["base_url"].rstrip("/") + reverse("admin:login")
        lines = [
            "\nAdmin login:",
            f"  address:  {login_url}",
            f"  user:     {username}",
            f"  password: {password}",
        ]
        if settings.ADMIN_OTP:
            # A second factor is required: one printed backup code, good once, for
            # the first login; add an authenticator app under "TOTP devices" then.
            token = add_static_token(username).token
            lines.append(f"  backup code: {token} (one login; then add a TOTP device)")
        lines.append("(a new password is set each time `make run` starts)\n")
        self.stdout.write(self.style.SUCCESS("\n".join(lines)))
