"""A warning sign's source sentence, the heading it stands under and a note for the
reviewer; the condition's snapshot of its signs at the last sign-off (issue 32).
0009 fills them; 0010 makes the sentence required in the database."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("conditions", "0007_warning_sign_permissions")]

    operations = [
        migrations.AddField(
            model_name="warningsign",
            name="source_quote",
            field=models.TextField(
                default="",
                help_text=(
                    "Word for word, the sentence (or list item) of the source that "
                    "supports this sign's wording and level."
                ),
                verbose_name="source sentence",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="warningsign",
            name="source_heading",
            field=models.CharField(
                blank=True,
                help_text=(
                    "The heading the sentence stands under, which often gives its "
                    "level, e.g. “Call 999 or go to A&E if you have back pain and:”."
                ),
                max_length=300,
                verbose_name="heading in the source",
            ),
        ),
        migrations.AddField(
            model_name="warningsign",
            name="level_note",
            field=models.TextField(
                blank=True,
                help_text=(
                    "Where the source's level does not map onto our three, or what "
                    "else the reviewer should weigh. Not shown to patients."
                ),
                verbose_name="note for the reviewer",
            ),
        ),
        migrations.AddField(
            model_name="condition",
            name="signed_warning_signs",
            field=models.JSONField(
                blank=True,
                default=list,
                editable=False,
                verbose_name="warning signs at the last sign-off",
            ),
        ),
        migrations.AlterField(
            model_name="warningsign",
            name="level",
            field=models.CharField(
                choices=[
                    ("emergency", "Emergency: call 113 at once"),
                    (
                        "same_day",
                        "Same day: GP, or the out-of-hours medical service "
                        "(legevakt) on 116 117 when the GP is closed",
                    ),
                    (
                        "not_better",
                        "Not better after some weeks: GP or one of our clinics",
                    ),
                ],
                max_length=16,
                verbose_name="level",
            ),
        ),
        migrations.AlterField(
            model_name="warningsign",
            name="needs_clinical_review",
            field=models.BooleanField(
                default=True, editable=False, verbose_name="needs clinical review"
            ),
        ),
        migrations.AlterField(
            model_name="warningsign",
            name="source",
            field=models.ForeignKey(
                help_text="The page this sign is taken from.",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="warning_signs",
                to="conditions.source",
                verbose_name="source",
            ),
        ),
    ]
