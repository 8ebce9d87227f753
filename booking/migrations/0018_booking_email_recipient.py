"""An e-mail waiting to go out keeps its recipient until it is sent or given up, so
a cancellation's message is sent after the commit that erased the booking's
address (issue 28). Unsent patient e-mails take their booking's address."""

from django.db import migrations, models

PATIENT_KINDS = ["confirmation", "reminder", "cancelled", "moved", "changed"]


def fill(apps, schema_editor):
    BookingEmail = apps.get_model("booking", "BookingEmail")
    unsent = list(
        BookingEmail.objects.filter(sent_at__isnull=True, kind__in=PATIENT_KINDS)
        .exclude(booking__email="")
        .select_related("booking")
    )
    for record in unsent:
        record.to = record.booking.email
    BookingEmail.objects.bulk_update(unsent, ["to"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("booking", "0017_row_keys")]

    operations = [
        migrations.AddField(
            model_name="bookingemail",
            name="to",
            field=models.EmailField(blank=True, max_length=254, verbose_name="e-mail"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
