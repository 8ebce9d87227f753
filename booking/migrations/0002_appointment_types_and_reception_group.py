"""Production data for booking: the two appointment types and the "Resepsjon" group
with exactly the permissions reception needs."""

from django.db import migrations

from nemus_site.groups import group_delete, group_grant

TYPES = [
    {
        "slug": "forstegangskonsultasjon",
        "name_nb": "Førstegangskonsultasjon",
        "name_en": "First consultation",
        "description_nb": "Sykehistorie, undersøkelse og første behandling.",
        "description_en": "Medical history, examination and first treatment.",
        "duration_minutes": 45,
        "price_nok": 890,
        "professions": ["kiropraktor", "manuell-terapeut", "fysioterapeut", "lege"],
        "order": 10,
    },
    {
        "slug": "oppfolging",
        "name_nb": "Oppfølging",
        "name_en": "Follow-up",
        "description_nb": "Videre behandling hos samme behandler.",
        "description_en": "Further treatment with the same practitioner.",
        "duration_minutes": 30,
        "price_nok": 590,
        "professions": ["kiropraktor", "manuell-terapeut", "fysioterapeut", "lege"],
        "order": 20,
    },
]

RECEPTION = "Resepsjon"
RECEPTION_PERMISSIONS = [
    ("booking", "view_booking"),
    ("booking", "add_booking"),
    ("booking", "change_booking"),
    ("booking", "view_slot"),
    ("booking", "change_slot"),
    ("booking", "view_weeklyschedule"),
    ("booking", "add_weeklyschedule"),
    ("booking", "change_weeklyschedule"),
    ("booking", "delete_weeklyschedule"),
    ("booking", "view_scheduleexception"),
    ("booking", "add_scheduleexception"),
    ("booking", "change_scheduleexception"),
    ("booking", "delete_scheduleexception"),
    ("booking", "view_appointmenttype"),
    ("booking", "view_clinicbookingpolicy"),
    ("clinics", "view_clinic"),
    ("clinics", "view_practitioner"),
]


def create(apps, schema_editor):
    AppointmentType = apps.get_model("booking", "AppointmentType")
    for data in TYPES:
        AppointmentType.objects.update_or_create(
            slug=data["slug"],
            defaults={**data, "name": data["name_nb"], "description": data["description_nb"]},
        )
    group_grant(apps, RECEPTION, RECEPTION_PERMISSIONS, exactly=True)


def delete(apps, schema_editor):
    group_delete(apps, RECEPTION)
    apps.get_model("booking", "AppointmentType").objects.filter(
        slug__in=[t["slug"] for t in TYPES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("booking", "0001_initial"),
        ("clinics", "0002_photo_size"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create, delete)]
