"""Warning signs: one set of rows, shown on every page that warns; the rules that
keep them honest (sources, the last emergency sign, translations, sign-off)."""

import datetime as dt
import re

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from conditions.forms import WarningSignForm
from conditions.models import Condition, Source, WarningSign
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
        '<a href="https://www.nice.org.uk/guidance/ng59" lang="en" hreflang="en">'
        "Low back pain and sciatica in over 16s: assessment and management "
        "(NG59)</a>, National Institute for Health and Care Excellence (NICE) 2020"
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
    assert len(indexes) == len(emergency) == 5
    for index in indexes:
        data[f"{prefix}-{index}-DELETE"] = "on"
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "minst ett faresignal på nødnivå" in response.content.decode()
    assert article.warning_signs.filter(level="emergency").count() == 5
    # Moving them all to "same day" is refused the same way.
    url, data = change_form(admin_client, article)
    for index in indexes:
        data[f"{prefix}-{index}-level"] = "same_day"
    response = admin_client.post(url, data)
    assert "minst ett faresignal på nødnivå" in response.content.decode()
    assert article.warning_signs.filter(level="emergency").count() == 5


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
            "needs_clinical_review": "on",
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
    editor = django_user_model.objects.create_user(
        "redaktor", password="x" * 12, is_staff=True
    )
    editor.groups.add(Group.objects.get(name="Redaktør"))
    client.force_login(editor)
    assert client.post(url).status_code == 403
    page = client.get("/plager/korsryggsmerter/").content.decode()
    assert "Faglig gjennomgått" not in page

    reviewer = django_user_model.objects.create_user(
        "kari",
        password="x" * 12,
        first_name="Kari",
        last_name="Nordmann",
        is_staff=True,
    )
    reviewer.groups.add(Group.objects.get(name="Faglig ansvarlig"))
    client.force_login(reviewer)
    assert client.post(url).status_code == 302
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
