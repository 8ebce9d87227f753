"""A short reference on every booking (REFERENCE_ALPHABET: no look-alike characters),
for the confirmation, the e-mail and staff's search. Existing bookings get one each."""

import secrets

from django.db import migrations, models

import booking.models

ALPHABET = "ACDEFHJKMNPQRTUVWXY3479"


def fill(apps, schema_editor):
    Booking = apps.get_model("booking", "Booking")
    used = set()
    for row in Booking.objects.only("pk").iterator():
        reference = ""
        while not reference or reference in used:
            reference = "".join(secrets.choice(ALPHABET) for _ in range(6))
        used.add(reference)
        Booking.objects.filter(pk=row.pk).update(reference=reference)


class Migration(migrations.Migration):
    dependencies = [("booking", "0002_appointment_types_and_reception_group")]

    operations = [
        migrations.AddField(
            model_name="booking",
            name="reference",
            field=models.CharField(max_length=6, null=True, editable=False),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="booking",
            name="reference",
            field=models.CharField(
                default=booking.models.new_booking_reference,
                editable=False,
                help_text="What the patient and staff call the booking; never personal.",
                max_length=6,
                unique=True,
                verbose_name="reference",
            ),
        ),
    ]
