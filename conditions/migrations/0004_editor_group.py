"""The "Redaktør" group: content editors, with exactly what editing needs.

Articles (conditions, their parts and items: add, change, delete, with their history),
the site's pages (change only: the site links to each), redirects, and the public
facts of clinics: address, hours, closures, practitioners. Never bookings, slots,
schedules (the "Resepsjon" group's), users or groups. Practitioners are not deleted
(their slots and bookings would go with them): an editor marks them inactive.
"""

from django.db import migrations

from nemus_site.groups import group_delete, group_grant

EDITORS = "Redaktør"
EDITOR_PERMISSIONS = [
    ("conditions", f"{action}_{model}")
    for model in ("condition", "conditionpart", "conditionitem")
    for action in ("view", "add", "change", "delete")
] + [
    ("nemus_site", "view_page"),
    ("nemus_site", "change_page"),
    ("nemus_site", "view_redirect"),
    ("nemus_site", "add_redirect"),
    ("nemus_site", "change_redirect"),
    ("nemus_site", "delete_redirect"),
    ("clinics", "view_clinic"),
    ("clinics", "change_clinic"),
    ("clinics", "view_openinghours"),
    ("clinics", "add_openinghours"),
    ("clinics", "change_openinghours"),
    ("clinics", "delete_openinghours"),
    ("clinics", "view_closure"),
    ("clinics", "add_closure"),
    ("clinics", "change_closure"),
    ("clinics", "delete_closure"),
    ("clinics", "view_practitioner"),
    ("clinics", "add_practitioner"),
    ("clinics", "change_practitioner"),
]


def create(apps, schema_editor):
    group_grant(apps, EDITORS, EDITOR_PERMISSIONS, exactly=True)


def delete(apps, schema_editor):
    group_delete(apps, EDITORS)


class Migration(migrations.Migration):
    dependencies = [
        ("conditions", "0003_verbose_names"),
        ("clinics", "0003_practitioner_photo_size"),
        ("nemus_site", "0004_seed_redirects"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(create, delete)]
