"""Rows keep a random key their links carry (a restored backup reuses ids, never
keys); access records name the booking by it (issue 28)."""

from django.db import migrations, models

import booking.models


def fill(apps, schema_editor):
    Booking = apps.get_model("booking", "Booking")
    WaitlistEntry = apps.get_model("booking", "WaitlistEntry")
    BookingAccess = apps.get_model("booking", "BookingAccess")
    for model in (Booking, WaitlistEntry):
        rows = list(model.objects.only("pk"))
        for row in rows:
            row.key = booking.models.new_row_key()
        model.objects.bulk_update(rows, ["key"], batch_size=500)
    keys = dict(Booking.objects.values_list("pk", "key"))
    entries = dict(WaitlistEntry.objects.values_list("pk", "key"))
    records = list(BookingAccess.objects.all())
    for record in records:
        record.booking_key = keys.get(record.booking_id, "")
        record.waitlist_entry_key = entries.get(record.waitlist_entry_id, "")
    BookingAccess.objects.bulk_update(
        records, ["booking_key", "waitlist_entry_key"], batch_size=500
    )


class Migration(migrations.Migration):
    dependencies = [("booking", "0016_calendar_feed_message")]

    operations = [
        migrations.AddField(
            model_name="booking",
            name="key",
            field=models.CharField(max_length=16, null=True, editable=False),
        ),
        migrations.AddField(
            model_name="waitlistentry",
            name="key",
            field=models.CharField(max_length=16, null=True, editable=False),
        ),
        migrations.AddField(
            model_name="bookingaccess",
            name="booking_key",
            field=models.CharField(
                blank=True, db_index=True, max_length=16, verbose_name="booking key"
            ),
        ),
        migrations.AddField(
            model_name="bookingaccess",
            name="waitlist_entry_key",
            field=models.CharField(
                blank=True, max_length=16, verbose_name="waiting-list entry key"
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="booking",
            name="key",
            field=models.CharField(
                default=booking.models.new_row_key,
                editable=False,
                max_length=16,
                unique=True,
            ),
        ),
        migrations.AlterField(
            model_name="waitlistentry",
            name="key",
            field=models.CharField(
                default=booking.models.new_row_key,
                editable=False,
                max_length=16,
                unique=True,
            ),
        ),
    ]
