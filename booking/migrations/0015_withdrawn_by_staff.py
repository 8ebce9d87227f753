"""Times withdrawn before the reason was kept: by staff (an absence's are withdrawn
again with their reason by the next generate_slots)."""

from django.db import migrations


def mark(apps, schema_editor):
    apps.get_model("booking", "Slot").objects.filter(
        is_withdrawn=True, withdrawn_by=""
    ).update(withdrawn_by="staff")


class Migration(migrations.Migration):
    dependencies = [("booking", "0014_calendars")]

    operations = [migrations.RunPython(mark, migrations.RunPython.noop)]
