"""The low-back-pain warning signs as rows, with their sources, replacing the two
warning parts (whose lists were written here, not taken from the seed article).

Chest pain with back pain moves to the emergency level (it can be the heart or the
aorta), and a third level says when to get checked if the pain does not get better.
Every sign is flagged for clinical review: nothing here is signed off by a clinician.
Reversible: going back restores the two parts as they were.
"""

from django.db import migrations

SLUG = "korsryggsmerter"

SOURCES = {
    "nhi": {
        "title": "Korsryggsmerter, lave ryggsmerter, veiviser",
        "publisher": "Norsk Helseinformatikk (NHI.no)",
        "year": 2020,
        "language": "nb",
        "url": "https://nhi.no/symptomer/muskelskjelett/korsryggsmerter-veiviser/",
    },
    "nice": {
        "title": (
            "Low back pain and sciatica in over 16s: assessment and management (NG59)"
        ),
        "publisher": "National Institute for Health and Care Excellence (NICE)",
        "year": 2020,
        "language": "en",
        "url": "https://www.nice.org.uk/guidance/ng59",
    },
}

CAUDA_EQUINA_NB = (
    "Kan være tegn på at nervene nederst i ryggen er i klem (cauda equina-syndrom), "
    "som må undersøkes på sykehus straks."
)
CAUDA_EQUINA_EN = (
    "Can be a sign that the nerves at the bottom of the spine are being squeezed "
    "(cauda equina syndrome), which must be examined in hospital at once."
)

# (level, nb, en, detail nb, detail en, source)
SIGNS = [
    (
        "emergency",
        "nummenhet rundt kjønnsorganene, i setet eller på innsiden av lårene",
        "numbness around your genitals, in your buttocks or on the inside of your "
        "thighs",
        CAUDA_EQUINA_NB,
        CAUDA_EQUINA_EN,
        "nice",
    ),
    (
        "emergency",
        "problemer med å tisse, eller har mistet kontrollen over urin eller avføring",
        "trouble passing urine, or you have lost control of your bladder or bowel",
        CAUDA_EQUINA_NB,
        CAUDA_EQUINA_EN,
        "nice",
    ),
    (
        "emergency",
        "svakhet i begge bena, eller svakhet i ett ben som blir verre",
        "weakness in both legs, or weakness in one leg that is getting worse",
        CAUDA_EQUINA_NB,
        CAUDA_EQUINA_EN,
        "nice",
    ),
    (
        "emergency",
        "smerter i brystet",
        "chest pain",
        "Kan komme fra hjertet eller hovedpulsåren.",
        "It can come from the heart or the body's main artery (the aorta).",
        "nhi",
    ),
    (
        "emergency",
        "smerter som begynte etter en alvorlig ulykke eller et fall",
        "pain that began after a serious accident or fall",
        "Kan være tegn på en alvorlig skade.",
        "Can be a sign of a serious injury.",
        "nhi",
    ),
    (
        "same_day",
        "feber, eller føler deg generelt syk",
        "a fever, or you feel generally unwell",
        "",
        "",
        "nhi",
    ),
    (
        "same_day",
        "konstante smerter som også er der i hvile eller om natten, og som stadig "
        "blir verre",
        "constant pain that is also there when you rest or at night, and keeps "
        "getting worse",
        "",
        "",
        "nhi",
    ),
    (
        "same_day",
        "kjent kreftsykdom, eller vekttap du ikke kan forklare",
        "cancer now or in the past, or weight loss you cannot explain",
        "",
        "",
        "nhi",
    ),
    (
        "same_day",
        "bruker kortison (steroider) eller medisiner som svekker immunforsvaret",
        "you take steroids or medicines that weaken the immune system",
        "",
        "",
        "nhi",
    ),
    (
        "same_day",
        "fikk ryggsmerter for første gang før du fylte 20 eller etter at du fylte 55",
        "your back pain started for the first time before you were 20 or after you "
        "were 55",
        "",
        "",
        "nhi",
    ),
    (
        "not_better",
        "ryggsmertene ikke er blitt bedre etter 4–6 uker",
        "your back pain is not better after 4–6 weeks",
        "",
        "",
        "nhi",
    ),
    (
        "not_better",
        "smertene hindrer deg i å gjøre vanlige ting, eller du er bekymret",
        "the pain stops you doing everyday things, or you are worried about it",
        "",
        "",
        "nice",
    ),
]


def create_signs(apps, schema_editor):
    Condition = apps.get_model("conditions", "Condition")
    ConditionPart = apps.get_model("conditions", "ConditionPart")
    Source = apps.get_model("conditions", "Source")
    WarningSign = apps.get_model("conditions", "WarningSign")
    condition = Condition.objects.filter(slug_nb=SLUG).first()
    if condition is None:
        return
    condition.warning_subject = condition.warning_subject_nb = "vondt i ryggen"
    condition.warning_subject_en = "back pain"
    condition.save(
        update_fields=["warning_subject", "warning_subject_nb", "warning_subject_en"]
    )
    condition.warning_signs.all().delete()  # idempotent
    sources = {}
    for key, fields in SOURCES.items():
        sources[key], _created = Source.objects.get_or_create(
            url=fields["url"], defaults=fields
        )
    for order, (level, nb, en, detail_nb, detail_en, source) in enumerate(
        SIGNS, start=1
    ):
        WarningSign.objects.create(
            condition=condition,
            level=level,
            order=order * 10,
            text=nb,
            text_nb=nb,
            text_en=en,
            detail=detail_nb,
            detail_nb=detail_nb,
            detail_en=detail_en,
            source=sources[source],
            needs_clinical_review=True,
        )
    ConditionPart.objects.filter(
        condition=condition, kind__in=["warning_emergency", "warning_urgent"]
    ).delete()


def restore_parts(apps, schema_editor):
    """Back to 0005: the two warning parts as migration 0002 wrote them."""
    from importlib import import_module

    seed = import_module("conditions.migrations.0002_korsryggsmerter")
    Condition = apps.get_model("conditions", "Condition")
    ConditionPart = apps.get_model("conditions", "ConditionPart")
    ConditionItem = apps.get_model("conditions", "ConditionItem")
    condition = Condition.objects.filter(slug_nb=SLUG).first()
    if condition is None:
        return
    condition.warning_signs.all().delete()
    for order, part in enumerate(seed.PARTS, start=1):
        if not part["kind"].startswith("warning_"):
            continue
        created = ConditionPart.objects.create(
            condition=condition,
            order=order * 10,
            kind=part["kind"],
            heading=part["heading_nb"],
            heading_nb=part["heading_nb"],
            heading_en=part["heading_en"],
            after=part["after_nb"],
            after_nb=part["after_nb"],
            after_en=part["after_en"],
            needs_clinical_review=True,
            needs_clinical_review_nb=True,
            needs_clinical_review_en=True,
        )
        for item_order, item in enumerate(part["items"], start=1):
            ConditionItem.objects.create(
                part=created, order=item_order * 10, **seed._item_fields(item)
            )


class Migration(migrations.Migration):
    dependencies = [("conditions", "0005_warning_signs_sources_signoff")]

    operations = [migrations.RunPython(create_signs, restore_parts)]
