"""A restored backup never hands one patient's link to another (issue 28).

Book X, back up (SQLite's online backup; pg_dump as docs/operations.md says), book Y
(and sign Y up to a waiting list), restore as the guide says, book Z (and sign Z
up): Z gets Y's old id, as the databases hand it out again. Y's e-mailed links must
then open nothing and change nothing; Z's own links work. On a file SQLite database
and on PostgreSQL, each step in a process of its own as on a server."""

import json
import shutil
import sqlite3
import subprocess
import types
from pathlib import Path

import pytest

from tests.booking.conftest import migrated_processes, shell

pytestmark = pytest.mark.server

SETUP = """
import datetime as dt
from django.core.management import call_command
from django.utils import timezone
from tests.factories import AppointmentTypeFactory, ClinicFactory, PractitionerFactory
from tests.factories import SlotFactory
call_command("createcachetable")
AppointmentTypeFactory()
kari = PractitionerFactory(clinic=ClinicFactory(name="NEMUS Arkiv", slug="nemus-arkiv"))
day = (timezone.now() + dt.timedelta(days=4)).replace(minute=0, second=0,
    microsecond=0)
print(",".join(str(SlotFactory(practitioner=kari,
    starts_at=day + dt.timedelta(hours=n)).pk) for n in range(3)))
"""

# One patient books a time and joins the waiting list; prints what their e-mails
# would carry (ids and links), never their details.
BOOK = """
import json, sys
from django.utils import timezone
from booking.links import cancel_token, waitlist_token
from booking.models import AppointmentType
from clinics.models import Clinic
from booking.services import booking_create, waitlist_join
slot_id, phone, email = {slot}, "{phone}", "{email}"
kind = AppointmentType.objects.get(slug="oppfolging")
booking = booking_create(slot_id=slot_id, appointment_type=kind, name="Pasient",
    phone=phone, email=email, is_new_patient=False, privacy_notice_read=True)
entry = waitlist_join(clinic=Clinic.objects.get(slug="nemus-arkiv"),
    latest_date=timezone.localdate(), channel="email", email=email)
print(json.dumps({{"booking": booking.pk, "reference": booking.reference,
    "link": cancel_token(booking), "entry": entry.pk,
    "waitlist": waitlist_token(entry, proof=True)}}))
"""

# Opens the links as the patient's browser would: each page's status, and the
# state of every booking and entry afterwards.
VISIT = """
import json
from django.test import Client
from django.urls import reverse
from django.utils import translation
from booking.models import Booking, WaitlistEntry
translation.activate("nb")
client = Client()
links = json.loads('''{links}''')
seen = {{}}
for name, (booking_link, waitlist_link) in links.items():
    manage = reverse("booking:cancel", kwargs={{"token": booking_link}})
    entry = reverse("booking:waitlist_entry", kwargs={{"token": waitlist_link}})
    page = client.get(manage)
    cancel = client.post(manage)
    entry_page = client.get(entry)
    remove = client.post(entry, {{"action": "remove"}})
    seen[name] = [page.status_code, cancel.status_code, entry_page.status_code,
        remove.status_code, page.content.decode()]
seen["bookings"] = {{str(pk): status for pk, status in
    Booking.objects.values_list("pk", "status")}}
seen["entries"] = sorted(WaitlistEntry.objects.values_list("pk", flat=True))
print(json.dumps(seen))
"""


def _libpq(url: str) -> str:
    return url.replace("postgres://", "postgresql://", 1)


def _backup(env: dict, folder: Path) -> Path:
    url = env["DATABASE_URL"]
    if url.startswith("sqlite:///"):
        # The online backup API (what `sqlite3 db ".backup file"` uses).
        target = folder / "backup.sqlite3"
        with (
            sqlite3.connect(url.removeprefix("sqlite:///")) as source,
            sqlite3.connect(target) as copy,
        ):
            source.backup(copy)
        return target
    target = folder / "backup.dump"
    subprocess.run(
        ["pg_dump", "--format=custom", f"--file={target}", _libpq(url)],
        check=True,
    )
    return target


def _restore(env: dict, backup: Path) -> None:
    url = env["DATABASE_URL"]
    if url.startswith("sqlite:///"):
        # As docs/operations.md says: with the app stopped, the database and its
        # -wal and -shm files go, and the backup takes their place.
        database = Path(url.removeprefix("sqlite:///"))
        for path in (database, *(Path(f"{database}{end}") for end in ("-wal", "-shm"))):
            path.unlink(missing_ok=True)
        shutil.copyfile(backup, database)
        return
    subprocess.run(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            f"--dbname={_libpq(url)}",
            str(backup),
        ],
        check=True,
    )


def test_a_link_made_before_a_restore_never_opens_a_later_booking(
    database_env, tmp_path
):
    server = migrated_processes(database_env)
    server.env["DJANGO_ALLOWED_HOSTS"] = "testserver"
    first, second, third = shell(server, SETUP).split(",")

    def book(slot, phone, email):
        return json.loads(
            shell(server, BOOK.format(slot=slot, phone=phone, email=email))
        )

    x = book(first, "41230001", "x@example.invalid")
    backup = _backup(server.env, tmp_path)
    y = book(second, "41230002", "y@example.invalid")
    _restore(server.env, backup)
    z = book(third, "41230003", "z@example.invalid")
    # The database hands Y's numbers out again: the case the keys are for.
    assert (z["booking"], z["entry"]) == (y["booking"], y["entry"])
    assert z["reference"] != y["reference"]

    # The browser's view needs static files found without collectstatic.
    browser = types.SimpleNamespace(
        env={**server.env, "DJANGO_SETTINGS_MODULE": "nemus_site.settings_test"}
    )

    def visit(**links):
        return json.loads(shell(browser, VISIT.format(links=json.dumps(links))))

    # Y's old links open nothing and change nothing.
    seen = visit(y=[y["link"], y["waitlist"]])
    assert seen["y"][:4] == [404, 404, 404, 404]
    assert z["reference"] not in seen["y"][4]
    assert seen["bookings"] == {
        str(x["booking"]): "confirmed",
        str(z["booking"]): "confirmed",
    }
    assert seen["entries"] == [x["entry"], z["entry"]]
    # Z and X (booked before the backup) still have their own links: the page
    # shows their booking, and the cancel and the removal go through.
    seen = visit(z=[z["link"], z["waitlist"]], x=[x["link"], x["waitlist"]])
    for name, patient in (("z", z), ("x", x)):
        page, cancel, entry_page, remove, text = seen[name]
        assert (page, cancel, entry_page, remove) == (200, 200, 200, 200), name
        assert patient["reference"] in text
        assert seen["bookings"][str(patient["booking"])] == "cancelled"
    assert seen["entries"] == []
