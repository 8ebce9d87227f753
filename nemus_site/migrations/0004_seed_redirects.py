"""Addresses of today's nemus.no that must keep working."""

from django.db import migrations

REDIRECTS = {
    "/diagnoser/korsryggsmerter/korsryggsmerter/": "/plager/korsryggsmerter/",
}


def create_redirects(apps, schema_editor):
    Redirect = apps.get_model("nemus_site", "Redirect")
    for old_path, new_path in REDIRECTS.items():
        Redirect.objects.update_or_create(
            old_path=old_path, defaults={"new_path": new_path}
        )


def delete_redirects(apps, schema_editor):
    apps.get_model("nemus_site", "Redirect").objects.filter(
        old_path__in=REDIRECTS
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("nemus_site", "0003_redirect")]

    operations = [migrations.RunPython(create_redirects, delete_redirects)]
