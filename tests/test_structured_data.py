"""Issue 38: the pages' structured data is schema.org's (tests/schema_org.py), and
what it says of a clinic is true: its prices, access, languages and whether a new
patient can book."""

import json
import re

import pytest

from booking.models import ClinicPrice
from tests.schema_org import problems
from tests.text import page_text

pytestmark = pytest.mark.django_db


def structured(html: str) -> list[dict]:
    return [
        json.loads(block)
        for block in re.findall(
            r'<script type="application/ld\+json">(.*?)</script>', html, re.S
        )
    ]


def test_the_checker_finds_what_schema_org_does_not_define():
    assert problems({"@type": "MedicalClinic", "name": "X"}) == []
    assert problems({"@type": "MedicalClinic", "offers": []}) == [
        "/offers: not a property of MedicalClinic"
    ]
    assert problems({"@type": "Clinic"}) == ["/: unknown type 'Clinic'"]
    assert problems(
        {"@type": "MedicalClinic", "employee": [{"@type": "Offer", "price": 1}]}
    ) == ["/employee[0]: a Offer where ['Person'] go"]
    assert problems({"@type": "MedicalClinic", "isAcceptingNewPatients": "yes"})


def test_a_clinic_pages_structured_data_is_valid_and_true(client, demo_clinics):
    from booking.demo import seed_prices

    seed_prices(clinics=demo_clinics)
    oslo = demo_clinics[0]
    html = client.get(oslo.get_absolute_url()).content.decode()
    (data,) = structured(html)
    assert problems(data) == []
    offers = {
        offer["itemOffered"]["name"]: offer["price"] for offer in data["makesOffer"]
    }
    own = ClinicPrice.objects.get(clinic=oslo)
    assert offers == {"Førstegangskonsultasjon": 890, "Oppfølging": own.price_nok}
    assert {offer["priceCurrency"] for offer in data["makesOffer"]} == {"NOK"}
    features = {f["name"]: f["value"] for f in data["amenityFeature"]}
    assert features == {
        "Trinnfri inngang": oslo.step_free_access,
        "Tilrettelagt toalett": oslo.accessible_toilet,
        "Heis": oslo.lift,
        "Parkering": bool(oslo.parking),
    }
    people = {p["name"]: p["knowsLanguage"] for p in data["employee"]}
    assert people == {
        p.name: p.languages for p in oslo.practitioners.filter(is_active=True)
    }
    assert all("nb" in spoken for spoken in people.values())
    text = page_text(html)
    for name in people:
        assert name in text


@pytest.mark.parametrize(
    "path",
    ["/", "/en/", "/plager/korsryggsmerter/", "/en/conditions/low-back-pain/"],
)
def test_other_pages_structured_data_is_valid(client, demo_clinics, path):
    found = structured(client.get(path).content.decode())
    assert found
    for data in found:
        assert problems(data) == []
