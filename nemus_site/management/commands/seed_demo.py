import random

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from booking.demo import seed_booking, seed_prices
from clinics.demo import seed_clinics


class Command(BaseCommand):
    """Load demo data for `make run`. Idempotent: running it again changes nothing.

    Each app adds its demo data here as it grows. Demo rows are marked as demo in the
    admin; none of it belongs in migrations.
    """

    help = "Load demo data (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--seed", type=int, default=1, help="Random seed, for repeatable data."
        )

    def handle(self, *args, **options):
        if not settings.DEMO_MODE:
            raise CommandError(
                "Demo data is only loaded with demo mode on (NEMUS_DEMO_MODE=1), so "
                "that every page says the clinics, people and times are invented. "
                "`make run` turns it on."
            )
        rng = random.Random(options["seed"])
        clinics = seed_clinics(rng=rng)
        self.stdout.write(f"Demo clinics: {len(clinics)}")
        seed_prices(clinics=clinics)
        slots = seed_booking(clinics=clinics)
        self.stdout.write(f"Demo slots made: {slots}")
        user, created = get_user_model().objects.get_or_create(
            username=settings.DEMO_ADMIN_USERNAME,
            defaults={
                "first_name": "Demo",
                "last_name": "(demo-administrator)",
                "is_staff": True,
                "is_superuser": True,
            },
        )
        if created:
            # No password until `reset_admin_password` gives it a fresh random one.
            user.set_unusable_password()
            user.save(update_fields=["password"])
        self.stdout.write(
            f"Demo admin {'created' if created else 'already present'}: {user.username}"
        )
