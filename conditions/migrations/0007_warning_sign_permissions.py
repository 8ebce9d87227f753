"""Editors ("Redaktør") edit warning signs and sources like the rest of an article;
the new "Faglig ansvarlig" group (clinical reviewers) may sign off a condition's
clinical review, which names them on the page. Editors cannot sign off."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS = "Redaktør"
REVIEWERS = "Faglig ansvarlig"
EDITOR_PERMISSIONS = [
    f"{action}_{model}"
    for model in ("warningsign", "source")
    for action in ("view", "add", "change", "delete")
]
REVIEWER_PERMISSIONS = [
    "sign_off_review",
    "view_condition",
    "change_condition",
    "view_conditionpart",
    "view_conditionitem",
    "view_warningsign",
    "view_source",
]


def _permissions(Permission, codenames):
    return [
        Permission.objects.get(content_type__app_label="conditions", codename=codename)
        for codename in codenames
    ]


def create(apps, schema_editor):
    app_config = apps.get_app_config("conditions")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _created = Group.objects.get_or_create(name=EDITORS)
    editors.permissions.add(*_permissions(Permission, EDITOR_PERMISSIONS))
    reviewers, _created = Group.objects.get_or_create(name=REVIEWERS)
    reviewers.permissions.set(_permissions(Permission, REVIEWER_PERMISSIONS))


def delete(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Group.objects.filter(name=REVIEWERS).delete()
    editors = Group.objects.filter(name=EDITORS).first()
    if editors is not None:
        editors.permissions.remove(*_permissions(Permission, EDITOR_PERMISSIONS))


class Migration(migrations.Migration):
    dependencies = [
        ("conditions", "0006_korsryggsmerter_warning_signs"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]
    operations = [migrations.RunPython(create, delete)]
