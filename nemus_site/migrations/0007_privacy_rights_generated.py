"""The privacy notice's "Your rights" is now generated under the table, with every
right (restriction too) and the address to write to from settings
(NEMUS_PRIVACY_CONTACT); the prose's own section, which said only "by writing to
us", is taken out where staff have left it as 0005 wrote it. Reversible."""

from importlib import import_module

from django.db import migrations

def _sections() -> dict:
    """The rights section as 0005 wrote it, in each language."""
    texts = import_module("nemus_site.migrations.0005_privacy_and_accessibility_texts")
    return {
        "nb": texts.PRIVACY_NB[texts.PRIVACY_NB.index("\n\n## Dine rettigheter") :],
        "en": texts.PRIVACY_EN[texts.PRIVACY_EN.index("\n\n## Your rights") :],
    }


def _edit(apps, change):
    Page = apps.get_model("nemus_site", "Page")
    page = Page.objects.filter(key="privacy").first()
    if page is None:
        return
    for language, section in _sections().items():
        field = f"body_{language}"
        setattr(page, field, change(getattr(page, field) or "", section))
    page.body = page.body_nb
    page.save()


def forward(apps, schema_editor):
    _edit(apps, lambda body, section: body.replace(section, ""))


def backward(apps, schema_editor):
    _edit(
        apps,
        lambda body, section: body if section in body else body.rstrip() + section,
    )


class Migration(migrations.Migration):
    dependencies = [("nemus_site", "0006_rate_limit_counter")]

    operations = [migrations.RunPython(forward, backward)]
