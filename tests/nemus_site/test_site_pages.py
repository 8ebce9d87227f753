import re

import pytest
from django.contrib.auth import get_user_model

from nemus_site.markup import render_markdown
from nemus_site.models import Page
from tests.text import page_text

pytestmark = pytest.mark.django_db


def h1(response) -> str:
    return re.search(r"<h1>(.*?)</h1>", response.content.decode(), re.S).group(1)


@pytest.mark.parametrize(
    ("path", "title"),
    [
        ("/personvern/", "Personvern"),
        ("/en/privacy/", "Privacy notice"),
        ("/tilgjengelighet/", "Tilgjengelighetserklæring"),
        ("/en/accessibility/", "Accessibility statement"),
        ("/bedrifter/", "For bedrifter"),
        ("/en/businesses/", "For businesses"),
    ],
)
def test_staff_pages_are_served_in_both_languages(client, path, title):
    response = client.get(path)
    assert response.status_code == 200
    assert h1(response) == title


def test_privacy_notice_states_legal_basis_storage_retention_and_access(client):
    nb = page_text(client.get("/personvern/").content.decode())
    assert "artikkel 9 nr. 2 bokstav h" in nb
    assert "Artikkel 6 nr. 1 bokstav b" in nb
    assert "Slettes 30 dager etter timen; med en gang hvis du avbestiller." in nb
    assert "De ansatte på klinikken du har bestilt time hos." in nb
    assert "Kartverket (Statens kartverk)" in nb
    assert "deles ikke med andre" not in nb
    assert "Datatilsynet" in nb
    # The rows of issues 18 and 20, in Norwegian on the Norwegian page.
    for row in (
        "SMS til deg",
        "Ventelisten",
        "Kalenderstrømmer for klinikkens ansatte",
        "Slettes når du melder deg av",
        "Aldri navnet ditt, kontaktopplysningene dine eller noe om helsen din.",
    ):
        assert row in nb
    en = page_text(client.get("/en/privacy/").content.decode())
    assert "Article 9(2)(h)" in en
    assert "Deleted 30 days after the appointment; at once if you cancel." in en
    assert "Calendar feeds for the clinic's staff" in en and "The waiting list" in en


def privacy_sections(html: str) -> list[str]:
    """The notice's h2 headings, in order."""
    article = html[html.index("<h1>") : html.index("</article>")]
    return re.findall(r"<h2[^>]*>(.*?)</h2>", article)


@pytest.mark.parametrize(
    ("url", "short", "labels", "table"),
    [
        (
            "/personvern/",
            "Kort fortalt",
            [
                "Hva vi lagrer",
                "Hvorfor",
                "Hvor lenge",
                "Hvem ser det",
                "Slik når du oss",
            ],
            "Hva vi behandler, hvorfor og hvor lenge",
        ),
        (
            "/en/privacy/",
            "In short",
            ["What we keep", "Why", "How long", "Who sees it", "How to reach us"],
            "What we process, why, and for how long",
        ),
    ],
)
def test_the_short_version_leads_the_privacy_notice(
    client, settings, url, short, labels, table
):
    settings.NEMUS_PRIVACY_CONTACT = "personvern@nemus.no"
    html = client.get(url).content.decode()
    sections = privacy_sections(html)
    assert sections[0] == short
    assert sections.index(table) > 0
    first = html[html.index('id="privacy-short-heading"') :]
    first = first[: first.index("</section>")]
    assert re.findall(r"<dt>(.*?)</dt>", first) == labels
    assert "personvern@nemus.no" in first
    text = page_text(html)
    assert text.index(short) < text.index(table)


def test_the_notice_names_every_right_the_address_the_position_and_staff_rows(
    client, settings
):
    settings.NEMUS_PRIVACY_CONTACT = "personvern@nemus.no"
    html = client.get("/personvern/").content.decode()
    text = page_text(html)
    assert "begrense bruken av dem" in text and "(artikkel 18)" in text
    assert "Her skriver du til oss personvern@nemus.no" in text
    assert "ved å skrive til oss" not in text
    waitlist = html[html.index('id="processing-waitlist"') :]
    waitlist = waitlist[: waitlist.index("</tr>")]
    assert "få dem slettet ved å melde deg av ventelisten" in waitlist
    assert "avbestille" not in waitlist
    position = html[html.index('id="processing-position"') :]
    assert "Bruk min posisjon" in position[: position.index("</tr>")]
    # Staff data is in the staff notice, not in the patients' table.
    patients = html[: html.index('id="privacy-staff-heading"')]
    staff = html[html.index('id="privacy-staff-heading"') :]
    assert 'id="processing-busy_calendars"' not in patients
    assert "Din egen kalender, hvis du kobler den til" in staff


def test_accessibility_statement_states_the_law_the_aim_and_where_to_report(client):
    nb = client.get("/tilgjengelighet/").content.decode()
    assert "de 35 suksesskriteriene fra WCAG 2.0" in nb
    assert "WCAG 2.2 nivå AA" in nb
    assert "<h2>Det vi vet ikke er godt nok ennå</h2>" in nb
    assert "Sist testet 28. november 2026" in nb
    assert 'href="https://www.uutilsynet.no/"' in nb
    assert 'href="https://www.diskrimineringsnemnda.no/"' in nb
    assert '<a href="mailto:post@nemus.no">post@nemus.no</a>' in nb
    en = client.get("/en/accessibility/").content.decode()
    assert "WCAG 2.2 level AA" in en
    assert "35 WCAG 2.0 success criteria" in en


def test_staff_edits_show_on_the_page_and_empty_english_falls_back(client):
    page = Page.objects.get(key=Page.Key.ACCESSIBILITY)
    page.title_nb = "Universell utforming"
    page.title_en = ""
    page.save()
    assert h1(client.get("/tilgjengelighet/")) == "Universell utforming"
    assert h1(client.get("/en/accessibility/")) == "Universell utforming"


def test_missing_page_row_is_a_404_not_a_500(client):
    Page.objects.filter(key=Page.Key.BUSINESSES).delete()
    assert client.get("/bedrifter/").status_code == 404


def test_markdown_keeps_the_subset_and_drops_everything_else():
    html = render_markdown(
        "Hei *du*.\n\n- en\n- [to](https://example.no)\n\n"
        '<script>alert(1)</script><img src=x onerror="alert(1)">'
        "[farlig](javascript:alert(1))"
    )
    assert html == (
        "<p>Hei <em>du</em>.</p>\n<ul>\n<li>en</li>\n"
        '<li><a href="https://example.no">to</a></li>\n</ul>\n\n'
        "<p><a>farlig</a></p>"
    )


def test_footer_links_to_privacy_accessibility_and_contact(client):
    text = client.get("/").content.decode()
    assert '<a href="/personvern/">Personvern</a>' in text
    assert '<a href="/tilgjengelighet/">Tilgjengelighet</a>' in text
    assert '<a href="mailto:post@nemus.no">Kontakt: post@nemus.no</a>' in text
    en = client.get("/en/").content.decode()
    assert '<a href="/en/privacy/">Privacy</a>' in en


def test_breadcrumbs_mark_the_current_page(client):
    text = client.get("/personvern/").content.decode()
    crumbs = re.search(r'<nav class="nm-breadcrumbs".*?</nav>', text, re.S).group(0)
    assert '<a href="/">Forside</a>' in crumbs
    assert '<span aria-current="page">Personvern</span>' in crumbs


def test_components_page_is_for_staff_only(client):
    response = client.get("/komponenter/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/?next=")
    user = get_user_model().objects.create_user("ansatt", password="x", is_staff=True)
    client.force_login(user)
    text = client.get("/komponenter/").content.decode()
    for marker in (
        'class="nm-callout nm-callout--info"',
        'class="nm-callout nm-callout--urgent"',
        'class="nm-callout nm-callout--emergency"',
        'class="nm-card"',
        'class="nm-error-summary"',
        'class="nm-breadcrumbs"',
        'class="nm-opening-hours"',
        'href="tel:22000000"',
    ):
        assert marker in text
    # The field with a hint and an error points at both.
    assert 'aria-describedby="id_phone-hint id_phone-error1"' in text
    assert '<span class="nm-visually-hidden">Haster: </span>' in text


def test_the_admin_chrome_is_norwegian_where_djangos_catalogue_is_not(admin_client):
    html = admin_client.get("/admin/conditions/condition/").content.decode()
    assert "Bytt fargetema (nå: automatisk)" in html
    assert 'placeholder="Skriv for å filtrere …"' in html
    assert "Toggle theme" not in html and "Start typing" not in html
