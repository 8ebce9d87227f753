"""Reception sees the waiting list of its clinics (counts, and an entry when a
patient calls about it) and may take a patient off it."""

from django.db import migrations

from nemus_site.groups import group_grant, group_revoke

RECEPTION = "Resepsjon"
PERMISSIONS = [
    ("booking", "view_waitlistentry"),
    ("booking", "delete_waitlistentry"),
]


def grant(apps, schema_editor):
    group_grant(apps, RECEPTION, PERMISSIONS)


def revoke(apps, schema_editor):
    group_revoke(apps, RECEPTION, PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("booking", "0009_waiting_list")]

    operations = [migrations.RunPython(grant, revoke)]
