"""Whom an appointment type is for: new patients, returning patients or both. The
follow-up is for returning patients; the first consultation stays open to both (a
returning patient with a new complaint books one)."""

from django.db import migrations, models


def set_audiences(apps, schema_editor):
    AppointmentType = apps.get_model("booking", "AppointmentType")
    AppointmentType.objects.filter(slug="oppfolging").update(audience="returning")


def unset(apps, schema_editor):
    pass  # the field goes away with the migration


class Migration(migrations.Migration):
    dependencies = [("booking", "0018_booking_email_recipient")]

    operations = [
        migrations.AddField(
            model_name="appointmenttype",
            name="audience",
            field=models.CharField(
                choices=[
                    ("both", "New and returning patients"),
                    ("new", "New patients only"),
                    ("returning", "Returning patients only"),
                ],
                default="both",
                help_text=(
                    "A new patient is only offered types for new patients or for "
                    "both; the booking is refused otherwise."
                ),
                max_length=12,
                verbose_name="for whom",
            ),
        ),
        migrations.RunPython(set_audiences, unset),
    ]
