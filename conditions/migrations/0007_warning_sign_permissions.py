"""Editors ("Redaktør") edit warning signs and sources like the rest of an article;
the new "Faglig ansvarlig" group (clinical reviewers) may sign off a condition's
clinical review, which names them on the page. Editors cannot sign off."""

from django.db import migrations

from nemus_site.groups import group_delete, group_grant, group_revoke

EDITORS = "Redaktør"
REVIEWERS = "Faglig ansvarlig"
EDITOR_PERMISSIONS = [
    ("conditions", f"{action}_{model}")
    for model in ("warningsign", "source")
    for action in ("view", "add", "change", "delete")
]
REVIEWER_PERMISSIONS = [
    ("conditions", codename)
    for codename in (
        "sign_off_review",
        "view_condition",
        "change_condition",
        "view_conditionpart",
        "view_conditionitem",
        "view_warningsign",
        "view_source",
    )
]


def create(apps, schema_editor):
    group_grant(apps, EDITORS, EDITOR_PERMISSIONS)
    group_grant(apps, REVIEWERS, REVIEWER_PERMISSIONS, exactly=True)


def delete(apps, schema_editor):
    group_delete(apps, REVIEWERS)
    group_revoke(apps, EDITORS, EDITOR_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("conditions", "0006_korsryggsmerter_warning_signs"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]
    operations = [migrations.RunPython(create, delete)]
