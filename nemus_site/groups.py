"""Staff groups and their permissions, made by data migrations.

Django creates a model's permissions only after every migration has run (in
post_migrate), so a migration that grants them makes them first. These functions
take the migration's historical `apps` and work on any database.
"""

from django.contrib.auth.management import create_permissions


def _permissions(apps, permissions):
    """Permission rows for [(app_label, codename), ...], made where missing."""
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    return [
        Permission.objects.get(content_type__app_label=app, codename=codename)
        for app, codename in permissions
    ]


def group_grant(apps, name: str, permissions, *, exactly: bool = False) -> None:
    """Give the group `name` (made when missing) these permissions; with `exactly`,
    these and no others."""
    group, _created = apps.get_model("auth", "Group").objects.get_or_create(name=name)
    rows = _permissions(apps, permissions)
    if exactly:
        group.permissions.set(rows)
    else:
        group.permissions.add(*rows)


def group_revoke(apps, name: str, permissions) -> None:
    """Take these permissions from the group `name`, if it is there."""
    group = apps.get_model("auth", "Group").objects.filter(name=name).first()
    if group is not None:
        group.permissions.remove(*_permissions(apps, permissions))


def group_delete(apps, name: str) -> None:
    apps.get_model("auth", "Group").objects.filter(name=name).delete()
