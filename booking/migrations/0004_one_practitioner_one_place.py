"""Bookings get copies of their slot's practitioner and times, which the next
migration's exclusion constraint (PostgreSQL) needs. A migration of its own: rows
updated here must be committed before a constraint is added to the same table."""

import django.db.models.deletion
from django.db import migrations, models


def copy_from_slots(apps, schema_editor):
    Booking = apps.get_model("booking", "Booking")
    for booking in Booking.objects.select_related("slot").iterator():
        Booking.objects.filter(pk=booking.pk).update(
            practitioner_id=booking.slot.practitioner_id,
            starts_at=booking.slot.starts_at,
            ends_at=booking.slot.ends_at,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("booking", "0003_booking_reference"),
        ("clinics", "0004_profession_doctor"),
    ]

    operations = [
        migrations.AddField(
            model_name="booking",
            name="practitioner",
            field=models.ForeignKey(
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="clinics.practitioner",
                verbose_name="practitioner",
            ),
        ),
        migrations.AddField(
            model_name="booking",
            name="starts_at",
            field=models.DateTimeField(editable=False, null=True, verbose_name="starts"),
        ),
        migrations.AddField(
            model_name="booking",
            name="ends_at",
            field=models.DateTimeField(editable=False, null=True, verbose_name="ends"),
        ),
        migrations.RunPython(copy_from_slots, migrations.RunPython.noop),
    ]
