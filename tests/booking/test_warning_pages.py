"""Every page that warns renders the same warning-sign rows: change one row and
the article, the home page, the booking pages, the confirmation and its e-mail all
change with it."""

import datetime as dt

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from booking.services import booking_create
from conditions.models import Condition
from tests.booking.conftest import PATIENT
from tests.booking.test_views import FORM as BOOKING_FORM
from tests.factories import SlotFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def chest_pain():
    article = Condition.objects.get(slug_nb="korsryggsmerter")
    return article.warning_signs.get(text_nb="smerter i brystet")


def pages_that_warn(client, slot):
    """Every page that shows warning signs, with the e-mail, as text."""
    with translation.override("nb"):
        start_url = reverse("booking:index")
        form_url = reverse(
            "booking:book", kwargs={"clinic": slot.clinic.slug, "slot_id": slot.pk}
        )
    pages = {
        "article": client.get("/plager/korsryggsmerter/"),
        "article en": client.get("/en/conditions/low-back-pain/"),
        "home": client.get("/"),
        "home en": client.get("/en/"),
        "booking start": client.get(start_url),
    }
    pages["booking form"] = client.get(form_url)
    confirmation = client.post(form_url, BOOKING_FORM, follow=True)
    pages["confirmation"] = confirmation
    texts = {name: response.content.decode() for name, response in pages.items()}
    for name, response in pages.items():
        assert response.status_code == 200, name
    return texts


def test_every_page_renders_the_same_rows(
    client,
    no_page_cache,
    slot,
    follow_up,
    chest_pain,
    django_capture_on_commit_callbacks,
):
    chest_pain.text_nb = "TEGN-NB brystsmerter"
    chest_pain.text_en = "SIGN-EN chest pain"
    chest_pain.save()
    with django_capture_on_commit_callbacks(execute=True):
        texts = pages_that_warn(client, slot)
    for name, text in texts.items():
        expected = (
            "SIGN-EN chest pain" if name.endswith(" en") else "TEGN-NB brystsmerter"
        )
        assert expected in text, name
        assert "smerter i brystet" not in text, name
    patient_mail = [m for m in mail.outbox if BOOKING_FORM["email"] in m.to]
    assert len(patient_mail) == 1
    assert "- TEGN-NB brystsmerter" in patient_mail[0].body
    assert "smerter i brystet" not in patient_mail[0].body


def test_a_demo_booking_says_so_on_the_page_and_in_the_email(
    client, settings, slot, follow_up, django_capture_on_commit_callbacks
):
    settings.DEMO_MODE = True
    with translation.override("nb"):
        form_url = reverse(
            "booking:book", kwargs={"clinic": slot.clinic.slug, "slot_id": slot.pk}
        )
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(form_url, BOOKING_FORM, follow=True).content.decode()
    assert "Dette var en demobestilling." in page
    assert "Demoside." in page
    patient_mail = [m for m in mail.outbox if BOOKING_FORM["email"] in m.to]
    assert patient_mail[0].body.startswith(
        "DEMO: denne bestillingen ble gjort på en demoside. Klinikken er oppdiktet og "
        "har ikke fått beskjed."
    )


def test_each_confirmation_carries_the_signs_kept_until_a_staff_edit(
    settings, practitioner, follow_up, chest_pain, django_capture_on_commit_callbacks
):
    """Every confirmation e-mail carries the short list; it is written once per
    worker and language, not asked of the database for each e-mail, and a staff
    edit shows in the next one."""
    settings.NEMUS_FRAGMENT_CACHE = True
    start = timezone.now() + dt.timedelta(days=3)
    slots = [
        SlotFactory(practitioner=practitioner, starts_at=start + dt.timedelta(hours=n))
        for n in range(3)
    ]

    def book(slot, number):
        patient = {**PATIENT, "phone": f"9123456{number}"}
        patient["email"] = f"pasient{number}@example.invalid"
        with (
            CaptureQueriesContext(connection) as queries,
            django_capture_on_commit_callbacks(execute=True),
        ):
            booking_create(slot_id=slot.pk, appointment_type=follow_up, **patient)
        sent = [m for m in mail.outbox if patient["email"] in m.to]
        assert len(sent) == 1
        signs_read = any("conditions_warningsign" in q["sql"] for q in queries)
        return sent[0].body, signs_read

    first, read = book(slots[0], 0)
    assert "- smerter i brystet" in first and read
    second, read = book(slots[1], 1)
    assert "- smerter i brystet" in second and not read
    chest_pain.text_nb = "TEGN-NB brystsmerter"
    chest_pain.save()
    third, read = book(slots[2], 2)
    assert "- TEGN-NB brystsmerter" in third and read
    assert "smerter i brystet" not in third
