"""The low-back-pain article ("Korsryggsmerter"): production content.

The Norwegian text is the seed, word for word, with its own spelling, punctuation and
spacing (lists are items; a bullet wrapped over two lines in the seed is one item).
Everything written here rather than taken from the seed (the summary, the English
translation, the warning signs) is marked as needing clinical review.
Reversible: going back deletes the article.
"""

from django.db import migrations

SLUG = "korsryggsmerter"

CONDITION = {
    "title_nb": "Korsryggsmerter",
    "title_en": "Low back pain",
    "slug_nb": "korsryggsmerter",
    "slug_en": "low-back-pain",
    "summary_nb": (
        "Vondt i korsryggen er vanlig og som regel ufarlig, og de fleste blir raskt "
        "bedre. Her kan du lese om årsaker, symptomer og behandling, hva du kan gjøre "
        "selv, og når du bør søke hjelp straks."
    ),
    "summary_en": (
        "Low back pain is common and usually harmless, and most people get better "
        "quickly. Read about causes, symptoms and treatment, what you can do "
        "yourself, and when to get help at once."
    ),
}

WARNING_SOURCE_NB = (
    "Nasjonale kliniske retningslinjer for korsryggsmerter (røde flagg) og "
    "kjennetegn på cauda equina-syndrom"
)
WARNING_SOURCE_EN = (
    "Norwegian national clinical guidelines for low back pain (red flags) and the "
    "signs of cauda equina syndrome"
)

# (kind, heading, lead, items, after, extra); items are (text, detail, number, out_of).
PARTS = [
    {
        "kind": "intro",
        "heading_nb": "",
        "heading_en": "",
        "lead_nb": (
            "Korsryggsmerter er det vanligste problemet i nerve- muskel- "
            "skjelettapparatet og samfunnets dyreste enkeltplage. Vondt i ryggen er en "
            "smertefull, men som regel ufarlig tilstand. Mange blir raskt bedre, men "
            "tilbakefall er dessverre vanlig.\n\n"
            "Enkelte ganger forverres tilstanden til isjias eller utvikler seg til en "
            "langvarig tilstand med gjentatte episodiske tilbakefall\n"
            "eller vedvarende  smerter.\n\n"
            "Årsakene til ryggsmerter er mange og sammensatte. Derfor må forebygging og "
            "behandling tilpasses individuelt og sees i et helhetsperspektiv.  Vi har "
            "samlet flere faggrupper under samme tak for å ivareta dine plager på en "
            "best mulig måte."
        ),
        "lead_en": (
            "Low back pain is the most common problem of the nerves, muscles and "
            "skeleton, and the single most costly complaint for society. Back pain is "
            "painful but usually harmless. Many people get better quickly, but "
            "unfortunately it often comes back.\n\n"
            "Sometimes it gets worse and becomes sciatica, or develops into a "
            "long-term condition with repeated episodes or constant pain.\n\n"
            "Back pain has many causes, often several at once. That is why prevention "
            "and treatment must be tailored to you and take the whole picture into "
            "account. We have brought several professions together under one roof to "
            "look after your complaints as well as we can."
        ),
        "items": [],
    },
    {
        "kind": "warning_emergency",
        "heading_nb": "Ring 113 med en gang hvis du har vondt i ryggen og",
        "heading_en": "Call 113 at once if you have back pain and",
        "items": [
            (
                "nummenhet rundt kjønnsorganene, i setet eller på innsiden av lårene",
                "numbness around your genitals, in your buttocks or on the inside of "
                "your thighs",
            ),
            (
                "problemer med å tisse, eller har mistet kontrollen over urin eller "
                "avføring",
                "trouble passing urine, or you have lost control of your bladder or "
                "bowel",
            ),
            (
                "svakhet i begge bena, eller svakhet i ett ben som blir verre",
                "weakness in both legs, or weakness in one leg that is getting worse",
            ),
            (
                "smerter som begynte etter en alvorlig ulykke eller et fall",
                "pain that began after a serious accident or fall",
            ),
        ],
        "after_nb": (
            "Ring [113](tel:113), eller legevakt på [116 117](tel:116117), med en "
            "gang. Dette kan være tegn på at nervene nederst i ryggen er i klem "
            "(cauda equina-syndrom) eller på en alvorlig skade, som må undersøkes på "
            "sykehus straks."
        ),
        "after_en": (
            "Call [113](tel:113), or the out-of-hours medical service (legevakt) on "
            "[116 117](tel:116117), straight away. These can be signs that the nerves "
            "at the bottom of the spine are being squeezed (cauda equina syndrome) or "
            "of a serious injury, which must be examined in hospital at once."
        ),
        "source_nb": WARNING_SOURCE_NB,
        "source_en": WARNING_SOURCE_EN,
        "review_nb": True,
    },
    {
        "kind": "warning_urgent",
        "heading_nb": (
            "Kontakt fastlegen eller legevakt (116 117) samme dag hvis du har vondt i "
            "ryggen og"
        ),
        "heading_en": (
            "Contact your GP or the out-of-hours service (116 117) the same day if "
            "you have back pain and"
        ),
        "items": [
            ("feber, eller føler deg generelt syk", "a fever, or you feel generally unwell"),
            (
                "konstante smerter som også er der i hvile eller om natten, og som "
                "stadig blir verre",
                "constant pain that is also there when you rest or at night, and "
                "keeps getting worse",
            ),
            ("smerter i brystet", "chest pain"),
            (
                "kjent kreftsykdom, eller vekttap du ikke kan forklare",
                "cancer now or in the past, or weight loss you cannot explain",
            ),
            (
                "bruker kortison (steroider) eller medisiner som svekker immunforsvaret",
                "you take steroids or medicines that weaken the immune system",
            ),
            (
                "fikk ryggsmerter for første gang før du fylte 20 eller etter at du "
                "fylte 55",
                "your back pain started for the first time before you were 20 or "
                "after you were 55",
            ),
        ],
        "after_nb": (
            "Ring fastlegen, eller legevakt på [116 117](tel:116117) når legekontoret "
            "er stengt."
        ),
        "after_en": (
            "Call your GP, or the out-of-hours service on [116 117](tel:116117) when "
            "the surgery is closed."
        ),
        "source_nb": WARNING_SOURCE_NB,
        "source_en": WARNING_SOURCE_EN,
        "review_nb": True,
    },
    {
        "kind": "causes",
        "heading_nb": "Vanlige årsaker",
        "heading_en": "Common causes",
        "items": [
            ("Arvelighet", "Heredity"),
            ("Lite fysisk aktivitet", "Too little physical activity"),
            ("Overvekt", "Being overweight"),
            (
                "Plutselige overbelastninger, f.eks. ved tunge løft",
                "Sudden overload, e.g. heavy lifting",
            ),
            ("Gjentatte feilbelastninger, f.eks.  sitting", "Repeated strain, e.g. sitting"),
            ("Høyt fastende blodsukker", "High fasting blood sugar"),
            (
                "Psykiske plager, stress og mistrivsel",
                "Mental health problems, stress and unhappiness",
            ),
        ],
    },
    {
        "kind": "symptoms",
        "heading_nb": "Vanlige symptomer",
        "heading_en": "Common symptoms",
        "items": [
            ("Kan oppstå akutt eller gradvis", "Can start suddenly or gradually"),
            (
                "Smertefull og stiv korsrygg, verre om morgenen og ved sitting",
                "A painful, stiff lower back, worse in the morning and when sitting",
            ),
            (
                "Vondt å reise seg opp, endre stilling.",
                "It hurts to get up or change position.",
            ),
            (
                "”Kom-i-gang” smerter etter langvarig ro",
                "“Getting going” pain after resting for a long time",
            ),
            ("Best å gå og ligge", "Walking and lying down feel best"),
            ("Ryggskjevhet for å unngå smerte", "Leaning to one side to avoid pain"),
            ("Smerter ned i hofte og ben", "Pain down into the hip and leg"),
        ],
    },
    {
        "kind": "prevalence",
        "heading_nb": "Utbredelse og varighet",
        "heading_en": "How common it is and how long it lasts",
        "items": [
            (
                "4 av 5 vil få vondt i ryggen i løpet av livet",
                "4 in 5 people will have back pain at some point in their lives",
                4,
                5,
            ),
            (
                "Halvparten av oss har hatt plager siste året",
                "Half of us have had back problems in the past year",
                1,
                2,
            ),
            ("1 av 10 har ryggsmerter nå", "1 in 10 people have back pain right now", 1, 10),
        ],
    },
    {
        "kind": "treatment",
        "heading_nb": "Utredning og behandling",
        "heading_en": "Assessment and treatment",
        "lead_nb": (
            "Målsettingen ved behandling er å redusere smerte og gjenopprette normal "
            "funksjon i bevegelsesapparat og nervesystem. Det er viktig med en grundig "
            "gjennomgang av sykehistorie, og en god klinisk undersøkelse for å avgjøre "
            "hvilken behandling som er best egnet. Noen har behov for manuell "
            "behandling av feilfunksjoner i ledd og muskler mens andre har behov for "
            "veiledet trening.\n\n"
            "I behandling benyttes en rekke metoder og teknikker for å gjenopprette "
            "normal funksjon i ledd, muskler, bindevev og nervesystem."
        ),
        "lead_en": (
            "The aim of treatment is to reduce pain and restore normal function in the "
            "musculoskeletal and nervous systems. A thorough review of your medical "
            "history and a good clinical examination are important to decide which "
            "treatment suits you best. Some people need manual treatment of joints and "
            "muscles that are not working as they should, while others need guided "
            "exercise.\n\n"
            "Treatment uses a range of methods and techniques to restore normal "
            "function in joints, muscles, connective tissue and the nervous system."
        ),
        "items": [
            ("Leddbehandling/manipulasjon", "Joint treatment/manipulation"),
            ("Tøyninger", "Stretching"),
            ("Nåle behandling (IMS)", "Dry needling (IMS)"),
            ("Muskulære teknikker", "Soft tissue (muscle) techniques"),
            ("Mobiliserende traksjon", "Mobilising traction"),
            (
                "Funksjonell trening / øvelser / rehabilitering",
                "Functional training / exercises / rehabilitation",
            ),
        ],
        "after_nb": (
            "Behandlingen har en kognitiv tilnærming med informasjon, råd og "
            "veiledning.\n\n"
            "Dersom vi ønsker en annenhåndvurdering av ditt problem, vil du bli henvist "
            "til MR, røntgen, CT eller videre undersøkelser hos spesialist.\n\n"
            "I tillegg kan smertemestring og avspenning være aktuelle tiltak."
        ),
        "after_en": (
            "Treatment takes a cognitive approach, with information, advice and "
            "guidance.\n\n"
            "If we want a second opinion on your problem, you will be referred for an "
            "MRI, X-ray or CT scan, or for further examination by a specialist.\n\n"
            "Pain management and relaxation may also help."
        ),
    },
    {
        "kind": "self_care",
        "heading_nb": "Dette kan du gjøre selv",
        "heading_en": "What you can do yourself",
        "items": [
            (
                "Ved akutte smerter hold deg i lett bevegelse  med utgangspunkt i en så "
                "smertefri stilling som mulig slik at du klarer å slappe av",
                "If the pain is acute, keep moving gently, starting from a position "
                "that is as pain-free as possible so that you can relax",
            ),
            (
                "Kuldebehandling.",
                "Cold treatment.",
                None,
                None,
                "Legg en ispose på nedre del av korsryggen i 15min. Gjenta 3-4 ganger pr "
                "dag med minst 1 time mellom. Kombiner det evt. med varme hvis "
                "muskulaturen er svært stram.",
                "Put an ice pack on the lower part of your back for 15 minutes. Repeat "
                "3–4 times a day with at least 1 hour in between. You can combine it "
                "with heat if the muscles are very tight.",
            ),
            (
                "Gå heller flere korte turer enn en lang. Tenk variasjon!",
                "Take several short walks rather than one long one. Think variety!",
            ),
            (
                "Unngå tunge løft med bøyd rygg og arbeid i foroverbøyd stilling.",
                "Avoid heavy lifting with a bent back and working while bent forward.",
            ),
            (
                "Ta tak i de risikofaktorene som kan gi ryggplager som du vet du kan "
                "gjøre noe med selv.",
                "Tackle the risk factors for back problems that you know you can do "
                "something about yourself.",
            ),
        ],
        "after_nb": (
            "Undersøkelser viser at jo raskere du kommer tilbake i bevegelse og "
            "gjenopptar normal aktivitet, desto raskere blir du smertefri.  Sengeleie "
            "og passivitet frarådes."
        ),
        "after_en": (
            "Research shows that the sooner you get moving and back to your normal "
            "activities, the sooner you will be free of pain. Bed rest and inactivity "
            "are not recommended."
        ),
    },
    {
        "kind": "guidelines",
        "heading_nb": "Tverrfaglige retningslinjer",
        "heading_en": "Interdisciplinary guidelines",
        "lead_nb": (
            "De fire behandlingstiltakene som er dokumentert effektive for ryggsmerter "
            "og klart anbefales i norske retningslinjer er:"
        ),
        "lead_en": (
            "The four treatments that are proven to work for back pain and are clearly "
            "recommended in the Norwegian guidelines are:"
        ),
        "items": [
            ("Oppfordre til bevegelse og aktivitet", "Encouragement to move and be active"),
            ("Manipulasjonsbehandling", "Manipulation"),
            (
                "Reseptfrie smertestillende medikamenter",
                "Painkillers you can buy without a prescription",
            ),
            ("Generell trening/mosjon", "General exercise/physical activity"),
        ],
    },
    {
        "kind": "work",
        "heading_nb": "Når ryggsmertene påvirker arbeidsevnen.",
        "heading_en": "When back pain affects your ability to work",
        "lead_nb": (
            "Din primærkontakt kan gi forslag om tilrettelegging på jobben, eller "
            "sykmelding hvis det er nødvendig. I NEMUS har alle klinikkene "
            "primærkontakten kiropraktor. Noen har også manuell terapeut og lege. Vi "
            "har også fysioterapeuter som foretar arbeidsplassvurderinger. Se "
            "[nemus.no/bedrifter](/bedrifter/) for mer informasjon."
        ),
        "lead_en": (
            "Your primary contact can suggest adjustments at work, or sick leave if "
            "needed. At NEMUS, every clinic has a chiropractor as the primary contact. "
            "Some also have a manual therapist and a doctor. We also have "
            "physiotherapists who carry out workplace assessments. See "
            "[our page for businesses](/en/businesses/) for more information."
        ),
        "items": [],
    },
    {
        "kind": "help",
        "heading_nb": "Hvor kan jeg få hjelp?",
        "heading_en": "Where can I get help?",
        "lead_nb": (
            "Alle klinikkene i NEMUS tilbyr utredning, behandling og forebygging av "
            "denne diagnosen. Vi har klinikker over hele landet. Finn din nærmeste "
            "klinikk i kartet."
        ),
        "lead_en": (
            "Every NEMUS clinic offers assessment, treatment and prevention of this "
            "condition. We have clinics all over Norway. Find your nearest clinic on "
            "the map."
        ),
        "items": [],
    },
    {
        "kind": "booking",
        "heading_nb": "Timebestilling:",
        "heading_en": "Booking an appointment",
        "lead_nb": (
            "Vi tilstreber at du får time så raskt som mulig. Dersom du ikke finner "
            "ledig time på nettet, kan du ringe klinikken direkte."
        ),
        "lead_en": (
            "We aim to give you an appointment as soon as possible. If you cannot find "
            "a free appointment online, you can call the clinic directly."
        ),
        "items": [],
    },
]


def _item_fields(item):
    text_nb, text_en, *rest = item
    number, out_of, detail_nb, detail_en = (rest + [None, None, "", ""])[:4]
    return {
        "text": text_nb,
        "text_nb": text_nb,
        "text_en": text_en,
        "detail": detail_nb or "",
        "detail_nb": detail_nb or "",
        "detail_en": detail_en or "",
        "number": number,
        "out_of": out_of,
    }


def create_article(apps, schema_editor):
    Condition = apps.get_model("conditions", "Condition")
    ConditionPart = apps.get_model("conditions", "ConditionPart")
    ConditionItem = apps.get_model("conditions", "ConditionItem")
    condition, _created = Condition.objects.update_or_create(
        slug_nb=SLUG,
        defaults={
            **CONDITION,
            "title": CONDITION["title_nb"],
            "slug": CONDITION["slug_nb"],
            "summary": CONDITION["summary_nb"],
            "status": "published",
            # The summary is written here, not taken from the seed.
            "needs_clinical_review_nb": True,
            "needs_clinical_review_en": True,
        },
    )
    condition.parts.all().delete()
    for order, part in enumerate(PARTS, start=1):
        fields = {}
        for name in ("heading", "lead", "after", "source"):
            fields[f"{name}_nb"] = part.get(f"{name}_nb", "")
            fields[f"{name}_en"] = part.get(f"{name}_en", "")
            fields[name] = fields[f"{name}_nb"]
        review_nb = part.get("review_nb", False)
        created = ConditionPart.objects.create(
            condition=condition,
            order=order * 10,
            kind=part["kind"],
            needs_clinical_review=review_nb,
            needs_clinical_review_nb=review_nb,
            # Every English text here is a translation no clinician has checked yet.
            needs_clinical_review_en=True,
            **fields,
        )
        for item_order, item in enumerate(part["items"], start=1):
            ConditionItem.objects.create(
                part=created, order=item_order * 10, **_item_fields(item)
            )


def delete_article(apps, schema_editor):
    apps.get_model("conditions", "Condition").objects.filter(slug_nb=SLUG).delete()


class Migration(migrations.Migration):
    dependencies = [("conditions", "0001_initial")]

    operations = [migrations.RunPython(create_article, delete_article)]
