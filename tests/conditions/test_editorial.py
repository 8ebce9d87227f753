"""Editors' tools in the admin: review workflow, readability, translations, history,
preview and the editors' group."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from conditions.models import Condition, ConditionItem
from tests.admin_forms import admin_form_data
from tests.factories import (
    ConditionFactory,
    ConditionItemFactory,
    ConditionPartFactory,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def staff_in(group_name, django_user_model, client):
    user = django_user_model.objects.create_user(
        f"{group_name.lower()}-bruker", password="x" * 16, is_staff=True
    )
    user.groups.add(Group.objects.get(name=group_name))
    client.force_login(user)
    return user


# --- Groups -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("group", "url", "status"),
    [
        ("Redaktør", reverse("admin:conditions_condition_changelist"), 200),
        ("Redaktør", reverse("admin:conditions_conditionpart_add"), 200),
        ("Redaktør", reverse("admin:nemus_site_page_changelist"), 200),
        ("Redaktør", reverse("admin:clinics_clinic_changelist"), 200),
        ("Redaktør", reverse("admin:clinics_practitioner_add"), 200),
        ("Redaktør", reverse("admin:nemus_site_redirect_add"), 200),
        ("Redaktør", reverse("admin:booking_booking_changelist"), 403),
        ("Redaktør", reverse("admin:booking_weeklyschedule_changelist"), 403),
        ("Redaktør", reverse("admin:auth_user_changelist"), 403),
        ("Redaktør", reverse("admin:clinics_clinic_add"), 403),
        ("Resepsjon", reverse("admin:booking_booking_changelist"), 200),
        ("Resepsjon", reverse("admin:conditions_condition_changelist"), 403),
        ("Resepsjon", reverse("admin:nemus_site_page_changelist"), 403),
    ],
)
def test_each_group_reaches_exactly_its_work(
    client, django_user_model, group, url, status
):
    staff_in(group, django_user_model, client)
    assert client.get(url).status_code == status


def test_editors_cannot_delete_practitioners_or_pages(client, django_user_model):
    user = staff_in("Redaktør", django_user_model, client)
    assert user.has_perm("conditions.delete_condition")
    assert user.has_perm("clinics.change_practitioner")
    assert not user.has_perm("clinics.delete_practitioner")
    assert not user.has_perm("nemus_site.delete_page")
    assert not user.has_perm("booking.view_slot")


# --- Review workflow ----------------------------------------------------------------


@pytest.fixture
def reviews(django_user_model):
    reviewer = django_user_model.objects.create_user(
        "kari", first_name="Kari", last_name="Nordmann"
    )

    def make(title, last, next_):
        return ConditionFactory(
            title_nb=title, last_reviewed=last, next_review=next_, reviewed_by=reviewer
        )

    return {
        "never": make("Aldri gjennomgått", None, None),
        "overdue": make(
            "Forfalt", TODAY - dt.timedelta(days=400), TODAY - dt.timedelta(days=1)
        ),
        "soon": make(
            "Snart", TODAY - dt.timedelta(days=300), TODAY + dt.timedelta(days=20)
        ),
        "current": make(
            "I orden", TODAY - dt.timedelta(days=10), TODAY + dt.timedelta(days=355)
        ),
    }


def titles(response):
    return {c.title for c in response.context["cl"].result_list}


def test_the_review_filter_finds_overdue_and_due_soon(admin_client, reviews):
    base = reverse("admin:conditions_condition_changelist") + "?review="
    overdue = titles(admin_client.get(base + "overdue"))
    assert {"Aldri gjennomgått", "Forfalt"} <= overdue
    assert "Snart" not in overdue and "I orden" not in overdue
    assert titles(admin_client.get(base + "due-soon")) == {"Snart"}
    assert titles(admin_client.get(base + "current")) == {"I orden"}


def test_the_admin_front_page_lists_what_is_due(admin_client, reviews):
    html = admin_client.get(reverse("admin:index")).content.decode()
    block = html[html.index('id="review-due"') :][:3000]
    assert "Forfalt" in block and "Snart" in block and "Aldri gjennomgått" in block
    assert "I orden" not in block
    assert "Forfalt (overdue)" not in block  # labels are Norwegian
    assert "Forfalt" in block and "Innen 30 dager" in block


def test_the_published_page_shows_its_review(client, reviews):
    condition = reviews["current"]
    html = client.get(condition.get_absolute_url()).content.decode()
    assert "Faglig gjennomgått av Kari Nordmann (" in html
    assert condition.last_reviewed.strftime("%Y") in html


# --- Readability and translation ----------------------------------------------------


def test_the_change_page_shows_lix_per_part_and_a_hint_when_hard(admin_client):
    condition = ConditionFactory(title_nb="Plage", summary_nb="Kort.")
    easy = ConditionPartFactory(
        condition=condition, heading_nb="Lett", lead_nb="Du kan gå."
    )
    hard = ConditionPartFactory(
        condition=condition,
        heading_nb="Tung",
        lead_nb="Korsryggsmerter forekommer hyppig blant yrkesaktive "
        "befolkningsgrupper.",
    )
    ConditionItemFactory(part=easy, text_nb="Gå tur.")
    html = admin_client.get(
        reverse("admin:conditions_condition_change", args=[condition.pk])
    ).content.decode()
    # "Tung\nKorsryggsmerter ... befolkningsgrupper.": 7 words, 2 sentences, 4 long
    # -> 7/2 + 100*4/7 = 3.5 + 57.1 = 60.6 -> "61 (svært vanskelig)"
    assert "61 (svært vanskelig)" in html
    assert "mange pasienter" in html  # the plain-language hint, naming the part
    assert (
        "Vanskelig nå: Tung." in html
    )  # the whole article: 13 words, 6 sentences, 4 long = 32.9
    assert hard.heading_nb in html and easy.heading_nb in html


def test_an_easy_article_gets_no_warning(admin_client):
    condition = ConditionFactory(title_nb="Plage", summary_nb="Kort.")
    ConditionPartFactory(condition=condition, heading_nb="Lett", lead_nb="Du kan gå.")
    html = admin_client.get(
        reverse("admin:conditions_condition_change", args=[condition.pk])
    ).content.decode()
    assert "Alle delene er lette nok å lese (LIX 40 eller lavere)." in html
    assert "mange pasienter" not in html


def test_the_change_list_shows_missing_translations_and_parts_to_review(admin_client):
    condition = ConditionFactory(title_nb="Nakkesmerter", title_en="Neck pain")
    part = ConditionPartFactory(
        condition=condition,
        heading_nb="Råd",
        heading_en="",
        needs_clinical_review_nb=True,
    )
    ConditionItemFactory(part=part, text_nb="Hvil litt", text_en="")
    html = admin_client.get(
        reverse("admin:conditions_condition_changelist")
    ).content.decode()
    row = html[html.index("Nakkesmerter") :][:2500]
    assert "nb: komplett" in row
    assert "en: 2 tekster mangler" in row  # the heading and the item
    assert "Råd" in row  # the part needing clinical review
    assert "Tittel og sammendrag" not in row
    condition.needs_clinical_review_en = True
    condition.save()
    html = admin_client.get(
        reverse("admin:conditions_condition_changelist")
    ).content.decode()
    row = html[html.index("Nakkesmerter") :][:2500]
    assert "Tittel og sammendrag, Råd" in row


# --- History ------------------------------------------------------------------------


def change_url(condition):
    return reverse("admin:conditions_condition_change", args=[condition.pk])


def post_article(client, condition, **changes):
    data = admin_form_data(
        client.get(change_url(condition)).content.decode(), "condition_form"
    )
    data.update(changes)
    return client.post(change_url(condition), data)


def test_each_save_is_kept_with_who_and_when_and_can_be_compared(admin_client):
    condition = ConditionFactory(summary_nb="Første versjon.")
    ConditionPartFactory(condition=condition)
    assert (
        post_article(admin_client, condition, summary_nb="Første versjon.").status_code
        == 302
    )
    response = post_article(admin_client, condition, summary_nb="Andre versjon.")
    assert response.status_code == 302
    versions = Version.objects.get_for_object(condition)
    assert versions.count() == 2
    newest = versions.first()
    assert newest.revision.user.username == "admin"
    history = admin_client.get(
        reverse("admin:conditions_condition_history", args=[condition.pk])
    )
    assert "endringer/" in history.content.decode()
    changes = admin_client.get(
        reverse("admin:conditions_condition_changes", args=[condition.pk, newest.pk])
    ).content.decode()
    assert "<del>Første versjon.</del>" in changes
    assert "<ins>Andre versjon.</ins>" in changes


def test_an_old_version_can_be_restored_with_its_parts(admin_client):
    condition = ConditionFactory(summary_nb="Godkjent tekst.")
    part = ConditionPartFactory(condition=condition, heading_nb="Godkjent overskrift")
    post_article(admin_client, condition)
    good = Version.objects.get_for_object(condition).first()
    post_article(
        admin_client,
        condition,
        summary_nb="Feil tekst.",
        **{"parts-0-heading_nb": "Feil overskrift"},
    )
    part.refresh_from_db()
    assert part.heading_nb == "Feil overskrift"
    revision_url = reverse(
        "admin:conditions_condition_revision", args=[condition.pk, good.pk]
    )
    form = admin_form_data(
        admin_client.get(revision_url).content.decode(), "condition_form"
    )
    assert form["summary_nb"].strip() == "Godkjent tekst."
    assert admin_client.post(revision_url, form).status_code == 302
    condition.refresh_from_db()
    part.refresh_from_db()
    assert condition.summary_nb == "Godkjent tekst."
    assert part.heading_nb == "Godkjent overskrift"


# --- Preview ------------------------------------------------------------------------


def test_preview_shows_unsaved_changes_and_stores_nothing(admin_client):
    condition = ConditionFactory(
        summary_nb="Lagret sammendrag.", summary_en="Saved summary.", status="draft"
    )
    part = ConditionPartFactory(condition=condition)
    ConditionItemFactory(part=part, text_nb="Lagret symptom")
    data = admin_form_data(
        admin_client.get(change_url(condition)).content.decode(), "condition_form"
    )
    data["summary_nb"] = "Ulagret sammendrag."
    data["summary_en"] = "Unsaved summary."
    preview = reverse("admin:conditions_condition_preview", args=[condition.pk])
    nb = admin_client.post(preview + "?language=nb", data)
    assert nb.status_code == 200
    page = nb.content.decode()
    assert "Ulagret sammendrag." in page
    assert "Forhåndsvisning: endringene er ikke lagret." in page
    assert "Lagret symptom" in page
    assert "no-store" in nb["Cache-Control"]
    en = admin_client.post(preview + "?language=en", data).content.decode()
    assert "Unsaved summary." in en
    condition.refresh_from_db()
    assert condition.summary_nb == "Lagret sammendrag."
    assert Version.objects.get_for_object(condition).count() == 0
    # No "changed successfully" waits for the next admin page.
    listing = admin_client.get(
        reverse("admin:conditions_condition_changelist")
    ).content.decode()
    assert "ble endret" not in listing


def test_preview_of_a_broken_form_shows_the_errors(admin_client):
    condition = ConditionFactory()
    data = admin_form_data(
        admin_client.get(change_url(condition)).content.decode(), "condition_form"
    )
    data["title_nb"] = ""
    response = admin_client.post(
        reverse("admin:conditions_condition_preview", args=[condition.pk]), data
    )
    assert response.status_code == 200
    assert "Feltet er påkrevet." in response.content.decode()
    assert Condition.objects.get(pk=condition.pk).title_nb != ""


def test_a_draft_can_be_opened_by_staff_but_not_by_patients(admin_client, client):
    draft = ConditionFactory(status="draft", title_nb="Utkast til artikkel")
    assert client.get(draft.get_absolute_url()).status_code == 404
    staff = admin_client.get(draft.get_absolute_url())
    assert staff.status_code == 200
    assert "Utkast til artikkel" in staff.content.decode()


def test_items_are_kept_in_the_history_too(admin_client):
    condition = ConditionFactory()
    part = ConditionPartFactory(condition=condition)
    item = ConditionItemFactory(part=part, text_nb="Stiv om morgenen")
    post_article(admin_client, condition)
    revision = Version.objects.get_for_object(condition).first().revision
    kept = {v.object_repr for v in revision.version_set.all()}
    assert str(item) in kept
    assert ConditionItem.objects.filter(pk=item.pk).exists()


def test_reception_finds_the_day_list_from_the_bookings(client, django_user_model):
    staff_in("Resepsjon", django_user_model, client)
    html = client.get(reverse("admin:booking_booking_changelist")).content.decode()
    assert f'href="{reverse("admin:booking_booking_day_list")}"' in html
    assert "Dagsliste til utskrift" in html
