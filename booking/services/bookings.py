"""Bookings: made online or by phone, cancelled, moved, marked, and purged when old."""

import datetime as dt
import logging
from functools import partial

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from booking.models import (
    Booking,
    BookingAccess,
    BookingEmail,
    BookingSms,
    ClinicBookingPolicy,
    Slot,
    WaitlistEntry,
    new_booking_reference,
)
from booking.selectors.bookings import (
    REFERENCE_TAKEN,
    SLOT_OFFERED,
    SLOT_TAKEN,
    WEB_BOOKINGS_AHEAD,
)
from booking.services.errors import (
    CancelTooLate,
    ChangeTooLate,
    SlotTaken,
    SlotUnavailable,
    TooManyBookings,
    TypeNotForPatient,
)
from booking.services.outbox import (
    email_queue,
    emails_send,
    send_queued,
    sms_queue,
    sms_send,
)
from booking.services.patients import normalise_mobile, normalise_phone
from booking.services.waitlist import waitlist_slots_opened

logger = logging.getLogger(__name__)


def _check_bookable(slot: Slot, appointment_type, *, now, online: bool) -> None:
    if slot.is_withdrawn or not slot.practitioner.is_active:
        raise SlotUnavailable()
    if not appointment_type.is_active or not appointment_type.offered_by(
        slot.practitioner.profession
    ):
        raise SlotUnavailable(
            _("That kind of appointment cannot be booked at that time."),
            field="appointment_type",
        )
    if not appointment_type.fits_in(slot):
        raise SlotUnavailable(
            _("That kind of appointment is longer than the time available."),
            field="appointment_type",
        )
    if slot.starts_at <= now:
        raise SlotUnavailable(_("That appointment time has passed."))
    if online:
        policy = ClinicBookingPolicy.for_clinic(slot.clinic)
        if not policy.online_booking:
            raise SlotUnavailable(
                _("This clinic does not take bookings online just now.")
            )
        if not policy.in_window(slot.starts_at, now):
            raise SlotUnavailable()


def _lock_phone(phone: str) -> None:
    """Serialise bookings for one mobile number until the transaction ends, so the
    per-phone cap holds when many are posted at once with one number. PostgreSQL:
    a transaction-level advisory lock on the number's hash (different numbers never
    wait for each other). SQLite: nothing to do, since its IMMEDIATE transactions
    already let one writer in at a time."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [phone])


def _unused_reference() -> str:
    """A booking reference no booking has (the unique constraint is the backstop)."""
    while True:
        reference = new_booking_reference()
        if not REFERENCE_TAKEN.rows(reference=reference):
            return reference


def booking_create(
    *,
    slot_id: int,
    appointment_type,
    name: str,
    phone: str,
    email: str,
    is_new_patient: bool,
    privacy_notice_read: bool,
    channel: str = Booking.Channel.WEB,
    series: str = "",
    notify: bool = True,
    now: dt.datetime | None = None,
) -> Booking:
    """Book a slot for a patient: the slot row is locked and re-checked inside the
    transaction, and the one-active-booking constraint is the backstop. Raises a
    BookingError (SlotTaken when someone was faster) and changes nothing then.
    E-mail goes out after the commit; its failure never undoes the booking.
    `notify=False` (a course, booking_series_create): no message of its own, the
    course sends one for all."""
    now = now or timezone.now()
    online = channel == Booking.Channel.WEB
    with transaction.atomic():
        slot = (
            Slot.objects.select_for_update(of=("self",))
            .select_related("clinic__booking_policy", "practitioner")
            .filter(pk=slot_id)
            .first()
        )
        if slot is None:
            raise SlotUnavailable()
        _check_bookable(slot, appointment_type, now=now, online=online)
        if online and not appointment_type.is_for(is_new_patient):
            raise TypeNotForPatient(appointment_type, new_patient=is_new_patient)
        if SLOT_TAKEN.rows(slot_id=slot.pk):
            raise SlotTaken()
        # Online a mobile number is required; by phone a landline or none will do
        # (the clinic calls back).
        phone = normalise_mobile(phone) if online else normalise_phone(phone)
        if online:
            # The cap is on what is booked online with the number: a course of
            # treatments the clinic booked by phone does not use it up.
            _lock_phone(phone)
            future = len(WEB_BOOKINGS_AHEAD.rows(phone=phone, now=now))
            if future >= settings.BOOKING_MAX_FUTURE_PER_PHONE:
                raise TooManyBookings()
        booking = Booking(
            slot=slot,
            practitioner_id=slot.practitioner_id,
            starts_at=slot.starts_at,
            ends_at=slot.ends_at,
            reference=_unused_reference(),
            appointment_type=appointment_type,
            name=name.strip(),
            phone=phone,
            email=email.strip(),
            is_new_patient=is_new_patient,
            privacy_notice_read=privacy_notice_read,
            channel=channel,
            series=series,
            language=translation.get_language() or settings.LANGUAGE_CODE,
        )
        # The fields as typed; not the rows just loaded and locked (slot,
        # practitioner, type), nor the reference just checked and the random key:
        # their constraints are the backstop, a query each was not.
        booking.full_clean(
            exclude=["slot", "practitioner", "appointment_type"],
            validate_unique=False,
            validate_constraints=False,
        )
        try:
            with transaction.atomic():
                booking.save()
        except IntegrityError as error:
            raise SlotTaken() from error
        # Someone from the waiting list who booked the time offered: done there
        # (asked only when the time was offered to anyone).
        if SLOT_OFFERED.rows(slot_id=slot.pk):
            WaitlistEntry.objects.filter(
                clinic_id=slot.clinic_id, offers__slot=slot
            ).filter(
                (Q(phone=phone) & ~Q(phone=""))
                | (Q(email__iexact=email.strip()) & ~Q(email=""))
            ).delete()
        if notify:
            kinds = [BookingEmail.Kind.CONFIRMATION]
            if ClinicBookingPolicy.for_clinic(slot.clinic).notify_email:
                kinds.append(BookingEmail.Kind.CLINIC_NOTICE)
            queued = [email_queue(booking, kind) for kind in kinds]
            queued = [record for record in queued if record is not None]
            texts = [sms_queue(booking, BookingSms.Kind.CONFIRMATION, claimed=True)]
            transaction.on_commit(lambda: send_queued(queued, texts))
    # What a restore from backup would lose, to find the patient again (the
    # reference, the clinic and the time; never who): docs/operations.md.
    logger.info(
        "booking created: booking=%s reference=%s clinic=%s starts=%s slot=%s",
        booking.pk,
        booking.reference,
        slot.clinic_id,
        slot.starts_at.isoformat(),
        slot.pk,
    )
    return booking


def _erase_personal_data(booking: Booking) -> None:
    booking.name = booking.phone = booking.email = ""


def booking_cancel(*, booking_id: int, by_staff: bool = False, now=None) -> Booking:
    """Cancel a booking: the slot opens at once and the booking keeps its row and
    status but no personal data. Patients may cancel online until the clinic's
    cutoff; staff at any time. The patient gets an e-mail that says who cancelled
    and takes the event out of their calendar (METHOD:CANCEL), and an SMS."""
    now = now or timezone.now()
    with transaction.atomic():
        booking = (
            Booking.objects.select_for_update(of=("self",))
            .select_related("slot__clinic__booking_policy")
            .get(pk=booking_id)
        )
        if booking.status == Booking.Status.CANCELLED:
            return booking
        policy = ClinicBookingPolicy.for_clinic(booking.slot.clinic)
        if not by_staff and policy.too_late_to_cancel(booking.slot.starts_at, now):
            raise CancelTooLate()
        # The cancellation takes the event out of the patient's calendar: its
        # SEQUENCE is above that of every invitation sent before.
        booking.sequence += 1
        # The outbox row keeps the address the erasure below takes from the
        # booking; the messages go after the commit (never holding it).
        kinds = [
            BookingEmail.Kind.CANCELLED
            if by_staff
            else BookingEmail.Kind.PATIENT_CANCELLED
        ]
        if not by_staff and policy.notify_email:
            kinds.append(BookingEmail.Kind.CLINIC_NOTICE)
        records = [
            record
            for record in (email_queue(booking, kind) for kind in kinds)
            if record is not None
        ]
        if records:
            transaction.on_commit(partial(emails_send, records))
        # Nothing left to tell of a time that is gone but that it is gone.
        booking.sms_messages.filter(sent_at__isnull=True).delete()
        text = sms_queue(booking, BookingSms.Kind.CANCELLED)
        transaction.on_commit(lambda: sms_send([text]))
        booking.status = Booking.Status.CANCELLED
        booking.cancelled_at = now
        _erase_personal_data(booking)
        booking.save()
        waitlist_slots_opened([booking.slot_id])
        # Of the e-mails not yet sent, only the cancellation and the clinic's
        # notice still have something to say.
        booking.emails.filter(sent_at__isnull=True).exclude(
            pk__in=[record.pk for record in records]
        ).exclude(kind=BookingEmail.Kind.CLINIC_NOTICE).delete()
    logger.info("booking cancelled: booking=%s", booking.pk)
    return booking


def _move(*, booking_id: int, new_slot_id: int, now, by_patient: bool) -> Booking:
    """Move a booking to another open slot of its clinic in one transaction, with
    the booking and the new slot locked: the old time is freed only if the new one
    is taken (a failure changes nothing). A patient moves online, so the new time
    must lie in the clinic's online window and the old one before the cut-off."""
    with transaction.atomic():
        booking = (
            Booking.objects.select_for_update(of=("self",))
            .select_related("slot__clinic__booking_policy", "appointment_type")
            .get(pk=booking_id)
        )
        if not booking.is_active:
            raise SlotUnavailable(_("A cancelled booking cannot be moved."))
        if booking.slot_id == new_slot_id:
            return booking  # asked twice (a reload, a double press): done already
        if by_patient and ClinicBookingPolicy.for_clinic(
            booking.slot.clinic
        ).too_late_to_cancel(booking.slot.starts_at, now):
            raise ChangeTooLate()
        new_slot = (
            Slot.objects.select_for_update(of=("self",))
            .select_related("clinic__booking_policy", "practitioner")
            .filter(pk=new_slot_id, clinic_id=booking.slot.clinic_id)
            .first()
        )
        if new_slot is None:
            raise SlotUnavailable()
        _check_bookable(new_slot, booking.appointment_type, now=now, online=by_patient)
        if new_slot.bookings.filter(status__in=Booking.ACTIVE_STATUSES).exists():
            raise SlotTaken()
        old_slot_id = booking.slot_id
        booking.slot = new_slot
        booking.practitioner_id = new_slot.practitioner_id
        booking.starts_at, booking.ends_at = new_slot.starts_at, new_slot.ends_at
        booking.reminder_sent_at = None
        booking.sequence += 1
        try:
            with transaction.atomic():
                booking.save()
        except IntegrityError as error:
            raise SlotTaken() from error
        kind = BookingEmail.Kind.CHANGED if by_patient else BookingEmail.Kind.MOVED
        queued = [email_queue(booking, kind)]
        if by_patient and ClinicBookingPolicy.for_clinic(new_slot.clinic).notify_email:
            queued.append(email_queue(booking, BookingEmail.Kind.CLINIC_NOTICE))
        queued = [record for record in queued if record is not None]
        # A reminder queued for the old time is not for the new one.
        booking.sms_messages.filter(
            sent_at__isnull=True, kind=BookingSms.Kind.REMINDER
        ).delete()
        texts = [sms_queue(booking, BookingSms.Kind(kind), claimed=True)]
        transaction.on_commit(lambda: send_queued(queued, texts))
        waitlist_slots_opened([old_slot_id])
    logger.info(
        "booking moved: booking=%s slot=%s by=%s",
        booking.pk,
        new_slot.pk,
        "patient" if by_patient else "staff",
    )
    return booking


def booking_move(*, booking_id: int, new_slot_id: int, now=None) -> Booking:
    """Staff move a booking to another open slot of the same clinic (any time,
    outside the online window too); the patient gets an e-mail."""
    return _move(
        booking_id=booking_id,
        new_slot_id=new_slot_id,
        now=now or timezone.now(),
        by_patient=False,
    )


def booking_change(*, booking_id: int, new_slot_id: int, now=None) -> Booking:
    """A patient changes the time from the link in their e-mail: until the same
    cut-off as cancelling, to a time bookable online; a new confirmation with an
    updated calendar file follows."""
    return _move(
        booking_id=booking_id,
        new_slot_id=new_slot_id,
        now=now or timezone.now(),
        by_patient=True,
    )


def booking_accesses_purge(*, older_than_days: int, now=None) -> int:
    """Delete records of staff opening bookings older than `older_than_days`."""
    now = now or timezone.now()
    deleted, _by_model = BookingAccess.objects.filter(
        at__lt=now - dt.timedelta(days=older_than_days)
    ).delete()
    return deleted


def bookings_purge(*, older_than_days: int, now=None) -> int:
    """Delete bookings whose appointment ended more than `older_than_days` ago.
    Access records stay (booking_accesses_purge has their own retention)."""
    now = now or timezone.now()
    old = Booking.objects.filter(
        slot__ends_at__lt=now - dt.timedelta(days=older_than_days)
    )
    count = old.count()
    old.delete()
    return count
