"""Every write with rules in booking: slots, bookings, cancelling, moving, e-mail.

Views, admin actions and management commands all come through here.
"""

import bisect
import datetime as dt
import logging
from functools import partial

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import formats, timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext_lazy as _

from booking.calendars import CalendarError, busy_intervals, calendar_fetch
from booking.emails import (
    send_booking_email,
    send_waitlist_email,
    sms_body,
    waitlist_sms_body,
)
from booking.models import (
    Booking,
    BookingAccess,
    BookingEmail,
    BookingSms,
    BusyCalendar,
    BusyTime,
    CalendarFeed,
    CalendarFeedFetch,
    ClinicBookingPolicy,
    ScheduleException,
    Slot,
    WaitlistEntry,
    WaitlistMessage,
    WaitlistOffer,
    WaitlistOpening,
    WeeklySchedule,
    new_booking_reference,
    new_feed_token,
)
from booking.sms import (
    SmsRejected,
    SmsRetry,
    SmsUncertain,
    new_message_key,
    sms_backend,
    sms_segments,
)
from clinics.hours import OSLO
from nemus_site.page_cache import TIMES, public_pages_changed
from nemus_site.ratelimit import rate_limit_hit, rate_limit_key

logger = logging.getLogger(__name__)


class BookingError(Exception):
    """A booking that cannot be made or changed; `message` is for the patient, and
    `field` names what it is about (a form shows it there): "slot",
    "appointment_type", "phone", or None for the booking as a whole."""

    message = _("That time cannot be booked.")
    field: str | None = None

    def __init__(self, message=None, *, field=None):
        super().__init__(str(message or self.message))
        if message:
            self.message = message
        if field:
            self.field = field


class SlotTaken(BookingError):
    message = _("Someone else booked that time just before you.")
    field = "slot"


class SlotUnavailable(BookingError):
    message = _("That time can no longer be booked online.")
    field = "slot"


class TooManyBookings(BookingError):
    message = _(
        "This mobile number already has the most bookings we take online. "
        "Call the clinic to book more."
    )
    field = "phone"


class SlotChanged(BookingError):
    """The time is no longer as the page showed it: someone acted first."""

    message = _("Someone else changed this time just before you.")
    field = "slot"


class CancelTooLate(BookingError):
    message = _("It is too late to cancel online. Call the clinic.")


class ChangeTooLate(BookingError):
    message = _("It is too late to change the time online. Call the clinic.")


# --- Slots ---------------------------------------------------------------------------


def _local_instant(day: dt.date, wall: dt.time) -> dt.datetime | None:
    """The UTC instant of a wall-clock time in Oslo, or None when the clock skips it
    (the hour lost when summer time starts). In the hour that repeats when it ends,
    the first of the two is used, so a slot is never made twice."""
    naive = dt.datetime.combine(day, wall)
    aware = naive.replace(tzinfo=OSLO, fold=0)
    if aware.astimezone(dt.UTC).astimezone(OSLO).replace(tzinfo=None) != naive:
        return None
    return aware.astimezone(dt.UTC)


# The longest a slot can be (WeeklySchedule's check constraint): how far back an
# interval that overlaps a new one can start.
LONGEST_SLOT = dt.timedelta(minutes=240)


class _Timeline:
    """One practitioner's taken intervals, sorted: does a new one overlap any?"""

    def __init__(self, intervals=()):
        self.intervals = sorted(intervals)

    def overlaps(self, starts_at, ends_at) -> bool:
        index = bisect.bisect_left(self.intervals, (ends_at,))
        # Every interval starting before the new one ends, back to the longest slot.
        for other_start, other_end in reversed(self.intervals[:index]):
            if other_start <= starts_at - LONGEST_SLOT:
                return False
            if other_end > starts_at:
                return True
        return False

    def add(self, starts_at, ends_at) -> None:
        bisect.insort(self.intervals, (starts_at, ends_at))


def slots_generate(*, start: dt.date, days: int, practitioners=None) -> int:
    """Create the slots of the weekly schedules for `days` days from `start`.

    Idempotent: existing slots are kept (one per practitioner and start), so it can
    run every night. Days a practitioner is away get no new slots, and their open
    slots are withdrawn. A slot that would overlap another of the practitioner's
    (from an overlapping schedule, or slots already there) is not made: one
    practitioner is never in two places. Returns how many slots were created.
    """
    schedules = WeeklySchedule.objects.select_related("practitioner").filter(
        practitioner__is_active=True
    )
    if practitioners is not None:
        schedules = schedules.filter(practitioner__in=practitioners)
    end = start + dt.timedelta(days=days - 1)
    absences: dict[int, list[ScheduleException]] = {}
    for absence in ScheduleException.objects.filter(
        starts_on__lte=end, ends_on__gte=start
    ):
        absences.setdefault(absence.practitioner_id, []).append(absence)

    def away(practitioner_id, day):
        return any(a.covers(day) for a in absences.get(practitioner_id, []))

    # Read what exists and write in one transaction: an IMMEDIATE one on SQLite
    # (two runs at once queue), and PostgreSQL's exclusion constraint skips an
    # overlapping insert (ON CONFLICT DO NOTHING) that a concurrent run won.
    with transaction.atomic():
        # The practitioners' existing slots in the period (and a day either side).
        timelines: dict[int, _Timeline] = {}
        window = Slot.objects.filter(
            is_withdrawn=False,
            practitioner__in={schedule.practitioner_id for schedule in schedules},
            starts_at__lt=_local_instant(end + dt.timedelta(days=2), dt.time(0, 0)),
            ends_at__gt=_local_instant(start - dt.timedelta(days=1), dt.time(0, 0)),
        ).values_list("practitioner_id", "starts_at", "ends_at")
        for practitioner_id, starts_at, ends_at in window:
            timelines.setdefault(practitioner_id, _Timeline()).add(starts_at, ends_at)

        new = []
        for offset in range(days):
            day = start + dt.timedelta(days=offset)
            for schedule in schedules:
                if schedule.weekday != day.weekday() or away(
                    schedule.practitioner_id, day
                ):
                    continue
                length = dt.timedelta(minutes=schedule.slot_minutes)
                wall = dt.datetime.combine(day, schedule.starts)
                last = dt.datetime.combine(day, schedule.ends)
                while wall + length <= last:
                    starts_at = _local_instant(day, wall.time())
                    timeline = timelines.setdefault(
                        schedule.practitioner_id, _Timeline()
                    )
                    if starts_at is not None and not timeline.overlaps(
                        starts_at, starts_at + length
                    ):
                        timeline.add(starts_at, starts_at + length)
                        new.append(
                            Slot(
                                clinic_id=schedule.practitioner.clinic_id,
                                practitioner_id=schedule.practitioner_id,
                                starts_at=starts_at,
                                # A slot lasts its length in real time, even when the
                                # clocks change during it.
                                ends_at=starts_at + length,
                            )
                        )
                    wall += length
        before = Slot.objects.count()
        # The waiting lists hear of new times too: the ids before, to tell them.
        period = Slot.objects.filter(
            practitioner__in={schedule.practitioner_id for schedule in schedules},
            starts_at__gte=_local_instant(start, dt.time(0, 0)),
            starts_at__lt=_local_instant(end + dt.timedelta(days=1), dt.time(0, 0)),
        )
        waiting = WaitlistEntry.objects.filter(confirmed_at__isnull=False)
        period = period.filter(clinic__in=waiting.values("clinic_id"))
        existing = set(period.values_list("pk", flat=True))
        Slot.objects.bulk_create(new, batch_size=1000, ignore_conflicts=True)
        created = Slot.objects.count() - before
        if new and waiting.exists():
            waitlist_slots_opened(set(period.values_list("pk", flat=True)) - existing)
        for practitioner_id, entries in absences.items():
            for absence in entries:
                first = _local_instant(absence.starts_on, dt.time(0, 0))
                after = _local_instant(
                    absence.ends_on + dt.timedelta(days=1), dt.time(0, 0)
                )
                Slot.objects.open().filter(
                    practitioner_id=practitioner_id,
                    starts_at__gte=first,
                    starts_at__lt=after,
                ).update(is_withdrawn=True, withdrawn_by=Slot.WithdrawnBy.ABSENCE)
        # Bulk writes send no signals: say so to the public page cache ourselves.
        public_pages_changed((TIMES,))
        transaction.on_commit(lambda: public_pages_changed((TIMES,)))
    return created


def slot_set_withdrawn(*, slot_id: int, withdrawn: bool, strict=False) -> Slot:
    """Withdraw a time from booking, or offer it again (staff); a time offered
    again goes to the waiting list like a cancelled one. `strict` (the appointment
    book): SlotChanged when the time is not as the page showed it, already so or
    booked meanwhile."""
    with transaction.atomic():
        slot = Slot.objects.select_for_update(of=("self",)).get(pk=slot_id)
        if strict and (
            slot.is_withdrawn == withdrawn
            or slot.bookings.filter(status__in=Booking.ACTIVE_STATUSES).exists()
        ):
            raise SlotChanged()
        if slot.is_withdrawn == withdrawn:
            return slot
        slot.is_withdrawn = withdrawn
        slot.withdrawn_by = Slot.WithdrawnBy.STAFF if withdrawn else ""
        slot.full_clean()
        slot.save(update_fields=["is_withdrawn", "withdrawn_by"])
        if not withdrawn:
            waitlist_slots_opened([slot.pk])
    return slot


# --- Patient details ----------------------------------------------------------


def normalise_mobile(raw: str) -> str:
    """A Norwegian mobile number in E.164 (+4791234567), or ValidationError."""
    try:
        number = phonenumbers.parse(raw, "NO")
    except phonenumbers.NumberParseException as error:
        raise ValidationError(
            _("Enter a mobile number, for example 912 34 567.")
        ) from error
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(_("Enter a mobile number, for example 912 34 567."))
    kind = phonenumbers.number_type(number)
    if kind not in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    ):
        raise ValidationError(
            _("Enter a mobile number, so the clinic can reach you if the time changes.")
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_phone(raw: str) -> str:
    """Any phone number (a landline too) in E.164, or "" when none is given: for
    bookings staff take by phone, where the clinic calls back."""
    if not raw.strip():
        return ""
    try:
        number = phonenumbers.parse(raw, "NO")
    except phonenumbers.NumberParseException as error:
        raise ValidationError(
            _("Enter a phone number, for example 22 33 44 55, or leave it empty.")
        ) from error
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _("Enter a phone number, for example 22 33 44 55, or leave it empty.")
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def is_mobile(number: str) -> bool:
    """Whether an E.164 number can take an SMS (a mobile, or one that may be)."""
    try:
        kind = phonenumbers.number_type(phonenumbers.parse(number, "NO"))
    except phonenumbers.NumberParseException:
        return False
    return kind in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    )


# --- Bookings -----------------------------------------------------------------


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
            _("That kind of appointment does not fit in that time."),
            field="appointment_type",
        )
    if slot.starts_at <= now:
        raise SlotUnavailable(_("That time has passed."))
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
        if not Booking.objects.filter(reference=reference).exists():
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
    now: dt.datetime | None = None,
) -> Booking:
    """Book a slot for a patient: the slot row is locked and re-checked inside the
    transaction, and the one-active-booking constraint is the backstop. Raises a
    BookingError (SlotTaken when someone was faster) and changes nothing then.
    E-mail goes out after the commit; its failure never undoes the booking."""
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
        if slot.bookings.filter(status__in=Booking.ACTIVE_STATUSES).exists():
            raise SlotTaken()
        # Online a mobile number is required; by phone a landline or none will do
        # (the clinic calls back).
        phone = normalise_mobile(phone) if online else normalise_phone(phone)
        if online:
            # The cap is on what is booked online with the number: a course of
            # treatments the clinic booked by phone does not use it up.
            _lock_phone(phone)
            future = Booking.objects.filter(
                phone=phone,
                channel=Booking.Channel.WEB,
                status=Booking.Status.CONFIRMED,
                slot__starts_at__gt=now,
            ).count()
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
            language=translation.get_language() or settings.LANGUAGE_CODE,
        )
        booking.full_clean(validate_constraints=False)
        try:
            with transaction.atomic():
                booking.save()
        except IntegrityError as error:
            raise SlotTaken() from error
        # Someone from the waiting list who booked the time offered: done there.
        WaitlistEntry.objects.filter(
            clinic_id=slot.clinic_id, offers__slot=slot
        ).filter(
            (Q(phone=phone) & ~Q(phone=""))
            | (Q(email__iexact=email.strip()) & ~Q(email=""))
        ).delete()
        kinds = [BookingEmail.Kind.CONFIRMATION]
        if ClinicBookingPolicy.for_clinic(slot.clinic).notify_email:
            kinds.append(BookingEmail.Kind.CLINIC_NOTICE)
        queued = [email_queue(booking, kind) for kind in kinds]
        queued = [record for record in queued if record is not None]
        texts = [sms_queue(booking, BookingSms.Kind.CONFIRMATION)]
        transaction.on_commit(lambda: _send_queued(queued, texts))
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
    cutoff; staff at any time (the patient then gets an e-mail)."""
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
        record = None
        if by_staff and booking.email:
            # The outbox row keeps the address the erasure below takes from the
            # booking; the message goes after the commit (never holding it).
            record = email_queue(booking, BookingEmail.Kind.CANCELLED)
        elif not by_staff and policy.notify_email:
            record = email_queue(booking, BookingEmail.Kind.CLINIC_NOTICE)
        if record is not None:
            transaction.on_commit(partial(emails_send, [record]))
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
            kind__in=[BookingEmail.Kind.CLINIC_NOTICE, BookingEmail.Kind.CANCELLED]
        ).delete()
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
        texts = [sms_queue(booking, BookingSms.Kind(kind))]
        transaction.on_commit(lambda: _send_queued(queued, texts))
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


def booking_mark(*, booking_id: int, status: str, now=None) -> Booking:
    """Reception marks a confirmed booking attended (from its day on) or not
    attended (once its time has begun); SlotChanged when it is no longer
    confirmed (someone marked, moved or cancelled it first)."""
    now = now or timezone.now()
    if status not in (Booking.Status.ATTENDED, Booking.Status.NO_SHOW):
        raise ValueError(status)
    with transaction.atomic():
        booking = Booking.objects.select_for_update(of=("self",)).get(pk=booking_id)
        if booking.status != Booking.Status.CONFIRMED:
            raise SlotChanged()
        starts_at = booking.starts_at or booking.slot.starts_at
        if status == Booking.Status.NO_SHOW and starts_at > now:
            raise BookingError(
                _("A patient can be marked absent once the time has begun.")
            )
        day = timezone.localtime(starts_at, OSLO).date()
        if (
            status == Booking.Status.ATTENDED
            and timezone.localtime(now, OSLO).date() < day
        ):
            raise BookingError(_("A patient can be marked attended on the day."))
        booking.status = status
        booking.save(update_fields=["status"])
    logger.info("booking marked: booking=%s status=%s", booking.pk, status)
    return booking


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


# --- E-mail --------------------------------------------------------------------------


def email_queue(booking: Booking, kind: str) -> BookingEmail | None:
    """An e-mail about `booking`, sent after the commit (the caller's on_commit,
    or send_booking_emails). A patient's message keeps the address until it is
    sent or given up (None for a patient without one, booked by phone); the
    clinic's notice goes to the clinic's address then."""
    if kind == BookingEmail.Kind.CLINIC_NOTICE:
        return BookingEmail.objects.create(booking=booking, kind=kind)
    if not booking.email:
        return None
    return BookingEmail.objects.create(booking=booking, kind=kind, to=booking.email)


def _send_one(record: BookingEmail, sender) -> bool:
    """Send one queued e-mail: sent, or the failure recorded for a later run. The
    patient's address is erased from the row once sent or given up (after
    BookingEmail.MAX_ATTEMPTS)."""
    record.attempts += 1
    fields = ["attempts", "last_error", "sent_at", "to"]
    if record.kind != BookingEmail.Kind.CLINIC_NOTICE and not record.to:
        record.attempts = max(record.attempts, BookingEmail.MAX_ATTEMPTS)
        record.last_error = "no address"
        record.save(update_fields=fields)
        return False
    try:
        sender(record)
    except Exception as error:  # any failure is recorded and retried later
        record.last_error = type(error).__name__[:300]
        if record.attempts >= BookingEmail.MAX_ATTEMPTS:
            record.to = ""  # given up: the address is not kept any longer
        record.save(update_fields=fields)
        logger.warning(
            "booking e-mail failed: email=%s kind=%s attempt=%s error=%s",
            record.pk,
            record.kind,
            record.attempts,
            type(error).__name__,
        )
        return False
    record.sent_at = timezone.now()
    record.last_error = ""
    record.to = ""
    record.save(update_fields=fields)
    return True


def emails_send(records=None) -> tuple[int, int]:
    """Send queued booking e-mails (the given ones, or every unsent one with
    attempts left). Returns (sent, failed)."""
    if records is None:
        records = BookingEmail.objects.filter(
            sent_at__isnull=True, attempts__lt=BookingEmail.MAX_ATTEMPTS
        ).select_related("booking__slot__clinic", "booking__slot__practitioner")
    return _tally(_send_one(record, send_booking_email) for record in records)


def _tally(results) -> tuple[int, int]:
    """(sent, not sent) of an outbox run's results."""
    results = list(results)
    return sum(results), len(results) - sum(results)


def reminders_queue(*, now=None) -> int:
    """Queue a reminder for every confirmed booking whose appointment is tomorrow
    (Oslo time) and has none yet."""
    now = now or timezone.now()
    tomorrow = timezone.localtime(now, OSLO).date() + dt.timedelta(days=1)
    start = _local_instant(tomorrow, dt.time(0, 0))
    end = _local_instant(tomorrow + dt.timedelta(days=1), dt.time(0, 0))
    due = Booking.objects.filter(
        status=Booking.Status.CONFIRMED,
        reminder_sent_at__isnull=True,
        slot__starts_at__gte=start,
        slot__starts_at__lt=end,
    ).exclude(email="")
    count = 0
    for booking in due:
        with transaction.atomic():
            email_queue(booking, BookingEmail.Kind.REMINDER)
            booking.reminder_sent_at = now
            booking.save(update_fields=["reminder_sent_at"])
        count += 1
    return count


def _send_queued(emails, texts) -> None:
    """After a commit: the e-mails, then the SMS. A failure of one never stops the
    other, and neither ever undoes what was committed."""
    emails_send(emails)
    sms_send([text for text in texts if text is not None])


# --- SMS ---------------------------------------------------------------------------

SMS_MAX_ATTEMPTS = 5
# A claim older than this was left by a process that died while sending: whether
# the SMS went out is unknown, so it is marked uncertain, never sent again.
SMS_CLAIM_LIFETIME = dt.timedelta(minutes=10)


def sms_queue(booking: Booking, kind: str) -> BookingSms | None:
    """An SMS to the booking's mobile number, to be sent after the commit; None
    when the booking has no number or a landline."""
    if not booking.phone or not is_mobile(booking.phone):
        return None
    return BookingSms.objects.create(
        booking=booking, kind=kind, to=booking.phone, key=new_message_key()
    )


def _claim(record: "BookingSms | WaitlistMessage", now) -> bool:
    """Take the message for this process: one compare-and-set, so two senders (the
    request's after-commit and the scheduled command) never both send it."""
    claimed = (
        type(record)
        .objects.filter(
            pk=record.pk,
            sent_at__isnull=True,
            claimed_at__isnull=True,
            uncertain=False,
            given_up=False,
        )
        .update(claimed_at=now, attempts=F("attempts") + 1)
    )
    if claimed:
        record.refresh_from_db()
    return bool(claimed)


def _send_claimed(record: "BookingSms | WaitlistMessage", now, deliver) -> bool:
    """Send one outbox message at most once: claimed first, then `deliver(record)`
    (which returns the provider's id or raises an SmsError), and the outcome
    recorded: sent, retry later, rejected for good, or uncertain (never again)."""
    if not _claim(record, now):
        return False
    record.claimed_at = None
    try:
        record.provider_id = deliver(record)[:64]
    except SmsRetry as error:
        record.last_error = error.reason
        record.given_up = record.attempts >= SMS_MAX_ATTEMPTS
    except SmsRejected as error:
        record.last_error = error.reason
        record.given_up = True
    except (SmsUncertain, Exception) as error:
        # It may have gone out: never again automatically (nothing sent twice).
        record.last_error = getattr(error, "reason", type(error).__name__)[:300]
        record.uncertain = True
    else:
        record.sent_at = timezone.now()
        record.last_error = ""
    record.save()
    if record.sent_at is None:
        logger.warning(
            "%s not sent: id=%s kind=%s attempt=%s error=%s",
            record.log_name,
            record.pk,
            record.kind,
            record.attempts,
            record.last_error,
        )
    return record.sent_at is not None


def _deliver_booking_sms(record: BookingSms) -> str:
    text = sms_body(record)
    record.segments = sms_segments(text)
    provider_id = sms_backend().send(to=record.to, text=text, key=record.key)
    record.to = ""  # sent: the number is not kept here any longer
    return provider_id


def _send_one_sms(record: BookingSms, now=None) -> bool:
    return _send_claimed(record, now or timezone.now(), _deliver_booking_sms)


def sms_send(records=None, *, now=None) -> tuple[int, int]:
    """Send queued SMS (the given ones, or every one still to send); claims a dead
    process left behind are marked uncertain first. Returns (sent, not sent)."""
    now = now or timezone.now()
    if records is None:
        records = _outbox_due(BookingSms, now).select_related("booking__slot__clinic")
    return _tally(_send_one_sms(record, now) for record in records)


def _outbox_due(model, now):
    """The messages of an SMS-style outbox still to send. A claim older than
    SMS_CLAIM_LIFETIME was left by a process that died while sending: whether it
    went out is unknown, so it is marked uncertain first, never sent again."""
    model.objects.filter(
        sent_at__isnull=True, claimed_at__lt=now - SMS_CLAIM_LIFETIME
    ).update(uncertain=True, claimed_at=None, last_error="claim expired")
    return model.objects.filter(
        sent_at__isnull=True,
        claimed_at__isnull=True,
        uncertain=False,
        given_up=False,
    )


def sms_reminders_queue(*, now=None) -> int:
    """Queue an SMS reminder for each confirmed booking starting within the next
    SMS_REMINDER_HOURS that has none yet; not for one booked inside that time (its
    confirmation was the reminder)."""
    now = now or timezone.now()
    ahead = dt.timedelta(hours=settings.SMS_REMINDER_HOURS)
    due = (
        Booking.objects.filter(
            status=Booking.Status.CONFIRMED,
            starts_at__gt=now,
            starts_at__lte=now + ahead,
            created_at__lt=F("starts_at") - ahead,
        )
        .exclude(phone="")
        .exclude(sms_messages__kind=BookingSms.Kind.REMINDER)
    )
    return sum(1 for booking in due if sms_queue(booking, BookingSms.Kind.REMINDER))


# --- Waiting list ------------------------------------------------------------------


# Wrong SMS codes an entry may be tried with before it must sign up again.
WAITLIST_CODE_ATTEMPTS = 5


class WaitlistError(BookingError):
    message = _("The waiting list could not take that. Call the clinic.")


def normalise_norwegian_mobile(raw: str) -> str:
    """A mobile number SMS can reach: Norwegian (+47), in E.164."""
    number = normalise_mobile(raw)
    if not number.startswith("+47"):
        raise ValidationError(
            _(
                "SMS goes only to Norwegian mobile numbers. Choose e-mail instead, "
                "or give a Norwegian number."
            )
        )
    return number


def mailbox(address: str) -> str:
    """The mailbox an address reaches, for counting sign-ups: "victim"@x,
    Victim+1@X and victim@x are one (quotes, a +tag and case folded). Mail still
    goes to the address as typed."""
    local, _at, domain = address.strip().rpartition("@")
    local = local.strip('"').split("+", 1)[0].lower()
    return f"{local}@{domain.lower()}"


def waitlist_code(entry: WaitlistEntry) -> str:
    """The entry's SMS code: six digits derived with the secret key from the entry
    and when its code was sent, so it is never stored and a retried SMS carries
    the same one."""
    assert entry.code_sent_at is not None
    stamp = entry.code_sent_at.isoformat()
    digest = salted_hmac("booking.waitlist.code", f"{entry.pk}:{stamp}").hexdigest()
    return f"{int(digest, 16) % 1_000_000:06d}"


def _queue_waitlist_message(entry, kind, offer=None) -> WaitlistMessage:
    return WaitlistMessage.objects.create(
        entry=entry, kind=kind, offer=offer, key=new_message_key()
    )


def waitlist_join(
    *,
    clinic,
    latest_date: dt.date,
    channel: str,
    phone: str = "",
    email: str = "",
    practitioner=None,
    profession: str = "",
    now=None,
) -> WaitlistEntry:
    """Put a patient on a clinic's waiting list, unconfirmed: an SMS code or an
    e-mail link goes to the contact given, and the entry counts once it is
    confirmed. Sign-ups per number or address are limited a day (a WaitlistError
    then, and nothing is sent)."""
    now = now or timezone.now()
    if channel == WaitlistEntry.Channel.SMS:
        phone, email = normalise_norwegian_mobile(phone), ""
    else:
        phone, email = "", email.strip()
    if practitioner is not None and (
        practitioner.clinic_id != clinic.pk or not practitioner.is_active
    ):
        raise WaitlistError(_("Choose a practitioner at this clinic."))
    today = timezone.localtime(now, OSLO).date()
    _first, last = ClinicBookingPolicy.for_clinic(clinic).window_days(now)
    if not today <= latest_date <= last:
        raise WaitlistError(
            _("Choose a last day between today and %(last)s.")
            % {"last": formats.date_format(last, "SHORT_DAY_MONTH_FORMAT")}
        )
    if rate_limit_hit(
        key=rate_limit_key("waitlist-contact", phone or mailbox(email)),
        limit=settings.WAITLIST_SIGNUPS_PER_CONTACT,
        window=dt.timedelta(days=1),
        now=now,
    ):
        raise WaitlistError(
            _(
                "This number or address has signed up too often today. Try again "
                "tomorrow, or call the clinic."
            )
        )
    with transaction.atomic():
        entry = WaitlistEntry.objects.create(
            clinic=clinic,
            practitioner=practitioner,
            profession=profession,
            latest_date=latest_date,
            channel=channel,
            phone=phone,
            email=email,
            language=translation.get_language() or settings.LANGUAGE_CODE,
        )
        if channel == WaitlistEntry.Channel.SMS:
            entry.code_sent_at = now
            entry.save(update_fields=["code_sent_at"])
            message = _queue_waitlist_message(entry, WaitlistMessage.Kind.CODE)
        else:
            message = _queue_waitlist_message(entry, WaitlistMessage.Kind.CONFIRM_LINK)
        transaction.on_commit(lambda: waitlist_messages_send([message]))
    logger.info("waitlist joined: entry=%s clinic=%s", entry.pk, clinic.pk)
    return entry


def waitlist_confirm(*, entry_id: int, code: str | None = None, now=None):
    """Confirm an entry: by the SMS code (`code`), or, for an e-mail entry, by the
    link the e-mail carried (no code). A wrong code counts; after five, or once
    the code has expired, the patient signs up again. Returns the entry."""
    now = now or timezone.now()
    refusal = None
    with transaction.atomic():
        entry = WaitlistEntry.objects.select_for_update().filter(pk=entry_id).first()
        if entry is None:
            raise WaitlistError(_("You are no longer on this waiting list."))
        if entry.confirmed_at is not None:
            return entry
        if entry.channel == WaitlistEntry.Channel.SMS:
            expired = entry.code_sent_at is None or now - entry.code_sent_at > (
                dt.timedelta(minutes=settings.WAITLIST_CODE_MINUTES)
            )
            if expired or entry.code_attempts >= WAITLIST_CODE_ATTEMPTS:
                raise WaitlistError(
                    _("The code no longer works. Sign up again for a new one.")
                )
            given = "".join((code or "").split())
            if not constant_time_compare(given, waitlist_code(entry)):
                entry.code_attempts += 1
                entry.save(update_fields=["code_attempts"])
                refusal = _(
                    "That is not the code we sent. Check the SMS and try again."
                )
        if refusal is None:
            entry.confirmed_at = now
            entry.save(update_fields=["confirmed_at"])
    if refusal is not None:
        raise WaitlistError(refusal, field="code")
    logger.info("waitlist confirmed: entry=%s", entry.pk)
    return entry


def waitlist_remove(*, entry_id: int) -> bool:
    """Take an entry off the waiting list (from any message's link, or by staff):
    it is deleted with its offers and messages. False when it was gone already."""
    deleted, _by_model = WaitlistEntry.objects.filter(pk=entry_id).delete()
    if deleted:
        logger.info("waitlist removed: entry=%s", entry_id)
    return bool(deleted)


def waitlist_slots_opened(slot_ids) -> int:
    """Note times that became bookable online (a cancellation, a move away, a
    reopened or new time) at clinics whose waiting list has anyone for them; the
    offers follow after the commit, or after the quiet hours. Call it inside the
    transaction that opened them."""
    slot_ids = list(slot_ids)
    if not slot_ids:
        return 0
    waiting = WaitlistEntry.objects.filter(confirmed_at__isnull=False).values(
        "clinic_id"
    )
    slots = Slot.objects.filter(pk__in=slot_ids, clinic_id__in=waiting)
    openings = WaitlistOpening.objects.bulk_create(
        WaitlistOpening(slot_id=pk) for pk in slots.values_list("pk", flat=True)
    )
    if openings:
        transaction.on_commit(waitlist_offers_make)
    return len(openings)


def waitlist_quiet(now) -> bool:
    """Whether `now` is in the hours no offer is sent (Oslo time)."""
    hour = timezone.localtime(now, OSLO).hour
    start, end = settings.WAITLIST_QUIET_FROM, settings.WAITLIST_QUIET_UNTIL
    return (hour >= start or hour < end) if start > end else start <= hour < end


def _offer_slot(slot: Slot, *, now, offered: set) -> list[WaitlistMessage]:
    """Offer one opened time to the first matching entries (in the order they
    were confirmed) not offered it before and not offered another in this run."""
    policy = ClinicBookingPolicy.for_clinic(slot.clinic)
    if not Slot.objects.filter(pk=slot.pk).bookable_online(policy=policy, now=now):
        return []  # taken again, inside the minimum notice, withdrawn or past
    day = timezone.localtime(slot.starts_at, OSLO).date()
    entries = (
        WaitlistEntry.objects.filter(
            clinic_id=slot.clinic_id,
            confirmed_at__isnull=False,
            latest_date__gte=day,
        )
        .filter(Q(practitioner__isnull=True) | Q(practitioner_id=slot.practitioner_id))
        .filter(Q(profession="") | Q(profession=slot.practitioner.profession))
        .exclude(offers__slot=slot)
        .exclude(pk__in=offered)
        .order_by("confirmed_at", "pk")[: settings.WAITLIST_OFFERS_PER_TIME]
    )
    messages = []
    for entry in entries:
        offer = WaitlistOffer.objects.create(entry=entry, slot=slot)
        messages.append(
            _queue_waitlist_message(entry, WaitlistMessage.Kind.OFFER, offer)
        )
        offered.add(entry.pk)
    return messages


def waitlist_offers_make(*, now=None) -> int:
    """Offer each opened time not yet handled to the waiting list, unless it is
    the quiet hours (then they wait for the next run after them). Each opening is
    handled once, even with two runs at once. Returns how many offers were made."""
    now = now or timezone.now()
    if waitlist_quiet(now):
        return 0
    offered: set[int] = set()
    made = 0
    pending = WaitlistOpening.objects.filter(handled_at__isnull=True).order_by(
        "opened_at", "pk"
    )
    for opening in pending.select_related(
        "slot__clinic__booking_policy", "slot__practitioner"
    ):
        with transaction.atomic():
            claimed = WaitlistOpening.objects.filter(
                pk=opening.pk, handled_at__isnull=True
            ).update(handled_at=now)
            if not claimed:
                continue
            messages = _offer_slot(opening.slot, now=now, offered=offered)
            if messages:
                transaction.on_commit(partial(waitlist_messages_send, messages))
        made += len(messages)
    if made:
        logger.info("waitlist offers made: %s", made)
    return made


def _deliver_waitlist_message(record: WaitlistMessage) -> str:
    entry = record.entry
    if entry.channel == WaitlistEntry.Channel.SMS:
        code = waitlist_code(entry) if record.kind == WaitlistMessage.Kind.CODE else ""
        text = waitlist_sms_body(record, code=code)
        record.segments = sms_segments(text)
        return sms_backend().send(to=entry.phone, text=text, key=record.key)
    try:
        send_waitlist_email(record)
    except Exception as error:  # nothing was accepted: try again later
        raise SmsRetry(type(error).__name__) from error
    return ""


def waitlist_messages_send(records=None, *, now=None) -> tuple[int, int]:
    """Send waiting-list messages (the given ones, or every one still to send),
    each at most once. An offer whose time has gone meanwhile is not sent, nor a
    code that has expired; offers are not sent in the quiet hours (a retry waits
    for the morning). Returns (sent, not sent)."""
    now = now or timezone.now()
    if records is None:
        records = _outbox_due(WaitlistMessage, now).select_related(
            "entry__clinic", "offer__slot__practitioner"
        )
    quiet = waitlist_quiet(now)
    return _tally(
        _send_claimed(record, now, _deliver_waitlist_message)
        for record in records
        # An offer waits out the quiet hours, a retry too; a code never waits.
        if not (quiet and record.kind == WaitlistMessage.Kind.OFFER)
        and not _waitlist_message_stale(record, now)
    )


def _waitlist_message_stale(record: WaitlistMessage, now) -> bool:
    """An offer of a time no longer bookable online, or a code past its minutes:
    not worth sending; given up so it is not looked at again."""
    stale = False
    if record.kind == WaitlistMessage.Kind.OFFER and record.offer is not None:
        slot = record.offer.slot
        policy = ClinicBookingPolicy.for_clinic(record.entry.clinic)
        stale = not Slot.objects.filter(pk=slot.pk).bookable_online(
            policy=policy, now=now
        )
    elif record.kind == WaitlistMessage.Kind.CODE:
        sent = record.entry.code_sent_at
        stale = sent is None or now - sent > dt.timedelta(
            minutes=settings.WAITLIST_CODE_MINUTES
        )
    if stale:
        WaitlistMessage.objects.filter(pk=record.pk).update(
            given_up=True, last_error="stale"
        )
    return stale


def waitlist_purge(*, now=None) -> int:
    """Delete entries past their last day, entries never confirmed in
    WAITLIST_UNCONFIRMED_HOURS, and openings handled a day ago."""
    now = now or timezone.now()
    today = timezone.localtime(now, OSLO).date()
    unconfirmed = now - dt.timedelta(hours=settings.WAITLIST_UNCONFIRMED_HOURS)
    _deleted, by_model = WaitlistEntry.objects.filter(
        Q(latest_date__lt=today)
        | Q(confirmed_at__isnull=True, created_at__lt=unconfirmed)
    ).delete()
    WaitlistOpening.objects.filter(handled_at__lt=now - dt.timedelta(days=1)).delete()
    return by_model.get("booking.WaitlistEntry", 0)


# --- Practitioners' calendars ------------------------------------------------------


def _overlapping(intervals, starts_at, ends_at) -> bool:
    """Whether [starts_at, ends_at) overlaps any of the merged, sorted intervals:
    disjoint, so only the last one starting before it ends can."""
    index = bisect.bisect_left(intervals, (ends_at,))
    return index > 0 and intervals[index - 1][1] > starts_at


def _withdraw_if_open(slot_ids, *, by: str) -> list[int]:
    """Withdraw the slots among `slot_ids` that are still open, each re-checked
    under its row lock: a booking made since they were read (booking_create locks
    the slot first) keeps its time. Returns the ids withdrawn."""
    if not slot_ids:
        return []
    locked = list(
        Slot.objects.select_for_update(of=("self",))
        .filter(pk__in=slot_ids, is_withdrawn=False)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    still_open = list(
        Slot.objects.filter(pk__in=locked).open().values_list("pk", flat=True)
    )
    Slot.objects.filter(pk__in=still_open).update(is_withdrawn=True, withdrawn_by=by)
    return still_open


def _calendar_failed(calendar_id: int, reason: str) -> None:
    """Record why a calendar was not read; its last good reading stands."""
    BusyCalendar.objects.filter(pk=calendar_id).update(
        last_error=reason[:200], failures=F("failures") + 1
    )
    logger.warning("calendar not read: calendar=%s error=%s", calendar_id, reason)


def busy_calendar_sync(*, calendar_id: int, now=None) -> tuple[int, int]:
    """Read a practitioner's calendar and bring the open times in line with it:
    open slots overlapping a busy time are withdrawn (by the calendar), and slots
    the calendar withdrew whose busy time is gone open again (and go to the
    waiting list). Bookings are never touched: one that now overlaps a busy time
    is a conflict for staff to see. A fetch or a calendar that fails changes
    nothing but the record of the failure. Returns (withdrawn, reopened)."""
    now = now or timezone.now()
    calendar = BusyCalendar.objects.select_related(
        "practitioner__clinic__booking_policy"
    ).get(pk=calendar_id)
    # The booking window only: times further ahead cannot be booked online, and
    # the next readings will come to them.
    _earliest, end = ClinicBookingPolicy.for_clinic(
        calendar.practitioner.clinic
    ).window(now)
    BusyCalendar.objects.filter(pk=calendar.pk).update(last_attempt_at=now)
    try:
        fetched = calendar_fetch(
            calendar.url, etag=calendar.etag, last_modified=calendar.last_modified
        )
        intervals = (
            None
            if fetched.body is None
            else busy_intervals(fetched.body, start=now, end=end)
        )
    except CalendarError as error:
        _calendar_failed(calendar.pk, error.reason)
        return 0, 0
    with transaction.atomic():
        if intervals is None:  # not modified: the last good reading stands
            intervals = list(
                calendar.busy_times.filter(ends_at__gt=now).values_list(
                    "starts_at", "ends_at"
                )
            )
        else:
            calendar.busy_times.all().delete()
            BusyTime.objects.bulk_create(
                BusyTime(calendar=calendar, starts_at=first, ends_at=last)
                for first, last in intervals
            )
        intervals = sorted(intervals)
        slots = Slot.objects.filter(
            practitioner_id=calendar.practitioner_id,
            starts_at__lt=end,
            ends_at__gt=now,
        )
        withdraw = [
            slot.pk
            for slot in slots.open().filter(is_withdrawn=False)
            if _overlapping(intervals, slot.starts_at, slot.ends_at)
        ]
        reopen = [
            slot.pk
            for slot in slots.filter(
                is_withdrawn=True, withdrawn_by=Slot.WithdrawnBy.CALENDAR
            )
            if not _overlapping(intervals, slot.starts_at, slot.ends_at)
        ]
        withdraw = _withdraw_if_open(withdraw, by=Slot.WithdrawnBy.CALENDAR)
        Slot.objects.filter(pk__in=reopen).update(is_withdrawn=False, withdrawn_by="")
        waitlist_slots_opened(reopen)
        BusyCalendar.objects.filter(pk=calendar.pk).update(
            etag=fetched.etag,
            last_modified=fetched.last_modified,
            last_success_at=now,
            last_error="",
            failures=0,
        )
        if withdraw or reopen:
            transaction.on_commit(lambda: public_pages_changed((TIMES,)))
    logger.info(
        "calendar read: calendar=%s withdrawn=%s reopened=%s",
        calendar.pk,
        len(withdraw),
        len(reopen),
    )
    return len(withdraw), len(reopen)


def busy_calendars_sync(*, now=None) -> dict[str, int]:
    """Every practitioner's calendar, one after another (the scheduled command)."""
    totals = {"calendars": 0, "failed": 0, "withdrawn": 0, "reopened": 0}
    for calendar_id in BusyCalendar.objects.filter(
        practitioner__is_active=True
    ).values_list("pk", flat=True):
        before = BusyCalendar.objects.get(pk=calendar_id).failures
        try:
            withdrawn, reopened = busy_calendar_sync(calendar_id=calendar_id, now=now)
        except Exception as error:  # one calendar's fault never stops the others
            _calendar_failed(calendar_id, f"failed ({type(error).__name__})")
            withdrawn = reopened = 0
        totals["calendars"] += 1
        totals["withdrawn"] += withdrawn
        totals["reopened"] += reopened
        if BusyCalendar.objects.get(pk=calendar_id).failures > before:
            totals["failed"] += 1
    return totals


def calendar_feed_fetches_purge(*, older_than_days: int, now=None) -> int:
    """Delete the counts of feed fetches older than `older_than_days`
    (CALENDAR_FEED_FETCH_RETENTION_DAYS)."""
    now = now or timezone.now()
    deleted, _by_model = CalendarFeedFetch.objects.filter(
        at__lt=now - dt.timedelta(days=older_than_days)
    ).delete()
    return deleted


def calendar_feed_rotate(*, feed_id: int, now=None) -> CalendarFeed:
    """A new address for a feed: the old one stops working at once."""
    feed = CalendarFeed.objects.get(pk=feed_id)
    feed.token = new_feed_token()
    feed.rotated_at = now or timezone.now()
    feed.save(update_fields=["token", "rotated_at"])
    logger.info("calendar feed rotated: feed=%s", feed.pk)
    return feed
