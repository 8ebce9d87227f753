"""The outbox: e-mails and SMS queued with their booking's change, sent after the
commit, retried by the scheduled run."""

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from booking.models import (
    Booking,
    BookingEmail,
    BookingSms,
    WaitlistMessage,
)
from booking.outside.emails import (
    send_booking_email,
    sms_body,
)
from booking.outside.sms import (
    SmsRejected,
    SmsRetry,
    SmsUncertain,
    new_message_key,
    sms_backend,
    sms_segments,
)
from booking.services.patients import is_mobile
from clinics.hours import OSLO, local_instant

logger = logging.getLogger(__name__)


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


_EMAIL_FIELDS = ["attempts", "last_error", "sent_at", "to"]


def _attempt_one(record: BookingEmail, sender) -> bool:
    """Try one queued e-mail, the outcome set on `record` but not saved (the caller
    saves it): sent, or the failure for a later run. The patient's address is
    erased once sent or given up (after BookingEmail.MAX_ATTEMPTS)."""
    record.attempts += 1
    if record.kind != BookingEmail.Kind.CLINIC_NOTICE and not record.to:
        record.attempts = max(record.attempts, BookingEmail.MAX_ATTEMPTS)
        record.last_error = "no address"
        return False
    try:
        sender(record)
    except Exception as error:  # any failure is recorded and retried later
        record.last_error = type(error).__name__[:300]
        if record.attempts >= BookingEmail.MAX_ATTEMPTS:
            record.to = ""  # given up: the address is not kept any longer
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
    return True


def _send_one(record: BookingEmail, sender) -> bool:
    """Send one queued e-mail and record the outcome."""
    sent = _attempt_one(record, sender)
    record.save(update_fields=_EMAIL_FIELDS)
    return sent


def emails_send(records=None) -> tuple[int, int]:
    """Send queued booking e-mails (the given ones, or every unsent one with
    attempts left). Returns (sent, failed)."""
    if records is None:
        records = BookingEmail.objects.filter(
            sent_at__isnull=True, attempts__lt=BookingEmail.MAX_ATTEMPTS
        ).select_related("booking__slot__clinic", "booking__slot__practitioner")
    return tally(_send_one(record, send_booking_email) for record in records)


def tally(results) -> tuple[int, int]:
    """(sent, not sent) of an outbox run's results."""
    results = list(results)
    return sum(results), len(results) - sum(results)


def reminders_queue(*, now=None) -> int:
    """Queue a reminder for every confirmed booking whose appointment is tomorrow
    (Oslo time) and has none yet."""
    now = now or timezone.now()
    tomorrow = timezone.localtime(now, OSLO).date() + dt.timedelta(days=1)
    start = local_instant(tomorrow, dt.time(0, 0))
    end = local_instant(tomorrow + dt.timedelta(days=1), dt.time(0, 0))
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


def send_queued(emails, texts) -> None:
    """After a commit: the e-mails, then the SMS (queued claimed by this request:
    sms_queue(claimed=True), so no other sender takes them meanwhile), and what
    happened to each recorded together, in one transaction (one write for a
    booking's messages, not one per message and one more per claim). A failure of
    one never stops the other, and neither ever undoes what was committed. Should
    the process die before the end, an unsent e-mail is sent by the scheduled run
    (again, if it had gone out) and a claimed SMS is marked uncertain (never sent
    twice): send_booking_emails."""
    texts = [text for text in texts if text is not None]
    for record in emails:
        _attempt_one(record, send_booking_email)
    for text in texts:
        _deliver_outcome(text, _deliver_booking_sms)
    with transaction.atomic():
        for record in emails:
            record.save(update_fields=_EMAIL_FIELDS)
        for text in texts:
            text.save()
    for text in texts:
        _log_unsent(text)


# --- SMS ---------------------------------------------------------------------------

SMS_MAX_ATTEMPTS = 5
# A claim older than this was left by a process that died while sending: whether
# the SMS went out is unknown, so it is marked uncertain, never sent again.
SMS_CLAIM_LIFETIME = dt.timedelta(minutes=10)


def sms_queue(booking: Booking, kind: str, *, claimed=False) -> BookingSms | None:
    """An SMS to the booking's mobile number, to be sent after the commit; None
    when the booking has no number or a landline. `claimed`: taken by the caller,
    who sends it after the commit (send_queued), as _claim would."""
    if not booking.phone or not is_mobile(booking.phone):
        return None
    claim = {"claimed_at": timezone.now(), "attempts": 1} if claimed else {}
    return BookingSms.objects.create(
        booking=booking, kind=kind, to=booking.phone, key=new_message_key(), **claim
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
        # Only what the claim changed: the booking, its slot and clinic already
        # loaded stay (a full refresh would load each again to send).
        record.refresh_from_db(fields=["claimed_at", "attempts"])
    return bool(claimed)


def send_claimed(record: "BookingSms | WaitlistMessage", now, deliver) -> bool:
    """Send one outbox message at most once: claimed first, then `deliver(record)`
    (which returns the provider's id or raises an SmsError), and the outcome
    recorded: sent, retry later, rejected for good, or uncertain (never again)."""
    if not _claim(record, now):
        return False
    _deliver_outcome(record, deliver)
    record.save()
    _log_unsent(record)
    return record.sent_at is not None


def _deliver_outcome(record: "BookingSms | WaitlistMessage", deliver) -> None:
    """`deliver(record)` for a claimed message, the outcome set on `record` (not
    saved): sent, retry later, rejected for good, or uncertain (never again)."""
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


def _log_unsent(record: "BookingSms | WaitlistMessage") -> None:
    if record.sent_at is None:
        logger.warning(
            "%s not sent: id=%s kind=%s attempt=%s error=%s",
            record.log_name,
            record.pk,
            record.kind,
            record.attempts,
            record.last_error,
        )


def _deliver_booking_sms(record: BookingSms) -> str:
    text = sms_body(record)
    record.segments = sms_segments(text)
    provider_id = sms_backend().send(to=record.to, text=text, key=record.key)
    record.to = ""  # sent: the number is not kept here any longer
    return provider_id


def _send_one_sms(record: BookingSms, now=None) -> bool:
    return send_claimed(record, now or timezone.now(), _deliver_booking_sms)


def sms_send(records=None, *, now=None) -> tuple[int, int]:
    """Send queued SMS (the given ones, or every one still to send); claims a dead
    process left behind are marked uncertain first. Returns (sent, not sent)."""
    now = now or timezone.now()
    if records is None:
        records = outbox_due(BookingSms, now).select_related("booking__slot__clinic")
    return tally(_send_one_sms(record, now) for record in records)


def outbox_due(model, now):
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
