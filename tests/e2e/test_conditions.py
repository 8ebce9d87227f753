import pytest


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
