"""New prose for the privacy notice and the accessibility statement.

Privacy: the facts (controller, processors, each processing with basis, retention and
recipients) are now generated under the prose from settings (nemus_site/privacy.py),
so the prose no longer states them and no longer says data "is not shared" (the map's
tile provider sees the address of whoever opens the map).
Accessibility: after Digdir's model statement. A page staff have already edited is
left as it is.
"""

from importlib import import_module

from django.db import migrations

PRIVACY_NB = """Her forklarer vi hvordan NEMUS behandler opplysningene dine når du bruker nettstedet og bestiller time. Tabellen under viser hver behandling med formål, rettslig grunnlag, hvor lenge vi lagrer opplysningene og hvem som ser dem.

## Hva vi ikke gjør

Vi spør ikke om fødselsnummer, og vi ber deg ikke beskrive plagene dine i skjemaet. Det tar behandleren seg av når du kommer. Opplysningene dine står aldri i nettadresser eller logger. Nettstedet bruker ikke analyse- eller reklamekapsler; det setter bare de informasjonskapslene som trengs for at skjemaene skal virke.

## Kartet

Kartet over klinikkene vises bare når du trykker «Vis kart». Da henter nettleseren din kartbilder fra kartleverandøren i tabellen, som ser IP-adressen din. Listen over klinikker virker uten kartet.

## Dine rettigheter

Du kan be om innsyn i og retting av opplysningene dine, og om sletting der loven tillater det, ved å skrive til oss. Hvilke rettigheter som gjelder, avhenger av det rettslige grunnlaget; tabellen viser det for hver behandling."""

PRIVACY_EN = """Here we explain how NEMUS handles your information when you use this website and book an appointment. The table below shows each processing with its purpose, legal basis, how long we keep the information and who sees it.

## What we do not do

We do not ask for your national identity number, and we do not ask you to describe your complaint in the form. Your practitioner does that with you at the appointment. Your information never appears in web addresses or logs. The website uses no analytics or advertising cookies; it sets only the cookies the forms need to work.

## The map

The map of clinics is shown only when you press "Show map". Your browser then fetches map pictures from the map provider named in the table, which sees your IP address. The list of clinics works without the map.

## Your rights

You can ask to see and correct your information, and to have it deleted where the law allows, by writing to us. Which rights apply depends on the legal basis; the table shows it for each processing."""

ACCESSIBILITY_NB = """Denne erklæringen gjelder nettstedet til NEMUS. Den følger Digitaliseringsdirektoratets mal for tilgjengelighetserklæringer. Som privat virksomhet har vi ikke plikt til å publisere den, men vi gjør det fordi du skal vite hva som virker og hva som ikke gjør det.

## Hva loven krever, og hva vi sikter mot

Forskrift om universell utforming av IKT-løsninger krever at private virksomheter oppfyller de 35 suksesskriteriene fra WCAG 2.0 som forskriften lister opp. Vi sikter høyere: hele nettstedet skal oppfylle WCAG 2.2 nivå AA.

## Det vi vet ikke er godt nok ennå

- Kartet over klinikkene kan være vanskelig å bruke med skjermleser og bare tastatur. Listen ved siden av kartet har de samme klinikkene med adresse, avstand og telefonnummer, og kartet lastes bare hvis du ber om det.
- Administrasjonssidene for ansatte er ikke testet like grundig som sidene for pasienter.

## Slik har vi testet

Sist testet 28. november 2026. Hver side testes automatisk ved hver endring av koden med axe-core (reglene for WCAG 2.0, 2.1 og 2.2 nivå A og AA) og Nu HTML Checker. I tillegg tester vi for hånd med bare tastatur, med 200 % forstørrelse, i smal mobilvisning (375 piksler) og med skjermleser.

## Meld fra om et problem

Finner du noe som ikke virker for deg, vil vi gjerne vite det. Bruk kontaktinformasjonen under, så svarer vi innen 14 dager.

Du kan også melde fra om manglende universell utforming til [Tilsynet for universell utforming av IKT (Uutilsynet)](https://www.uutilsynet.no/). Mener du at du er blitt diskriminert, kan du klage til [Diskrimineringsnemnda](https://www.diskrimineringsnemnda.no/)."""

ACCESSIBILITY_EN = """This statement covers the NEMUS website. It follows the Norwegian Digitalisation Agency's model for accessibility statements. As a private business we are not required to publish one, but we do so that you know what works and what does not.

## What the law requires, and what we aim for

The Norwegian regulations on universal design of ICT require private businesses to meet the 35 WCAG 2.0 success criteria the regulations list. We aim higher: the whole website should meet WCAG 2.2 level AA.

## What we know is not good enough yet

- The map of clinics can be hard to use with a screen reader or only a keyboard. The list beside the map has the same clinics with their address, distance and phone number, and the map loads only if you ask for it.
- The administration pages for staff are not tested as thoroughly as the pages for patients.

## How we tested

Last tested on 28 November 2026. Every page is tested automatically on every change to the code with axe-core (the rules for WCAG 2.0, 2.1 and 2.2 levels A and AA) and the Nu HTML Checker. We also test by hand with only a keyboard, at 200% zoom, at a narrow phone width (375 pixels) and with a screen reader.

## Report a problem

If something does not work for you, we want to know. Use the contact details below, and we will answer within 14 days.

You can also report a lack of universal design to the [Norwegian Authority for Universal Design of ICT (Uutilsynet)](https://www.uutilsynet.no/). If you think you have been discriminated against, you can complain to the [Anti-Discrimination Tribunal (Diskrimineringsnemnda)](https://www.diskrimineringsnemnda.no/)."""

NEW = {
    "privacy": {"body_nb": PRIVACY_NB, "body_en": PRIVACY_EN},
    "accessibility": {"body_nb": ACCESSIBILITY_NB, "body_en": ACCESSIBILITY_EN},
}


def _old():
    return import_module("nemus_site.migrations.0002_seed_pages").PAGES


def _replace(apps, source, target):
    Page = apps.get_model("nemus_site", "Page")
    for key, texts in target.items():
        page = Page.objects.filter(key=key).first()
        if page is None or page.body_nb != source[key]["body_nb"]:
            continue  # edited by staff since: theirs stays
        page.body = page.body_nb = texts["body_nb"]
        page.body_en = texts["body_en"]
        page.save(update_fields=["body", "body_nb", "body_en"])


def forwards(apps, schema_editor):
    _replace(apps, _old(), NEW)


def backwards(apps, schema_editor):
    old = _old()
    _replace(apps, NEW, {key: old[key] for key in NEW})


class Migration(migrations.Migration):
    dependencies = [("nemus_site", "0004_seed_redirects")]

    operations = [migrations.RunPython(forwards, backwards)]
