import pytest
from django.contrib.auth import get_user_model

from tests.e2e.conftest import csp_violations


@pytest.mark.parametrize(
    ("path", "lang", "heading"),
    [
        ("/", "nb", "Hjelp for vondt i rygg, nakke og ledd"),
        ("/en/", "en", "Help for back, neck and joint pain"),
    ],
)
def test_home_page_passes_axe_vnu_and_csp(check_page, path, lang, heading):
    page = check_page(path)
    assert page.locator("html").get_attribute("lang") == lang
    assert page.locator("h1").inner_text() == heading


@pytest.mark.parametrize(
    ("path", "heading"),
    [("/finnes-ikke/", "Fant ikke siden"), ("/en/missing/", "Page not found")],
)
def test_not_found_page_passes_axe_and_vnu(check_page, path, heading):
    page = check_page(path, status=404)
    assert page.locator("h1").inner_text() == heading


def test_admin_login_passes_axe_and_vnu(check_page):
    page = check_page("/admin/login/")
    assert page.locator("input[type=submit]").get_attribute("value") == "Logg inn"


def test_language_switcher_leads_to_the_same_page(page, live_server):
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="English").click()
    page.wait_for_url(live_server.url + "/en/")
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_role("link", name="Norsk (bokmål)").click()
    page.wait_for_url(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "nb"


def test_skip_link_is_first_and_moves_focus_to_main(page, live_server):
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Hopp til hovedinnholdet"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main-content"


@pytest.mark.django_db(transaction=True)
def test_admin_works_under_the_strict_csp(page, live_server):
    user = get_user_model().objects.create_superuser(
        "redaktor", "redaktor@example.invalid", "et-langt-testpassord-42"
    )
    page.goto(live_server.url + "/admin/login/")
    page.get_by_label("Brukernavn").fill("redaktor")
    page.get_by_label("Passord").fill("et-langt-testpassord-42")
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_url(live_server.url + "/admin/")
    assert page.get_by_role("heading", name="Administrasjon").is_visible()
    # A change form uses the admin's JavaScript (widgets, collapse, select filter).
    page.goto(f"{live_server.url}/admin/auth/user/{user.pk}/change/")
    page.wait_for_load_state("load")
    assert page.locator("#id_username").input_value() == "redaktor"
    # The select filter widget is built by admin JavaScript: it ran under the policy.
    assert page.locator("#id_groups_from").count() == 1
    assert csp_violations(page) == []
