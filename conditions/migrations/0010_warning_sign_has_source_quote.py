"""Every warning sign has the sentence of its source (0009 gave each one)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("conditions", "0009_warning_signs_traced")]

    operations = [
        migrations.AddConstraint(
            model_name="warningsign",
            constraint=models.CheckConstraint(
                condition=models.Q(("source_quote", ""), _negated=True),
                name="warning_sign_has_source_quote",
                violation_error_message=(
                    "Give the sentence of the source that supports this sign."
                ),
            ),
        ),
    ]
