import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.e2e.conftest import csp_violations

FRAME_PAGES = [
    ("/", "nb", "Hjelp for vondt i rygg, nakke og ledd"),
    ("/en/", "en", "Help for back, neck and joint pain"),
    ("/personvern/", "nb", "Personvern"),
    ("/en/privacy/", "en", "Privacy notice"),
    ("/tilgjengelighet/", "nb", "Tilgjengelighetserklæring"),
    ("/en/accessibility/", "en", "Accessibility statement"),
    ("/bedrifter/", "nb", "For bedrifter"),
    ("/en/businesses/", "en", "For businesses"),
]


@pytest.mark.parametrize(("path", "lang", "heading"), FRAME_PAGES)
def test_frame_pages_pass_axe_vnu_and_csp(check_page, path, lang, heading):
    page = check_page(path)
    assert page.locator("html").get_attribute("lang") == lang
    assert page.locator("h1").inner_text() == heading
    # Landmarks every page has.
    assert page.locator("header").count() == 1
    assert page.locator("main#main-content").count() == 1
    assert page.locator("footer").count() == 1


@pytest.mark.parametrize(
    ("path", "heading"),
    [("/finnes-ikke/", "Fant ikke siden"), ("/en/missing/", "Page not found")],
)
def test_not_found_page_passes_axe_and_vnu(check_page, path, heading):
    page = check_page(path, status=404)
    assert page.locator("h1").inner_text() == heading


def test_admin_login_passes_axe_and_vnu(check_page):
    page = check_page(reverse("admin:login"))
    assert page.locator("input[type=submit]").get_attribute("value") == "Logg inn"


@pytest.mark.parametrize("path", ["/komponenter/", "/en/components/"])
def test_components_page_passes_axe_and_vnu(check_page, page, axe_page, client, path):
    staff = get_user_model().objects.create_user("ansatt", password="x", is_staff=True)
    client.force_login(staff)
    session = client.cookies["sessionid"].value
    for context in (page.context, axe_page.context):
        context.add_cookies(
            [{"name": "sessionid", "value": session, "url": check_page.origin}]
        )
    shown = check_page(path)
    assert shown.locator(".nm-callout").count() == 3


def test_language_switcher_leads_to_the_same_page(page, live_server):
    page.goto(live_server.url + "/personvern/")
    page.get_by_role("link", name="English").click()
    page.wait_for_url(live_server.url + "/en/privacy/")
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_role("link", name="Norsk (bokmål)").click()
    page.wait_for_url(live_server.url + "/personvern/")
    assert page.locator("html").get_attribute("lang") == "nb"


def focused(page) -> str:
    """What a screen reader would read for the focused element (its text, less
    anything aria-hidden), or its id for a non-link such as <main>."""
    return page.evaluate(
        """(() => {
          const el = document.activeElement.cloneNode(true);
          el.querySelectorAll('[aria-hidden="true"]').forEach((n) => n.remove());
          const text = el.textContent.replace(/\\s+/g, ' ').trim();
          return text || document.activeElement.id;
        })()"""
    )


def test_keyboard_only_walk_through_the_frame(page, live_server):
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    assert focused(page) == "Hopp til hovedinnholdet"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main-content"

    # From the top again: logo, language, main menu, then the page's links in order.
    page.goto(live_server.url + "/")
    order = []
    for _ in range(40):
        page.keyboard.press("Tab")
        order.append(focused(page))
        if order[-1] == "Personvern":
            break
    assert order[:3] == ["Hopp til hovedinnholdet", "NEMUS – forsiden", "English"]
    assert "113" in order and "116 117" in order
    assert order[-1] == "Personvern"
    # Every focused element shows a visible focus indicator.
    style = page.evaluate(
        "(() => { const s = getComputedStyle(document.activeElement);"
        " return [s.backgroundColor, s.boxShadow]; })()"
    )
    assert style[0] == "rgb(255, 214, 10)"
    assert style[1] != "none"
    page.keyboard.press("Enter")
    page.wait_for_url(live_server.url + "/personvern/")
    assert page.locator("h1").inner_text() == "Personvern"


def test_skip_link_is_hidden_until_focused(page, live_server):
    page.goto(live_server.url + "/")
    skip = page.get_by_role("link", name="Hopp til hovedinnholdet")
    assert skip.bounding_box()["y"] < 0
    page.keyboard.press("Tab")
    assert skip.bounding_box()["y"] >= 0


def test_admin_works_under_the_strict_csp(page, live_server):
    user = get_user_model().objects.create_superuser(
        "redaktor", "redaktor@example.invalid", "et-langt-testpassord-42"
    )
    page.goto(live_server.url + reverse("admin:login"))
    page.get_by_label("Brukernavn").fill("redaktor")
    page.get_by_label("Passord").fill("et-langt-testpassord-42")
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_url(live_server.url + reverse("admin:index"))
    assert page.get_by_role("heading", name="Administrasjon").is_visible()
    # A change form uses the admin's JavaScript (widgets, collapse, select filter).
    page.goto(f"{live_server.url}/admin/auth/user/{user.pk}/change/")
    page.wait_for_load_state("load")
    assert page.locator("#id_username").input_value() == "redaktor"
    # The select filter widget is built by admin JavaScript: it ran under the policy.
    assert page.locator("#id_groups_from").count() == 1
    assert csp_violations(page) == []


def test_admin_language_tabs_work_under_the_strict_csp(page, live_server):
    from nemus_site.models import Page

    get_user_model().objects.create_superuser(
        "redaktor", "redaktor@example.invalid", "et-langt-testpassord-42"
    )
    privacy = Page.objects.get(key="privacy")
    page.goto(live_server.url + reverse("admin:login"))
    page.get_by_label("Brukernavn").fill("redaktor")
    page.get_by_label("Passord").fill("et-langt-testpassord-42")
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_url(live_server.url + reverse("admin:index"))
    page.goto(f"{live_server.url}/admin/nemus_site/page/{privacy.pk}/change/")
    page.wait_for_load_state("load")
    # jQuery UI (self-hosted) turned the language fields into tabs.
    assert page.locator(".ui-tabs").count() >= 3
    assert page.locator("#id_title_en").is_hidden()
    page.locator(".ui-tabs-nav a", has_text="en").first.click()
    assert page.locator("#id_title_en").is_visible()
    assert page.locator("#id_title_en").input_value() == "Privacy notice"
    assert csp_violations(page) == []


@pytest.mark.parametrize(
    ("path", "banner", "short"),
    [("/", "Demoside.", "Demoside:"), ("/en/", "Demo site.", "Demo site:")],
)
def test_the_demo_banner_passes_axe_and_vnu(check_page, settings, path, banner, short):
    settings.DEMO_MODE = True
    page = check_page(path)
    page.set_viewport_size({"width": 1280, "height": 800})
    assert page.locator(".nm-demo-banner strong:visible").inner_text() == banner
    # One line on a phone.
    page.set_viewport_size({"width": 375, "height": 800})
    assert page.locator(".nm-demo-banner strong:visible").inner_text() == short
    line = page.evaluate(
        "parseFloat(getComputedStyle(document.querySelector('.nm-demo-banner p'))"
        ".lineHeight)"
    )
    height = page.locator(".nm-demo-banner p").evaluate(
        "e => e.getBoundingClientRect().height - parseFloat(getComputedStyle(e)"
        ".paddingTop) - parseFloat(getComputedStyle(e).paddingBottom)"
    )
    assert height <= line * 1.1
