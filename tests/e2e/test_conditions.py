import pytest
from django.contrib.auth import get_user_model

from tests.e2e.conftest import csp_violations


@pytest.mark.parametrize(
    ("path", "heading"),
    [
        ("/plager/", "Plager"),
        ("/en/conditions/", "Conditions"),
        ("/plager/korsryggsmerter/", "Korsryggsmerter"),
        ("/en/conditions/low-back-pain/", "Low back pain"),
    ],
)
def test_condition_pages_pass_axe_vnu_and_csp(check_page, path, heading):
    page = check_page(path)
    assert page.locator("h1").inner_text() == heading


def test_checklist_print_button_prints_the_checklist_alone(page, live_server):
    page.goto(live_server.url + "/plager/korsryggsmerter/")
    button = page.get_by_role("button", name="Skriv ut sjekklisten")
    assert button.is_visible()
    # Replace the print dialog, which headless Chromium cannot show, by a recorder.
    page.evaluate("window.print = () => { window.__printed = true; }")
    button.click()
    assert page.evaluate("window.__printed") is True
    page.emulate_media(media="print")
    assert page.locator("#self-care").is_visible()
    assert page.locator("#causes").is_hidden()
    assert page.locator("header").first.is_hidden()


def test_table_of_contents_jumps_to_the_section(page, live_server):
    page.goto(live_server.url + "/plager/korsryggsmerter/")
    page.get_by_role("navigation", name="På denne siden").get_by_role(
        "link", name="Dette kan du gjøre selv"
    ).click()
    assert page.url.endswith("#self-care")
    assert page.locator("#self-care-heading").is_visible()


def test_staff_edit_a_symptom_in_the_admin_with_language_tabs(page, live_server):
    get_user_model().objects.create_superuser(
        "redaktor", "redaktor@example.invalid", "et-langt-testpassord-42"
    )
    page.goto(live_server.url + "/admin/login/")
    page.get_by_label("Brukernavn").fill("redaktor")
    page.get_by_label("Passord").fill("et-langt-testpassord-42")
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_url(live_server.url + "/admin/")
    page.goto(live_server.url + "/admin/conditions/conditionpart/?kind=symptoms")
    page.get_by_role("link", name="Vanlige symptomer").click()
    page.wait_for_load_state("load")
    assert page.locator(".ui-tabs").count() >= 1
    page.locator("#id_items-0-text_nb").fill("Kan komme plutselig eller gradvis")
    # In the list of points each cell has its own language tabs.
    page.locator('li[aria-controls="tab_id_items-0-text_en"] a').click()
    page.locator("#id_items-0-text_en").fill("Can come on suddenly or slowly")
    page.get_by_role("button", name="Lagre", exact=True).click()
    page.wait_for_load_state("load")
    assert csp_violations(page) == []
    page.goto(live_server.url + "/plager/korsryggsmerter/")
    assert page.get_by_text("Kan komme plutselig eller gradvis").is_visible()
    page.goto(live_server.url + "/en/conditions/low-back-pain/")
    assert page.get_by_text("Can come on suddenly or slowly").is_visible()
