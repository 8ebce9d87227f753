"""Demo mode, the generated privacy facts, and claims that match the data."""

import subprocess
import sys
import urllib.request
from io import StringIO

import pytest
from django.core.management import CommandError, call_command, load_command_class

from clinics.models import Profession
from tests.conftest import ROOT
from tests.factories import ClinicFactory, PractitionerFactory
from tests.text import page_text

pytestmark = pytest.mark.django_db

BANNER_NB = "Demoside. Klinikkene, personene, telefonnumrene, prisene og timene her"
PUBLIC_PAGES = [
    "/",
    "/plager/korsryggsmerter/",
    "/klinikker/",
    "/timebestilling/",
    "/personvern/",
    "/tilgjengelighet/",
    "/bedrifter/",
    "/en/",
]


def test_demo_banner_on_every_public_page_under_make_run_settings(gunicorn_server):
    server = gunicorn_server({"NEMUS_DEMO_MODE": "1"})
    for path in PUBLIC_PAGES:
        with urllib.request.urlopen(server.base_url + path, timeout=10) as response:
            text = page_text(response.read().decode())
        banner = "Demo site." if path.startswith("/en/") else BANNER_NB
        assert banner in text, path


def test_no_banner_with_demo_mode_off(client, settings):
    settings.DEMO_MODE = False
    for path in PUBLIC_PAGES:
        html = client.get(path).content.decode()
        assert "nm-demo-banner" not in html, path


def test_the_site_refuses_to_start_in_demo_mode_with_a_real_mail_server():
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "nemus_site.settings",
        "DJANGO_SECRET_KEY": "x" * 50,
        "NEMUS_DEMO_MODE": "1",
        "EMAIL_URL": "smtp+tls://user:secret@smtp.example.invalid:587",
    }
    run = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert run.returncode != 0
    assert "NEMUS_DEMO_MODE is on, but a real e-mail backend is configured" in (
        run.stderr
    )
    assert "secret" not in run.stderr.replace("DJANGO_SECRET_KEY", "")
    # Without demo mode the same URL is simply the mail server.
    env["NEMUS_DEMO_MODE"] = "0"
    check = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print(settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS)",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert check.stdout.strip() == "smtp.example.invalid 587 True"


def test_seed_demo_refuses_without_demo_mode(settings):
    settings.DEMO_MODE = False
    with pytest.raises(CommandError, match="NEMUS_DEMO_MODE=1"):
        call_command("seed_demo", stdout=StringIO())


def test_demo_email_says_so_first():
    from django.template.loader import render_to_string
    from django.utils import translation

    with translation.override("nb"):
        demo = render_to_string("booking/email/confirmation.txt", {"demo_mode": True})
        real = render_to_string("booking/email/confirmation.txt", {"demo_mode": False})
    assert demo.startswith("DEMO: denne bestillingen ble gjort på en demoside.")
    assert "DEMO" not in real


def test_privacy_retention_equals_what_the_purge_command_uses(client, settings):
    settings.BOOKING_RETENTION_DAYS = 17
    settings.BOOKING_ACCESS_RETENTION_DAYS = 400
    command = load_command_class("booking", "purge_bookings")
    options = command.create_parser("manage.py", "purge_bookings").parse_args([])
    assert (options.days, options.access_days) == (17, 400)
    text = page_text(client.get("/personvern/").content.decode())
    assert "Slettes 17 dager etter timen; med en gang hvis du avbestiller." in text
    assert "Slettes etter 400 dager." in text


def test_the_privacy_notice_says_what_the_sms_do_and_who_carries_them(
    client, settings, no_page_cache
):
    settings.SMS_REMINDER_HOURS = 36
    settings.SMS_BACKEND = "booking.outside.sms.FileBackend"
    text = page_text(client.get("/personvern/").content.decode())
    assert "SMS til deg" in text
    assert "en påminnelse 36 timer før" in text
    assert "aldri hva timen gjelder" in text
    assert "SMS-utsending ingen: SMS skrives til filer på serveren" in text
    settings.SMS_BACKEND = "booking.outside.sms.TwilioBackend"
    settings.NEMUS_SMS_PROVIDER = "Twilio Ireland Ltd."
    text = page_text(client.get("/personvern/").content.decode())
    assert "SMS-utsending Twilio Ireland Ltd." in text


def test_empty_privacy_settings_are_named_to_staff_not_patients(
    client, admin_client, settings
):
    settings.NEMUS_CONTROLLER_NAME = ""
    settings.NEMUS_CONTROLLER_ORG_NUMBER = "999 999 999"
    patient = page_text(client.get("/personvern/").content.decode())
    assert "Behandlingsansvarlig –" in patient
    assert "NEMUS_CONTROLLER_NAME" not in patient
    assert "Organisasjonsnummer 999 999 999" in patient
    staff = page_text(admin_client.get("/personvern/").content.decode())
    assert "Mangler (vises bare for ansatte): sett NEMUS_CONTROLLER_NAME." in staff


def test_home_page_claims_the_professions_the_clinics_have(client, no_page_cache):
    first, second = ClinicFactory(), ClinicFactory()
    for clinic in (first, second):
        PractitionerFactory(clinic=clinic, profession=Profession.CHIROPRACTOR)
    PractitionerFactory(clinic=first, profession=Profession.PHYSIOTHERAPIST)
    PractitionerFactory(clinic=second, profession=Profession.PHYSICIAN)
    text = page_text(client.get("/").content.decode())
    assert (
        "NEMUS har 2 klinikker over hele landet. Alle har kiropraktorer. Noen har "
        "også leger og fysioterapeuter. Du trenger ikke henvisning."
    ) in text
    text = page_text(client.get("/en/").content.decode())
    assert (
        "NEMUS has 2 clinics across Norway. All of them have chiropractors. Some "
        "also have doctors and physiotherapists. You do not need a referral."
    ) in text


def test_businesses_page_lists_clinics_with_physiotherapists_and_a_contact(client):
    with_physio, without = ClinicFactory(name="NEMUS Fys"), ClinicFactory(name="Uten")
    PractitionerFactory(clinic=with_physio, profession=Profession.PHYSIOTHERAPIST)
    PractitionerFactory(clinic=without, profession=Profession.CHIROPRACTOR)
    html = client.get("/bedrifter/").content.decode()
    section = html[html.index("Klinikker med fysioterapeut") :]
    assert "NEMUS Fys" in section
    assert ">Uten<" not in section
    assert '<a href="mailto:post@nemus.no">post@nemus.no</a>' in html
    assert '<a href="/klinikker/">finn nærmeste klinikk</a>' in html


def test_an_unset_transfer_basis_is_missing_to_staff_and_a_dash_to_patients(
    client, admin_client, settings, no_page_cache
):
    settings.DEMO_MODE = False
    settings.SMS_BACKEND = "booking.outside.sms.TwilioBackend"
    settings.NEMUS_SMS_PROVIDER = "Twilio Ireland Ltd."
    settings.NEMUS_SMS_LOCATION = "EU (Irland) og USA"
    settings.NEMUS_SMS_TRANSFER_BASIS = ""
    patient = page_text(client.get("/personvern/").content.decode())
    assert "SMS-utsending: hvor opplysningene behandles EU (Irland) og USA" in patient
    assert "SMS-utsending: grunnlag for overføring ut av EØS –" in patient
    assert "NEMUS_SMS_TRANSFER_BASIS" not in patient
    staff = page_text(admin_client.get("/personvern/").content.decode())
    assert (
        "SMS-utsending: grunnlag for overføring ut av EØS – Mangler (vises bare for "
        "ansatte): sett NEMUS_SMS_TRANSFER_BASIS."
    ) in staff
    settings.NEMUS_SMS_TRANSFER_BASIS = "EUs standardavtaler (SCC)"
    patient = page_text(client.get("/personvern/").content.decode())
    assert "grunnlag for overføring ut av EØS EUs standardavtaler (SCC)" in patient
    # SMS written to files go nowhere: no place or transfer to name.
    settings.SMS_BACKEND = "booking.outside.sms.FileBackend"
    patient = page_text(client.get("/personvern/").content.decode())
    assert "SMS-utsending: hvor" not in patient
