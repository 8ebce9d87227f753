"""Issue 38 in a real browser: the clinic page's price list and what each profession
can do, the finder's access and language filters, and the booking form's costs,
nb and en: axe, the Nu checker and the CSP; the price list prints alone."""

import datetime as dt
import random

import pytest
from django.utils import timezone

from booking.demo import seed_prices
from clinics.demo import seed_clinics
from clinics.models import Practitioner, Profession
from clinics.profession_facts import profession_facts_load
from tests.factories import SlotFactory


@pytest.fixture
def demo_clinics():
    clinics = seed_clinics(rng=random.Random(1))
    seed_prices(clinics=clinics)
    profession_facts_load()
    return clinics


@pytest.fixture
def chiropractor_slot(demo_clinics):
    practitioner = Practitioner.objects.filter(
        clinic__slug="nemus-oslo", profession=Profession.CHIROPRACTOR
    ).first()
    start = (timezone.now() + dt.timedelta(days=3)).replace(
        hour=9, minute=0, second=0, microsecond=0
    )
    return SlotFactory(
        practitioner=practitioner,
        starts_at=start,
        ends_at=start + dt.timedelta(minutes=45),
    )


@pytest.mark.parametrize(
    ("path", "heading"),
    [
        ("/klinikker/nemus-oslo/", "NEMUS Oslo sentrum"),
        ("/en/clinics/nemus-kongsvinger/", "NEMUS Kongsvinger"),
        ("/klinikker/?q=Oslo&behov=heis&behov=parkering&sprak=en", "Finn en klinikk"),
        ("/en/clinics/?behov=trinnfri&sprak=pl&behov=rampe", "Find a clinic"),
    ],
)
def test_price_and_finder_pages_pass_axe_vnu_and_csp(
    check_page, demo_clinics, settings, path, heading
):
    settings.DEMO_MODE = True
    page = check_page(path)
    assert page.locator("h1").inner_text() == heading


@pytest.mark.parametrize(
    ("prefix", "says"),
    [
        ("/timebestilling", "Du betaler 751 kr. HELFO dekker 139 kr"),
        ("/en/booking", "You pay NOK 751. HELFO covers NOK 139"),
    ],
)
def test_the_booking_form_says_what_you_pay(
    check_page, chiropractor_slot, settings, prefix, says
):
    settings.DEMO_MODE = True
    page = check_page(f"{prefix}/nemus-oslo/{chiropractor_slot.pk}/")
    assert says in page.locator(".nm-costs").inner_text()


def test_the_price_list_prints_alone(page, live_server, demo_clinics, settings):
    settings.DEMO_MODE = True
    page.goto(live_server.url + "/klinikker/nemus-oslo/")
    button = page.get_by_role("button", name="Skriv ut prislisten")
    page.evaluate("window.print = () => { window.__printed = true; }")
    button.click()
    assert page.evaluate("window.__printed") is True
    page.emulate_media(media="print")
    assert page.locator(".nm-price-table").is_visible()
    assert page.get_by_text("Du betaler 751 kr.").first.is_visible()
    assert page.locator("h1").is_visible()
    assert page.get_by_role("heading", name="Åpningstider").is_hidden()
    assert page.get_by_role("heading", name="Behandlere").is_hidden()


def test_the_filters_work_without_javascript(browser, live_server, demo_clinics):
    context = browser.new_context(locale="nb-NO", java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/klinikker/")
    page.get_by_label("Postnummer eller sted").fill("Oslo")
    page.get_by_role("checkbox", name="Heis").check()
    page.get_by_label("En behandler som snakker").select_option(label="Polsk")
    page.get_by_role("button", name="Søk").click()
    assert "behov=heis" in page.url and "sprak=pl" in page.url
    heading = page.locator("#results-heading").inner_text()
    assert "(heis, polsk)" in heading
    for card in page.locator(".nm-clinic").all():
        assert "Heis" in card.locator(".nm-clinic__access").inner_text()
        assert "polsk" in card.locator(".nm-clinic__languages").inner_text()
    assert page.get_by_role(
        "checkbox", name="Heis"
    ).is_checked()  # the form keeps the choice
    context.close()
