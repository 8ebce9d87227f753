"""An editor (the Redaktør group, not a superuser) at work in the admin, and axe on
the admin pages staff use."""

import importlib

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from conditions.models import Condition
from tests.e2e.conftest import csp_violations, run_axe

PASSWORD = "et-langt-testpassord-42"
EDITOR_GROUP = importlib.import_module("conditions.migrations.0004_editor_group")


def group_member(group_name, permissions, username, **fields):
    """A staff user in a group as its migration grants it (groups are emptied with
    the test database)."""
    group, _ = Group.objects.get_or_create(name=group_name)
    group.permissions.set(
        [
            Permission.objects.get(content_type__app_label=app, codename=codename)
            for app, codename in permissions
        ]
    )
    user = get_user_model().objects.create_user(
        username, f"{username}@example.invalid", PASSWORD, is_staff=True, **fields
    )
    user.groups.add(group)
    return user


@pytest.fixture
def editor():
    """A member of the Redaktør group."""
    return group_member(
        EDITOR_GROUP.EDITORS,
        EDITOR_GROUP.EDITOR_PERMISSIONS,
        "redaktor",
    )


def log_in(page, live_server, username):
    page.goto(live_server.url + reverse("admin:login"))
    page.get_by_label("Brukernavn").fill(username)
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_url(live_server.url + reverse("admin:index"))


def test_an_editor_changes_a_symptom_in_both_languages_and_sees_it_on_the_site(
    page, live_server, editor
):
    log_in(page, live_server, "redaktor")
    assert page.locator("#review-due").is_visible()  # the article awaits its review
    page.get_by_role("link", name="Deler", exact=True).click()
    page.get_by_role("link", name="Vanlige symptomer").click()
    page.wait_for_load_state("load")
    page.locator("#id_items-0-text_nb").fill("Kan komme brått eller gradvis")
    page.locator('li[aria-controls="tab_id_items-0-text_en"] a').click()
    page.locator("#id_items-0-text_en").fill("May start suddenly or slowly")
    page.get_by_role("button", name="Lagre", exact=True).click()
    page.wait_for_load_state("load")
    assert csp_violations(page) == []
    assert page.locator(".messagelist .success").count() == 1
    page.goto(live_server.url + "/plager/korsryggsmerter/")
    assert page.get_by_text("Kan komme brått eller gradvis").is_visible()
    page.goto(live_server.url + "/en/conditions/low-back-pain/")
    assert page.get_by_text("May start suddenly or slowly").is_visible()


def test_an_editor_previews_an_unsaved_change(page, live_server, editor):
    log_in(page, live_server, "redaktor")
    condition = Condition.objects.get(slug_nb="korsryggsmerter")
    page.goto(f"{live_server.url}/admin/conditions/condition/{condition.pk}/change/")
    page.locator("#id_summary_nb").fill("Et nytt sammendrag som ikke er lagret.")
    with page.context.expect_page() as opened:
        page.get_by_role("button", name="Forhåndsvis på norsk (lagres ikke)").click()
    preview = opened.value
    preview.wait_for_load_state("load")
    assert preview.get_by_text("Et nytt sammendrag som ikke er lagret.").is_visible()
    assert preview.get_by_text(
        "Forhåndsvisning: endringene er ikke lagret."
    ).is_visible()
    condition.refresh_from_db()
    assert condition.summary_nb != "Et nytt sammendrag som ikke er lagret."


@pytest.mark.parametrize(
    "path",
    [
        "/admin/",
        "/admin/conditions/condition/",
        "/admin/conditions/condition/?review=overdue",
        "/admin/conditions/condition/{condition}/change/",
        "/admin/conditions/condition/{condition}/history/",
        "/admin/conditions/conditionpart/",
        "/admin/conditions/conditionpart/{part}/change/",
        "/admin/clinics/clinic/",
    ],
)
def test_admin_pages_editors_use_pass_axe(axe_page, live_server, editor, path):
    condition = Condition.objects.get(slug_nb="korsryggsmerter")
    part = condition.parts.get(kind="symptoms")
    log_in(axe_page, live_server, "redaktor")
    axe_page.goto(live_server.url + path.format(condition=condition.pk, part=part.pk))
    assert axe_page.url.endswith(path.format(condition=condition.pk, part=part.pk))
    violations = run_axe(axe_page)
    assert violations == [], f"{path}: {violations}"


REVIEWER_GROUP = importlib.import_module(
    "conditions.migrations.0007_warning_sign_permissions"
)


@pytest.fixture
def clinician():
    """A member of Faglig ansvarlig, the group that may sign off."""
    return group_member(
        REVIEWER_GROUP.REVIEWERS,
        REVIEWER_GROUP.REVIEWER_PERMISSIONS,
        "kari",
        first_name="Kari",
        last_name="Nordmann",
    )


def test_a_clinician_signs_off_the_warning_signs_and_the_article_says_so(
    axe_page, check_page, live_server, clinician
):
    condition = Condition.objects.get(slug_nb="korsryggsmerter")
    age = condition.warning_signs.get(text_nb__startswith="du fikk vondt i ryggen")
    log_in(axe_page, live_server, "kari")
    url = reverse("admin:conditions_condition_sign_off", args=[condition.pk])
    axe_page.goto(live_server.url + url)
    violations = run_axe(axe_page)
    assert violations == [], violations
    assert axe_page.get_by_text("Alder under 20 eller over 55 år").is_visible()
    levels = axe_page.get_by_role("group", name=f"Nivå for «{age.text_nb}»")
    levels.get_by_label("Samme dag", exact=False).check()
    axe_page.get_by_role("button", name="Godkjenn faglig gjennomgang").click()
    axe_page.wait_for_url(f"**/conditions/condition/{condition.pk}/change/")
    assert "Godkjent:" in axe_page.locator(".messagelist").inner_text()
    age.refresh_from_db()
    assert age.level == "same_day" and not age.needs_clinical_review

    next_review = condition.__class__.objects.get(pk=condition.pk).next_review
    page = check_page("/plager/korsryggsmerter/")
    footer = page.locator(".nm-article__footer").inner_text()
    assert "Faglig gjennomgått av Kari Nordmann" in footer
    assert f"Neste faglige gjennomgang: {next_review.day}. " in footer
    page = check_page("/en/conditions/low-back-pain/")
    footer = page.locator(".nm-article__footer").inner_text()
    assert "Clinically reviewed by Kari Nordmann" in footer
    assert f"Next clinical review: {next_review.day} " in footer
