"""Warning signs traced to their sources, as proposals for a clinician's sign-off.

Each row gets the sentence of its source that supports its wording and level (and
the heading it stands under), and a note for the reviewer where the source's level
does not map onto our three. The low-back-pain rows are brought in line with
NHS.uk's back-pain and cauda equina pages, NICE CKS and NHI.no: one row is split
(serious accident / minor fall with thin bones), the steroid row names long-term
tablets, the age row moves from "same day" to "see your GP", and six signs are
added. Every row stays flagged for clinical review: nothing here is signed off.

A row is found by its wording from 0006; one an editor has reworded since is left
as it is, and the proposal added beside it. The sentences were taken from stored
copies of the pages: the reviewer checks them against the live page (each row links
it). Reversible: going back restores 0006's rows. The fields come in 0008 and the
database's check that every row has its sentence in 0010: PostgreSQL cannot alter
a table in the transaction that just updated its rows.
"""

from django.db import migrations

SLUG = "korsryggsmerter"

SOURCES = {
    "nhs_back": {
        "title": "Back pain",
        "publisher": "NHS",
        "year": 2023,
        "language": "en",
        "url": "https://www.nhs.uk/conditions/back-pain/",
    },
    "nhs_ces": {
        "title": "Cauda equina syndrome",
        "publisher": "NHS",
        "year": 2023,
        "language": "en",
        "url": "https://www.nhs.uk/conditions/cauda-equina-syndrome/",
    },
    "cks": {
        "title": "Back pain – low (without radiculopathy)",
        "publisher": "NICE Clinical Knowledge Summaries (CKS)",
        "year": 2024,
        "language": "en",
        "url": "https://cks.nice.org.uk/topics/back-pain-low-without-radiculopathy/",
    },
    "nhi": {
        "title": "Korsryggsmerter, lave ryggsmerter, veiviser",
        "publisher": "Norsk Helseinformatikk (NHI.no)",
        "year": 2020,
        "language": "nb",
        "url": "https://nhi.no/symptomer/muskelskjelett/korsryggsmerter-veiviser/",
    },
}

NHS_999 = "Immediate action required: Call 999 or go to A&E if you have back pain and:"
NHS_111 = (
    "Urgent advice: Ask for an urgent GP appointment or call 111 if you have back "
    "pain and:"
)
NHS_GP = "Non-urgent advice: See a GP if:"

# As 0006 wrote it: shown once under the signs that share it (warning_signs.py).
CAUDA_EQUINA = (
    "Kan være tegn på at nervene nederst i ryggen er i klem (cauda equina-syndrom), "
    "som må undersøkes på sykehus straks.",
    "Can be a sign that the nerves at the bottom of the spine are being squeezed "
    "(cauda equina syndrome), which must be examined in hospital at once.",
)
CHEST = (
    "Kan komme fra hjertet eller hovedpulsåren.",
    "It can come from the heart or the body's main artery (the aorta).",
)
NO_DETAIL = ("", "")


def row(before, level, nb, en, detail, source, heading, quote, note=""):
    return {
        "before": before,
        "level": level,
        "text_nb": nb,
        "text_en": en,
        "detail_nb": detail[0],
        "detail_en": detail[1],
        "source": source,
        "source_heading": heading,
        "source_quote": quote,
        "level_note": note,
    }


# In the order the article shows them; `before` is the row's wording in 0006 (None:
# a new row).
ROWS = [
    row(
        "nummenhet rundt kjønnsorganene, i setet eller på innsiden av lårene",
        "emergency",
        "nummenhet eller prikking rundt kjønnsorganene, i setet eller på innsiden "
        "av lårene",
        "numbness or tingling around your genitals, in your buttocks or on the "
        "inside of your thighs",
        CAUDA_EQUINA,
        "nhs_back",
        NHS_999,
        "numbness or tingling around your genitals or buttocks",
        "«Innsiden av lårene» står ikke i NHS-listen; NICE CKS beskriver det som "
        "«perianal or perineal sensory loss (saddle anaesthesia or paraesthesia)».",
    ),
    row(
        None,
        "emergency",
        "endret følelse når du tørker deg etter et toalettbesøk",
        "a change in feeling when you wipe yourself after using the toilet",
        CAUDA_EQUINA,
        "nhs_ces",
        "",
        "altered feeling when using toilet paper to wipe yourself",
    ),
    row(
        "problemer med å tisse, eller har mistet kontrollen over urin eller avføring",
        "emergency",
        "problemer med å tisse, eller har mistet kontrollen over urin eller avføring",
        "trouble passing urine, or you have lost control of your bladder or bowel",
        CAUDA_EQUINA,
        "nhs_back",
        NHS_999,
        "difficulty peeing / loss of bladder or bowel control (peeing or pooing "
        "yourself)",
    ),
    row(
        None,
        "emergency",
        "nye problemer med ereksjon eller utløsning, eller mindre følelse i "
        "kjønnsorganene under sex",
        "new problems getting an erection or ejaculating, or less feeling in your "
        "genitals during sex",
        CAUDA_EQUINA,
        "nhs_ces",
        "",
        "change in ability to achieve an erection or ejaculate / loss of sensation "
        "in genitals during sexual intercourse",
    ),
    row(
        "svakhet i begge bena, eller svakhet i ett ben som blir verre",
        "emergency",
        "nummenhet, prikking eller svakhet i begge bena, eller svakhet i ett ben "
        "som blir verre",
        "numbness, tingling or weakness in both legs, or weakness in one leg that "
        "is getting worse",
        CAUDA_EQUINA,
        "nhs_back",
        NHS_999,
        "pain, tingling, weakness or numbness in both legs",
        "NHS nevner begge bena. «Svakhet i ett ben som blir verre» sto her før, men "
        "står ikke i NHS-listen (ett ben er oftere en nerverot enn cauda equina): "
        "vurder om den hører til samme dag.",
    ),
    row(
        "smerter i brystet",
        "emergency",
        "smerter i brystet",
        "chest pain",
        CHEST,
        "nhs_back",
        NHS_999,
        "chest pain",
    ),
    row(
        "smerter som begynte etter en alvorlig ulykke eller et fall",
        "emergency",
        "smerter som begynte etter en alvorlig ulykke, som en trafikkulykke eller "
        "et fall fra høyde",
        "pain that began after a serious accident, such as a car accident or a fall "
        "from a height",
        ("Kan være tegn på en alvorlig skade.", "Can be a sign of a serious injury."),
        "nhs_back",
        NHS_999,
        "it started after a serious accident, such as a car accident",
        "«Et fall fra høyde» er fra NICE CKS: «major trauma (such as a road traffic "
        "collision or fall from a height)». Et mindre fall står nå på egen rad, "
        "samme dag.",
    ),
    row(
        None,
        "same_day",
        "smerter etter et mindre fall eller et tungt løft, hvis du har benskjørhet "
        "(osteoporose) eller har brukt kortisontabletter lenge",
        "pain after a minor fall or heavy lifting, if you have thin bones "
        "(osteoporosis) or have taken steroid tablets for a long time",
        NO_DETAIL,
        "cks",
        "Spinal fracture",
        "minor trauma, or even just strenuous lifting in people with osteoporosis "
        "or those who use corticosteroids",
        "CKS gir ingen tidsfrist for et mulig brudd, og NHS-sidene nevner ikke et "
        "mindre fall. Foreslått samme dag: et brudd bør avklares snart, men er ikke "
        "et 113-tilfelle.",
    ),
    row(
        "feber, eller føler deg generelt syk",
        "same_day",
        "feber, eller føler deg generelt syk",
        "a fever, or you feel generally unwell",
        NO_DETAIL,
        "nhs_back",
        NHS_111,
        "a high temperature",
        "«Generelt syk» står ikke hos NHS; NHI nevner «Allmennsymptomer, feber, "
        "vekttap».",
    ),
    row(
        None,
        "same_day",
        "feber og har satt sprøyter med rusmidler, eller har svekket immunforsvar",
        "a fever and you have injected drugs, or your immune system is weakened",
        NO_DETAIL,
        "cks",
        "Infection",
        "Fever. / History of intravenous drug use. / HIV infection, use of "
        "immunosuppressants, or the person is otherwise immunocompromised.",
        "Feber alene står alt på dette nivået; raden er med fordi kildene nevner "
        "sprøytebruk og svekket immunforsvar særskilt (infeksjon i ryggen). CKS "
        "gir ingen tidsfrist.",
    ),
    row(
        "konstante smerter som også er der i hvile eller om natten, og som stadig "
        "blir verre",
        "same_day",
        "konstante smerter som også er der i hvile eller om natten, og som stadig "
        "blir verre",
        "constant pain that is also there when you rest or at night, and keeps "
        "getting worse",
        NO_DETAIL,
        "nhs_back",
        NHS_111,
        "the pain does not improve after resting or is worse at night",
    ),
    row(
        "kjent kreftsykdom, eller vekttap du ikke kan forklare",
        "same_day",
        "kjent kreftsykdom, eller vekttap du ikke kan forklare",
        "cancer now or in the past, or weight loss you cannot explain",
        NO_DETAIL,
        "nhs_back",
        NHS_111,
        "you've lost weight without trying to",
        "Tidligere kreft står ikke hos NHS; NICE CKS («Past history of cancer») og "
        "NHI («kjent kreftsykdom») nevner det, uten tidsfrist.",
    ),
    row(
        "bruker kortison (steroider) eller medisiner som svekker immunforsvaret",
        "same_day",
        "har brukt kortisontabletter (steroider) lenge, eller bruker medisiner som "
        "svekker immunforsvaret",
        "you have taken steroid tablets for a long time, or you take medicines that "
        "weaken your immune system",
        NO_DETAIL,
        "nhi",
        "Symptomer og tegn som det legges stor vekt på",
        "Bruk av steroider, immunhemmende midler, alkohol- og stoffmisbruk",
        "Det kildene mener, er kortison tatt over tid som tabletter (fare for brudd "
        "og infeksjon), ikke nesespray eller krem. NHI gir ingen tidsfrist; nivået "
        "er beholdt til vurdering.",
    ),
    row(
        None,
        "same_day",
        "smerter høyt oppe i ryggen, mellom skulderbladene",
        "pain high up in your back, between your shoulder blades",
        NO_DETAIL,
        "nhs_back",
        NHS_111,
        "the pain is coming from the top of your back (between your shoulders), "
        "rather than your lower back",
    ),
    row(
        None,
        "same_day",
        "en hevelse eller kul på ryggen, eller ryggen har endret form",
        "a swelling or lump on your back, or your back has changed shape",
        NO_DETAIL,
        "nhs_back",
        NHS_111,
        "there's a lump or swelling in your back or your back has changed shape",
    ),
    row(
        "ryggsmertene ikke er blitt bedre etter 4–6 uker",
        "not_better",
        "ryggsmertene ikke er blitt bedre etter 4–6 uker",
        "your back pain is not better after 4–6 weeks",
        NO_DETAIL,
        "nhs_back",
        NHS_GP,
        "the pain does not improve within 4 weeks",
        "NHS sier 4 uker; artikkelen og NHI sier 4–6 uker. Beholdt 4–6 uker.",
    ),
    row(
        "smertene hindrer deg i å gjøre vanlige ting, eller du er bekymret",
        "not_better",
        "smertene hindrer deg i å gjøre vanlige ting, eller du er bekymret",
        "the pain stops you doing everyday things, or you are worried about it",
        NO_DETAIL,
        "nhs_back",
        NHS_GP,
        "the pain stops you doing your day-to-day activities / you're worried about "
        "the pain or struggling to cope",
    ),
    row(
        "fikk ryggsmerter for første gang før du fylte 20 eller etter at du fylte 55",
        "not_better",
        "du fikk vondt i ryggen for første gang før du fylte 20 eller etter at du "
        "fylte 55",
        "your back pain started for the first time before you were 20 or after you "
        "were 55",
        NO_DETAIL,
        "nhi",
        "Symptomer og tegn som det legges stor vekt på",
        "Alder under 20 eller over 55 år",
        "Nivået passer ikke helt: NHI regner alder blant tegnene legen legger stor "
        "vekt på, uten tidsfrist, og verken NHS eller NICE gjør alder til en grunn "
        "til å søke hjelp samme dag. Vi har ikke noe nivå for «gå til fastlegen "
        "snart»; foreslått dette nivået (fastlege eller oss) i stedet for samme "
        "dag. Vurder om raden bør si fastlegen alene.",
    ),
]

MISSING_QUOTE = "(Kildesetningen mangler: legg den inn før faglig godkjenning.)"


def trace(apps, schema_editor):
    Condition = apps.get_model("conditions", "Condition")
    Source = apps.get_model("conditions", "Source")
    WarningSign = apps.get_model("conditions", "WarningSign")
    condition = Condition.objects.filter(slug_nb=SLUG).first()
    if condition is not None:
        sources = {
            key: Source.objects.get_or_create(url=fields["url"], defaults=fields)[0]
            for key, fields in SOURCES.items()
        }
        for order, fields in enumerate(ROWS, start=1):
            fields = dict(fields)
            before = fields.pop("before")
            source = sources[fields.pop("source")]
            # The row as 0006 wrote it, or as this migration writes it (run again).
            wordings = [fields["text_nb"]] + ([before] if before else [])
            sign = WarningSign.objects.filter(
                condition=condition, text_nb__in=wordings
            ).first()
            if sign is None:
                sign = WarningSign(condition=condition)
            for name, value in fields.items():
                setattr(sign, name, value)
            sign.text = fields["text_nb"]
            sign.detail = fields["detail_nb"]
            sign.source = source
            sign.order = order * 10
            sign.needs_clinical_review = True
            sign.english_outdated = False
            sign.save()
    # Rows of other conditions: flagged until an editor gives their sentence.
    WarningSign.objects.filter(source_quote="").update(
        source_quote=MISSING_QUOTE, needs_clinical_review=True
    )


def untrace(apps, schema_editor):
    """Back to 0006's rows (and without the sources only 0008 used)."""
    from importlib import import_module

    before = import_module("conditions.migrations.0006_korsryggsmerter_warning_signs")
    before.create_signs(apps, schema_editor)
    Source = apps.get_model("conditions", "Source")
    kept = {fields["url"] for fields in before.SOURCES.values()}
    Source.objects.filter(
        url__in=[fields["url"] for fields in SOURCES.values()],
        warning_signs__isnull=True,
        parts__isnull=True,
    ).exclude(url__in=kept).delete()


class Migration(migrations.Migration):
    dependencies = [("conditions", "0008_warning_sign_source_fields")]

    operations = [migrations.RunPython(trace, untrace)]
