from django.core.management.base import BaseCommand

from clinics.profession_facts import profession_facts_load


class Command(BaseCommand):
    """Add what each profession can do, with its source (clinics/profession_facts.py);
    rows staff have edited are kept as they are."""

    help = "Add the missing rows of what each profession can do (idempotent)."

    def handle(self, *args, **options):
        added = profession_facts_load()
        self.stdout.write(f"Profession facts added: {added}")
