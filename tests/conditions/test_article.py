import json
import re
from pathlib import Path

import pytest
from django.core.management import call_command

from conditions.models import Condition, ConditionItem, ConditionPart
from tests.factories import ConditionFactory, ConditionItemFactory, ConditionPartFactory
from tests.text import normalise, page_text

pytestmark = pytest.mark.django_db

SEED = Path(__file__).resolve().parents[3] / "shared" / "seed" / "korsryggsmerter.txt"
ARTICLE_NB = "/plager/korsryggsmerter/"
ARTICLE_EN = "/en/conditions/low-back-pain/"


def seed_units() -> list[str]:
    """Every paragraph (lines up to a blank line) and every bullet of the seed.

    A bullet starts with '•'; an indented line after it continues the bullet.
    """
    units: list[str] = []
    paragraph: list[str] = []
    for line in SEED.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if stripped.startswith("•"):
            if paragraph:
                units.append(" ".join(paragraph))
                paragraph = []
            units.append(stripped.lstrip("•"))
        elif not stripped:
            if paragraph:
                units.append(" ".join(paragraph))
                paragraph = []
        elif line.startswith("  ") and units and not paragraph:
            units[-1] += " " + stripped  # a bullet wrapped over two lines
        else:
            paragraph.append(stripped)
    if paragraph:
        units.append(" ".join(paragraph))
    return [normalise(unit) for unit in units]


def test_the_seed_file_is_read_as_expected():
    units = seed_units()
    assert units[0] == "Korsryggsmerter"
    assert "Arvelighet" in units
    assert (
        "Ved akutte smerter hold deg i lett bevegelse med utgangspunkt i en så "
        "smertefri stilling som mulig slik at du klarer å slappe av"
    ) in units
    assert len(units) == 52  # 10 headings, 10 paragraphs, 32 bullets


def test_every_paragraph_and_bullet_of_the_seed_is_on_the_norwegian_page(client):
    text = page_text(client.get(ARTICLE_NB).content.decode())
    missing = [unit for unit in seed_units() if unit not in text]
    assert missing == []


def test_the_english_page_is_english(client):
    response = client.get(ARTICLE_EN)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en">' in html
    # A source written in Norwegian keeps its title, marked lang="nb" for readers.
    assert '<a href="https://nhi.no/' in html and 'lang="nb" hreflang="nb"' in html
    text = page_text(re.sub(r'<a [^>]*lang="nb"[^>]*>.*?</a>', "", html))
    norwegian = [unit for unit in seed_units() if len(unit) > 12 and unit in text]
    assert norwegian == []
    for phrase in (
        "Low back pain",
        "Common causes",
        "Common symptoms",
        "What you can do yourself",
        "Put an ice pack on the lower part of your back for 15 minutes.",
        "Your primary contact can suggest adjustments at work, or sick leave",
        "When should you get help?",
    ):
        assert phrase in text
    assert "This part has not been translated yet" not in text


def test_prevalence_keeps_its_figures_as_numbers(client):
    items = ConditionItem.objects.filter(
        part__condition__slug_nb="korsryggsmerter", part__kind="prevalence"
    ).order_by("order")
    assert [(item.number, item.out_of) for item in items] == [(4, 5), (1, 2), (1, 10)]
    html = client.get(ARTICLE_NB).content.decode()
    pictograms = re.findall(
        r'<span class="nm-pictogram[^"]*" aria-hidden="true">(.*?)</span>', html
    )
    assert [
        (p.count("nm-pictogram__person--filled"), p.count("<svg")) for p in pictograms
    ] == [(4, 5), (1, 2), (1, 10)]


def test_warning_signs_come_before_the_other_sections_in_three_levels(client):
    html = client.get(ARTICLE_NB).content.decode()
    warnings = html.index('<h2 id="warning-signs-heading">Når bør du søke hjelp?</h2>')
    assert warnings < html.index('<h2 id="causes-heading">Vanlige årsaker</h2>')
    assert (
        '<section class="nm-callout nm-callout--emergency" id="warning-emergency"'
        in html
    )
    assert (
        '<section class="nm-callout nm-callout--urgent" id="warning-same-day"' in html
    )
    assert (
        '<section class="nm-callout nm-callout--info" id="warning-not-better"' in html
    )
    assert '<span class="nm-visually-hidden">Nødsituasjon: </span>' in html
    assert '<span class="nm-visually-hidden">Haster: </span>' in html
    assert '<a href="tel:113">113</a>' in html
    assert '<a href="tel:116117">116 117</a>' in html
    assert "Kilder: <a href=" in html


def test_table_of_contents_links_to_every_section(client):
    html = client.get(ARTICLE_NB).content.decode()
    contents = re.search(r'<nav class="nm-contents".*?</nav>', html, re.S).group(0)
    targets = re.findall(r'<a href="#([a-z-]+)">', contents)
    assert targets == [
        "warning-signs",
        "causes",
        "symptoms",
        "prevalence",
        "treatment",
        "self-care",
        "guidelines",
        "work",
        "help",
        "booking",
    ]
    for target in targets:
        assert f'id="{target}"' in html


def test_seed_link_to_businesses_goes_to_our_own_page(client):
    html = client.get(ARTICLE_NB).content.decode()
    assert '<a href="/bedrifter/">nemus.no/bedrifter</a>' in html
    assert client.get("/bedrifter/").status_code == 200


def test_seo_tags_and_structured_data(client):
    html = client.get(ARTICLE_NB).content.decode()
    assert (
        '<link rel="canonical" href="http://testserver/plager/korsryggsmerter/">'
        in html
    )
    assert '<meta property="og:title" content="Korsryggsmerter">' in html
    assert (
        '<link rel="alternate" hreflang="en" '
        'href="http://testserver/en/conditions/low-back-pain/">'
    ) in html
    data = json.loads(
        re.search(
            r'<script type="application/ld\+json">(.*?)</script>', html, re.S
        ).group(1)
    )
    assert data["@type"] == "MedicalWebPage"
    assert data["about"]["@type"] == "MedicalCondition"
    symptoms = [entry["name"] for entry in data["about"]["signOrSymptom"]]
    assert symptoms[0] == "Kan oppstå akutt eller gradvis"
    assert len(symptoms) == 7
    treatments = [entry["name"] for entry in data["about"]["possibleTreatment"]]
    assert treatments[0] == "Leddbehandling/manipulasjon"
    assert "lastReviewed" not in data


def test_review_dates_show_only_once_a_clinician_signed_off(client, django_user_model):
    html = client.get(ARTICLE_NB).content.decode()
    assert "Faglig gjennomgått" not in html
    condition = Condition.objects.get(slug_nb="korsryggsmerter")
    condition.last_reviewed = "2026-11-20"
    condition.reviewed_by = django_user_model.objects.create_user(
        "kari", first_name="Kari", last_name="Nordmann"
    )
    condition.next_review = "2027-11-20"
    condition.save()
    text = page_text(client.get(ARTICLE_NB).content.decode())
    assert (
        "Faglig gjennomgått av Kari Nordmann (20. november 2026). "
        "Neste faglige gjennomgang: 20. november 2027."
    ) in text


def test_text_written_here_is_marked_for_clinical_review():
    condition = Condition.objects.get(slug_nb="korsryggsmerter")
    assert condition.reviewed_by is None
    assert condition.last_reviewed is None
    assert condition.warning_signs.count() == 18
    assert not condition.warning_signs.filter(source_quote="").exists()
    assert not condition.warning_signs.filter(needs_clinical_review=False).exists()
    parts = list(condition.parts.order_by("order"))
    flags = {
        part.kind: (part.needs_clinical_review_nb, part.needs_clinical_review_en)
        for part in parts
    }
    assert flags["causes"] == (False, True)
    assert all(en for _nb, en in flags.values())


def test_empty_english_part_shows_norwegian_with_a_note(client):
    part = ConditionPart.objects.get(
        condition__slug_nb="korsryggsmerter", kind="causes"
    )
    part.heading_en = ""
    part.save()
    part.items.update(text_en="")
    html = client.get(ARTICLE_EN).content.decode()
    section = re.search(
        r'<section class="nm-part nm-part--causes".*?</section>', html, re.S
    ).group(0)
    assert (
        "This part has not been translated yet, so it is shown in Norwegian." in section
    )
    assert '<div class="nm-part__body" lang="nb">' in section
    assert "<li>Arvelighet</li>" in section
    assert '<h2 id="causes-heading">Vanlige årsaker</h2>' in section


def test_a_draft_is_not_public_but_staff_can_see_it(client, django_user_model):
    draft = ConditionFactory(status=Condition.Status.DRAFT, slug_nb="nakkesmerter")
    assert client.get("/plager/nakkesmerter/").status_code == 404
    assert "nakkesmerter" not in client.get("/plager/").content.decode()
    staff = django_user_model.objects.create_user("ansatt", password="x", is_staff=True)
    client.force_login(staff)
    response = client.get("/plager/nakkesmerter/")
    assert response.status_code == 200
    assert "Utkast: bare ansatte kan se denne siden." in response.content.decode()
    assert draft.title_nb in response.content.decode()


def test_a_new_condition_appears_in_the_index_and_the_sitemap(client):
    ConditionFactory(
        title_nb="Nakkesmerter", slug_nb="nakkesmerter", slug_en="neck-pain"
    )
    index = client.get("/plager/").content.decode()
    assert (
        '<a class="nm-card__link" href="/plager/nakkesmerter/">Nakkesmerter</a>'
        in index
    )
    sitemap = client.get("/sitemap.xml").content.decode()
    assert "<loc>http://testserver/plager/nakkesmerter/</loc>" in sitemap
    assert "<loc>http://testserver/en/conditions/neck-pain/</loc>" in sitemap


def test_a_condition_without_an_english_slug_answers_to_its_norwegian_one(client):
    ConditionFactory(title_nb="Hodepine", slug_nb="hodepine", slug_en="", title_en="")
    response = client.get("/en/conditions/hodepine/")
    assert response.status_code == 200
    assert "<h1>Hodepine</h1>" in response.content.decode()


def test_unknown_condition_is_a_404(client):
    assert client.get("/plager/finnes-ikke/").status_code == 404
    assert client.get("/en/conditions/korsryggsmerter-x/").status_code == 404


def test_old_nemus_address_redirects_permanently(client):
    response = client.get("/diagnoser/korsryggsmerter/korsryggsmerter/")
    assert response.status_code == 301
    assert response["Location"] == "/plager/korsryggsmerter/"


@pytest.mark.parametrize("parts", [1, 25])
@pytest.mark.usefixtures("no_page_cache")
def test_article_query_count_does_not_grow_with_parts(
    client, django_assert_num_queries, parts
):
    condition = ConditionFactory()
    for _ in range(parts):
        part = ConditionPartFactory(condition=condition)
        ConditionItemFactory.create_batch(3, part=part)
    with django_assert_num_queries(4):
        response = client.get(f"/plager/{condition.slug_nb}/")
    assert response.status_code == 200


@pytest.mark.parametrize("conditions", [1, 20])
@pytest.mark.usefixtures("no_page_cache")
def test_index_query_count_does_not_grow_with_conditions(
    client, django_assert_num_queries, conditions
):
    ConditionFactory.create_batch(conditions)
    with django_assert_num_queries(1):
        response = client.get("/plager/")
    assert response.status_code == 200


@pytest.mark.django_db(transaction=True)
def test_the_article_migration_is_reversible():
    call_command("migrate", "conditions", "0001", verbosity=0)
    assert Condition.objects.count() == 0
    call_command("migrate", "conditions", verbosity=0)
    condition = Condition.objects.get(slug_nb="korsryggsmerter")
    assert condition.parts.count() == 10
    assert ConditionItem.objects.filter(part__condition=condition).count() == 32
    assert condition.warning_signs.count() == 18
    assert not condition.warning_signs.filter(source_quote="").exists()
