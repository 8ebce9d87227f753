"""A link names its row by id and key and is signed with its time: it opens only the
row it was made for (issue 28). The restore itself is in test_restore.py."""

import datetime as dt

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from booking.links import (
    CANCEL_SALT,
    CLOCK_SKEW_SECONDS,
    booking_link,
    cancel_token,
    waitlist_link,
    waitlist_token,
)
from booking.models import Booking, BookingAccess, BookingEmail, WaitlistEntry
from booking.services import booking_create, waitlist_join
from tests.booking.conftest import PATIENT


@pytest.fixture
def booking(slot, follow_up):
    return booking_create(slot_id=slot.pk, appointment_type=follow_up, **PATIENT)


def signed_at(monkeypatch, moment: float, payload: dict) -> str:
    monkeypatch.setattr(signing.time, "time", lambda: moment)
    token = signing.dumps(payload, salt=CANCEL_SALT, compress=True)
    monkeypatch.undo()
    return token


def test_a_link_carries_the_rows_key_and_opens_only_that_row(client, booking):
    token = cancel_token(booking)
    link = booking_link(token)
    assert (link.row_id, link.key) == (booking.pk, booking.key)
    assert link.fits(booking)
    assert client.get(reverse("booking:cancel", args=[token])).status_code == 200
    # The same id with another key (another booking after a restore): refused.
    Booking.objects.filter(pk=booking.pk).update(key="another-key-1234")
    page = client.get(reverse("booking:cancel", args=[token]))
    assert page.status_code == 404
    assert booking.reference not in page.content.decode()
    assert client.post(reverse("booking:cancel", args=[token])).status_code == 404
    assert Booking.objects.get(pk=booking.pk).status == "confirmed"


def test_a_link_without_a_key_works_only_if_signed_after_the_row_was_made(
    client, booking, monkeypatch
):
    """Links e-mailed before rows had keys carry the id alone: the time they were
    signed keeps them from opening a booking made after them."""
    made = booking.created_at.timestamp()
    after = signed_at(monkeypatch, made + 60, {"booking": booking.pk})
    before = signed_at(
        monkeypatch, made - CLOCK_SKEW_SECONDS - 60, {"booking": booking.pk}
    )
    assert booking_link(after).key == ""
    assert client.get(reverse("booking:cancel", args=[after])).status_code == 200
    assert client.get(reverse("booking:cancel", args=[before])).status_code == 404
    assert client.post(reverse("booking:cancel", args=[before])).status_code == 404
    assert Booking.objects.get(pk=booking.pk).status == "confirmed"
    # With the right key too, a link older than its row is refused.
    keyed_before = signed_at(
        monkeypatch,
        made - CLOCK_SKEW_SECONDS - 60,
        {"booking": booking.pk, "key": booking.key},
    )
    assert not booking_link(keyed_before).fits(booking)


def test_forged_and_broken_links_are_refused(client, booking):
    token = cancel_token(booking)
    assert booking_link(token[:-2] + "xx") is None
    assert booking_link("not-a-link") is None
    assert waitlist_link(token) is None  # another salt
    forged = signing.dumps({"booking": "1"}, salt=CANCEL_SALT)
    assert booking_link(forged) is None
    assert client.get(reverse("booking:cancel", args=["x" * 40])).status_code == 404


def test_a_waiting_list_link_needs_the_entrys_key(client, clinic):
    entry = waitlist_join(
        clinic=clinic,
        latest_date=timezone.localdate(),
        channel="email",
        email="w@example.invalid",
    )
    token = waitlist_token(entry, proof=True)
    url = reverse("booking:waitlist_entry", args=[token])
    assert client.get(url).status_code == 200
    entry.key = "someone-elses-00"
    entry.save(update_fields=["key"])
    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "remove"}).status_code == 404
    assert WaitlistEntry.objects.filter(pk=entry.pk).exists()


def test_the_calendar_uid_and_access_records_name_the_booking_by_key(
    admin_client, booking
):
    assert booking.calendar_uid == f"booking-{booking.key}@nemus"
    admin_client.get(reverse("admin:booking_booking_change", args=[booking.pk]))
    record = BookingAccess.objects.get(booking_id=booking.pk)
    assert record.booking_key == booking.key


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_every_row_a_key_and_keeps_unsent_addresses(
    practitioner,
):
    """Rows made before keys existed get one each (distinct); access records take
    their booking's; an unsent e-mail takes its booking's address."""
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    call_command("migrate", "booking", "0016", verbosity=0)
    try:
        old = (
            MigrationExecutor(connection)
            .loader.project_state(("booking", "0016_calendar_feed_message"))
            .apps
        )
        kind = old.get_model("booking", "AppointmentType").objects.create(
            name="Oppfølging", slug="gammel", duration_minutes=30, price_nok=600
        )
        start = timezone.now().replace(microsecond=0) + dt.timedelta(days=2)
        made = []
        for hours, email in ((0, "a@example.invalid"), (1, "")):
            slot = old.get_model("booking", "Slot").objects.create(
                clinic_id=practitioner.clinic_id,
                practitioner_id=practitioner.pk,
                starts_at=start + dt.timedelta(hours=hours),
                ends_at=start + dt.timedelta(hours=hours, minutes=30),
            )
            made.append(
                old.get_model("booking", "Booking").objects.create(
                    slot=slot,
                    reference=f"AAAAA{hours + 3}",
                    appointment_type=kind,
                    name="Pasient",
                    phone="+4741234567",
                    email=email,
                )
            )
        old.get_model("booking", "BookingAccess").objects.create(
            booking_id=made[0].pk, clinic_id=practitioner.clinic_id, action="view"
        )
        old.get_model("booking", "BookingEmail").objects.create(
            booking=made[0], kind="reminder"
        )
        old.get_model("booking", "WaitlistEntry").objects.create(
            clinic_id=practitioner.clinic_id,
            latest_date=start.date(),
            channel="email",
            email="w@example.invalid",
        )
    finally:
        call_command("migrate", "booking", verbosity=0)
    keys = list(Booking.objects.values_list("key", flat=True))
    assert len(set(keys)) == 2 and all(len(key) == 16 for key in keys)
    assert len(WaitlistEntry.objects.get().key) == 16
    first = Booking.objects.get(pk=made[0].pk)
    assert BookingAccess.objects.get().booking_key == first.key
    assert BookingEmail.objects.get().to == "a@example.invalid"
