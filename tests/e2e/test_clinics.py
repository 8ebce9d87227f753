import random
import re

import pytest
from playwright.sync_api import expect

from clinics.demo import seed_clinics


@pytest.fixture
def demo_clinics():
    return seed_clinics(rng=random.Random(1))


@pytest.mark.parametrize(
    ("path", "heading"),
    [
        ("/klinikker/", "Finn en klinikk"),
        ("/en/clinics/?q=Bergen", "Find a clinic"),
        ("/klinikker/nemus-oslo/", "NEMUS Oslo sentrum"),
        ("/en/clinics/nemus-tromso/", "NEMUS Tromsø"),
    ],
)
def test_clinic_pages_pass_axe_vnu_and_csp(check_page, demo_clinics, path, heading):
    page = check_page(path)
    assert page.locator("h1").inner_text() == heading


def wait_for_markers(page, count):
    """Show the map and wait for its markers: `count` clinics, each a marker of
    its own or named in a cluster."""
    page.get_by_role("button", name="Vis kart").click()
    # Locator waits, not wait_for_function: a polled string is eval, which the
    # page's strict CSP refuses whenever the first check does not already pass.
    expect(page.locator(".leaflet-marker-icon").first).to_be_visible()
    expect(page.locator(".leaflet-marker-icon")).not_to_have_count(0)
    single = page.locator("img.leaflet-marker-icon").count()
    clustered = sum(
        int(n) for n in page.locator(".nm-cluster [aria-hidden]").all_inner_texts()
    )
    assert single + clustered == count


def test_map_markers_are_named_and_reachable_by_keyboard(
    page, live_server, demo_clinics
):
    page.goto(live_server.url + "/klinikker/")
    wait_for_markers(page, 9)
    marker = page.locator('.leaflet-marker-icon[alt="NEMUS Bergen"]')
    assert marker.get_attribute("tabindex") == "0"
    # Tiles cannot be fetched here: the map says so, the list is still there.
    page.wait_for_selector(".nm-map__notice")
    assert page.locator(".nm-map__notice").inner_text() == (
        "Kartet kan ikke vises. Listen har alle klinikkene."
    )
    marker.focus()
    page.keyboard.press("Enter")
    assert "nm-clinic--active" in page.locator("#clinic-nemus-bergen").get_attribute(
        "class"
    )


def test_choosing_a_clinic_in_the_list_highlights_its_marker(
    page, live_server, demo_clinics
):
    page.goto(live_server.url + "/klinikker/")
    wait_for_markers(page, 9)
    page.locator("#clinic-nemus-trondheim").get_by_role(
        "button", name="Vis på kartet"
    ).click()
    assert "nm-clinic--active" in page.locator("#clinic-nemus-trondheim").get_attribute(
        "class"
    )
    marker = page.locator('.leaflet-marker-icon[alt="NEMUS Trondheim"]')
    assert "nm-marker--active" in marker.get_attribute("class")
    assert page.locator(".leaflet-popup-content a").inner_text() == "NEMUS Trondheim"


def test_use_my_position_sorts_by_the_rounded_position(
    browser, live_server, demo_clinics
):
    context = browser.new_context(
        locale="nb-NO",
        permissions=["geolocation"],
        geolocation={"latitude": 69.6543, "longitude": 18.9612},
    )
    page = context.new_page()
    page.goto(live_server.url + "/klinikker/")
    page.get_by_role("button", name="Bruk min posisjon").click()
    page.wait_for_url(re.compile(r".*lat=69\.65.*"))
    assert "lng=18.96" in page.url
    assert "69.6543" not in page.url
    first = page.locator(".nm-clinic__name").first.inner_text()
    assert first == "NEMUS Tromsø"
    assert page.locator(".nm-clinic__distance").first.inner_text().endswith("km unna")
    context.close()


def test_the_finder_works_without_javascript(browser, live_server, demo_clinics):
    context = browser.new_context(locale="nb-NO", java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/klinikker/")
    assert page.get_by_text(
        "Kartet kan ikke vises. Listen har alle klinikkene."
    ).is_visible()
    assert page.get_by_role("button", name="Bruk min posisjon").count() == 0
    page.get_by_label("Postnummer eller sted").fill("Stavanger")
    page.get_by_role("button", name="Søk").click()
    assert page.locator(".nm-clinic__name").first.inner_text() == "NEMUS Stavanger"
    context.close()


MARKER_BOXES = """
() => Array.from(document.querySelectorAll('.leaflet-marker-icon')).map(el => {
  const r = el.getBoundingClientRect();
  return {name: el.getAttribute('alt') || el.textContent.trim(),
          x: r.x, y: r.y, w: r.width, h: r.height};
})
"""


@pytest.mark.parametrize("width", [375, 1280])
def test_map_markers_never_overlap_and_clusters_open_by_keyboard(
    browser, live_server, demo_clinics, width
):
    """WCAG 2.2 target size: each marker at least 24 by 24 CSS px and none on
    another (Kongsvinger's and Lillehammer's did). Clinics that would overlap are
    one named button that zooms in to them."""
    context = browser.new_context(
        locale="nb-NO", viewport={"width": width, "height": 900}
    )
    page = context.new_page()
    page.goto(live_server.url + "/klinikker/")
    page.get_by_role("button", name="Vis kart").click()
    page.wait_for_selector(".leaflet-marker-icon")
    page.wait_for_timeout(500)  # clustering settles after the first draw
    boxes = page.evaluate(MARKER_BOXES)
    assert boxes
    for box in boxes:
        assert box["w"] >= 24 and box["h"] >= 24, box
    for index, one in enumerate(boxes):
        for other in boxes[index + 1 :]:
            apart = (
                one["x"] + one["w"] <= other["x"]
                or other["x"] + other["w"] <= one["x"]
                or one["y"] + one["h"] <= other["y"]
                or other["y"] + other["h"] <= one["y"]
            )
            assert apart, f"{one['name']} overlaps {other['name']}"
    # Every clinic is a marker or named in a cluster.
    names = " ".join(box["name"] for box in boxes)
    assert all(clinic.name in names for clinic in demo_clinics)
    clusters = page.locator(".nm-cluster")
    if clusters.count():
        cluster = clusters.first
        assert cluster.get_attribute("role") == "button"
        assert re.fullmatch(
            r"(\d)\1 klinikker her, trykk for å zoome inn: NEMUS .+",
            cluster.text_content(),
        )
        before = clusters.count()
        cluster.focus()
        page.keyboard.press("Enter")
        # Zoomed in: the first clinic of the cluster now has the focus.
        expect(page.locator(".leaflet-marker-icon:focus")).to_have_count(1)
        assert page.locator(".nm-cluster").count() <= before
    context.close()
