"""The first texts of the staff-edited pages: privacy, accessibility, for businesses.

Production content, so it lives in a migration (reversible); staff edit it afterwards.
"""

from django.db import migrations

PAGES = {
    "privacy": {
        "title_nb": "Personvern",
        "title_en": "Privacy notice",
        "lead_nb": (
            "Slik behandler NEMUS opplysningene dine når du bruker nettstedet og "
            "bestiller time."
        ),
        "lead_en": (
            "How NEMUS handles your information when you use this website and book "
            "an appointment."
        ),
        "body_nb": """## Behandlingsansvarlig

NEMUS er behandlingsansvarlig for opplysningene du gir oss når du bestiller time på nettstedet. Klinikken du bestiller time hos, bruker opplysningene for å gi deg helsehjelp.

## Hva vi lagrer når du bestiller time

- navnet ditt
- mobilnummeret og e-postadressen din
- om du er ny eller har vært pasient hos oss før
- hvilken klinikk, behandler, timetype og tid du har valgt

Vi spør ikke om fødselsnummer, og vi ber deg ikke beskrive plagene dine i skjemaet. Det tar behandleren seg av når du kommer.

## Rettslig grunnlag

Opplysningene behandles fordi de trengs for å gi deg helsehjelp: personvernforordningen (GDPR) artikkel 9 nr. 2 bokstav h, sammen med helsepersonelloven og pasientjournalloven. Du gir altså ikke et samtykke som kan trekkes tilbake; du kan i stedet avbestille timen.

## Hvor lenge

En timebestilling slettes automatisk 30 dager etter timen. Avbestiller du, slettes navnet, telefonnummeret og e-postadressen din med én gang. Det du forteller behandleren på klinikken, føres i pasientjournalen etter reglene for den.

## Hvem ser opplysningene

Bare de ansatte på klinikken du har bestilt time hos, ser bestillingen din. Hver gang en ansatt åpner en bestilling, lagres hvem og når. Opplysningene dine står aldri i nettadresser eller logger, og de selges eller deles ikke med andre. Nettstedet bruker ikke analyse- eller reklamekapsler; det setter bare de informasjonskapslene som trengs for at skjemaene skal virke.

## Dine rettigheter

Du kan be om innsyn i, retting av og sletting av opplysningene dine ved å skrive til oss. Mener du at vi behandler opplysningene dine i strid med reglene, kan du klage til [Datatilsynet](https://www.datatilsynet.no/).""",
        "body_en": """## Data controller

NEMUS is the controller of the information you give us when you book an appointment on this website. The clinic you book with uses it to provide your health care.

## What we store when you book

- your name
- your mobile number and e-mail address
- whether you are a new or returning patient
- the clinic, practitioner, type of appointment and time you chose

We do not ask for your national identity number, and we do not ask you to describe your complaint in the form. Your practitioner does that with you at the appointment.

## Legal basis

We process the information because it is needed to provide you with health care: the General Data Protection Regulation (GDPR) Article 9(2)(h), together with the Norwegian Health Personnel Act and Patient Records Act. It is therefore not based on consent that you withdraw; instead you can cancel the appointment.

## How long we keep it

A booking is deleted automatically 30 days after the appointment. If you cancel, your name, phone number and e-mail address are deleted at once. What you tell your practitioner at the clinic goes into your patient record under the rules for patient records.

## Who sees it

Only the staff of the clinic you booked with see your booking. Each time a member of staff opens a booking, who and when is recorded. Your information never appears in web addresses or logs, and it is not sold or shared. The website uses no analytics or advertising cookies; it sets only the cookies the forms need to work.

## Your rights

You can ask to see, correct or delete your information by writing to us. If you think we handle your information against the rules, you can complain to the [Norwegian Data Protection Authority (Datatilsynet)](https://www.datatilsynet.no/).""",
    },
    "accessibility": {
        "title_nb": "Tilgjengelighetserklæring",
        "title_en": "Accessibility statement",
        "lead_nb": (
            "Nettstedet skal kunne brukes av alle, også med skjermleser, bare "
            "tastatur, forstørrelse eller en treg mobil."
        ),
        "lead_en": (
            "This website should work for everyone, including people using a screen "
            "reader, only a keyboard, magnification or a slow phone."
        ),
        "body_nb": """## Mål

Målet er at hele nettstedet oppfyller WCAG 2.1 nivå AA, slik forskrift om universell utforming av IKT-løsninger krever. Vi tester hver side automatisk med axe-core og Nu HTML Checker, og vi tester med tastatur og i smal mobilvisning.

## Det vi vet ikke er godt nok ennå

- Kartet over klinikkene kan være vanskelig å bruke med skjermleser. Listen ved siden av kartet inneholder de samme klinikkene med adresse og avstand.

## Meld fra om et problem

Finner du noe som ikke virker for deg, vil vi gjerne vite det. Skriv til oss med adressen til siden og hva som gikk galt, så svarer vi innen 14 dager.

Får du ikke svar, eller er du ikke fornøyd med svaret, kan du klage til [Tilsynet for universell utforming av IKT](https://www.uutilsynet.no/).""",
        "body_en": """## Target

Our target is that the whole website meets WCAG 2.1 level AA, as the Norwegian regulations on universal design of ICT require. We test every page automatically with axe-core and the Nu HTML Checker, and we test with a keyboard and at narrow phone widths.

## What we know is not good enough yet

- The map of clinics can be hard to use with a screen reader. The list beside the map holds the same clinics with their address and distance.

## Report a problem

If something does not work for you, we want to know. Write to us with the address of the page and what went wrong, and we will answer within 14 days.

If you get no answer, or are not satisfied with it, you can complain to the [Norwegian Authority for Universal Design of ICT](https://www.uutilsynet.no/).""",
    },
    "businesses": {
        "title_nb": "For bedrifter",
        "title_en": "For businesses",
        "lead_nb": (
            "Ryggplager er en av de vanligste årsakene til sykefravær. NEMUS hjelper "
            "arbeidsgivere å forebygge dem og å få ansatte raskt tilbake i jobb."
        ),
        "lead_en": (
            "Back pain is one of the most common reasons for sick leave. NEMUS helps "
            "employers prevent it and get employees back to work quickly."
        ),
        "body_nb": """## Arbeidsplassvurdering

Fysioterapeutene våre kommer til arbeidsplassen og ser på hvordan arbeidet gjøres: arbeidsstillinger, løft, skjermarbeid og variasjon i arbeidsdagen. Dere får konkrete råd om tilrettelegging.

## Rask vurdering for ansatte

Kiropraktor er primærkontakt og kan gi forslag om tilrettelegging på jobben, eller sykmelding hvis det er nødvendig. Ansatte kan bestille time selv, uten henvisning.

## Ta kontakt

Ta kontakt med nærmeste klinikk for et tilbud til din bedrift.""",
        "body_en": """## Workplace assessment

Our physiotherapists visit the workplace and look at how the work is done: working positions, lifting, screen work and variety in the working day. You get practical advice on adjustments.

## Quick assessment for employees

A chiropractor is the primary contact and can suggest adjustments at work, or sick leave if needed. Employees can book an appointment themselves, without a referral.

## Get in touch

Contact your nearest clinic for an offer for your business.""",
    },
}


def create_pages(apps, schema_editor):
    Page = apps.get_model("nemus_site", "Page")
    for key, fields in PAGES.items():
        # The untranslated columns mirror Norwegian, the default language.
        defaults = {
            **fields,
            "title": fields["title_nb"],
            "lead": fields["lead_nb"],
            "body": fields["body_nb"],
        }
        Page.objects.update_or_create(key=key, defaults=defaults)


def delete_pages(apps, schema_editor):
    Page = apps.get_model("nemus_site", "Page")
    Page.objects.filter(key__in=PAGES).delete()


class Migration(migrations.Migration):
    dependencies = [("nemus_site", "0001_initial")]

    operations = [migrations.RunPython(create_pages, delete_pages)]
