import datetime as dt

import icalendar
import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from booking.models import (
    Booking,
    BookingEmail,
    ScheduleException,
    Slot,
    WeeklySchedule,
)
from booking.services import (
    CancelTooLate,
    SlotTaken,
    SlotUnavailable,
    TooManyBookings,
    booking_cancel,
    booking_create,
    booking_move,
    bookings_purge,
    emails_send,
    normalise_mobile,
    reminders_queue,
    slots_generate,
)
from clinics.hours import OSLO
from tests.booking.conftest import PATIENT
from tests.factories import SlotFactory

pytestmark = pytest.mark.django_db


def local_times(slots):
    return [
        timezone.localtime(s.starts_at, OSLO).strftime("%Y-%m-%d %H:%M") for s in slots
    ]


@pytest.mark.parametrize(
    ("sunday", "offsets"),
    [
        (dt.date(2026, 3, 29), ("+01:00", "+02:00")),  # summer time starts
        (dt.date(2026, 10, 25), ("+02:00", "+01:00")),  # summer time ends
        (dt.date(2027, 3, 28), ("+01:00", "+02:00")),
        (dt.date(2027, 10, 31), ("+02:00", "+01:00")),
    ],
)
def test_slots_keep_their_wall_clock_time_across_the_clock_change(
    practitioner, sunday, offsets
):
    saturday, monday = sunday - dt.timedelta(days=1), sunday + dt.timedelta(days=1)
    for day in (saturday, sunday, monday):
        WeeklySchedule.objects.create(
            practitioner=practitioner,
            weekday=day.weekday(),
            starts=dt.time(1, 0),
            ends=dt.time(4, 0),
            slot_minutes=60,
        )
    # An evening block too, well clear of the change.
    WeeklySchedule.objects.create(
        practitioner=practitioner,
        weekday=saturday.weekday(),
        starts=dt.time(9),
        ends=dt.time(11),
    )
    slots_generate(start=saturday, days=3)
    times = local_times(Slot.objects.order_by("starts_at"))
    sat, sun, mon = (d.isoformat() for d in (saturday, sunday, monday))
    if offsets == ("+01:00", "+02:00"):
        # 02.00 does not exist on the Sunday in March: that slot alone is not made.
        sunday_times = [f"{sun} 01:00", f"{sun} 03:00"]
    else:
        # 02.00 happens twice on the Sunday in October: one slot, not two.
        sunday_times = [f"{sun} 01:00", f"{sun} 02:00", f"{sun} 03:00"]
    assert times == [
        f"{sat} 01:00",
        f"{sat} 02:00",
        f"{sat} 03:00",
        f"{sat} 09:00",
        f"{sat} 09:30",
        f"{sat} 10:00",
        f"{sat} 10:30",
        *sunday_times,
        f"{mon} 01:00",
        f"{mon} 02:00",
        f"{mon} 03:00",
    ]
    offset_before = timezone.localtime(
        Slot.objects.order_by("starts_at")[0].starts_at, OSLO
    )
    offset_after = timezone.localtime(
        Slot.objects.order_by("-starts_at")[0].starts_at, OSLO
    )
    assert offset_before.strftime("%z") == offsets[0].replace(":", "")
    assert offset_after.strftime("%z") == offsets[1].replace(":", "")


def test_slot_generation_is_idempotent_and_skips_absences(practitioner):
    monday = dt.date(2027, 1, 4)
    for weekday in range(5):
        WeeklySchedule.objects.create(
            practitioner=practitioner,
            weekday=weekday,
            starts=dt.time(8),
            ends=dt.time(12),
        )
    ScheduleException.objects.create(
        practitioner=practitioner,
        starts_on=dt.date(2027, 1, 6),
        ends_on=dt.date(2027, 1, 6),
    )
    assert slots_generate(start=monday, days=7) == 4 * 8
    assert slots_generate(start=monday, days=7) == 0
    assert Slot.objects.count() == 32
    assert not any(t.startswith("2027-01-06") for t in local_times(Slot.objects.all()))


def test_an_absence_added_later_withdraws_open_slots(practitioner):
    monday = dt.date(2027, 1, 4)
    WeeklySchedule.objects.create(
        practitioner=practitioner, weekday=0, starts=dt.time(8), ends=dt.time(9)
    )
    slots_generate(start=monday, days=1)
    ScheduleException.objects.create(
        practitioner=practitioner, starts_on=monday, ends_on=monday, reason="syk"
    )
    slots_generate(start=monday, days=1)
    assert set(Slot.objects.values_list("is_withdrawn", flat=True)) == {True}


def test_booking_create_saves_the_booking_and_sends_the_confirmation_after_commit(
    slot, follow_up, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        booking = booking_create(slot_id=slot.pk, appointment_type=follow_up, **PATIENT)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED
    assert booking.phone == "+4791234567"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["test@example.invalid"]
    assert "NEMUS Testby" in message.subject
    assert "/timebestilling/avbestill/" in message.body
    name, content, mimetype = message.attachments[0]
    assert (name, mimetype) == ("time.ics", "text/calendar; method=REQUEST")
    assert "BEGIN:VEVENT" in content
    assert BookingEmail.objects.get(booking=booking).sent_at is not None


def test_a_taken_slot_cannot_be_booked_twice(slot, follow_up):
    booking_create(slot_id=slot.pk, appointment_type=follow_up, **PATIENT)
    with pytest.raises(SlotTaken):
        booking_create(
            slot_id=slot.pk,
            appointment_type=follow_up,
            **{**PATIENT, "phone": "41234567"},
        )
    assert Booking.objects.count() == 1


@pytest.mark.parametrize(
    "starts_in",
    [dt.timedelta(minutes=30), dt.timedelta(days=100), -dt.timedelta(hours=1)],
)
def test_only_times_inside_the_clinics_window_can_be_booked(
    practitioner, follow_up, starts_in
):
    slot = SlotFactory(practitioner=practitioner, starts_at=timezone.now() + starts_in)
    with pytest.raises(SlotUnavailable):
        booking_create(slot_id=slot.pk, appointment_type=follow_up, **PATIENT)
    assert Booking.objects.count() == 0


def test_an_appointment_longer_than_the_slot_is_refused(slot, follow_up):
    follow_up.duration_minutes = 45
    follow_up.save()
    with pytest.raises(SlotUnavailable, match="får ikke plass"):
        booking_create(slot_id=slot.pk, appointment_type=follow_up, **PATIENT)


def test_a_phone_number_may_hold_only_a_few_future_bookings(
    practitioner, follow_up, settings
):
    settings.BOOKING_MAX_FUTURE_PER_PHONE = 2
    slots = [
        SlotFactory(
            practitioner=practitioner, starts_at=timezone.now() + dt.timedelta(days=d)
        )
        for d in (2, 3, 4)
    ]
    for slot in slots[:2]:
        booking_create(slot_id=slot.pk, appointment_type=follow_up, **PATIENT)
    with pytest.raises(TooManyBookings):
        booking_create(slot_id=slots[2].pk, appointment_type=follow_up, **PATIENT)


def test_bookings_the_clinic_made_by_phone_leave_the_online_cap_free(
    practitioner, follow_up, settings
):
    """A course of three treatments booked by phone (issue 30): the patient can
    still book online with the same number."""
    settings.BOOKING_MAX_FUTURE_PER_PHONE = 3
    slots = [
        SlotFactory(
            practitioner=practitioner, starts_at=timezone.now() + dt.timedelta(days=d)
        )
        for d in (2, 3, 4, 5)
    ]
    for slot in slots[:3]:
        booking_create(
            slot_id=slot.pk,
            appointment_type=follow_up,
            channel=Booking.Channel.PHONE,
            **PATIENT,
        )
    online = booking_create(slot_id=slots[3].pk, appointment_type=follow_up, **PATIENT)
    assert online.channel == "web"
    assert Booking.objects.filter(phone="+4791234567").count() == 4


@pytest.mark.parametrize("raw", ["12345", "22 00 00 00", "800 12 345", "abc"])
def test_only_norwegian_mobile_numbers_are_taken(raw):
    with pytest.raises(ValidationError):
        normalise_mobile(raw)


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("912 34 567", "+4791234567"),
        ("+47 412 34 567", "+4741234567"),
        ("0047 48012345", "+4748012345"),
        ("+46 70 123 45 67", "+46701234567"),  # visitors from abroad can book too
    ],
)
def test_mobile_numbers_are_normalised(raw, normal):
    assert normalise_mobile(raw) == normal


def test_cancel_opens_the_slot_and_erases_personal_data(slot, follow_up):
    booking = booking_create(slot_id=slot.pk, appointment_type=follow_up, **PATIENT)
    booking_cancel(booking_id=booking.pk)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    assert (booking.name, booking.phone, booking.email) == ("", "", "")
    assert Slot.objects.open().filter(pk=slot.pk).exists()
    again = booking_create(slot_id=slot.pk, appointment_type=follow_up, **PATIENT)
    assert again.pk != booking.pk


def test_patients_cannot_cancel_inside_the_cutoff_but_staff_can(
    practitioner, follow_up, django_capture_on_commit_callbacks
):
    slot = SlotFactory(
        practitioner=practitioner, starts_at=timezone.now() + dt.timedelta(hours=5)
    )
    booking = booking_create(slot_id=slot.pk, appointment_type=follow_up, **PATIENT)
    with pytest.raises(CancelTooLate):
        booking_cancel(booking_id=booking.pk)
    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.CONFIRMED
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        booking_cancel(booking_id=booking.pk, by_staff=True)
    # Nothing is sent inside the transaction: the message waits for the commit.
    assert mail.outbox == []
    record = BookingEmail.objects.get(booking=booking, kind="cancelled")
    assert (record.to, record.sent_at) == ("test@example.invalid", None)
    for callback in callbacks:
        callback()
    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.CANCELLED
    assert [m.to for m in mail.outbox] == [["test@example.invalid"]]
    assert "avbestilt" in mail.outbox[0].subject
    assert mail.outbox[0].body.startswith("Hei,\n")
    record.refresh_from_db()
    assert record.sent_at is not None and record.to == ""


def test_move_is_one_locked_call_and_refuses_a_taken_slot(practitioner, follow_up):
    first, second, third = (
        SlotFactory(
            practitioner=practitioner, starts_at=timezone.now() + dt.timedelta(days=d)
        )
        for d in (2, 3, 4)
    )
    booking = booking_create(slot_id=first.pk, appointment_type=follow_up, **PATIENT)
    booking_create(
        slot_id=third.pk, appointment_type=follow_up, **{**PATIENT, "phone": "41234567"}
    )
    booking_move(booking_id=booking.pk, new_slot_id=second.pk)
    assert Booking.objects.get(pk=booking.pk).slot_id == second.pk
    with pytest.raises(SlotTaken):
        booking_move(booking_id=booking.pk, new_slot_id=third.pk)
    assert Booking.objects.get(pk=booking.pk).slot_id == second.pk
    assert Slot.objects.open().filter(pk=first.pk).exists()


def test_a_failed_email_keeps_the_booking_is_recorded_and_retried(
    slot, follow_up, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    with django_capture_on_commit_callbacks(execute=True):
        booking = booking_create(slot_id=slot.pk, appointment_type=follow_up, **PATIENT)
    record = BookingEmail.objects.get(booking=booking)
    assert (record.sent_at, record.attempts, record.last_error) == (
        None,
        1,
        "ConnectionRefusedError",
    )
    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.CONFIRMED
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert emails_send() == (1, 0)
    record.refresh_from_db()
    assert record.sent_at is not None and record.attempts == 2
    assert len(mail.outbox) == 1


def test_reminders_go_the_day_before_once(
    practitioner, follow_up, django_capture_on_commit_callbacks
):
    tomorrow = timezone.localtime(timezone.now(), OSLO).date() + dt.timedelta(days=1)
    slot = SlotFactory(
        practitioner=practitioner,
        starts_at=dt.datetime.combine(tomorrow, dt.time(12), tzinfo=OSLO),
    )
    with django_capture_on_commit_callbacks(execute=True):
        booking_create(slot_id=slot.pk, appointment_type=follow_up, **PATIENT)
    mail.outbox.clear()
    assert reminders_queue() == 1
    assert reminders_queue() == 0
    emails_send()
    assert [m.subject.split(":")[0] for m in mail.outbox] == ["Påminnelse"]


def test_purge_deletes_old_bookings_but_keeps_recent_ones(practitioner, follow_up):
    old = SlotFactory(
        practitioner=practitioner, starts_at=timezone.now() + dt.timedelta(days=2)
    )
    recent = SlotFactory(
        practitioner=practitioner, starts_at=timezone.now() + dt.timedelta(days=3)
    )
    for slot in (old, recent):
        booking_create(
            slot_id=slot.pk,
            appointment_type=follow_up,
            **{**PATIENT, "phone": "4123456" + str(slot.pk % 10)},
        )
    Slot.objects.filter(pk=old.pk).update(
        starts_at=timezone.now() - dt.timedelta(days=40),
        ends_at=timezone.now() - dt.timedelta(days=40) + dt.timedelta(minutes=30),
    )
    assert bookings_purge(older_than_days=30) == 1
    assert list(Booking.objects.values_list("slot_id", flat=True)) == [recent.pk]


def test_the_plan_of_slots_is_a_pure_step():
    """slots_generate plans, then inserts, then withdraws (issue 31): the plan
    needs no database. An hour's schedule in 30-minute slots, one slot there
    already, and the next day away: the free half hour only."""
    from booking.models import ScheduleException, WeeklySchedule
    from booking.services.slots import _slots_planned, _Timeline
    from clinics.hours import local_instant
    from clinics.models import Practitioner

    monday = dt.date(2026, 3, 2)
    person = Practitioner(pk=7, clinic_id=3)
    schedules = [
        WeeklySchedule(
            practitioner=person,
            weekday=day.weekday(),
            starts=dt.time(9),
            ends=dt.time(10),
            slot_minutes=30,
        )
        for day in (monday, monday + dt.timedelta(days=1))
    ]
    taken = _Timeline()
    taken.add(local_instant(monday, dt.time(9)), local_instant(monday, dt.time(9, 30)))
    away = {
        7: [
            ScheduleException(
                starts_on=monday + dt.timedelta(days=1),
                ends_on=monday + dt.timedelta(days=1),
            )
        ]
    }
    planned = _slots_planned(schedules, monday, 2, away, {7: taken})
    assert [(s.clinic_id, s.practitioner_id, s.starts_at) for s in planned] == [
        (3, 7, local_instant(monday, dt.time(9, 30)))
    ]


@pytest.mark.parametrize(
    ("language", "price", "file_name", "phone", "not_there"),
    [
        ("nb", "590 kr", "time.ics", "Tlf.", "NOK"),
        ("en", "NOK 590", "appointment.ics", "Phone", "Tlf."),
    ],
)
def test_the_confirmation_and_its_calendar_file_speak_the_patients_language(
    slot,
    follow_up,
    django_capture_on_commit_callbacks,
    language,
    price,
    file_name,
    phone,
    not_there,
):
    follow_up.price_nok = 590
    follow_up.save()
    with (
        translation.override(language),
        django_capture_on_commit_callbacks(execute=True),
    ):
        booking_create(slot_id=slot.pk, appointment_type=follow_up, **PATIENT)
    message = mail.outbox[0]
    assert f"min, {price})" in message.body
    assert not_there not in message.body
    name, content, _mimetype = message.attachments[0]
    assert name == file_name
    description = icalendar.Calendar.from_ical(content).walk("VEVENT")[0]
    assert f"{phone} {slot.clinic.phone}" in str(description["description"])
