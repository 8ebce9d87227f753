"""Warning signs: one set of rows, shown on every page that warns; the rules that
keep them honest (sources, the last emergency sign, translations, sign-off)."""

import datetime as dt
import json
import re

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from conditions.forms import WarningSignForm
from conditions.models import Condition, Source, WarningSign
from conditions.services import condition_sign_off
from tests.admin_forms import admin_form_data

pytestmark = pytest.mark.django_db

ARTICLE = "korsryggsmerter"


@pytest.fixture
def article():
    return Condition.objects.get(slug_nb=ARTICLE)


@pytest.fixture
def chest_pain(article):
    return article.warning_signs.get(text_nb="smerter i brystet")


def test_chest_pain_is_at_the_emergency_level(client, chest_pain):
    assert chest_pain.level == WarningSign.Level.EMERGENCY
    html = client.get("/plager/korsryggsmerter/").content.decode()
    emergency = html[html.index('id="warning-emergency"') :]
    emergency = emergency[: emergency.index("</section>")]
    assert "Ring 113 med en gang hvis du har vondt i ryggen og" in emergency
    assert "<li>smerter i brystet" in emergency


def test_levels_say_where_to_go(client):
    html = client.get("/").content.decode()
    assert "Ring 113 med en gang hvis du har vondt i ryggen og:" in html
    assert "Kontakt fastlegen samme dag hvis du har vondt i ryggen og:" in html
    assert "Gå til fastlegen eller en av klinikkene våre hvis:" in html
    assert "ryggsmertene ikke er blitt bedre etter 4–6 uker" in html
    # Fever goes to the GP the same day (legevakt when the GP is closed) everywhere.
    same_day = html[html.index("Kontakt fastlegen samme dag") :]
    same_day = same_day[: same_day.index("Gå til fastlegen")]
    assert "feber, eller føler deg generelt syk" in same_day
    assert "legevakt på" in same_day


def test_sources_are_links_with_their_year(client):
    html = client.get("/plager/korsryggsmerter/").content.decode()
    assert (
        '<a href="https://www.nhs.uk/conditions/back-pain/" lang="en" hreflang="en">'
        "Back pain</a>, NHS 2023"
    ) in html


@pytest.mark.parametrize(
    ("url", "year", "field"),
    [
        ("http://example.org/guideline", 2020, "url"),
        ("https://example.org/guideline", dt.date.today().year + 1, "year"),
    ],
)
def test_a_source_needs_https_and_a_past_year(url, year, field):
    source = Source(title="Veileder", publisher="Helsedirektoratet", url=url, year=year)
    with pytest.raises(ValidationError) as error:
        source.full_clean()
    assert field in error.value.message_dict


def test_a_sign_without_a_source_cannot_be_saved(article):
    form = WarningSignForm(
        data={"order": 1, "level": "emergency", "text_nb": "Nytt tegn", "text": ""},
        instance=WarningSign(condition=article),
    )
    assert not form.is_valid()
    assert "source" in form.errors


def editor(django_user_model):
    user = django_user_model.objects.create_user(
        "redaktor", password="x" * 12, is_staff=True
    )
    user.groups.add(Group.objects.get(name="Redaktør"))
    return user


def clinician(django_user_model):
    user = django_user_model.objects.create_user(
        "kari",
        password="x" * 12,
        first_name="Kari",
        last_name="Nordmann",
        is_staff=True,
    )
    user.groups.add(Group.objects.get(name="Faglig ansvarlig"))
    return user


def sign_off_data(client, url, **levels) -> dict:
    """The sign-off form as the page offers it (every level as proposed), with
    `levels` ({row id as "level_<id>": level}) changed."""
    response = client.get(url)
    assert response.status_code == 200
    return {**admin_form_data(response.content.decode(), "sign-off"), **levels}


def change_form(admin_client, article):
    url = reverse("admin:conditions_condition_change", args=[article.pk])
    return url, admin_form_data(
        admin_client.get(url).content.decode(), "condition_form"
    )


def test_the_last_emergency_sign_cannot_be_deleted_or_moved(admin_client, article):
    url, data = change_form(admin_client, article)
    emergency = list(article.warning_signs.filter(level="emergency"))
    prefix = "warning_signs"
    indexes = [
        key.split("-")[1]
        for key, value in data.items()
        if re.fullmatch(rf"{prefix}-\d+-id", key)
        and int(value) in {sign.pk for sign in emergency}
    ]
    assert len(indexes) == len(emergency) == 7
    for index in indexes:
        data[f"{prefix}-{index}-DELETE"] = "on"
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "minst ett faresignal på nødnivå" in response.content.decode()
    assert article.warning_signs.filter(level="emergency").count() == 7
    # Moving them all to "same day" is refused the same way.
    url, data = change_form(admin_client, article)
    for index in indexes:
        data[f"{prefix}-{index}-level"] = "same_day"
    response = admin_client.post(url, data)
    assert "minst ett faresignal på nødnivå" in response.content.decode()
    assert article.warning_signs.filter(level="emergency").count() == 7


def test_a_norwegian_edit_marks_the_english_for_update(chest_pain):
    def post(**changes):
        data = {
            "order": chest_pain.order,
            "level": chest_pain.level,
            "text_nb": chest_pain.text_nb,
            "text_en": chest_pain.text_en,
            "detail_nb": chest_pain.detail_nb,
            "detail_en": chest_pain.detail_en,
            "source": chest_pain.source_id,
            "source_quote": chest_pain.source_quote,
            **changes,
        }
        form = WarningSignForm(data=data, instance=chest_pain)
        assert form.is_valid(), form.errors
        return form.save()

    assert post(text_nb="sterke smerter i brystet").english_outdated is True
    assert post(text_en="severe chest pain").english_outdated is False


def test_a_missing_translation_shows_norwegian_with_a_note(client, chest_pain):
    chest_pain.text_en = ""
    chest_pain.save()
    html = client.get("/en/conditions/low-back-pain/").content.decode()
    assert '<li lang="nb">smerter i brystet' in html
    assert (
        "Some of these signs have not been translated yet, so they are shown in "
        "Norwegian."
    ) in html


def test_only_a_clinical_reviewer_signs_off_and_is_named(
    client, django_user_model, article
):
    url = reverse("admin:conditions_condition_sign_off", args=[article.pk])
    client.force_login(editor(django_user_model))
    assert client.get(url).status_code == 403
    assert client.post(url).status_code == 403
    page = client.get("/plager/korsryggsmerter/").content.decode()
    assert "Faglig gjennomgått" not in page

    reviewer = clinician(django_user_model)
    client.force_login(reviewer)
    response = client.post(url, sign_off_data(client, url))
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.reviewed_by == reviewer
    assert not article.warning_signs.filter(needs_clinical_review=True).exists()
    client.logout()
    page = client.get("/plager/korsryggsmerter/").content.decode()
    with translation.override("nb"):
        from django.utils.formats import date_format

        today = date_format(timezone.localdate(), "DATE_FORMAT")
    assert f"Faglig gjennomgått av Kari Nordmann ({today})." in page
    assert "Sist oppdatert:" in page


# Traced to sources, proposed, signed off (issue 32).


def test_a_row_without_a_source_sentence_cannot_be_saved(article, chest_pain):
    form = WarningSignForm(
        data={
            "order": 1,
            "level": "emergency",
            "text_nb": "Nytt tegn",
            "source": chest_pain.source_id,
            "source_quote": "  ",
        },
        instance=WarningSign(condition=article),
    )
    assert not form.is_valid()
    assert form.errors["source_quote"] == ["Feltet er påkrevet."]
    # Nor around the form: the model's check and the database refuse it.
    chest_pain.source_quote = ""
    with pytest.raises(ValidationError) as error:
        chest_pain.full_clean()
    assert "source_quote" in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        WarningSign.objects.filter(pk=chest_pain.pk).update(source_quote="")
    assert WarningSign.objects.get(pk=chest_pain.pk).source_quote == "chest pain"


def test_editors_see_each_row_beside_its_source_sentence(admin_client, article):
    url = reverse("admin:conditions_condition_change", args=[article.pk])
    html = admin_client.get(url).content.decode()
    for sign in article.warning_signs.all():
        assert f">\n{escape(sign.source_quote)}</textarea>" in html
    assert "Forslag: ikke faglig godkjent ennå." in html
    age = article.warning_signs.get(text_nb__startswith="du fikk vondt i ryggen")
    assert "Nivået passer ikke helt" in age.level_note
    assert escape(age.level_note) in html


def test_the_rows_say_what_their_sources_say(client):
    html = client.get("/plager/korsryggsmerter/").content.decode()
    emergency = section(html, "warning-emergency")
    same_day = section(html, "warning-same-day")
    not_better = section(html, "warning-not-better")
    # One instruction in the emergency box: 113, not also the legevakt.
    assert "Ring 113 med en gang hvis du har vondt i ryggen og" in emergency
    assert 'Ring <a href="tel:113">113</a> nå. Ikke vent på en time.' in emergency
    assert "116" not in emergency
    # Trauma qualified: a serious accident at 113, a minor fall with thin bones
    # the same day.
    assert "en alvorlig ulykke, som en trafikkulykke eller et fall fra høyde" in (
        emergency
    )
    assert "et mindre fall eller et tungt løft, hvis du har benskjørhet" in same_day
    # Long-term steroid tablets, not any steroid.
    assert "har brukt kortisontabletter (steroider) lenge" in same_day
    assert "bruker kortison (steroider)" not in html
    # Age is a reason to see the GP, not a same-day sign.
    assert "før du fylte 20 eller etter at du fylte 55" in not_better
    assert "fylte 55" not in same_day
    for sign in (
        "nummenhet, prikking eller svakhet i begge bena",
        "endret følelse når du tørker deg etter et toalettbesøk",
        "nye problemer med ereksjon eller utløsning",
    ):
        assert sign in emergency
    for sign in (
        "smerter høyt oppe i ryggen, mellom skulderbladene",
        "en hevelse eller kul på ryggen, eller ryggen har endret form",
        "feber og har satt sprøyter med rusmidler, eller har svekket immunforsvar",
    ):
        assert sign in same_day
    # The cauda equina explanation once, under the five signs it explains.
    assert html.count("cauda equina-syndrom") == 1
    shared = emergency[: emergency.index('class="nm-warning-shared"')]
    assert shared.count("<li") == 5
    assert "<strong>De 5 tegnene over:</strong> <span>Kan være tegn på at" in (
        emergency
    )


def test_the_english_rows_follow(client):
    html = client.get("/en/conditions/low-back-pain/").content.decode()
    emergency = section(html, "warning-emergency")
    assert "a change in feeling when you wipe yourself after using the toilet" in (
        emergency
    )
    assert 'Call <a href="tel:113">113</a> now. Do not wait for an appointment.' in (
        emergency
    )
    assert "116" not in emergency
    assert html.count("cauda equina syndrome") == 1
    assert "you have taken steroid tablets for a long time" in section(
        html, "warning-same-day"
    )


def test_the_sign_off_form_shows_the_sources_and_confirms_or_changes_levels(
    client, django_user_model, article
):
    url = reverse("admin:conditions_condition_sign_off", args=[article.pk])
    client.force_login(clinician(django_user_model))
    html = client.get(url).content.decode()
    assert "Aldri faglig godkjent: hvert faresignal er et forslag." in html
    for sign in article.warning_signs.select_related("source"):
        assert escape(sign.source_quote) in html
        assert f'href="{sign.source.url}"' in html
    age = article.warning_signs.get(text_nb__startswith="du fikk vondt i ryggen")
    assert age.level == WarningSign.Level.NOT_BETTER
    data = sign_off_data(client, url, **{f"level_{age.pk}": "same_day"})
    assert client.post(url, data).status_code == 302

    article.refresh_from_db()
    age.refresh_from_db()
    assert age.level == WarningSign.Level.SAME_DAY
    assert not article.warning_signs.filter(needs_clinical_review=True).exists()
    signed = {row["id"]: row for row in article.signed_warning_signs}
    assert signed[age.pk]["level"] == "same_day"
    assert len(signed) == 18
    html = client.get(url).content.decode()
    assert "Siden da er 0 faresignaler endret." in html
    assert html.count("Uendret") == 18


def test_an_editor_cannot_change_a_levels_sign_off(
    client, django_user_model, article, chest_pain
):
    reviewer = clinician(django_user_model)
    condition_sign_off(condition=article, user=reviewer)
    chest_pain.refresh_from_db()
    assert chest_pain.needs_clinical_review is False

    # The editor moves a signed sign to another level, and cannot keep it signed:
    # it is a proposal again, and the sign-off still holds the signed level.
    client.force_login(editor(django_user_model))
    url, data = change_form(client, article)
    index = row_index(data, chest_pain)
    data[f"warning_signs-{index}-level"] = "same_day"
    data[f"warning_signs-{index}-needs_clinical_review"] = ""
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    chest_pain.refresh_from_db()
    assert chest_pain.level == WarningSign.Level.SAME_DAY
    assert chest_pain.needs_clinical_review is True
    article.refresh_from_db()
    signed = {row["id"]: row for row in article.signed_warning_signs}
    assert signed[chest_pain.pk]["level"] == "emergency"
    # Nor can the editor open or post the sign-off.
    sign_off = reverse("admin:conditions_condition_sign_off", args=[article.pk])
    assert client.get(sign_off).status_code == 403
    assert client.post(sign_off, {"seen": "x"}).status_code == 403
    chest_pain.refresh_from_db()
    assert chest_pain.needs_clinical_review is True

    # The clinician's form shows what changed since their sign-off.
    client.force_login(reviewer)
    html = client.get(sign_off).content.decode()
    assert "Siden da er 1 faresignal endret." in html
    assert (
        "Nivå: <del>Nød: ring 113 med en gang</del> → "
        "<ins>Samme dag: fastlegen, eller legevakt 116 117 når fastlegen er stengt"
        "</ins>"
    ) in html


def test_rows_changed_while_the_clinician_reads_are_not_signed(
    client, django_user_model, article, chest_pain
):
    url = reverse("admin:conditions_condition_sign_off", args=[article.pk])
    client.force_login(clinician(django_user_model))
    data = sign_off_data(client, url)
    chest_pain.text_nb = "sterke smerter i brystet"
    chest_pain.save()
    response = client.post(url, data, follow=True)
    assert "Faresignalene ble endret mens du leste dem" in response.content.decode()
    assert "sterke smerter i brystet" in response.content.decode()
    article.refresh_from_db()
    assert article.last_reviewed is None
    assert article.warning_signs.filter(needs_clinical_review=True).count() == 18


def test_the_next_review_date_shows_in_both_languages(
    client, django_user_model, article
):
    user = django_user_model.objects.create(
        username="ola", first_name="Ola", last_name="Lege"
    )
    article.last_reviewed = dt.date(2026, 11, 20)
    article.next_review = dt.date(2027, 11, 20)
    article.reviewed_by = user
    article.save()
    nb = client.get("/plager/korsryggsmerter/").content.decode()
    assert "Neste faglige gjennomgang: 20. november 2027." in nb
    en = client.get("/en/conditions/low-back-pain/").content.decode()
    assert "Next clinical review: 20 November 2027." in en
    data = json.loads(
        re.search(r'<script type="application/ld\+json">(.*?)</script>', en, re.S)[1]
    )
    assert data["lastReviewed"] == "2026-11-20"
    assert data["reviewedBy"] == {"@type": "Person", "name": "Ola Lege"}


def section(html: str, anchor: str) -> str:
    part = html[html.index(f'id="{anchor}"') :]
    return part[: part.index("</section>")]


def row_index(data: dict, sign) -> str:
    return next(
        key.split("-")[1]
        for key, value in data.items()
        if re.fullmatch(r"warning_signs-\d+-id", key) and int(value) == sign.pk
    )
