"""Reception uses the appointment book (issue 19). What the book does beyond
showing the day, reception could already do (book, cancel, move and mark bookings,
withdraw and reopen times): the group gains the book itself and no more."""

from django.db import migrations

from nemus_site.groups import group_grant, group_revoke

RECEPTION = "Resepsjon"
PERMISSIONS = [("booking", "use_appointment_book")]


def grant(apps, schema_editor):
    group_grant(apps, RECEPTION, PERMISSIONS)


def revoke(apps, schema_editor):
    group_revoke(apps, RECEPTION, PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("booking", "0012_appointment_book_permission")]

    operations = [migrations.RunPython(grant, revoke)]
